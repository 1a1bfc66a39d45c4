package mockserver

import (
	"net/http"
	"strings"
)

// With several regions, each region's API (images and object store) is under the
// region's name, as regional endpoints of a real cloud are on their own hosts:
// /ORD/image/v2/images, /ORD/object/v1/AUTH_<tenant>/... Identity and the control path
// are global and stay unprefixed. With one region nothing is prefixed.

// regionOf picks the view a request addresses: the region its path begins with, or the
// first region for what is not regional (identity, unknown paths). rr is r without the
// region prefix, for routing. False: the path is the image API or the object store
// without a region while there are several, which no endpoint of the catalog is.
func (s *Server) regionOf(r *http.Request) (v *Server, rr *http.Request, ok bool) {
	if len(s.regions) == 1 {
		return s.views[0], r, true
	}
	first, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if v := s.view(first); v != nil && isRegional("/"+rest) {
		return v, v.unprefixed(r), true
	}
	return s.views[0], r, !isRegional(r.URL.Path)
}

// isRegional: the image API (with its version documents) and the object store are
// regional.
func isRegional(path string) bool {
	return path == "/image" || strings.HasPrefix(path, "/image/") ||
		path == "/object" || strings.HasPrefix(path, "/object/")
}

// unprefixed is r without the view's region prefix (r itself when there is none, or it
// is gone already).
func (s *Server) unprefixed(r *http.Request) *http.Request {
	if s.prefix == "" {
		return r
	}
	if r2, ok := withoutPathPrefix(r, s.prefix); ok {
		return r2
	}
	return r
}

// withoutPathPrefix is a copy of r whose path (and RequestURI) lacks prefix, and true;
// r and false when the path is not prefix followed by "/".
func withoutPathPrefix(r *http.Request, prefix string) (*http.Request, bool) {
	rest, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok || !strings.HasPrefix(rest, "/") {
		return r, false
	}
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path, u.RawPath = rest, strings.TrimPrefix(u.RawPath, prefix)
	r2.URL = &u
	r2.RequestURI = strings.TrimPrefix(r.RequestURI, prefix)
	return r2, true
}

// noRegion answers an unprefixed regional path on a server of several regions: 404 in
// the API's dialect, saying where the regions are.
func (s *Server) noRegion(w http.ResponseWriter, r *http.Request) {
	styleFor(r.URL.Path).write(w, r, errorf(http.StatusNotFound,
		"The resource could not be found. This server has the regions %s: their endpoints are %s/{region}%s",
		strings.Join(s.Regions(), ", "), s.url, r.URL.Path))
}
