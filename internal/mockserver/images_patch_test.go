package mockserver

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

func patch(t *testing.T, s *Server, tenant, id, mediaType, body string) response {
	t.Helper()
	return do(t, s, req{method: "PATCH", path: "/image/v2/images/" + id, token: s.IssueToken(tenant), body: body,
		header: map[string]string{"Content-Type": mediaType}})
}

func TestPatch_MediaType(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := createImage(t, s, producer, nil)["id"].(string)
	r := patch(t, s, producer, id, "application/json", `[]`)
	if r.status != http.StatusUnsupportedMediaType {
		t.Fatalf("status %d", r.status)
	}
	if got := r.header.Get("Accept-Patch"); got != patchV20+", "+patchV21 {
		t.Errorf("Accept-Patch = %q", got)
	}
	want := `{"code":"415 Unsupported Media Type","message":"The request media type application/json is not supported by this server.\n<br /><br />\nImage PATCH expects Content-Type one of: application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch","title":"Unsupported Media Type"}`
	if string(r.body) != want {
		t.Errorf("body = %s", r.body)
	}
}

func TestPatch_Operations(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	id := createImage(t, s, producer, map[string]any{"name": "a", "old": "1", "gone": "x"})["id"].(string)
	clock.Advance(time.Minute)
	r := patch(t, s, producer, id, patchV21, `[
		{"op":"replace","path":"/name","value":"b"},
		{"op":"add","path":"/new","value":"n"},
		{"op":"add","path":"/old","value":"2"},
		{"op":"remove","path":"/gone"},
		{"op":"replace","path":"/tags","value":["x","y","x"]},
		{"op":"add","path":"/protected","value":true},
		{"op":"replace","path":"/min_disk","value":10},
		{"op":"replace","path":"/os_hidden","value":true},
		{"op":"replace","path":"/visibility","value":"private"},
		{"op":"replace","path":"/disk_format","value":"vhd"},
		{"op":"add","path":"/a~1b~0c","value":"escaped"},
		{"op":"replace","path":"/name","value":null}
	]`)
	expect(t, r, http.StatusOK, "")
	img := r.object(t)
	rec, _ := s.Image(id)
	if rec.Name != nil || !rec.Protected || !rec.Hidden || rec.MinDisk != 10 || rec.Visibility != "private" ||
		*rec.DiskFormat != "vhd" || !slices.Equal(rec.Tags, []string{"x", "y"}) {
		t.Errorf("record = %+v", rec)
	}
	wantProps := map[string]string{"new": "n", "old": "2", "a/b~c": "escaped"}
	if len(rec.Properties) != len(wantProps) {
		t.Errorf("properties = %v", rec.Properties)
	}
	for k, v := range wantProps {
		if rec.Properties[k] != v || img[k] != v {
			t.Errorf("property %q = %q / %v", k, rec.Properties[k], img[k])
		}
	}
	if img["updated_at"] != "2026-03-01T12:01:00Z" || img["created_at"] != "2026-03-01T12:00:00Z" {
		t.Errorf("timestamps %v %v", img["created_at"], img["updated_at"])
	}
	// An empty patch changes nothing.
	clock.Advance(time.Minute)
	if r := patch(t, s, producer, id, patchV21, `[]`); r.object(t)["updated_at"] != img["updated_at"] {
		t.Errorf("empty patch moved updated_at")
	}
}

func TestPatch_DeprecatedV20Syntax(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := createImage(t, s, producer, map[string]any{"k": "v"})["id"].(string)
	expect(t, patch(t, s, producer, id, patchV20, `[{"replace":"/name","value":"x"},{"add":"/n","value":"1"}]`), http.StatusOK, "")
	expect(t, patch(t, s, producer, id, patchV20, `[{"add":"/k","value":"w"}]`), http.StatusConflict, "Property k already present.")
	expect(t, patch(t, s, producer, id, patchV20, `[{"add":"/k","replace":"/k","value":"w"}]`), http.StatusBadRequest, "")
	if rec, _ := s.Image(id); *rec.Name != "x" || rec.Properties["n"] != "1" || rec.Properties["k"] != "v" {
		t.Errorf("record = %+v", rec)
	}
}

