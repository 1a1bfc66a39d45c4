package mockserver

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// isolationCall is one call by another tenant on something the producer owns, and the
// exact answer REFERENCE.md gives it.
type isolationCall struct {
	method, path, body string
	status             int
	msg                string
}

// imageRoutes are the calls on one image of the producer's, each with its 404 message
// for a caller who cannot see the image.
func imageRoutes(id, member string) []isolationCall {
	p := "/image/v2/images/" + id
	noImage := "No image found with ID " + id  // §1.5, §1.7: invisible is 404
	noMembers := "Image " + id + " not found." // §2.2: the members controller's own lookup
	return []isolationCall{
		{"GET", p, "", 404, noImage},
		{"PATCH", p, `[{"op":"replace","path":"/name","value":"mine"}]`, 404, noImage},
		{"DELETE", p, "", 404, noImage},
		{"PUT", p + "/file", "data", 404, noImage},
		{"GET", p + "/file", "", 404, noImage},
		{"PUT", p + "/stage", "data", 404, noImage},
		{"POST", p + "/import", `{"method":{"name":"web-download","uri":"http://127.0.0.1:1/disk.img"}}`, 404, noImage},
		{"PUT", p + "/tags/mine", "", 404, noImage},
		{"DELETE", p + "/tags/t", "", 404, noImage},
		{"POST", p + "/actions/deactivate", "", 404, noImage},
		{"POST", p + "/actions/reactivate", "", 404, noImage},
		{"POST", p + "/members", `{"member":"` + consumer + `"}`, 404, noMembers},
		{"GET", p + "/members", "", 404, noMembers},
		{"GET", p + "/members/" + member, "", 404, noMembers},
		{"PUT", p + "/members/" + member, `{"status":"accepted"}`, 404, noMembers},
		{"PUT", p + "/members/" + consumer, `{"status":"accepted"}`, 404, noMembers},
		{"DELETE", p + "/members/" + member, "", 404, noMembers},
	}
}

// callAsConsumer makes c as the consumer, with the media types each route wants.
func callAsConsumer(t *testing.T, s *Server, c isolationCall) response {
	t.Helper()
	header := map[string]string{"Content-Type": "application/json"}
	switch {
	case c.method == "PATCH":
		header["Content-Type"] = patchV21
	case c.method == "PUT" && (strings.HasSuffix(c.path, "/file") || strings.HasSuffix(c.path, "/stage")):
		header["Content-Type"] = "application/octet-stream"
	}
	var body any
	if c.body != "" {
		body = c.body
	}
	return do(t, s, req{method: c.method, path: c.path, token: s.IssueToken(consumer), body: body, header: header})
}

// checkCalls makes every call as the consumer and checks each answer.
func checkCalls(t *testing.T, s *Server, scenario string, calls []isolationCall) {
	t.Helper()
	for _, c := range calls {
		r := callAsConsumer(t, s, c)
		if r.status != c.status || (c.msg != "" && dialectMessage(r) != c.msg) {
			t.Errorf("%s: %s %s: %d %q, want %d %q", scenario, c.method, c.path, r.status, dialectMessage(r), c.status, c.msg)
		}
	}
}

