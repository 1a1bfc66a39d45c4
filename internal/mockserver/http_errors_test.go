package mockserver

import (
	"net/http"
	"strings"
	"testing"
)

// TestErrors_FormatFollowsAccept checks webob's three renderings byte for byte against the
// outputs REFERENCE §4.1 records from the real code.
func TestErrors_FormatFollowsAccept(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	cases := []struct {
		accept, ctype, body string
	}{
		{"application/json", "application/json",
			`{"code":"404 Not Found","message":"No image found with ID x<br /><br />\n\n\n","title":"Not Found"}`},
		{"", "text/plain; charset=UTF-8", "404 Not Found\n\nNo image found with ID x\n\n   "},
		{"*/*", "text/html; charset=UTF-8",
			"<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID x<br /><br />\n\n\n\n </body>\n</html>"},
		{"text/html;q=0.5, application/json", "application/json", ""},
		{"text/plain", "text/plain; charset=UTF-8", ""},
	}
	for _, tc := range cases {
		r := do(t, s, req{method: "GET", path: "/image/v2/images/x", token: tok, header: map[string]string{"Accept": tc.accept}})
		if r.status != http.StatusNotFound || r.header.Get("Content-Type") != tc.ctype || (tc.body != "" && string(r.body) != tc.body) {
			t.Errorf("Accept %q: %d %q %q", tc.accept, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
}

func TestErrors_MethodNotAllowed(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	cases := map[string]string{
		"PUT /image/v2/images":                      "GET, POST",
		"POST /image/v2/images/x":                   "GET, PATCH, DELETE",
		"DELETE /image/v2/images/x/file":            "GET, PUT",
		"GET /image/v2/images/x/tags/t":             "PUT, DELETE",
		"GET /image/v2/images/x/actions/deactivate": "POST",
		"GET /identity/v2.0/tokens":                 "POST",
		"PATCH /identity/v3/auth/tokens":            "GET, HEAD, POST, DELETE",
	}
	for route, allow := range cases {
		method, path, _ := strings.Cut(route, " ")
		r := do(t, s, req{method: method, path: path, token: tok})
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != allow {
			t.Errorf("%s: %d Allow %q", route, r.status, r.header.Get("Allow"))
		}
	}
	r := do(t, s, req{method: "PUT", path: "/image/v2/images", token: tok})
	want := `{"code":"405 Method Not Allowed","message":"The method PUT is not allowed for this resource. <br /><br />\n","title":"Method Not Allowed"}`
	if string(r.body) != want {
		t.Errorf("405 body %s", r.body)
	}
}

func TestErrors_Unauthorized(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	for _, token := range []string{"", "bogus"} {
		for _, path := range []string{"/image/v2/images", "/image/v2/images/x/file", "/image/v2/schemas/image", "/image/v2/nowhere"} {
			r := do(t, s, req{method: "GET", path: path, token: token})
			if r.status != http.StatusUnauthorized ||
				string(r.body) != `{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}` ||
				r.header.Get("WWW-Authenticate") != `Keystone uri="`+s.URL()+`/identity"` ||
				r.header.Get("Content-Type") != "application/json" {
				t.Errorf("%q %s: %d %v %s", token, path, r.status, r.header, r.body)
			}
		}
	}
}

func TestErrors_NotFoundAndBodyRejected(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/nowhere", token: tok}), http.StatusNotFound, "The resource could not be found.")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/schemas/nope", token: tok}), http.StatusNotFound, "")
	if r := do(t, s, req{method: "GET", path: "/elsewhere"}); r.status != http.StatusNotFound {
		t.Errorf("unknown prefix: %d", r.status)
	}
	id := createImageID(t, s, nil)
	expect(t, do(t, s, req{method: "DELETE", path: "/image/v2/images/" + id, token: tok, body: "{}"}), http.StatusBadRequest,
		"A body is not expected with this request.")
}