func TestPatch_Rejections(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	queued := createImage(t, s, producer, map[string]any{"custom": "c"})["id"].(string)
	active := activeImage(t, s, nil, "data")
	cases := []struct {
		id, body string
		status   int
		msg      string
	}{
		{queued, `[{"op":"replace","path":"/status","value":"active"}]`, 403, "Attribute 'status' is read-only."},
		{queued, `[{"op":"replace","path":"/id","value":"x"}]`, 403, "Attribute 'id' is read-only."},
		{queued, `[{"op":"add","path":"/checksum","value":"x"}]`, 403, "Attribute 'checksum' is read-only."},
		{queued, `[{"op":"remove","path":"/self"}]`, 403, "Attribute 'self' is read-only."},
		{queued, `[{"op":"add","path":"/os_glance_x","value":"x"}]`, 403, "Attribute 'os_glance_x' is reserved."},
		{queued, `[{"op":"add","path":"/location","value":"x"}]`, 403, "Attribute 'location' is reserved."},
		{queued, `[{"op":"add","path":"/com.rackspace__1__release_id","value":"1"}]`, 403, "Attribute 'com.rackspace__1__release_id' is reserved."},
		{queued, `[{"op":"replace","path":"/missing","value":"x"}]`, 409, "Property missing does not exist."},
		{queued, `[{"op":"remove","path":"/missing"}]`, 409, "Property missing does not exist."},
		{queued, `[{"op":"remove","path":"/name"}]`, 403, "Property name may not be removed."},
		{queued, `[{"op":"replace","path":"/owner","value":"` + consumer + `"}]`, 403, "Owner can't be updated by non admin."},
		{queued, `[{"op":"replace","path":"/visibility","value":"public"}]`, 403, "You are not authorized to complete publicize_image action."},
		{queued, `[{"op":"add","path":"/locations/-","value":{}}]`, 403, "It's not allowed to add locations if locations are invisible."},
		{active, `[{"op":"replace","path":"/disk_format","value":"vhd"}]`, 403, "Attribute disk_format can be only replaced for a queued image."},
		{active, `[{"op":"replace","path":"/container_format","value":"bare"}]`, 403, "Attribute container_format can be only replaced for a queued image."},
		{queued, `[{"op":"replace","path":"/min_disk","value":"10"}]`, 400, "Provided object does not match schema 'image': '10' is not of type 'integer'"},
		{queued, `[{"op":"replace","path":"/min_ram","value":-5}]`, 400, ""},
		{queued, `[{"op":"replace","path":"/protected","value":"true"}]`, 400, ""},
		{queued, `[{"op":"replace","path":"/disk_format","value":"floppy"}]`, 400, ""},
		{queued, `[{"op":"add","path":"/custom","value":1}]`, 400, ""},
		{queued, `[{"op":"replace","path":"/name"}]`, 400, `Operation "replace" requires a member named "value".`},
		{queued, `[{"op":"copy","path":"/name","value":"x"}]`, 400, "Invalid operation: `copy`. It must be one of the following: add, remove, replace."},
		{queued, `[{"path":"/name","value":"x"}]`, 400, "Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace."},
		{queued, `[{"op":"add","value":"x"}]`, 400, "Unable to find 'path' in JSON Schema change"},
		{queued, `[{"op":"add","path":"/a/b","value":"x"}]`, 400, "Invalid JSON pointer for this resource: '/a/b'"},
		{queued, `[{"op":"add","path":"/tags/-","value":"x"}]`, 400, "Invalid JSON pointer for this resource: '/tags/-'"},
		{queued, `[{"op":"add","path":"name","value":"x"}]`, 400, "Pointer `name` does not start with \"/\"."},
		{queued, `[{"op":"add","path":"/a~2","value":"x"}]`, 400, "Pointer `/a~2` contains \"~\" not part of a recognized escape sequence."},
		{queued, `[{"op":"add","path":"/a~","value":"x"}]`, 400, ""},
		{queued, `[{"op":"add","path":"/a/","value":"x"}]`, 400, "Pointer `/a/` end with \"/\"."},
		{queued, `[{"op":"add","path":"/","value":"x"}]`, 400, ""},
		{queued, `{"op":"add"}`, 400, "Request body must be a JSON array of operation objects."},
		{queued, `["add"]`, 400, "Operations must be JSON objects."},
		{queued, `[`, 400, "Malformed JSON in request body."},
		{"00000000-0000-0000-0000-000000000000", `[]`, 404, "No image found with ID 00000000-0000-0000-0000-000000000000"},
	}
	for _, tc := range cases {
		r := patch(t, s, producer, tc.id, patchV21, tc.body)
		if r.status != tc.status {
			t.Errorf("%s: %d %s", tc.body, r.status, r.body)
		} else if tc.msg != "" {
			expect(t, r, tc.status, tc.msg)
		}
	}
	if rec, _ := s.Image(queued); rec.Name != nil || rec.Properties["custom"] != "c" || len(rec.Properties) != 1 {
		t.Errorf("rejected patches changed the image: %+v", rec)
	}
}

func TestPatch_IsAtomic(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := createImage(t, s, producer, map[string]any{"name": "before"})["id"].(string)
	r := patch(t, s, producer, id, patchV21, `[{"op":"replace","path":"/name","value":"after"},{"op":"add","path":"/x","value":"1"},{"op":"replace","path":"/missing","value":"x"}]`)
	expect(t, r, http.StatusConflict, "Property missing does not exist.")
	if rec, _ := s.Image(id); *rec.Name != "before" || len(rec.Properties) != 0 {
		t.Errorf("partial patch applied: %+v", rec)
	}
}

func TestPatch_OtherTenants(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	community := createImage(t, s, producer, map[string]any{"visibility": "community"})["id"].(string)
	private := createImage(t, s, producer, map[string]any{"visibility": "private"})["id"].(string)
	body := `[{"op":"replace","path":"/name","value":"mine"}]`
	expect(t, patch(t, s, consumer, community, patchV21, body), http.StatusForbidden, "You are not authorized to complete modify_image action.")
	expect(t, patch(t, s, consumer, private, patchV21, body), http.StatusNotFound, "No image found with ID "+private)
}
