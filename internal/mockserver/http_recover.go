package mockserver

import (
	"net/http"
	"runtime/debug"
)

// recoverPanic turns a handler's panic into a 500 in the route's dialect and logs it with
// its stack, so one bad request costs neither the server nor the client's connection.
// Deferred by ServeHTTP.
func (s *Server) recoverPanic(rec *recorder, r *http.Request, style errStyle) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler { // net/http's own way to end a connection: let it through
		panic(v)
	}
	s.logf("panic serving %s %s: %v\n%s", r.Method, r.URL.RequestURI(), v, debug.Stack())
	if rec.status != 0 {
		// Part of the answer is out: all that is left is to end the connection.
		panic(http.ErrAbortHandler)
	}
	rec.note = "panic"
	h := rec.Header() // nothing the handler meant to send goes out with the 500
	id := h.Get("X-Openstack-Request-Id")
	clear(h)
	h.Set("X-Openstack-Request-Id", id)
	style.write(rec, r, errorf(http.StatusInternalServerError, "%s", defaultExplanation(http.StatusInternalServerError)))
}
