package mockserver

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// bodyRoute is a route that takes a body, with a valid body and what it answers to each
// kind of bad one (status 0: not applicable).
type bodyRoute struct {
	name, method string
	path         func() string
	token        string
	ctype        string        // the media type the route wants; "" sends none
	body         func() string // a valid body
	ok           int           // the answer to it

	wrongShape                  string // valid JSON of the wrong kind for this route
	malformed, shape, wrongType want
	huge                        want
}

type want struct {
	status int
	msg    string // the message in the route's dialect; "" is not checked
}

// bodyRoutes lists every route of s that takes a body.
func bodyRoutes(t *testing.T, s *Server) []bodyRoute {
	t.Helper()
	prod, cons := s.IssueToken(producer), s.IssueToken(consumer)
	shared := sharedImage(t, s, consumer)
	members := 0
	queued := func() string {
		return "/image/v2/images/" + createImage(t, s, producer, map[string]any{"disk_format": "raw", "container_format": "bare"})["id"].(string) + "/file"
	}
	staged := func() string {
		id := createImage(t, s, producer, map[string]any{"disk_format": "raw", "container_format": "bare"})["id"].(string)
		expect(t, do(t, s, req{method: "PUT", path: "/image/v2/images/" + id + "/stage", token: prod, body: "staged",
			header: map[string]string{"Content-Type": "application/octet-stream"}}), http.StatusNoContent, "")
		return "/image/v2/images/" + id + "/import"
	}
	seedObject(t, s, producer, "c", "seed", []byte("x"))
	const glanceType = "Unexpected body type. Expected list/dict."
	tooLarge := want{413, defaultExplanation(413)}
	malformed := want{400, "Malformed JSON in request body."}
	fixed := func(v string) func() string { return func() string { return v } }
	passwordV2 := `{"auth":{"passwordCredentials":{"username":"producer","password":"producer-pass"}}}`
	passwordV3 := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"producer","domain":{"id":"default"},"password":"producer-pass"}}}}}`
	return []bodyRoute{
		{name: "create image", method: "POST", path: fixed("/image/v2/images"), token: prod, body: fixed(`{"name":"ok"}`), ok: 201,
			wrongShape: `42`, malformed: malformed, shape: want{400, glanceType}, wrongType: want{201, ""}, huge: tooLarge},
		{name: "patch image", method: "PATCH", path: fixed("/image/v2/images/" + shared), token: prod, ctype: patchV21,
			body: fixed(`[{"op":"replace","path":"/name","value":"p"}]`), ok: 200,
			wrongShape: `{"op":"replace"}`, malformed: malformed, shape: want{400, "Request body must be a JSON array of operation objects."},
			wrongType: want{415, ""}, huge: tooLarge},
		{name: "upload image data", method: "PUT", path: queued, token: prod, ctype: "application/octet-stream", body: fixed("data"), ok: 204,
			wrongType: want{415, ""}, huge: want{204, ""}},
		{name: "stage image data", method: "PUT", path: func() string { return strings.TrimSuffix(queued(), "/file") + "/stage" },
			token: prod, ctype: "application/octet-stream", body: fixed("data"), ok: 204, wrongType: want{415, ""}, huge: want{204, ""}},
		{name: "import image", method: "POST", path: staged, token: prod, body: fixed(`{"method":{"name":"glance-direct"}}`), ok: 202,
			wrongShape: `[]`, malformed: malformed, shape: want{400, "Import request requires a 'method' field."},
			wrongType: want{202, ""}, huge: tooLarge},
		{name: "add member", method: "POST", path: fixed("/image/v2/images/" + shared + "/members"), token: prod,
			body: func() string { members++; return `{"member":"` + strconv.Itoa(200000+members) + `"}` }, ok: 200,
			wrongShape: `["200000"]`, malformed: malformed, shape: want{400, memberFormMessage}, wrongType: want{200, ""}, huge: tooLarge},
		{name: "member status", method: "PUT", path: fixed("/image/v2/images/" + shared + "/members/" + consumer), token: cons,
			body: fixed(`{"status":"accepted"}`), ok: 200,
			wrongShape: `"accepted"`, malformed: malformed, shape: want{400, glanceType}, wrongType: want{200, ""}, huge: tooLarge},
		{name: "create task", method: "POST", path: fixed("/image/v2/tasks"), token: prod, body: fixed(`{"type":"import","input":{}}`), ok: 201,
			wrongShape: `[]`, malformed: malformed, shape: want{400, "Task 'type' is required"}, wrongType: want{201, ""}, huge: tooLarge},
		{name: "identity v2.0 token", method: "POST", path: fixed("/identity/v2.0/tokens"), ctype: "application/json", body: fixed(passwordV2), ok: 200,
			wrongShape: `[]`, malformed: want{400, v2BadBody}, shape: want{400, v2BadBody},
			wrongType: want{415, "Content type text/plain is not supported; use application/json."}, huge: want{413, "Request is too large."}},
		{name: "identity v3 token", method: "POST", path: fixed("/identity/v3/auth/tokens"), ctype: "application/json", body: fixed(passwordV3), ok: 201,
			wrongShape: `[]`, malformed: want{400, keystoneBadRequest("Expecting to find valid JSON in request body.")},
			shape:     want{400, keystoneBadRequest("Expecting to find valid JSON in request body.")},
			wrongType: want{400, keystoneBadRequest("Expecting to find application/json in Content-Type header.")}, huge: want{413, "Request is too large."}},
		{name: "put object", method: "PUT", path: fixed("/object/v1/AUTH_" + producer + "/c/o"), token: prod, body: fixed("data"), ok: 201,
			wrongType: want{201, ""}, huge: want{201, ""}},
		{name: "control: arm a fault", method: "POST", path: fixed("/_mock/faults"), body: fixed(`{"path":"^/nowhere$","status":503}`), ok: 201,
			wrongShape: `[]`, malformed: want{400, "malformed JSON: unexpected EOF"}, shape: want{400, "a JSON object is expected, not array"},
			wrongType: want{201, ""}, huge: want{413, "the body is longer than 65536 bytes"}},
		{name: "control: token ttl", method: "PUT", path: fixed("/_mock/tokens/ttl"), body: fixed(`{"ttl":"24h"}`), ok: 200,
			wrongShape: `"24h"`, malformed: want{400, "malformed JSON: unexpected EOF"}, shape: want{400, "a JSON object is expected, not string"},
			wrongType: want{200, ""}, huge: want{413, "the body is longer than 65536 bytes"}},
	}
}

// dialectMessage digs the message out of an error body in any of the server's dialects.
func dialectMessage(r response) string {
	var doc map[string]any
	if json.Unmarshal(r.body, &doc) != nil {
		return string(r.body) // Swift's HTML page
	}
	if m, ok := doc["message"].(string); ok { // Glance
		return strings.TrimSuffix(m, "<br /><br />\n\n\n")
	}
	if e, ok := doc["error"].(string); ok { // the control path
		return e
	}
	for _, v := range doc { // Keystone's {"error": {...}}, Rackspace's {"badRequest": {...}}
		if inner, ok := v.(map[string]any); ok {
			m, _ := inner["message"].(string)
			return m
		}
	}
	return ""
}

// state is what a refused request must leave as it was (tokens aside: tests issue them).
func state(s *Server) string {
	faults, taskFaults := s.faults.snapshot()
	var members []MemberRecord
	for _, img := range s.Images() {
		members = append(members, s.Members(img.ID)...)
	}
	doc, err := json.Marshal([]any{s.Images(), members, s.Tasks(), s.Objects(producer), len(faults), len(taskFaults)})
	if err != nil {
		panic(err) // records of plain data always marshal
	}
	return string(doc)
}

// stateWithTokens is state plus the number of tokens, for routes that include identity's.
func stateWithTokens(s *Server) string {
	n := len(s.identity.tokenIDs())
	return state(s) + " tokens " + strconv.Itoa(n)
}

// TestRobustness_Bodies sends every body-taking route malformed JSON, JSON of the wrong
// kind, the wrong media type and a huge body (with and without a length): each gets its
// documented code in its own dialect, and refused requests change nothing.
func TestRobustness_Bodies(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Now: newClock().Now})
	huge := `{"name":"` + strings.Repeat("a", 2<<20) + `"}`
	for _, rt := range bodyRoutes(t, s) {
		header := map[string]string{"Content-Type": rt.ctype}
		cases := []struct {
			name   string
			body   any
			header map[string]string
			want   want
		}{
			{"valid", rt.body(), header, want{rt.ok, ""}},
			{"malformed JSON", `{"name": `, header, rt.malformed},
			{"JSON of the wrong kind", rt.wrongShape, header, rt.shape},
			{"wrong media type", rt.body(), map[string]string{"Content-Type": "text/plain"}, rt.wrongType},
			{"huge", huge, header, rt.huge},
			{"huge, chunked", io.MultiReader(strings.NewReader(huge)), header, rt.huge},
		}
		for _, tc := range cases {
			if tc.want.status == 0 {
				continue // a data route: any bytes are data
			}
			path := rt.path() // may create the image to upload to
			before := stateWithTokens(s)
			r := do(t, s, req{method: rt.method, path: path, token: rt.token, body: tc.body, header: tc.header})
			if r.status != tc.want.status || (tc.want.msg != "" && dialectMessage(r) != tc.want.msg) {
				t.Errorf("%s, %s: %d %q, want %d %q", rt.name, tc.name, r.status, dialectMessage(r), tc.want.status, tc.want.msg)
			}
			if r.status >= 400 && stateWithTokens(s) != before {
				t.Errorf("%s, %s: a refused request changed the state", rt.name, tc.name)
			}
			if r.status == 415 && rt.method == "PATCH" && r.header.Get("Accept-Patch") == "" {
				t.Errorf("%s: 415 without Accept-Patch", rt.name)
			}
		}
	}
}

// TestRobustness_CutBodies: a client that announces a body and hangs up halfway leaves
// nothing behind, on every body-taking route.
func TestRobustness_CutBodies(t *testing.T) {
	t.Parallel()
	var log logSink
	s := startServer(t, Options{Now: newClock().Now, Logf: log.logf})
	for _, rt := range bodyRoutes(t, s) {
		path, body := rt.path(), rt.body()
		before := stateWithTokens(s)
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL(), "http://"))
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(conn)
		fmt.Fprintf(w, "%s %s HTTP/1.1\r\nHost: x\r\nX-Auth-Token: %s\r\nContent-Length: %d\r\n", rt.method, path, rt.token, len(body)+4096)
		if rt.ctype != "" {
			fmt.Fprintf(w, "Content-Type: %s\r\n", rt.ctype)
		}
		fmt.Fprintf(w, "\r\n%s", body[:len(body)/2])
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		_ = conn.Close()
		line := rt.method + " " + path + " "
		waitFor(t, rt.name+" to finish", func() bool { return log.find(line) != "" })
		if got := stateWithTokens(s); got != before {
			t.Errorf("%s: a cut body changed the state", rt.name)
		}
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: s.IssueToken(producer)}), http.StatusOK, "")
}
