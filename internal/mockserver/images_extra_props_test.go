package mockserver

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// extras are the read-only properties of a server that adds a vendor's and a newer
// Glance's.
var extras = map[string]string{"x_cloud_region": "MOCK-1", "os_glance_stores": "default"}

// TestExtraReadOnly_InEveryView: every image carries the extra properties, whatever made
// it, and list filters on them see the same values.
func TestExtraReadOnly_InEveryView(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{ExtraReadOnlyProperties: extras})
	tok := s.IssueToken(producer)
	hasExtras := func(where string, view map[string]any) {
		t.Helper()
		for k, v := range extras {
			if view[k] != v {
				t.Errorf("%s: %s = %v, want %q", where, k, view[k], v)
			}
		}
	}
	created := createImage(t, s, producer, map[string]any{"name": "api", "os_distro": "ubuntu"})
	hasExtras("create", created)
	id := mustString(t, created["id"])
	hasExtras("get", do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok}).object(t))
	hasExtras("patch", patch(t, s, producer, id, patchV21, `[{"op":"add","path":"/k","value":"v"}]`).object(t))
	imported := importedImage(t, s, "task")
	hasExtras("imported", do(t, s, req{method: "GET", path: "/image/v2/images/" + imported, token: tok}).object(t))

	list := do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}).object(t)
	imgs, _ := list["images"].([]any)
	if len(imgs) != 2 {
		t.Fatalf("list %v", list)
	}
	for _, img := range imgs {
		hasExtras("list", img.(map[string]any))
	}
	// They are the server's, not the images': the records do not hold them.
	if rec, _ := s.Image(id); rec.Properties["x_cloud_region"] != "" || rec.Properties["os_distro"] != "ubuntu" {
		t.Errorf("record properties %v", rec.Properties)
	}

	if names := listNames(t, s, producer, "x_cloud_region=MOCK-1"); !sameSet(names, "api", "task") {
		t.Errorf("matching filter: %v", names)
	}
	if names := listNames(t, s, producer, "x_cloud_region=elsewhere"); len(names) != 0 {
		t.Errorf("other value: %v", names)
	}
	if names := listNames(t, s, producer, "os_glance_stores=default&os_distro=ubuntu"); !sameSet(names, "api") {
		t.Errorf("with a custom filter: %v", names)
	}
	page := do(t, s, req{method: "GET", path: "/image/v2/images?limit=1&x_cloud_region=MOCK-1", token: tok}).object(t)
	if next, _ := page["next"].(string); !strings.Contains(next, "x_cloud_region=MOCK-1") {
		t.Errorf("next link %q", next)
	}
}

// TestExtraReadOnly_Refused: setting an extra property is 403 read-only, on create and
// in every PATCH operation, and leaves the image as it was.
func TestExtraReadOnly_Refused(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{ExtraReadOnlyProperties: extras, Now: newClock().Now})
	id := createImageID(t, s, nil)
	before := state(s)
	for k := range extras {
		msg := "Attribute '" + k + "' is read-only."
		r := do(t, s, req{method: "POST", path: "/image/v2/images", token: s.IssueToken(producer), body: map[string]any{k: "mine"}})
		expect(t, r, http.StatusForbidden, msg)
		for _, op := range []string{
			`[{"op":"add","path":"/` + k + `","value":"mine"}]`,
			`[{"op":"replace","path":"/` + k + `","value":"mine"}]`,
			`[{"op":"remove","path":"/` + k + `"}]`,
			`[{"op":"replace","path":"/name","value":"ok"},{"op":"add","path":"/` + k + `","value":"mine"}]`,
		} {
			expect(t, patch(t, s, producer, id, patchV21, op), http.StatusForbidden, msg)
		}
		expect(t, patch(t, s, producer, id, patchV20, `[{"add":"/`+k+`","value":"mine"}]`), http.StatusForbidden, msg)
	}
	if state(s) != before {
		t.Error("a refused request changed the state")
	}
	// Other os_glance keys stay reserved.
	expect(t, patch(t, s, producer, id, patchV21, `[{"op":"add","path":"/os_glance_x","value":"v"}]`), http.StatusForbidden,
		"Attribute 'os_glance_x' is reserved.")
}

func TestExtraReadOnly_BadKeys(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"", strings.Repeat("k", 256), "name", "status", "locations", "stores", importLockKey, failedImportKey} {
		if s, err := Start(Options{ExtraReadOnlyProperties: map[string]string{key: "v"}}); err == nil {
			_ = s.Close()
			t.Errorf("%q accepted", key)
		}
	}
}

// TestSchemas_ImageReadOnly: the image schema names every base attribute of an image,
// marks readOnly exactly where Glance does (plus the server's extras), and types custom
// properties as strings, so a client can sort attributes from it alone.
func TestSchemas_ImageReadOnly(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{ExtraReadOnlyProperties: extras})
	tok := s.IssueToken(producer)
	doc := do(t, s, req{method: "GET", path: "/image/v2/schemas/image", token: tok}).object(t)
	if ap, _ := doc["additionalProperties"].(map[string]any); len(ap) != 1 || ap["type"] != "string" {
		t.Errorf("additionalProperties %v", doc["additionalProperties"])
	}
	props := doc["properties"].(map[string]any)
	var readOnly []string
	for k, v := range props {
		if v.(map[string]any)["readOnly"] == true {
			readOnly = append(readOnly, k)
		}
	}
	slices.Sort(readOnly)
	want := []string{"checksum", "created_at", "direct_url", "file", "os_glance_stores", "os_hash_algo", "os_hash_value",
		"schema", "self", "size", "status", "stores", "updated_at", "virtual_size", "x_cloud_region"}
	if !slices.Equal(readOnly, want) {
		t.Errorf("readOnly %v, want %v", readOnly, want)
	}
	for _, k := range append(slices.Clone(writableBase), "id", "locations") {
		if _, ok := props[k]; !ok {
			t.Errorf("%s missing", k)
		}
	}
	// Every key of an image without custom properties is in the schema.
	view := createImage(t, s, producer, nil)
	for k := range view {
		if _, ok := props[k]; !ok {
			t.Errorf("image key %s not in the schema", k)
		}
	}
	// The collection schema carries the same item schema.
	images := do(t, s, req{method: "GET", path: "/image/v2/schemas/images", token: tok}).object(t)
	items := images["properties"].(map[string]any)["images"].(map[string]any)["items"].(map[string]any)
	if got := items["properties"].(map[string]any); !sameKeys(got, props) {
		t.Errorf("images schema items differ")
	}
	// Without extras the schema is Glance's own.
	plain := startServer(t, Options{})
	doc = do(t, plain, req{method: "GET", path: "/image/v2/schemas/image", token: plain.IssueToken(producer)}).object(t)
	if _, ok := doc["properties"].(map[string]any)["x_cloud_region"]; ok {
		t.Error("extras on a plain server")
	}
}

func sameKeys(a, b map[string]any) bool {
	return slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b)))
}
