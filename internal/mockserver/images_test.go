package mockserver

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

var isoTimeRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

func TestCreate_Defaults(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	r := do(t, s, req{method: "POST", path: "/image/v2/images", token: s.IssueToken(producer), body: map[string]any{}})
	expect(t, r, http.StatusCreated, "")
	img := r.object(t)
	id := img["id"].(string)
	if r.header.Get("Location") != "/v2/images/"+id || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers = %v", r.header)
	}
	want := map[string]any{
		"name": nil, "disk_format": nil, "container_format": nil, "visibility": "shared", "size": nil,
		"virtual_size": nil, "status": "queued", "checksum": nil, "protected": false, "min_ram": float64(0),
		"min_disk": float64(0), "owner": producer, "os_hidden": false, "os_hash_algo": nil, "os_hash_value": nil,
		"self": "/v2/images/" + id, "file": "/v2/images/" + id + "/file", "schema": "/v2/schemas/image",
	}
	for k, v := range want {
		if got, ok := img[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if tags, ok := img["tags"].([]any); !ok || len(tags) != 0 {
		t.Errorf("tags = %v", img["tags"])
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if !isoTimeRe.MatchString(img[k].(string)) {
			t.Errorf("%s = %v", k, img[k])
		}
	}
	if len(img) != len(want)+4 { // + id, tags, created_at, updated_at
		t.Errorf("unexpected keys in %v", img)
	}
}

func TestCreate_ClientIDAndDuplicate(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := "6f1c8a3e-0d3b-4a4e-9d55-2f4a3b2c1d0e"
	img := createImage(t, s, producer, map[string]any{"id": id, "name": "a", "tags": []string{"x", "x", "y"}, "os_distro": "ubuntu"})
	if img["id"] != id || img["os_distro"] != "ubuntu" || len(img["tags"].([]any)) != 2 {
		t.Fatalf("image = %v", img)
	}
	r := do(t, s, req{method: "POST", path: "/image/v2/images", token: s.IssueToken(consumer), body: map[string]any{"id": id}})
	expect(t, r, http.StatusConflict, "Image with identifier "+id+" already exists!")
}

func TestCreate_Rejections(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	tooManyTags := make([]string, 129)
	for i := range tooManyTags {
		tooManyTags[i] = strings.Repeat("t", i+1)
	}
	cases := []struct {
		body   any
		status int
		msg    string
	}{
		{map[string]any{"status": "active"}, 403, "Attribute 'status' is read-only."},
		{map[string]any{"size": 1}, 403, "Attribute 'size' is read-only."},
		{map[string]any{"checksum": "x"}, 403, "Attribute 'checksum' is read-only."},
		{map[string]any{"os_hash_value": "x"}, 403, "Attribute 'os_hash_value' is read-only."},
		{map[string]any{"self": "x"}, 403, "Attribute 'self' is read-only."},
		{map[string]any{"file": "x"}, 403, "Attribute 'file' is read-only."},
		{map[string]any{"location": "x"}, 403, "Attribute 'location' is reserved."},
		{map[string]any{"deleted": "x"}, 403, "Attribute 'deleted' is reserved."},
		{map[string]any{"os_glance_foo": "x"}, 403, "Attribute 'os_glance_foo' is reserved."},
		{map[string]any{"com.rackspace__1__release_id": "1"}, 403, "Attribute 'com.rackspace__1__release_id' is reserved."},
		{map[string]any{"visibility": "public"}, 403, "You are not authorized to complete publicize_image action."},
		{map[string]any{"owner": consumer}, 403, "You are not permitted to create images owned by '" + consumer + "'."},
		{map[string]any{"disk_format": "floppy"}, 400, ""},
		{map[string]any{"visibility": "everyone"}, 400, ""},
		{map[string]any{"min_disk": "10"}, 400, ""},
		{map[string]any{"min_ram": -1}, 400, "Provided object does not match schema 'image': -1 is less than the minimum of 0"},
		{map[string]any{"min_disk": 1.5}, 400, ""},
		{map[string]any{"protected": "true"}, 400, ""},
		{map[string]any{"name": strings.Repeat("n", 256)}, 400, ""},
		{map[string]any{"tags": "a"}, 400, ""},
		{map[string]any{"os_distro": 5}, 400, "Provided object does not match schema 'image': 5 is not of type 'string'"},
		{map[string]any{"id": "not-a-uuid"}, 400, ""},
		{map[string]any{"tags": tooManyTags}, 413, ""},
		{"{", 400, "Malformed JSON in request body."},
		{"", 400, "Body expected in request."},
		{"[]", 400, ""},
	}
	for _, tc := range cases {
		r := do(t, s, req{method: "POST", path: "/image/v2/images", token: tok, body: tc.body})
		if r.status != tc.status {
			t.Errorf("%v: %d %s", tc.body, r.status, r.body)
			continue
		}
		if tc.msg != "" {
			expect(t, r, tc.status, tc.msg)
		}
	}
	if n := len(s.Images()); n != 0 {
		t.Errorf("%d images created by rejected requests", n)
	}
	// Owner set to the caller's own tenant is fine.
	createImage(t, s, producer, map[string]any{"owner": producer, "visibility": "community"})
}

func TestGet_VisibilityRules(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ids := map[string]string{}
	for _, v := range []string{"private", "shared", "community"} {
		ids[v] = createImage(t, s, producer, map[string]any{"visibility": v})["id"].(string)
	}
	ids["public"] = createImage(t, s, producer, nil)["id"].(string)
	if err := s.UpdateImage(ids["public"], func(r *ImageRecord) { r.Visibility = "public" }); err != nil {
		t.Fatal(err)
	}
	other := s.IssueToken(consumer)
	for v, id := range ids {
		r := do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: other})
		switch v {
		case "private", "shared": // members come later: nobody else sees these
			expect(t, r, http.StatusNotFound, "No image found with ID "+id)
			expect(t, do(t, s, req{method: "DELETE", path: "/image/v2/images/" + id, token: other}), http.StatusNotFound, "")
		default:
			expect(t, r, http.StatusOK, "")
			expect(t, do(t, s, req{method: "DELETE", path: "/image/v2/images/" + id, token: other}), http.StatusForbidden, "")
		}
	}
	if len(s.Images()) != 4 {
		t.Fatal("a stranger deleted an image")
	}
}

