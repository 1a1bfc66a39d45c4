package client

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

func ptr[T any](v T) *T { return &v }

func TestCreateImage(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t)
	sent := recordRequests(t, c)
	img, err := c.CreateImage(testCtx(t), CreateImageInput{
		ID: "11111111-2222-4333-8444-555555555555", Name: "ubuntu", DiskFormat: "vhd", ContainerFormat: "ovf",
		Visibility: "private", Protected: ptr(false), Hidden: ptr(true), MinDisk: ptr(int64(0)), MinRAM: ptr(int64(512)),
		Tags: []string{"a", "b"}, Properties: map[string]string{"os_type": "linux", "com.example/x": "y"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(sent.images()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": "11111111-2222-4333-8444-555555555555", "name": "ubuntu", "disk_format": "vhd", "container_format": "ovf",
		"visibility": "private", "protected": false, "os_hidden": true, "min_disk": float64(0), "min_ram": float64(512),
		"tags": []any{"a", "b"}, "os_type": "linux", "com.example/x": "y",
	}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("body\n got %v\nwant %v", body, want)
	}
	if img.ID != "11111111-2222-4333-8444-555555555555" || img.Status != "queued" || img.Name != "ubuntu" || !img.Hidden || img.MinRAM != 512 {
		t.Errorf("image %+v", img)
	}
	if img.Size != nil || img.VirtualSize != nil {
		t.Errorf("null size must be nil: %v %v", img.Size, img.VirtualSize)
	}
	if !reflect.DeepEqual(img.Properties, map[string]string{"os_type": "linux", "com.example/x": "y"}) {
		t.Errorf("properties %v", img.Properties)
	}
	if !reflect.DeepEqual(img.Tags, []string{"a", "b"}) || img.CreatedAt.IsZero() {
		t.Errorf("tags %v created %v", img.Tags, img.CreatedAt)
	}

	// only what is set is sent, and always a client-generated id
	if _, err := c.CreateImage(testCtx(t), CreateImageInput{}); err != nil {
		t.Fatal(err)
	}
	var idOnly map[string]string
	if err := json.Unmarshal(sent.images()[1].Body, &idOnly); err != nil || len(idOnly) != 1 || len(idOnly["id"]) != 36 {
		t.Errorf("empty create body %s", sent.images()[1].Body)
	}
}

func TestImageUnmarshal(t *testing.T) {
	t.Parallel()
	raw := `{"id":"i","name":null,"status":"active","visibility":"shared","owner":"o","disk_format":"raw","container_format":"bare",
	"checksum":"abc","os_hash_algo":"sha512","os_hash_value":"def","size":13167616,"virtual_size":null,"protected":true,"os_hidden":false,
	"min_disk":20,"min_ram":512,"tags":["x"],"created_at":"2015-11-29T22:21:42Z","updated_at":"2015-11-29T22:21:43.123456Z",
	"self":"/v2/images/i","file":"/v2/images/i/file","schema":"/v2/schemas/image","locations":[],"direct_url":"swift://x","stores":"a,b",
	"auto_disk_config":"disabled","com.rackspace__1__release_id":"1003","empty":null,"weird":{"a":1}}`
	var img Image
	if err := json.Unmarshal([]byte(raw), &img); err != nil {
		t.Fatal(err)
	}
	if img.Name != "" || img.Checksum != "abc" || img.OSHashAlgo != "sha512" || img.OSHashValue != "def" || img.File != "/v2/images/i/file" {
		t.Errorf("%+v", img)
	}
	if img.Size == nil || *img.Size != 13167616 || img.VirtualSize != nil || !img.Protected || img.MinDisk != 20 {
		t.Errorf("%+v", img)
	}
	if !img.CreatedAt.Equal(time.Date(2015, 11, 29, 22, 21, 42, 0, time.UTC)) || img.UpdatedAt.Nanosecond() != 123456000 {
		t.Errorf("times %v %v", img.CreatedAt, img.UpdatedAt)
	}
	want := map[string]string{"auto_disk_config": "disabled", "com.rackspace__1__release_id": "1003", "empty": ""}
	if !reflect.DeepEqual(img.Properties, want) {
		t.Errorf("properties %v, want %v", img.Properties, want)
	}
}

func TestGetImage_notFound(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t)
	_, err := c.GetImage(testCtx(t), "missing-id")
	if !IsNotFound(err) || StatusCode(err) != 404 {
		t.Fatalf("want 404, got %v", err)
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an *APIError: %T", err)
	}
	if ae.Message != "No image found with ID missing-id" || ae.Method != "GET" || !strings.HasSuffix(ae.URL, "/images/missing-id") {
		t.Errorf("%+v", ae)
	}
	if !strings.HasSuffix(err.Error(), "/images/missing-id: 404 Not Found: No image found with ID missing-id") {
		t.Errorf("Error() = %q", err.Error())
	}
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Error("the gophercloud error must stay reachable")
	}
}

