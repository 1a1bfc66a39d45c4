package mockserver

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func threeRegions(t *testing.T) *Server {
	t.Helper()
	return startServer(t, Options{Regions: []string{"DFW", "ORD", "IAD"}})
}

// An image made in one region is that region's alone: the others neither list nor find
// it, and each region's view of the server says the same as its HTTP API.
func TestRegions_ImagesAreRegional(t *testing.T) {
	t.Parallel()
	s := threeRegions(t)
	token := s.IssueToken(producer)
	r := do(t, s, req{method: "POST", path: "/ORD/image/v2/images", token: token, body: map[string]any{"name": "in-ord"}})
	expect(t, r, http.StatusCreated, "")
	id := mustString(t, r.object(t)["id"])

	expect(t, do(t, s, req{method: "GET", path: "/ORD/image/v2/images/" + id, token: token}), http.StatusOK, "")
	for _, other := range []string{"DFW", "IAD"} {
		expect(t, do(t, s, req{method: "GET", path: "/" + other + "/image/v2/images/" + id, token: token}),
			http.StatusNotFound, "No image found with ID "+id)
		list := do(t, s, req{method: "GET", path: "/" + other + "/image/v2/images", token: token})
		expect(t, list, http.StatusOK, "")
		if images := list.object(t)["images"].([]any); len(images) != 0 {
			t.Errorf("%s lists %v", other, images)
		}
		if _, ok := s.InRegion(other).Image(id); ok {
			t.Errorf("%s's view finds ORD's image", other)
		}
	}
	if _, ok := s.InRegion("ORD").Image(id); !ok {
		t.Error("ORD's view does not find its image")
	}
	if s.Region() != "DFW" || len(s.Images()) != 0 {
		t.Errorf("Start's view is %s with %d images, want DFW's (none)", s.Region(), len(s.Images()))
	}
}

// Without a region prefix, the image API and the object store are no endpoint of the
// catalog: 404, saying where the regions are. Identity stays global.
func TestRegions_UnprefixedPathsAreNotFound(t *testing.T) {
	t.Parallel()
	s := threeRegions(t)
	r := do(t, s, req{method: "GET", path: "/image/v2/images", token: s.IssueToken(producer)})
	if r.status != http.StatusNotFound || !strings.Contains(string(r.body), "DFW, ORD, IAD") ||
		!strings.Contains(string(r.body), s.URL()+"/{region}/image/v2/images") {
		t.Errorf("unprefixed image path: %d %s", r.status, r.body)
	}
	r = do(t, s, req{method: "GET", path: "/object/v1/AUTH_" + producer, token: s.IssueToken(producer)})
	if r.status != http.StatusNotFound {
		t.Errorf("unprefixed object path: %d %s", r.status, r.body)
	}
	r = do(t, s, req{method: "GET", path: "/SYD/image/v2/images", token: s.IssueToken(producer)})
	if r.status != http.StatusNotFound {
		t.Errorf("a region the server does not have: %d %s", r.status, r.body)
	}
}

// Each region has its own object store, and an import task reads the object store of
// its own region.
func TestRegions_ObjectStoresAreRegional(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Regions: []string{"DFW", "ORD"}, Flavor: "rackspace"})
	ord := s.InRegion("ORD")
	if err := ord.CreateContainer(producer, "images"); err != nil {
		t.Fatal(err)
	}
	if err := ord.PutObject(producer, "images", "disk.txt", strings.NewReader("ord data")); err != nil {
		t.Fatal(err)
	}
	token := s.IssueToken(producer)
	path := "/object/v1/AUTH_" + producer + "/images/disk.txt"
	if r := do(t, s, req{method: "GET", path: "/ORD" + path, token: token}); r.status != http.StatusOK || string(r.body) != "ord data" {
		t.Errorf("ORD's object: %d %q", r.status, r.body)
	}
	if r := do(t, s, req{method: "GET", path: "/DFW" + path, token: token}); r.status != http.StatusNotFound {
		t.Errorf("DFW serves ORD's object: %d %q", r.status, r.body)
	}
	if _, ok := s.Object(producer, "images", "disk.txt"); ok {
		t.Error("DFW's view finds ORD's object")
	}
	if got, want := ord.ObjectStoreURL(producer), s.URL()+"/ORD/object/v1/AUTH_"+producer; got != want {
		t.Errorf("ObjectStoreURL = %s, want %s", got, want)
	}
	if got, want := ord.ImageURL(), s.URL()+"/ORD/image/v2"; got != want {
		t.Errorf("ImageURL = %s, want %s", got, want)
	}
}