func TestDelete_ProtectedAndData(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	id := activeImage(t, s, map[string]any{"protected": true}, "data")
	rec, _ := s.Image(id)
	if _, err := os.Stat(rec.DataPath); err != nil {
		t.Fatalf("data file: %v", err)
	}
	path := "/image/v2/images/" + id
	expect(t, do(t, s, req{method: "DELETE", path: path, token: tok}), http.StatusForbidden, "Image "+id+" is protected and cannot be deleted.")
	patch := do(t, s, req{method: "PATCH", path: path, token: tok, body: `[{"op":"replace","path":"/protected","value":false}]`,
		header: map[string]string{"Content-Type": patchV21}})
	expect(t, patch, http.StatusOK, "")
	expect(t, do(t, s, req{method: "DELETE", path: path, token: tok}), http.StatusNoContent, "")
	expect(t, do(t, s, req{method: "GET", path: path, token: tok}), http.StatusNotFound, "")
	expect(t, do(t, s, req{method: "DELETE", path: path, token: tok}), http.StatusNotFound, "")
	if _, err := os.Stat(rec.DataPath); !os.IsNotExist(err) {
		t.Fatalf("data file left behind: %v", err)
	}
}

func TestImages_GophercloudLifecycle(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	sc := imageClient(t, s)
	protected := false
	img, err := images.Create(ctx, sc, images.CreateOpts{
		Name: "n", DiskFormat: "vhd", ContainerFormat: "ovf", MinDisk: 20, MinRAM: 512, Tags: []string{"a"},
		Protected: &protected, Properties: map[string]string{"os_type": "linux"},
	}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if img.Status != images.ImageStatusQueued || img.Visibility != images.ImageVisibilityShared || img.MinDiskGigabytes != 20 ||
		img.Properties["os_type"] != "linux" || img.CreatedAt.IsZero() {
		t.Fatalf("created = %+v", img)
	}
	got, err := images.Get(ctx, sc, img.ID).Extract()
	if err != nil || got.Name != "n" || got.DiskFormat != "vhd" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	upd, err := images.Update(ctx, sc, img.ID, images.UpdateOpts{
		images.ReplaceImageName{NewName: "m"},
		images.ReplaceImageMinRam{NewMinRam: 1024},
		images.ReplaceImageTags{NewTags: []string{"b", "c"}},
		images.UpdateVisibility{Visibility: images.ImageVisibilityPrivate},
		images.UpdateImageProperty{Op: images.ReplaceOp, Name: "os_type", Value: "windows"},
		images.UpdateImageProperty{Op: images.AddOp, Name: "hw_a~1b", Value: "1"},
	}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if upd.Name != "m" || upd.MinRAMMegabytes != 1024 || len(upd.Tags) != 2 || upd.Visibility != "private" ||
		upd.Properties["os_type"] != "windows" || upd.Properties["hw_a/b"] != "1" {
		t.Fatalf("updated = %+v", upd)
	}
	_, err = images.Update(ctx, sc, img.ID, images.UpdateOpts{images.ReplaceImageChecksum{Checksum: "x"}}).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusForbidden) {
		t.Fatalf("checksum replace: %v", err)
	}
	if err := images.Delete(ctx, sc, img.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if _, err := images.Get(ctx, sc, img.ID).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
}

func TestBackdoor_UpdateAndDeleteImage(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	id := createImage(t, s, producer, map[string]any{"name": "a", "protected": true})["id"].(string)
	clock.Advance(time.Minute)
	err := s.UpdateImage(id, func(r *ImageRecord) {
		r.ID = "ignored"
		r.Name = ptr("drifted")
		r.Properties["x"] = "y"
	})
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := s.Image(id)
	if !ok || *rec.Name != "drifted" || rec.Properties["x"] != "y" || !rec.UpdatedAt.Equal(clock.Now()) {
		t.Fatalf("record = %+v", rec)
	}
	rec.Properties["mutate"] = "copy" // snapshots are copies
	if again, _ := s.Image(id); again.Properties["mutate"] != "" {
		t.Fatal("Image returned shared state")
	}
	if err := s.DeleteImage(id); err != nil { // ignores protection
		t.Fatal(err)
	}
	if err := s.DeleteImage(id); err == nil {
		t.Fatal("second delete succeeded")
	}
	if err := s.UpdateImage(id, func(*ImageRecord) {}); err == nil {
		t.Fatal("update of a missing image succeeded")
	}
}