// TestIsolation_AnotherTenantGets404Or403 calls every route of images, image data, tags,
// actions, members, tasks and the object store on the producer's things with another
// tenant's token (REFERENCE §1.5, §1.7, §2.2, §3.1), then checks nothing changed.
func TestIsolation_AnotherTenantGets404Or403(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Now: newClock().Now})
	prod := s.IssueToken(producer)
	private := activeImage(t, s, map[string]any{"visibility": "private", "tags": []string{"t"}}, "private data")
	notMine := activeImage(t, s, map[string]any{"tags": []string{"t"}}, "shared data") // shared with otherMember only
	expect(t, memberCall(t, s, producer, "POST", notMine, "", map[string]any{"member": otherMember}), http.StatusOK, "")
	mine := activeImage(t, s, map[string]any{"tags": []string{"t"}}, "shared data") // shared with consumer and otherMember
	for _, m := range []string{consumer, otherMember} {
		expect(t, memberCall(t, s, producer, "POST", mine, "", map[string]any{"member": m}), http.StatusOK, "")
	}
	seedObject(t, s, producer, "c", "o", vhdBytes(t, 4096))
	task := finished(t, s, producer, "import", importInput("imported", "c/o"))["id"].(string)
	before := state(s)

	checkCalls(t, s, "private image", imageRoutes(private, otherMember))
	checkCalls(t, s, "shared, not a member", imageRoutes(notMine, otherMember))

	// A member sees the image but may change only its own membership (§1.6 6, §1.7, §1.8,
	// §1.10, §2.2).
	p := "/image/v2/images/" + mine
	notAuthorized := func(action string) string { return "You are not authorized to complete " + action + " action." }
	otherRow := otherMember + " not found in the member list of the image " + mine + "."
	checkCalls(t, s, "member", []isolationCall{
		{"PATCH", p, `[{"op":"replace","path":"/name","value":"mine"}]`, 403, notAuthorized("modify_image")},
		{"DELETE", p, "", 403, notAuthorized("delete_image")},
		{"PUT", p + "/file", "data", 403, notAuthorized("upload_image")},
		{"PUT", p + "/stage", "data", 403, notAuthorized("modify_image")},
		{"POST", p + "/import", `{"method":{"name":"glance-direct"}}`, 403, notAuthorized("modify_image")},
		{"PUT", p + "/tags/mine", "", 403, notAuthorized("modify_image")},
		{"DELETE", p + "/tags/t", "", 403, notAuthorized("modify_image")},
		{"POST", p + "/actions/deactivate", "", 403, notAuthorized("deactivate")},
		{"POST", p + "/actions/reactivate", "", 403, notAuthorized("reactivate")},
		{"POST", p + "/members", `{"member":"100009"}`, 403, "Not allowed to create members for image " + mine + "."},
		{"DELETE", p + "/members/" + otherMember, "", 403, "Not allowed to delete members for image " + mine + "."},
		{"DELETE", p + "/members/" + consumer, "", 403, "Not allowed to delete members for image " + mine + "."},
		{"GET", p + "/members/" + otherMember, "", 404, otherRow},
		{"PUT", p + "/members/" + otherMember, `{"status":"rejected"}`, 404, otherRow},
	})
	if ids := memberIDs(t, memberCall(t, s, consumer, "GET", mine, "", nil)); !slices.Equal(ids, []string{consumer}) {
		t.Errorf("a member lists %v", ids)
	}

	// Tasks (§3.1): another tenant's task is 404, and not listed.
	checkCalls(t, s, "task", []isolationCall{
		{"GET", "/image/v2/tasks/" + task, "", 404, "Could not find task " + task},
	})
	if ids := taskIDs(t, s, consumer, ""); len(ids) != 0 {
		t.Errorf("consumer lists tasks %v", ids)
	}

	// The object store: another account is 403 on every route.
	var objectCalls []isolationCall
	for _, path := range []string{"", "/", "/c", "/c/", "/c/o", "/nowhere", "/c/nothing"} {
		for _, method := range []string{"GET", "HEAD", "PUT", "DELETE"} {
			if method == "PUT" || method == "DELETE" {
				if path == "" || path == "/" {
					continue // no such methods on an account (405)
				}
			}
			msg := "<html><h1>Forbidden</h1><p>Access was denied to this resource.</p></html>"
			if method == "HEAD" {
				msg = ""
			}
			objectCalls = append(objectCalls, isolationCall{method, "/object/v1/AUTH_" + producer + path, "", 403, msg})
		}
	}
	checkCalls(t, s, "object store", objectCalls)

	if state(s) != before {
		t.Error("another tenant changed the producer's things")
	}

	// Tasks run with their owner's rights: another tenant can neither import the
	// producer's objects nor export its images.
	if got := finished(t, s, consumer, "import", importInput("stolen", "c/o")); got["message"] != importNotFound {
		t.Errorf("import of another's object: %v", got)
	}
	expect(t, do(t, s, req{method: "PUT", path: "/object/v1/AUTH_" + consumer + "/exports", token: s.IssueToken(consumer)}), http.StatusCreated, "")
	got := finished(t, s, consumer, "export", map[string]any{"image_uuid": private, "receiving_swift_container": "exports"})
	if got["message"] != "Requested image for export was not found: "+private {
		t.Errorf("export of another's image: %v", got)
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + private, token: prod}), http.StatusOK, "")
}

// TestIsolation_RackspaceSharesPrivateImages: on Rackspace private images take members
// (REFERENCE §1.16), and a tenant that is not one still gets 404 everywhere.
func TestIsolation_RackspaceSharesPrivateImages(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Flavor: "rackspace"})
	seedObject(t, s, producer, "c", "o", vhdBytes(t, 4096))
	id := importedImage(t, s, "private")
	expect(t, memberCall(t, s, producer, "POST", id, "", map[string]any{"member": otherMember}), http.StatusOK, "")
	noImage, noMembers := "No image found with ID "+id, "Image "+id+" not found."
	p := "/image/v2/images/" + id
	checkCalls(t, s, "rackspace", []isolationCall{
		{"GET", p, "", 404, noImage},
		{"DELETE", p, "", 404, noImage},
		{"POST", p + "/actions/deactivate", "", 404, noImage},
		{"GET", p + "/members", "", 404, noMembers},
		{"PUT", p + "/members/" + otherMember, `{"status":"accepted"}`, 404, noMembers},
	})
}