// The v3 catalog lists every region's image and object-store endpoints under each
// interface, each with its region's URL; identity once per region, unprefixed.
func TestRegions_V3Catalog(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Regions: []string{"DFW", "ORD"}})
	body := map[string]any{"auth": map[string]any{"identity": map[string]any{
		"methods": []string{"password"},
		"password": map[string]any{"user": map[string]any{
			"name": "producer", "password": "producer-pass", "domain": map[string]any{"id": "default"},
		}},
	}}}
	r := do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: body})
	expect(t, r, http.StatusCreated, "")
	var doc struct {
		Token struct {
			Catalog []struct {
				Type      string `json:"type"`
				Endpoints []struct {
					Region, Interface, URL string
				} `json:"endpoints"`
			} `json:"catalog"`
		} `json:"token"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, svc := range doc.Token.Catalog {
		for _, ep := range svc.Endpoints {
			if ep.Interface == "public" {
				found[svc.Type+"/"+ep.Region] = ep.URL
			}
		}
	}
	for key, want := range map[string]string{
		"image/DFW": s.URL() + "/DFW/image", "image/ORD": s.URL() + "/ORD/image",
		"object-store/ORD": s.URL() + "/ORD/object/v1/AUTH_" + producer,
		"identity/ORD":     s.URL() + "/identity",
	} {
		if !strings.HasPrefix(found[key], want) {
			t.Errorf("%s = %q, want %s…", key, found[key], want)
		}
	}
}

// The control path: regions listed, a kill aimed at one region by ?region=, and a
// region the server does not have refused with the list.
func TestRegions_ControlPath(t *testing.T) {
	t.Parallel()
	s := threeRegions(t)
	r := do(t, s, req{method: "GET", path: "/_mock/regions"})
	expect(t, r, http.StatusOK, "")
	regions := r.object(t)["regions"].([]any)
	if len(regions) != 3 || regions[1].(map[string]any)["name"] != "ORD" ||
		regions[1].(map[string]any)["image_url"] != s.URL()+"/ORD/image/v2" {
		t.Errorf("regions = %v", regions)
	}

	token := s.IssueToken(producer)
	r = do(t, s, req{method: "POST", path: "/IAD/image/v2/images", token: token, body: map[string]any{"name": "x"}})
	expect(t, r, http.StatusCreated, "")
	id := mustString(t, r.object(t)["id"])
	if r := do(t, s, req{method: "POST", path: "/_mock/images/" + id + "/kill", body: map[string]any{}}); r.status != http.StatusNotFound ||
		!strings.Contains(string(r.body), "in region DFW") {
		t.Errorf("kill in the default region: %d %s", r.status, r.body)
	}
	if r := do(t, s, req{method: "POST", path: "/_mock/images/" + id + "/kill?region=SYD", body: map[string]any{}}); r.status != http.StatusNotFound ||
		!strings.Contains(string(r.body), "DFW, ORD, IAD") {
		t.Errorf("kill in an unknown region: %d %s", r.status, r.body)
	}
	expect(t, do(t, s, req{method: "POST", path: "/_mock/images/" + id + "/kill?region=IAD", body: map[string]any{}}), http.StatusNoContent, "")
	if img, _ := s.InRegion("IAD").Image(id); img.Status != "killed" {
		t.Errorf("IAD's image is %s after its kill", img.Status)
	}
}

func TestRegions_CheckRegions(t *testing.T) {
	t.Parallel()
	for _, names := range [][]string{{""}, {"DFW", "DFW"}, {"image"}, {"D/W"}, {"DFW", "or d"}} {
		if err := CheckRegions(names); err == nil {
			t.Errorf("%q accepted", names)
		}
		if _, err := Start(Options{Regions: names, Addr: "127.0.0.1:0"}); err == nil {
			t.Errorf("Start with %q", names)
		}
	}
	for _, names := range [][]string{nil, {"MOCK"}, {"DFW", "ORD", "us-east-1"}} {
		if err := CheckRegions(names); err != nil {
			t.Errorf("%q: %v", names, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("InRegion of a region the server does not have did not panic")
		}
	}()
	threeRegions(t).InRegion("SYD")
}
