package mockserver

import (
	"net/http"
	"net/url"
	"strings"
)

// call carries what the router learned about a request to its handler.
type call struct {
	params map[string]string // path parameters by template name
	who    principal         // the caller, on routes that need a token
}

type handler func(w http.ResponseWriter, r *http.Request, c *call)

// route is one URL template with its handlers by method. The template is also the key of
// the request counters ("GET /image/v2/images/{image_id}"). A last segment "{name...}"
// takes the rest of the path, slashes included (Swift object names).
type route struct {
	template string
	segs     []string
	greedy   bool
	style    errStyle
	auth     bool // X-Auth-Token required (checked before the method, as keystonemiddleware does)
	methods  map[string]handler
}

type router struct{ routes []*route }

func (rt *router) add(style errStyle, auth bool, template string, methods map[string]handler) {
	segs := strings.Split(template, "/")
	rt.routes = append(rt.routes, &route{
		template: template, segs: segs, greedy: strings.HasSuffix(segs[len(segs)-1], "...}"),
		style: style, auth: auth, methods: methods,
	})
}

// match finds the route for an escaped path; parameters are unescaped per segment so a
// tag containing "%2F" stays one segment.
func (rt *router) match(escapedPath string) (*route, map[string]string) {
	segs := strings.Split(escapedPath, "/")
next:
	for _, r := range rt.routes {
		if len(r.segs) != len(segs) && (!r.greedy || len(segs) < len(r.segs)) {
			continue
		}
		var params map[string]string
		for i, t := range r.segs {
			raw := segs[i]
			if r.greedy && i == len(r.segs)-1 {
				raw = strings.Join(segs[i:], "/")
			}
			seg, err := url.PathUnescape(raw)
			if err != nil {
				continue next
			}
			if strings.HasPrefix(t, "{") {
				if seg == "" {
					continue next
				}
				if params == nil {
					params = map[string]string{}
				}
				params[strings.TrimSuffix(t[1:len(t)-1], "...")] = seg
			} else if t != seg {
				continue next
			}
		}
		return r, params
	}
	return nil, nil
}

// allow lists the route's methods in Glance's order for the Allow header.
func (r *route) allow() string {
	var out []string
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} {
		if _, ok := r.methods[m]; ok {
			out = append(out, m)
		}
	}
	return strings.Join(out, ", ")
}

// styleFor picks the error dialect for a path no route matched.
func styleFor(path string) errStyle {
	switch {
	case strings.HasPrefix(path, "/identity/v2.0"):
		return raxErrors
	case strings.HasPrefix(path, "/identity"):
		return keystoneErrors
	case strings.HasPrefix(path, "/object"):
		return swiftErrors
	}
	return glanceErrors
}

// ServeHTTP runs every request through the same steps: region, count, fault,
// authenticate, method, handler. Faulted requests are counted; those a fault answers are
// not processed. The control path (/_mock/) is neither counted nor faulted. A fault's
// path is matched against the path as sent (less an /internal or /admin prefix), so with
// several regions "^/ORD/" singles one out; routes see it without its region, and a
// regional request counts under its route and under its region's ("POST /ORD/image/v2/tasks").
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.life.enter() {
		http.Error(w, "server closing", http.StatusServiceUnavailable)
		return
	}
	defer s.life.leave()
	r = s.withJSONErrors(r)
	r, iface := stripInterface(r)
	s.countInterface(iface)
	rec := s.record(w, r)
	defer rec.done()
	if isControlPath(r.URL.Path) {
		defer s.recoverPanic(rec, r, controlErrors)
		s.serveControl(rec, r)
		return
	}

	v, rr, ok := s.regionOf(r)
	if !ok {
		defer s.recoverPanic(rec, r, styleFor(r.URL.Path))
		s.noRegion(rec, r)
		return
	}
	rt, params := v.router.match(rr.URL.EscapedPath())
	style := styleFor(rr.URL.Path)
	if rt != nil {
		style = rt.style
		rec.route = rt.template
		s.counts.add(r.Method + " " + rt.template)
		if v.prefix != "" && isRegional(rr.URL.Path) {
			s.counts.add(r.Method + " " + v.prefix + rt.template) // the region's own count too
		}
	}
	defer s.recoverPanic(rec, r, style)
	serve := func(w http.ResponseWriter, r *http.Request) { v.serve(w, v.unprefixed(r), rt, params, style) }
	f, faulted := s.faults.take(r)
	if faulted && s.applyFault(rec, r, style, f) {
		return // answered or dropped by the fault
	}
	if faulted && f.spoilsAnswer() {
		s.spoil(rec, r, f, serve)
		return
	}
	serve(rec, r)
}

// serve authenticates, checks the method and runs the route's handler.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt *route, params map[string]string, style errStyle) {
	c := &call{params: params}
	// Unknown paths under the API still need a token: keystonemiddleware runs before routing.
	if (rt != nil && rt.auth) || (rt == nil && needsToken(r.URL.Path)) {
		who, ok := s.authenticate(r)
		if !ok {
			s.unauthorized(w)
			return
		}
		c.who = who
	}
	if rt == nil {
		style.write(w, r, errorf(http.StatusNotFound, "The resource could not be found."))
		return
	}
	h, ok := rt.methods[r.Method]
	if !ok {
		switch style {
		case glanceErrors:
			methodNotAllowed(w, r, rt.allow())
		case swiftErrors:
			w.Header().Set("Allow", rt.allow())
			style.write(w, r, errorf(http.StatusMethodNotAllowed, "The method is not allowed for this resource."))
		default:
			w.Header().Set("Allow", rt.allow())
			style.write(w, r, errorf(http.StatusMethodNotAllowed, "The method is not allowed for the requested URL."))
		}
		return
	}
	if style == glanceErrors && (r.Method == http.MethodGet || r.Method == http.MethodDelete) && r.ContentLength > 0 {
		glanceError(w, r, http.StatusBadRequest, "A body is not expected with this request.")
		return
	}
	h(w, r, c)
}

// needsToken: the APIs sit behind keystonemiddleware, which runs before any routing.
func needsToken(path string) bool {
	return strings.HasPrefix(path, "/image/v2/") || strings.HasPrefix(path, "/object/v1/")
}

// unauthorized is keystonemiddleware's 401 (REFERENCE §4.1).
func (s *Server) unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Keystone uri="`+s.url+`/identity"`)
	keystoneError(w, http.StatusUnauthorized, unauthorizedMessage)
}

// stripInterface takes the /internal or /admin prefix of the catalog's
// internal and admin endpoints (interfaceURL) off the request's path, and
// says which interface the request came through.
func stripInterface(r *http.Request) (*http.Request, string) {
	for _, iface := range Interfaces[1:] {
		if r2, ok := withoutPathPrefix(r, "/"+iface); ok && !isControlPath(r2.URL.Path) {
			return r2, iface
		}
	}
	return r, "public"
}

func (s *Server) countInterface(iface string) {
	s.ifaceMu.Lock()
	s.ifaceCounts[iface]++
	s.ifaceMu.Unlock()
}

// InterfaceRequests is how many requests came through the catalog's endpoints
// of iface ("public", "internal" or "admin"); the control path counts as public.
func (s *Server) InterfaceRequests(iface string) int {
	s.ifaceMu.Lock()
	defer s.ifaceMu.Unlock()
	return s.ifaceCounts[iface]
}
