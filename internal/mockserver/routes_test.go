package mockserver

import (
	"net/http"
	"strings"
	"testing"
)

// TestRoutes_UnknownPathsAndMethods: every dialect answers an unknown path 404 and a known
// path's unknown method 405 with its Allow header.
func TestRoutes_UnknownPathsAndMethods(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	obj := "/object/v1/AUTH_" + producer
	cases := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/nowhere", 404, ""},
		{"GET", "/image/v2/nowhere", 404, ""},
		{"GET", "/image/v2/images/x/nowhere", 404, ""},
		{"GET", "/image/v2/images/x/members/y/z", 404, ""},
		{"GET", "/identity/v4", 404, ""},
		{"GET", "/identity/v2.0/nowhere", 404, ""},
		{"GET", "/object/v2/AUTH_" + producer, 404, ""},
		{"GET", "/_mock/nowhere", 404, ""},
		{"PUT", "/image/v2/images", 405, "GET, POST"},
		{"POST", "/image/v2/images/x", 405, "GET, PATCH, DELETE"},
		{"PATCH", "/image/v2/images/x/file", 405, "GET, PUT"},
		{"GET", "/image/v2/images/x/stage", 405, "PUT"},
		{"GET", "/image/v2/images/x/import", 405, "POST"},
		{"POST", "/image/v2/info/import", 405, "GET"},
		{"GET", "/image/v2/images/x/tags/t", 405, "PUT, DELETE"},
		{"PUT", "/image/v2/images/x/actions/reactivate", 405, "POST"},
		{"PUT", "/image/v2/images/x/members", 405, "GET, POST"},
		{"POST", "/image/v2/images/x/members/y", 405, "GET, PUT, DELETE"},
		{"PUT", "/image/v2/tasks", 405, "GET, POST"},
		{"PATCH", "/image/v2/tasks/x", 405, "GET, DELETE"},
		{"POST", "/image/v2/schemas/image", 405, "GET"},
		{"POST", "/image/versions", 405, "GET"},
		{"GET", "/identity/v2.0/tokens", 405, "POST"},
		{"PUT", "/identity/v3/auth/tokens", 405, "GET, HEAD, POST, DELETE"},
		{"POST", obj, 405, "GET, HEAD"},
		{"POST", obj + "/c", 405, "GET, HEAD, PUT, DELETE"},
		{"POST", obj + "/c/o", 405, "GET, HEAD, PUT, DELETE"},
		{"GET", "/_mock/tokens/expire", 405, "POST"},
		{"DELETE", "/_mock/images/x/kill", 405, "POST"},
	}
	for _, tc := range cases {
		r := do(t, s, req{method: tc.method, path: tc.path, token: tok})
		if r.status != tc.status || r.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want %d %q", tc.method, tc.path, r.status, r.header.Get("Allow"), tc.status, tc.allow)
		}
		if dialectMessage(r) == "" {
			t.Errorf("%s %s: no message in %q", tc.method, tc.path, r.body)
		}
	}
}

// TestRecover_PanicIsA500 installs a handler that panics: the caller gets a 500 in the
// route's dialect, the panic is logged with its stack, and the server goes on serving.
func TestRecover_PanicIsA500(t *testing.T) {
	t.Parallel()
	var log logSink
	s := startServer(t, Options{Logf: log.logf})
	boom := func(w http.ResponseWriter, _ *http.Request, _ *call) {
		w.Header().Set("Location", "/never")
		panic("boom")
	}
	// Added before any request: the listener has not read the routes yet.
	s.router.add(glanceErrors, true, "/image/v2/boom", map[string]handler{"GET": boom})
	s.router.add(keystoneErrors, false, "/identity/v3/boom", map[string]handler{"GET": boom})
	s.router.add(glanceErrors, false, "/image/halfway", map[string]handler{"GET": func(w http.ResponseWriter, _ *http.Request, _ *call) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("the first half"))
		http.NewResponseController(w).Flush()
		panic("halfway")
	}})
	tok := s.IssueToken(producer)

	// Once part of the answer is out, the connection is ended instead.
	if _, _, err := rawCall(t, s, "GET", "/image/halfway", "", nil, nil); err == nil {
		t.Error("a half-written answer arrived whole")
	}
	r := do(t, s, req{method: "GET", path: "/image/v2/boom", token: tok})
	want := `{"code":"500 Internal Server Error","message":"The server has either erred or is incapable of performing the requested operation.<br /><br />\n\n\n","title":"Internal Server Error"}`
	if r.status != 500 || string(r.body) != want || r.header.Get("Location") != "" || r.header.Get("X-Openstack-Request-Id") == "" {
		t.Errorf("glance: %d %v %s", r.status, r.header, r.body)
	}
	r = do(t, s, req{method: "GET", path: "/identity/v3/boom"})
	if r.status != 500 || r.object(t)["error"].(map[string]any)["title"] != "Internal Server Error" {
		t.Errorf("keystone: %d %s", r.status, r.body)
	}
	if line := log.find("panic serving GET /image/v2/boom: boom"); !strings.Contains(line, "goroutine") {
		t.Errorf("log %q", line)
	}
	if line := log.find("GET /image/v2/boom 500"); !strings.HasSuffix(line, "(panic)") {
		t.Errorf("request log %q", line)
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusOK, "")
}
