package mockserver

import (
	"context"
	"mime"
	"net/http"
	"net/url"
)

// Where Rackspace documents an answer other than Glance's (shared/api/rackspace/), the
// rackspace flavour follows Rackspace; each helper names the page that decides it.

// rackspacePage is Rackspace's page size. paginated-collections.rst: "retrieve operations
// return a maximum limit of 100 items at a time. If a request supplies no limit or one
// that exceeds the configured default limit, the default limit is used instead." Glance's
// own are limit_param_default 25 and api_limit_max 1000 (glance/common/config.py).
const rackspacePage = 100

// pageLimit is the page size of a list: parsed (Glance's) in the glance flavour,
// Rackspace's 100 when the query asks for none or for more.
func (s *Server) pageLimit(p url.Values, parsed int) int {
	if !s.rackspace() {
		return parsed
	}
	if !p.Has("limit") || parsed > rackspacePage {
		return rackspacePage
	}
	return parsed
}

// requireJSON answers 415 and returns false when a JSON body comes without
// Content-Type: application/json in the rackspace flavour (request-response.rst: the
// Content-Type "is required for operations that have a request body"; the method pages
// list 415). Glance reads such bodies whatever the Content-Type (REFERENCE §1.15).
func (s *Server) requireJSON(w http.ResponseWriter, r *http.Request) bool {
	if !s.rackspace() {
		return true
	}
	if ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ctype == "application/json" {
		return true
	}
	unsupportedMediaType(w, r, "Expected Content-Type: application/json")
	return false
}

type jsonErrorsKey struct{}

// withJSONErrors marks a request of the rackspace flavour, whose error bodies are JSON
// whatever the Accept header (request-response.rst: "If no response format is specified,
// JSON is the default"; the docs' own curl calls send Accept: */*). Glance's webob
// picks HTML for */* and text/plain for no Accept.
func (s *Server) withJSONErrors(r *http.Request) *http.Request {
	if !s.rackspace() {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), jsonErrorsKey{}, true))
}

func jsonErrors(r *http.Request) bool {
	v, _ := r.Context().Value(jsonErrorsKey{}).(bool)
	return v
}
