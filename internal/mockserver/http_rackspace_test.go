package mockserver

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// seedRecords puts n images (owned by the producer) and n tasks straight into the store,
// for paging tests of the rackspace flavour, whose images only come from tasks.
func seedRecords(s *Server, n int) {
	now := s.now()
	for i := range n {
		at := now.Add(time.Duration(i) * time.Second)
		id := newUUID()
		s.images.add(&image{ImageRecord: ImageRecord{
			ID: id, Name: ptr(fmt.Sprint("img", i)), Status: statusActive, Visibility: "private", Owner: producer,
			Tags: []string{}, Properties: map[string]string{}, CreatedAt: at, UpdatedAt: at,
		}})
		tid := newUUID()
		s.tasks.add(&TaskRecord{ID: tid, Type: "import", Status: taskPending, Owner: producer, CreatedAt: at, UpdatedAt: at})
	}
}

func TestRackspace_PagesOfAtMost100(t *testing.T) {
	t.Parallel()
	for flavor, want := range map[string]map[string]int{
		// Glance: limit_param_default 25, api_limit_max 1000.
		"glance": {"": 25, "limit=10": 10, "limit=101": 101, "limit=5000": 105},
		// paginated-collections.rst: at most 100, and 100 when no limit is asked for.
		"rackspace": {"": 100, "limit=10": 10, "limit=101": 100, "limit=5000": 100},
	} {
		s := startServer(t, Options{Flavor: flavor})
		seedRecords(s, 105)
		tok := s.IssueToken(producer)
		for query, n := range want {
			for _, list := range []string{"images", "tasks"} {
				r := do(t, s, req{method: "GET", path: "/image/v2/" + list + "?" + query, token: tok})
				body := r.object(t)
				if got := len(body[list].([]any)); got != n {
					t.Errorf("%s: GET %s?%s has %d items, want %d", flavor, list, query, got, n)
				}
				if _, next := body["next"]; next != (n < 105) {
					t.Errorf("%s: GET %s?%s: next link %v with %d of 105", flavor, list, query, body["next"], n)
				}
			}
		}
	}
}

func TestRackspace_415WithoutJSONContentType(t *testing.T) {
	t.Parallel()
	for _, flavor := range []string{"glance", "rackspace"} {
		s := startServer(t, Options{Flavor: flavor})
		id := createSharable(t, s)
		calls := []struct {
			method, path, tenant, body string
		}{
			{"POST", "/image/v2/tasks", producer, `{"type":"import","input":{"import_from":"images/x.vhd","image_properties":{"name":"x"}}}`},
			{"POST", "/image/v2/images/" + id + "/members", producer, `{"member":"` + consumer + `"}`},
			{"PUT", "/image/v2/images/" + id + "/members/" + consumer, consumer, `{"status":"accepted"}`},
		}
		for _, ctype := range []string{"", "text/plain", "application/json; charset=UTF-8"} {
			for _, c := range calls {
				r := do(t, s, req{method: c.method, path: c.path, token: s.IssueToken(c.tenant), body: c.body,
					header: map[string]string{"Content-Type": ctype}})
				switch {
				case flavor == "rackspace" && !strings.HasPrefix(ctype, "application/json"):
					expect(t, r, http.StatusUnsupportedMediaType, "")
				case r.status == http.StatusUnsupportedMediaType:
					t.Errorf("%s: %s %s with Content-Type %q: 415", flavor, c.method, c.path, ctype)
				}
			}
			// Start the member calls afresh.
			_ = s.DeleteMember(id, consumer)
		}
	}
}

// createSharable is an image the producer can share: shared in Glance, private (and
// imported) in the rackspace flavour.
func createSharable(t *testing.T, s *Server) string {
	t.Helper()
	if s.rackspace() {
		return importedImage(t, s, "shared")
	}
	return createImageID(t, s, map[string]any{"name": "shared", "visibility": "shared"})
}

func TestRackspace_ErrorsAreJSONWhateverTheAccept(t *testing.T) {
	t.Parallel()
	for flavor, want := range map[string]map[string]string{
		// webob's generate_response: HTML first for */*, plain text without Accept.
		"glance":    {"*/*": "text/html", "": "text/plain", "text/html": "text/html", "application/json": "application/json"},
		"rackspace": {"*/*": "application/json", "": "application/json", "text/html": "application/json", "application/json": "application/json"},
	} {
		s := startServer(t, Options{Flavor: flavor})
		for accept, ctype := range want {
			r := do(t, s, req{method: "GET", path: "/image/v2/images/" + newUUID(), token: s.IssueToken(producer),
				header: map[string]string{"Accept": accept}})
			if got := r.header.Get("Content-Type"); r.status != http.StatusNotFound || !strings.HasPrefix(got, ctype) {
				t.Errorf("%s, Accept %q: %d %s, want 404 %s", flavor, accept, r.status, got, ctype)
			}
		}
	}
}

func TestRackspace_MemberAddingAMemberGets404(t *testing.T) {
	t.Parallel()
	for flavor, want := range map[string]int{"glance": http.StatusForbidden, "rackspace": http.StatusNotFound} {
		s := startServer(t, Options{Flavor: flavor})
		id := createSharable(t, s)
		body := map[string]any{"member": consumer}
		expect(t, do(t, s, req{method: "POST", path: "/image/v2/images/" + id + "/members", token: s.IssueToken(producer), body: body}), http.StatusOK, "")
		// The member sees the image, and still may not share it further.
		r := do(t, s, req{method: "POST", path: "/image/v2/images/" + id + "/members", token: s.IssueToken(consumer), body: map[string]any{"member": "100003"}})
		if r.status != want {
			t.Errorf("%s: a member adding a member: %d %s, want %d", flavor, r.status, r.body, want)
		}
	}
}

func TestRackspace_FormatsReplaceableOnActiveImage(t *testing.T) {
	t.Parallel()
	for flavor, want := range map[string]int{"glance": http.StatusForbidden, "rackspace": http.StatusOK} {
		s := startServer(t, Options{Flavor: flavor})
		var id string
		if flavor == "rackspace" {
			id = importedImage(t, s, "active")
		} else {
			id = activeImage(t, s, map[string]any{"disk_format": "vhd", "container_format": "ovf"}, "data")
		}
		for key, value := range map[string]string{"disk_format": "raw", "container_format": "bare"} {
			r := patch(t, s, producer, id, patchV21, `[{"op":"replace","path":"/`+key+`","value":"`+value+`"}]`)
			if r.status != want {
				t.Errorf("%s: replace %s on an active image: %d %s, want %d", flavor, key, r.status, r.body, want)
			}
			if img, _ := s.Image(id); want == http.StatusOK && (img.Status != "active" || !strings.Contains(fmt.Sprint(*img.DiskFormat, *img.ContainerFormat), value)) {
				t.Errorf("%s: after replacing %s: %+v", flavor, key, img)
			}
		}
	}
}
