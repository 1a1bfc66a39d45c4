package mockserver

import (
	"context"
	"net/http"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/tasks"
)

// importedImage imports a small VHD as the producer and returns the new image's id.
func importedImage(t *testing.T, s *Server, name string) string {
	t.Helper()
	seedObject(t, s, producer, "images", name+".vhd", vhdBytes(t, 4096))
	task := finished(t, s, producer, "import", importInput(name, "images/"+name+".vhd"))
	id, _ := task["result"].(map[string]any)["image_id"].(string)
	if id == "" {
		t.Fatalf("import failed: %v", task)
	}
	return id
}

func TestRackspace_Refusals(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Flavor: "rackspace"})
	tok := s.IssueToken(producer)
	r := do(t, s, req{method: "POST", path: "/image/v2/images", token: tok, body: map[string]any{"name": "direct"}})
	expect(t, r, http.StatusMethodNotAllowed, "")
	if m := r.object(t)["message"]; r.header.Get("Allow") != "GET" || m != "The method POST is not allowed for this resource. <br /><br />\n" {
		t.Errorf("405: %v %q", r.header, m)
	}

	id := importedImage(t, s, "imported")
	if img, _ := s.Image(id); img.Visibility != "private" || img.Status != "active" {
		t.Errorf("imported image %+v", img)
	}
	for _, method := range []string{"GET", "PUT"} {
		r := do(t, s, req{method: method, path: "/image/v2/images/" + id + "/file", token: tok,
			header: map[string]string{"Content-Type": "application/octet-stream"}})
		expect(t, r, http.StatusNotFound, "The resource could not be found.")
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file"}), http.StatusUnauthorized, "")
	for _, action := range []string{"deactivate", "reactivate"} {
		r := do(t, s, req{method: "POST", path: "/image/v2/images/" + id + "/actions/" + action, token: tok})
		expect(t, r, http.StatusForbidden, "You are not authorized to complete "+action+" action.")
		r = do(t, s, req{method: "POST", path: "/image/v2/images/" + id + "/actions/" + action, token: s.IssueToken(consumer)})
		expect(t, r, http.StatusNotFound, "No image found with ID "+id)
	}

	// What Rackspace does offer works as in Glance.
	expect(t, patch(t, s, producer, id, patchV21, `[{"op":"add","path":"/os_distro","value":"ubuntu"}]`), http.StatusOK, "")
	expect(t, do(t, s, req{method: "PUT", path: "/image/v2/images/" + id + "/tags/t", token: tok}), http.StatusNoContent, "")
	if names := listNames(t, s, producer, ""); !sameSet(names, "imported") {
		t.Errorf("list %v", names)
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok}), http.StatusOK, "")
	expect(t, do(t, s, req{method: "DELETE", path: "/image/v2/images/" + id, token: tok}), http.StatusNoContent, "")
}

// TestRackspace_PrivateSharing: on Rackspace private images have members, and to a member
// they are "shared".
func TestRackspace_PrivateSharing(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Flavor: "rackspace"})
	id := importedImage(t, s, "gift")
	expect(t, memberCall(t, s, producer, "POST", id, "", map[string]any{"member": consumer}), http.StatusOK, "")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: s.IssueToken(consumer)}), http.StatusOK, "")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: s.IssueToken(stranger)}), http.StatusNotFound, "")
	if names := listNames(t, s, consumer, ""); len(names) != 0 {
		t.Errorf("pending member lists %v", names)
	}
	if names := listNames(t, s, consumer, "visibility=shared&member_status=pending"); !sameSet(names, "gift") {
		t.Errorf("pending shared list %v", names)
	}
	expect(t, memberCall(t, s, consumer, "PUT", id, consumer, map[string]any{"status": "accepted"}), http.StatusOK, "")
	if !sameSet(listNames(t, s, consumer, ""), "gift") || !sameSet(listNames(t, s, consumer, "visibility=shared"), "gift") ||
		len(listNames(t, s, consumer, "visibility=private")) != 0 || !sameSet(listNames(t, s, producer, "visibility=private"), "gift") {
		t.Error("accepted member: wrong lists")
	}
	if got := memberIDs(t, memberCall(t, s, producer, "GET", id, "", nil)); !sameSet(got, consumer) {
		t.Errorf("members %v", got)
	}
	// Public images still have none.
	if err := s.UpdateImage(id, func(r *ImageRecord) { r.Visibility = "public" }); err != nil {
		t.Fatal(err)
	}
	expect(t, memberCall(t, s, producer, "GET", id, "", nil), http.StatusForbidden,
		"Not allowed to list members for image "+id+": Only shared images have members.")
}

// TestRackspace_Gophercloud walks the Rackspace way with gophercloud: API-key auth against
// identity v2.0, the versioned catalog URL, an import task, sharing the private result.
func TestRackspace_Gophercloud(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Flavor: "rackspace", Regions: []string{"DFW"}})
	ctx := context.Background()
	seedObject(t, s, producer, "images", "disk.vhd", vhdBytes(t, 8192))
	pc, err := openstack.NewClient(s.IdentityV2URL())
	if err != nil {
		t.Fatal(err)
	}
	if err := openstack.AuthenticateV2(ctx, pc, raxAPIKeyAuth{Username: "producer", APIKey: "producer-key"}, gophercloud.EndpointOpts{}); err != nil {
		t.Fatal(err)
	}
	sc, err := openstack.NewImageV2(pc, gophercloud.EndpointOpts{Region: "DFW"})
	if err != nil {
		t.Fatal(err)
	}
	sc.ResourceBase = sc.Endpoint // REFERENCE §5.1: the catalog URL is versioned
	if _, err := images.Create(ctx, sc, images.CreateOpts{Name: "direct"}).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusMethodNotAllowed) {
		t.Fatalf("direct create: %v", err)
	}
	task, err := tasks.Create(ctx, sc, tasks.CreateOpts{Type: "import", Input: map[string]any{
		"image_properties": map[string]any{"name": "from files"}, "import_from": "images/disk.vhd",
	}}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if task, err = tasks.Get(ctx, sc, task.ID).Extract(); err != nil || task.Status != "success" {
		t.Fatalf("task %+v, %v", task, err)
	}
	id, _ := task.Result["image_id"].(string)
	img, err := images.Get(ctx, sc, id).Extract()
	if err != nil || img.Visibility != images.ImageVisibilityPrivate || img.DiskFormat != "vhd" || img.ContainerFormat != "ovf" {
		t.Fatalf("image %+v, %v", img, err)
	}
	if m, err := members.Create(ctx, sc, id, consumer).Extract(); err != nil || m.Status != "pending" {
		t.Fatalf("member %+v, %v", m, err)
	}
}