// The list follows Glance's next links ("/v2/images?…", resolved against the
// endpoint: TestResolveNext has the other forms) with the query on every page.
func TestListImages_pagesAndQuery(t *testing.T) {
	t.Parallel()
	c, srv := newTestClient(t)
	for i := 0; i < 5; i++ {
		seedImage(t, srv, map[string]any{"name": "n"}, []byte("data"))
	}
	seedImage(t, srv, map[string]any{"name": "other"}, []byte("data"))
	sent := recordRequests(t, c)
	imgs, err := c.ListImages(testCtx(t), ListImagesInput{Name: "n", Limit: 2, SizeMin: ptr(int64(0)), SizeMax: ptr(int64(1 << 40))})
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 5 {
		t.Fatalf("got %d images, want 5", len(imgs))
	}
	ids := map[string]bool{}
	for _, img := range imgs {
		ids[img.ID] = true
	}
	if len(ids) != 5 {
		t.Errorf("duplicates: %v", ids)
	}
	reqs := sent.images()
	if len(reqs) != 3 { // 2 + 2 + 1
		t.Fatalf("%d requests", len(reqs))
	}
	for i, r := range reqs {
		if r.Path != "/image/v2/images" {
			t.Errorf("page %d path %q", i, r.Path)
		}
		q, _ := url.ParseQuery(r.RawQuery)
		if q.Get("size_min") != "0" || q.Get("size_max") != "1099511627776" || q.Get("limit") != "2" || q.Get("name") != "n" {
			t.Errorf("page %d query %q", i, r.RawQuery)
		}
		if (i == 0) != (q.Get("marker") == "") {
			t.Errorf("page %d marker %q", i, q.Get("marker"))
		}
	}
}

func TestListImages_fullLastPageAndEmpty(t *testing.T) {
	t.Parallel()
	c, srv := newTestClient(t)
	imgs, err := c.ListImages(testCtx(t), ListImagesInput{})
	if err != nil || imgs == nil || len(imgs) != 0 {
		t.Fatalf("empty list: %v %v", imgs, err)
	}
	for i := 0; i < 4; i++ {
		seedImage(t, srv, nil, nil)
	}
	imgs, err = c.ListImages(testCtx(t), ListImagesInput{Limit: 2}) // next link on the full last page, then an empty page
	if err != nil || len(imgs) != 4 {
		t.Fatalf("%d images, %v", len(imgs), err)
	}
}

func TestListImagesInput_query(t *testing.T) {
	t.Parallel()
	q := ListImagesInput{
		Name: "n", Visibility: "shared", Owner: "o", Status: "active", MemberStatus: "all",
		Tags: []string{"a", "b"}, Properties: map[string]string{"os_type": "linux", "name": "loses"},
		SortKey: "name", SortDir: "asc",
	}.query()
	want := url.Values{
		"name": {"n"}, "visibility": {"shared"}, "owner": {"o"}, "status": {"active"}, "member_status": {"all"},
		"tag": {"a", "b"}, "os_type": {"linux"}, "sort_key": {"name"}, "sort_dir": {"asc"},
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("query %v, want %v", q, want)
	}
	if len(ListImagesInput{}.query()) != 0 {
		t.Error("zero input must give an empty query")
	}
}

func TestResolveNext(t *testing.T) {
	t.Parallel()
	c := &Client{image: imageServiceClient(nil, "https://h/image/v2/")}
	cur := "https://h/image/v2/images?limit=2"
	for next, want := range map[string]string{
		"/v2/images?limit=2&marker=m":       "https://h/image/v2/images?limit=2&marker=m",
		"/image/v2/images?limit=2&marker=m": "https://h/image/v2/images?limit=2&marker=m",
		"https://o/v2/images?marker=m":      "https://o/v2/images?marker=m",
		"images?marker=m":                   "https://h/image/v2/images?marker=m",
	} {
		got, err := c.resolveNext(cur, next)
		if err != nil || got != want {
			t.Errorf("resolveNext(%q) = %q, %v; want %q", next, got, err, want)
		}
	}
	root := &Client{image: imageServiceClient(nil, "https://dfw.images.api.rackspacecloud.com/v2/")}
	if got, _ := root.resolveNext(cur, "/v2/images?limit=3&marker=e6"); got != "https://dfw.images.api.rackspacecloud.com/v2/images?limit=3&marker=e6" {
		t.Errorf("rackspace next %q", got)
	}
}

