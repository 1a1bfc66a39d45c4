package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// The control path: the Go test knobs over HTTP on the same listener, for tests written
// in any language. It is a mock: no token is needed. JSON in and out; its requests are
// never counted and never faulted, so a fault on every path cannot lock a test out.

const controlPrefix = "/_mock"

func isControlPath(p string) bool {
	return p == controlPrefix || strings.HasPrefix(p, controlPrefix+"/")
}

// controlRoute is one route of the control path, with what it does for the index.
type controlRoute struct {
	method, path, what string
	h                  handler
}

// controlTable is the one list of control routes: the router and the index are made
// from it.
func (s *Server) controlTable() []controlRoute {
	return []controlRoute{
		{"GET", "/_mock/", "this index", s.controlIndex},
		{"GET", "/_mock/faults", "the armed faults and task faults, each with the answers it has left (-1: until cleared), and \"fired\": faults that reached a request by kind (\"503\", \"drop\", \"lose_answer\", \"truncate_body\", \"kill_upload_after\", \"latency\" …)", s.listFaults},
		{"POST", "/_mock/faults", `arm a fault: {"method", "path" (a Go regexp), "status", "times", "retry_after", "latency_ms", "drop", "lose_answer", "truncate_body", "kill_upload_after", "share" (0–1: the probability that a matching request gets it), "seed" (of that draw)}`, s.postFault},
		{"DELETE", "/_mock/faults", "disarm every fault, task faults included", s.deleteFaults},
		{"POST", "/_mock/task-faults", `make the next tasks fail: {"type" ("import", "export" or "" for any), "message", "times"}`, s.postTaskFault},
		{"POST", "/_mock/images/{image_id}/kill", `force an image to killed: {"reason"}; ?region=ORD for another region than the first`, s.postKillImage},
		{"POST", "/_mock/tokens/expire", "invalidate every token issued so far (the next call gets 401)", s.postExpireTokens},
		{"PUT", "/_mock/tokens/ttl", `lifetime of the tokens issued from now on: {"ttl": "30s"}`, s.putTokenTTL},
		{"GET", "/_mock/counters", `requests per route: {"GET /image/v2/images/{image_id}": 3, …}`, s.getCounters},
		{"DELETE", "/_mock/counters", "set every counter back to zero, the faults fired included", s.deleteCounters},
		{"GET", "/_mock/regions", `the regions, the first being the default: [{"name", "image_url", "object_store_url"}] (the object store of tenant {tenant_id})`, s.listRegions},
	}
}

func (s *Server) controlRoutes() *router {
	methods := map[string]map[string]handler{}
	var paths []string
	for _, c := range s.controlTable() {
		if methods[c.path] == nil {
			methods[c.path] = map[string]handler{}
			paths = append(paths, c.path)
		}
		methods[c.path][c.method] = c.h
	}
	rt := &router{}
	for _, p := range paths {
		rt.add(controlErrors, false, p, methods[p])
	}
	rt.add(controlErrors, false, controlPrefix, methods[controlPrefix+"/"]) // the index without its slash
	return rt
}

// serveControl routes a control request; unknown routes and methods get JSON errors.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	rt, params := s.control.match(r.URL.EscapedPath())
	if rt == nil {
		controlErrors.write(w, r, errorf(http.StatusNotFound, "no control route %s (GET %s/ lists them)", r.URL.Path, controlPrefix))
		return
	}
	h, ok := rt.methods[r.Method]
	if !ok {
		w.Header().Set("Allow", rt.allow())
		controlErrors.write(w, r, errorf(http.StatusMethodNotAllowed, "%s is not allowed on %s (allowed: %s)", r.Method, rt.template, rt.allow()))
		return
	}
	h(w, r, &call{params: params})
}

func (s *Server) controlIndex(w http.ResponseWriter, _ *http.Request, _ *call) {
	routes := []map[string]string{}
	for _, c := range s.controlTable() {
		routes = append(routes, map[string]string{"method": c.method, "path": c.path, "what": c.what})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"about": "Control path of the Cloud Images mock: faults, tokens and request counters. " +
			"No token needed; these requests are never counted or faulted. " +
			"Routes about an image take ?region= (default: the first region); the rest are server-wide. " +
			"Documented in cmd/cloudimages-mock/README.md.",
		"routes": routes,
	})
}

// maxControlBody bounds control request bodies, which are small JSON objects.
const maxControlBody = 64 << 10

// readControl decodes a control body into v strictly: unknown fields, other JSON values
// and trailing data are errors. An empty body leaves v as it is when emptyOK.
func readControl(r *http.Request, v any, emptyOK bool) *apiError {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxControlBody+1))
	switch {
	case err != nil:
		return errorf(http.StatusBadRequest, "reading the body: %v", err)
	case len(raw) > maxControlBody:
		return errorf(http.StatusRequestEntityTooLarge, "the body is longer than %d bytes", maxControlBody)
	case len(bytes.TrimSpace(raw)) == 0 && emptyOK:
		return nil
	case len(bytes.TrimSpace(raw)) == 0:
		return errorf(http.StatusBadRequest, "a JSON object is expected")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errorf(http.StatusBadRequest, "%s", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errorf(http.StatusBadRequest, "unexpected data after the JSON object")
	}
	return nil
}

// jsonProblem says what is wrong with a body in the user's terms, not Go's.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return "a JSON object is expected, not " + typeErr.Value
	case errors.As(err, &typeErr):
		want := map[string]string{"int": "an integer", "int64": "an integer", "string": "a string", "bool": "true or false"}[typeErr.Type.String()]
		return typeErr.Field + " must be " + want + ", not " + typeErr.Value
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: " + err.Error()
	}
	return strings.TrimPrefix(err.Error(), "json: ") // e.g. unknown field "x"
}

func (s *Server) postKillImage(w http.ResponseWriter, r *http.Request, c *call) {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := readControl(r, &in, true); err != nil {
		controlErrors.write(w, r, err)
		return
	}
	v, rerr := s.controlRegion(r)
	if rerr != nil {
		controlErrors.write(w, r, rerr)
		return
	}
	if in.Reason == "" {
		in.Reason = "killed through " + r.URL.Path
	}
	if err := v.KillImage(c.params["image_id"], in.Reason); err != nil {
		controlErrors.write(w, r, errorf(http.StatusNotFound, "no image %s%s", c.params["image_id"], v.inRegion()))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) postExpireTokens(w http.ResponseWriter, _ *http.Request, _ *call) {
	s.ExpireTokens()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) putTokenTTL(w http.ResponseWriter, r *http.Request, _ *call) {
	var in struct {
		TTL *string `json:"ttl"`
	}
	err := readControl(r, &in, false)
	if err == nil && in.TTL == nil {
		err = errorf(http.StatusBadRequest, `ttl is required, a Go duration such as "30s"`)
	}
	var d time.Duration
	if err == nil {
		var perr error
		if d, perr = time.ParseDuration(*in.TTL); perr != nil {
			err = errorf(http.StatusBadRequest, "ttl: %v", perr)
		}
	}
	if err != nil {
		controlErrors.write(w, r, err)
		return
	}
	d = s.setTokenTTL(d)
	writeJSON(w, http.StatusOK, map[string]string{"ttl": d.String()})
}

func (s *Server) getCounters(w http.ResponseWriter, _ *http.Request, _ *call) {
	writeJSON(w, http.StatusOK, s.RequestCounts())
}

func (s *Server) deleteCounters(w http.ResponseWriter, _ *http.Request, _ *call) {
	s.ResetCounters()
	w.WriteHeader(http.StatusNoContent)
}
