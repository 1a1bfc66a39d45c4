package mockserver

import (
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"testing"
)

// With several regions a regional request counts under its route and under its region's
// route, so that a test tells a request in one region from the same route in another;
// identity, a region the server lacks and an unprefixed regional path count no region.
func TestCounters_PerRegion(t *testing.T) {
	t.Parallel()
	s := threeRegions(t)
	token := s.IssueToken(producer)
	expect(t, do(t, s, req{method: "POST", path: "/ORD/image/v2/images", token: token, body: map[string]any{"name": "o"}}), http.StatusCreated, "")
	for range 2 {
		expect(t, do(t, s, req{method: "POST", path: "/DFW/image/v2/images", token: token, body: map[string]any{"name": "d"}}), http.StatusCreated, "")
	}
	// a faulted request counts in its region too, and the internal endpoint is the region's
	s.InjectFault(Fault{Method: "GET", Path: regexp.MustCompile(`^/IAD/`), Status: 503})
	expect(t, do(t, s, req{method: "GET", path: "/IAD/image/v2/images", token: token}), http.StatusServiceUnavailable, "")
	expect(t, do(t, s, req{method: "GET", path: "/internal/IAD/image/v2/images", token: token}), http.StatusOK, "")
	expect(t, do(t, s, req{method: "HEAD", path: "/DFW/object/v1/AUTH_" + producer + "/c/o", token: token}), http.StatusNotFound, "")
	do(t, s, req{method: "POST", path: "/identity/v2.0/tokens", body: map[string]any{}})
	do(t, s, req{method: "GET", path: "/image/v2/images", token: token}) // no region: 404, no route
	do(t, s, req{method: "GET", path: "/SYD/image/v2/images", token: token})

	want := map[string]int{
		"POST /image/v2/images":                                 3,
		"POST /ORD/image/v2/images":                             1,
		"POST /DFW/image/v2/images":                             2,
		"GET /image/v2/images":                                  2,
		"GET /IAD/image/v2/images":                              2,
		"HEAD /object/v1/{account}/{container}/{object...}":     1,
		"HEAD /DFW/object/v1/{account}/{container}/{object...}": 1,
		"POST /identity/v2.0/tokens":                            1,
	}
	got := s.RequestCounts()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("counts\n got %v\nwant %v", got, want)
	}
	if n := s.RequestCount("POST", "/DFW/image/v2/images"); n != 2 {
		t.Errorf("RequestCount(POST, /DFW/image/v2/images) = %d, want 2", n)
	}
	if n := s.InRegion("ORD").RequestCount("POST", "/image/v2/images"); n != 3 {
		t.Errorf("a region's view counts the server's requests: %d, want 3", n)
	}
}

// With one region nothing is prefixed: the counters have the route keys alone.
func TestCounters_OneRegionHasNoRegionKeys(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Regions: []string{"ORD"}})
	token := s.IssueToken(producer)
	expect(t, do(t, s, req{method: "POST", path: "/image/v2/images", token: token, body: map[string]any{"name": "o"}}), http.StatusCreated, "")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: token}), http.StatusOK, "")
	want := map[string]int{"POST /image/v2/images": 1, "GET /image/v2/images": 1}
	if got := s.RequestCounts(); !maps.Equal(got, want) {
		t.Errorf("counts %v, want %v", got, want)
	}
}