func TestUpdateImage(t *testing.T) {
	t.Parallel()
	c, srv := newTestClient(t)
	id := seedImage(t, srv, map[string]any{"name": "old", "a/b~c": "1", "gone": "x"}, nil)
	sent := recordRequests(t, c)

	img, err := c.UpdateImage(testCtx(t), id, []PatchOp{
		{Op: "replace", Attribute: "name", Value: "new"},
		{Op: "add", Attribute: "a/b~c", Value: "2"},
		{Op: "remove", Attribute: "gone"},
		{Op: "replace", Attribute: "min_disk", Value: 10},
		{Op: "replace", Attribute: "tags", Value: []string{"t"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if img.Name != "new" || img.Properties["a/b~c"] != "2" || img.MinDisk != 10 || !reflect.DeepEqual(img.Tags, []string{"t"}) {
		t.Errorf("image %+v", img)
	}
	if _, ok := img.Properties["gone"]; ok {
		t.Error("gone not removed")
	}
	reqs := sent.images()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPatch {
		t.Fatalf("want exactly one PATCH, got %d requests", len(reqs))
	}
	if ct := reqs[0].Header.Get("Content-Type"); ct != "application/openstack-images-v2.1-json-patch" {
		t.Errorf("Content-Type %q", ct)
	}
	var ops []map[string]any
	if err := json.Unmarshal(reqs[0].Body, &ops); err != nil {
		t.Fatal(err)
	}
	if ops[1]["path"] != "/a~1b~0c" {
		t.Errorf("escaped path %v", ops[1]["path"])
	}
	if _, has := ops[2]["value"]; has || ops[2]["path"] != "/gone" {
		t.Errorf("remove op %v", ops[2])
	}
	if ops[3]["value"] != float64(10) {
		t.Errorf("integer value %v", ops[3]["value"])
	}

	// no ops: no PATCH, just a read
	if _, err := c.UpdateImage(testCtx(t), id, nil); err != nil {
		t.Fatal(err)
	}
	if r := sent.images(); len(r) != 2 || r[1].Method != http.MethodGet {
		t.Errorf("empty ops sent %s", r[len(r)-1].Method)
	}

	// server refusal comes back human
	_, err = c.UpdateImage(testCtx(t), id, []PatchOp{{Op: "replace", Attribute: "status", Value: "active"}})
	if StatusCode(err) != 403 || !strings.HasSuffix(err.Error(), ": 403 Forbidden: Attribute 'status' is read-only.") || !strings.HasPrefix(err.Error(), "PATCH ") {
		t.Errorf("error %q", err)
	}

	if _, err := c.UpdateImage(testCtx(t), id, []PatchOp{{Op: "move", Attribute: "x"}}); err == nil {
		t.Error("unknown op accepted")
	}
}

func TestDeleteDeactivateReactivate(t *testing.T) {
	t.Parallel()
	c, srv := newTestClient(t)
	id := seedImage(t, srv, nil, []byte("data")) // active
	prot := seedImage(t, srv, map[string]any{"protected": true}, nil)
	sent := recordRequests(t, c)
	if err := c.DeactivateImage(testCtx(t), id); err != nil {
		t.Fatal(err)
	}
	if img, _ := c.GetImage(testCtx(t), id); img.Status != "deactivated" {
		t.Errorf("status %q", img.Status)
	}
	if err := c.ReactivateImage(testCtx(t), id); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteImage(testCtx(t), id); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteImage(testCtx(t), id); !IsNotFound(err) {
		t.Errorf("second delete: %v", err)
	}
	err := c.DeleteImage(testCtx(t), prot)
	if StatusCode(err) != 403 || !strings.Contains(err.Error(), "is protected and cannot be deleted.") {
		t.Errorf("protected delete: %v", err)
	}
	var paths []string
	for _, r := range sent.images() {
		paths = append(paths, r.Method+" "+strings.TrimPrefix(r.Path, "/image"))
	}
	sort.Strings(paths)
	for _, want := range []string{"POST /v2/images/" + id + "/actions/deactivate", "POST /v2/images/" + id + "/actions/reactivate", "DELETE /v2/images/" + id} {
		found := false
		for _, p := range paths {
			found = found || p == want
		}
		if !found {
			t.Errorf("no %q in %v", want, paths)
		}
	}
	if err := c.DeactivateImage(testCtx(t), "nope"); !IsNotFound(err) {
		t.Errorf("deactivate missing: %v", err)
	}
}
