package mockserver

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imageimport"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

// stage is PUT /stage as tenant, octet-stream unless header says otherwise.
func stage(t *testing.T, s *Server, tenant, id string, body any, header map[string]string) response {
	t.Helper()
	h := map[string]string{"Content-Type": "application/octet-stream"}
	for k, v := range header {
		h[k] = v
	}
	return do(t, s, req{method: "PUT", path: "/image/v2/images/" + id + "/stage", token: s.IssueToken(tenant), body: body, header: h})
}

// importCall is POST /import as tenant.
func importCall(t *testing.T, s *Server, tenant, id string, body any) response {
	t.Helper()
	return do(t, s, req{method: "POST", path: "/image/v2/images/" + id + "/import", token: s.IssueToken(tenant), body: body})
}

func glanceDirect() map[string]any {
	return map[string]any{"method": map[string]any{"name": "glance-direct"}}
}

func webDownload(uri string) map[string]any {
	return map[string]any{"method": map[string]any{"name": "web-download", "uri": uri}}
}

// readyImage is a queued producer image with both formats set.
func readyImage(t *testing.T, s *Server) string {
	t.Helper()
	return createImageID(t, s, map[string]any{"disk_format": "raw", "container_format": "bare"})
}

// dataServer serves data at /disk.img and 404 elsewhere, counting the GETs of the image.
func dataServer(t *testing.T, data []byte) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/disk.img" {
			http.NotFound(w, r)
			return
		}
		gets.Add(1)
		_, _ = w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv, &gets
}

// checkImported checks an imported image: active, with the size and hashes of data, and
// data as its download.
func checkImported(t *testing.T, s *Server, id string, data []byte) {
	t.Helper()
	md5sum, shasum := md5.Sum(data), sha512.Sum512(data)
	rec, _ := s.Image(id)
	if rec.Status != "active" || rec.Size == nil || *rec.Size != int64(len(data)) || *rec.VirtualSize != int64(len(data)) ||
		*rec.Checksum != hex.EncodeToString(md5sum[:]) || *rec.OSHashAlgo != "sha512" ||
		*rec.OSHashValue != hex.EncodeToString(shasum[:]) {
		t.Fatalf("record = %+v", rec)
	}
	if _, locked := rec.Properties[importLockKey]; locked || rec.Properties[failedImportKey] != "" {
		t.Errorf("import bookkeeping left: %v", rec.Properties)
	}
	r := do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file", token: s.IssueToken(producer)})
	if r.status != http.StatusOK || !bytes.Equal(r.body, data) || r.header.Get("Content-MD5") != *rec.Checksum {
		t.Fatalf("download: %d, %d bytes, %v", r.status, len(r.body), r.header)
	}
	if files := dataFiles(t, s); len(files) != 1 {
		t.Errorf("data files %v", files)
	}
}

// checkFailedImport checks an image an import failed on: queued, no data, marked.
func checkFailedImport(t *testing.T, s *Server, id, method string) {
	t.Helper()
	rec, _ := s.Image(id)
	if rec.Status != "queued" || rec.Size != nil || rec.Checksum != nil || rec.OSHashValue != nil || rec.DataPath != "" {
		t.Errorf("record = %+v", rec)
	}
	if _, locked := rec.Properties[importLockKey]; locked || rec.Properties[failedImportKey] != method {
		t.Errorf("properties %v, want %s=%s", rec.Properties, failedImportKey, method)
	}
	view := do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: s.IssueToken(producer)}).object(t)
	if view[failedImportKey] != method || view["status"] != "queued" {
		t.Errorf("view %v", view)
	}
	if files := dataFiles(t, s); len(files) != 0 {
		t.Errorf("data files left: %v", files)
	}
}

func TestImportInfo_AndHeader(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	r := do(t, s, req{method: "GET", path: "/image/v2/info/import", token: s.IssueToken(producer)})
	want := `{"import-methods":{"description":"Import methods available.","type":"array","value":["glance-direct","web-download"]}}`
	if r.status != http.StatusOK || string(r.body) != want {
		t.Errorf("info: %d %s", r.status, r.body)
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/info/import"}), http.StatusUnauthorized, "")
	info, err := imageimport.Get(context.Background(), imageClient(t, s)).Extract()
	if err != nil || !slices.Equal(info.ImportMethods.Value, []string{"glance-direct", "web-download"}) {
		t.Errorf("gophercloud: %+v, %v", info, err)
	}

	r = do(t, s, req{method: "POST", path: "/image/v2/images", token: s.IssueToken(producer), body: map[string]any{}})
	if got := r.header.Get("OpenStack-image-import-methods"); r.status != 201 || got != "glance-direct,web-download" {
		t.Errorf("create: %d, header %q", r.status, got)
	}
	id := mustString(t, r.object(t)["id"])
	r = do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: s.IssueToken(producer)})
	if got := r.header.Get("OpenStack-image-import-methods"); got != "glance-direct,web-download" {
		t.Errorf("get: header %q", got)
	}
}

// TestImport_GlanceDirect stages data and imports it with gophercloud: the image ends
// active with the data's own size and hashes.
func TestImport_GlanceDirect(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	sc := imageClient(t, s)
	id := readyImage(t, s)
	data := randomData(1<<20 + 3)
	// A plain io.Reader: sent chunked, streamed to disk.
	if err := imagedata.Stage(ctx, sc, id, io.MultiReader(bytes.NewReader(data))).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	rec, _ := s.Image(id)
	if rec.Status != "uploading" || rec.Size == nil || *rec.Size != int64(len(data)) || rec.Checksum != nil || rec.DataPath == "" {
		t.Fatalf("staged: %+v", rec)
	}
	if onDisk, err := os.ReadFile(rec.DataPath); err != nil || !bytes.Equal(onDisk, data) {
		t.Fatalf("staged data differs: %v", err)
	}
	// Staged data is not the image's yet.
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file", token: s.IssueToken(producer)}), http.StatusNoContent, "")
	expect(t, stage(t, s, producer, id, "again", nil), http.StatusConflict, "Image status transition from uploading to uploading is not allowed")
	expect(t, upload(t, s, producer, id, "direct", nil), http.StatusConflict, "Image status transition from uploading to saving is not allowed")

	if err := imageimport.Create(ctx, sc, id, imageimport.CreateOpts{Name: imageimport.GlanceDirectMethod}).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	checkImported(t, s, id, data)
	rec, _ = s.Image(id)
	img, err := images.Get(ctx, sc, id).Extract()
	if err != nil || img.Status != images.ImageStatusActive || img.Checksum != *rec.Checksum ||
		img.Properties["os_hash_value"] != *rec.OSHashValue || img.SizeBytes != int64(len(data)) {
		t.Fatalf("get: %+v, %v", img, err)
	}
	expect(t, importCall(t, s, producer, id, glanceDirect()), http.StatusConflict, "Image with status active cannot be target for import")
}

// TestImport_WebDownload fetches the data from a loopback server; a URL that answers
// 404, or nothing, sends the image back to queued marked with the method, and a retry
// that works clears the mark.
func TestImport_WebDownload(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	data := randomData(300 << 10)
	srv, gets := dataServer(t, data)
	id := readyImage(t, s)

	r := importCall(t, s, producer, id, webDownload(srv.URL+"/missing.img"))
	if r.status != http.StatusAccepted || len(r.body) != 0 {
		t.Fatalf("import: %d %q", r.status, r.body)
	}
	checkFailedImport(t, s, id, "web-download")

	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // nothing listens there any more
	expect(t, importCall(t, s, producer, id, webDownload(gone.URL+"/disk.img")), http.StatusAccepted, "")
	checkFailedImport(t, s, id, "web-download")

	err := imageimport.Create(context.Background(), imageClient(t, s), id,
		imageimport.CreateOpts{Name: imageimport.WebDownloadMethod, URI: srv.URL + "/disk.img"}).ExtractErr()
	if err != nil {
		t.Fatal(err)
	}
	checkImported(t, s, id, data)
	if n := gets.Load(); n != 1 {
		t.Errorf("%d GETs of the data", n)
	}
}

// TestImport_GlanceDirectDataMissing: staged data that is gone by import time fails the
// import, as a lost staging area does in Glance.
func TestImport_GlanceDirectDataMissing(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := readyImage(t, s)
	expect(t, stage(t, s, producer, id, "staged", nil), http.StatusNoContent, "")
	rec, _ := s.Image(id)
	if err := os.Remove(rec.DataPath); err != nil {
		t.Fatal(err)
	}
	expect(t, importCall(t, s, producer, id, glanceDirect()), http.StatusAccepted, "")
	checkFailedImport(t, s, id, "glance-direct")
	// Staged again, it imports.
	expect(t, stage(t, s, producer, id, "staged", nil), http.StatusNoContent, "")
	expect(t, importCall(t, s, producer, id, glanceDirect()), http.StatusAccepted, "")
	checkImported(t, s, id, []byte("staged"))
}

func TestImport_Refusals(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Now: newClock().Now}) // refusals leave even updated_at as it was
	queued := readyImage(t, s)
	staged := readyImage(t, s)
	expect(t, stage(t, s, producer, staged, "data", nil), http.StatusNoContent, "")
	noContainer := createImageID(t, s, map[string]any{"disk_format": "raw"})
	noDisk := createImageID(t, s, map[string]any{"container_format": "bare"})
	stagedNoFormats := createImageID(t, s, nil)
	expect(t, stage(t, s, producer, stagedNoFormats, "data", nil), http.StatusNoContent, "") // formats wait for import
	active := activeImage(t, s, map[string]any{"visibility": "community"}, "data")
	const url = "http://127.0.0.1:1/disk.img"
	missing := "6f1c8a3e-0d3b-4a4e-9d55-2f4a3b2c1d0e"
	cases := []struct {
		name, id, tenant string
		body             any
		status           int
		msg              string
	}{
		{"no method", queued, producer, map[string]any{}, 400, "Import request requires a 'method' field."},
		{"method not an object", queued, producer, map[string]any{"method": "glance-direct"}, 400, "Import request requires a 'method' field."},
		{"array body", queued, producer, []any{}, 400, "Import request requires a 'method' field."},
		{"no name", queued, producer, map[string]any{"method": map[string]any{"uri": url}}, 400, "Import request requires a 'name' field."},
		{"unknown method", queued, producer, map[string]any{"method": map[string]any{"name": "copy-image"}}, 400, "Unknown import method name 'copy-image'."},
		{"name not a string", queued, producer, map[string]any{"method": map[string]any{"name": nil}}, 400, "Unknown import method name 'None'."},
		{"no uri", queued, producer, map[string]any{"method": map[string]any{"name": "web-download"}}, 400, "URI for web-download does not pass filtering: "},
		{"ftp uri", queued, producer, webDownload("ftp://127.0.0.1/disk.img"), 400, "URI for web-download does not pass filtering: ftp://127.0.0.1/disk.img"},
		{"uri without host", queued, producer, webDownload("http:///disk.img"), 400, "URI for web-download does not pass filtering: http:///disk.img"},
		{"malformed", queued, producer, "{", 400, "Malformed JSON in request body."},
		{"no such image", missing, producer, glanceDirect(), 404, "No image found with ID " + missing},
		{"another tenant's image", active, consumer, webDownload(url), 403, "You are not authorized to complete modify_image action."},
		{"active, glance-direct", active, producer, glanceDirect(), 409, "Image with status active cannot be target for import"},
		{"active, web-download", active, producer, webDownload(url), 409, "Image with status active cannot be target for import"},
		{"not staged", queued, producer, glanceDirect(), 409, "Image needs to be staged before 'glance-direct' method can be used"},
		{"staged, web-download", staged, producer, webDownload(url), 409, "Image needs to be in 'queued' state to use 'web-download' method"},
		{"no container_format", noContainer, producer, webDownload(url), 409, "'container_format' needs to be set before import"},
		{"no disk_format", noDisk, producer, webDownload(url), 409, "'disk_format' needs to be set before import"},
		{"staged, no formats", stagedNoFormats, producer, glanceDirect(), 409, "'container_format' needs to be set before import"},
	}
	before := state(s)
	for _, tc := range cases {
		r := importCall(t, s, tc.tenant, tc.id, tc.body)
		if r.status != tc.status || dialectMessage(r) != tc.msg {
			t.Errorf("%s: %d %q, want %d %q", tc.name, r.status, dialectMessage(r), tc.status, tc.msg)
		}
	}
	if state(s) != before {
		t.Error("a refused import changed the state")
	}

	// Stage: octet-stream only, queued images only, the owner only.
	r := stage(t, s, producer, queued, "x", map[string]string{"Content-Type": "application/json"})
	expect(t, r, http.StatusUnsupportedMediaType, "")
	expect(t, stage(t, s, producer, active, "x", nil), http.StatusConflict, "Image status transition from active to uploading is not allowed")
	expect(t, stage(t, s, consumer, active, "x", nil), http.StatusForbidden, "You are not authorized to complete modify_image action.")
	expect(t, stage(t, s, producer, queued, "abc", map[string]string{"X-Openstack-Image-Size": "4"}), http.StatusBadRequest, "")
	if state(s) != before {
		t.Error("a refused stage changed the state")
	}
	if rec, _ := s.Image(queued); rec.Status != "queued" || rec.DataPath != "" {
		t.Errorf("after refused stages: %+v", rec)
	}
}

// TestImport_StatusSequence watches imports with a delay: the image stays queued (or
// uploading) for one delay holding the import lock, during which a second import is a
// 409, then is importing for one delay, then active.
func TestImport_StatusSequence(t *testing.T) {
	t.Parallel()
	const delay = 400 * time.Millisecond // long enough for the checks made while queued
	s := startServer(t, Options{Delay: delay})
	data := []byte("web data")
	srv, _ := dataServer(t, data)

	watch := func(id string, start time.Time) (seq []string, importingAt, activeAt time.Duration) {
		waitFor(t, "active", func() bool {
			rec, _ := s.Image(id)
			if len(seq) == 0 || seq[len(seq)-1] != rec.Status {
				seq = append(seq, rec.Status)
				switch rec.Status {
				case "importing":
					importingAt = time.Since(start)
				case "active":
					activeAt = time.Since(start)
				}
			}
			return rec.Status == "active"
		})
		return seq, importingAt, activeAt
	}

	web := readyImage(t, s)
	start := time.Now()
	expect(t, importCall(t, s, producer, web, webDownload(srv.URL+"/disk.img")), http.StatusAccepted, "")
	rec, _ := s.Image(web)
	lock := rec.Properties[importLockKey]
	if rec.Status != "queued" || lock == "" {
		t.Fatalf("right after the import: %+v", rec)
	}
	view := do(t, s, req{method: "GET", path: "/image/v2/images/" + web, token: s.IssueToken(producer)}).object(t)
	if view[importLockKey] != lock {
		t.Errorf("view %v", view)
	}
	expect(t, importCall(t, s, producer, web, webDownload(srv.URL+"/disk.img")), http.StatusConflict,
		"Image "+web+" is already being imported (import task "+lock+")")
	// The lock is Glance's: reserved to the server.
	expect(t, patch(t, s, producer, web, patchV21, `[{"op":"remove","path":"/`+importLockKey+`"}]`), http.StatusForbidden,
		"Attribute '"+importLockKey+"' is reserved.")
	seq, importingAt, activeAt := watch(web, start)
	if !slices.Equal(seq, []string{"queued", "importing", "active"}) || importingAt < delay || activeAt < 2*delay {
		t.Errorf("web-download: %v, importing after %v, active after %v", seq, importingAt, activeAt)
	}
	checkImported(t, s, web, data)

	direct := readyImage(t, s)
	expect(t, stage(t, s, producer, direct, "staged data", nil), http.StatusNoContent, "")
	start = time.Now()
	expect(t, importCall(t, s, producer, direct, glanceDirect()), http.StatusAccepted, "")
	expect(t, importCall(t, s, producer, direct, glanceDirect()), http.StatusConflict, "")
	seq, importingAt, activeAt = watch(direct, start)
	if !slices.Equal(seq, []string{"uploading", "importing", "active"}) || importingAt < delay || activeAt < 2*delay {
		t.Errorf("glance-direct: %v, importing after %v, active after %v", seq, importingAt, activeAt)
	}
}

// TestImport_OverTakenOrDeleted: an image deleted, or uploaded to, while its import waits
// is left as that made it, with no data file behind.
func TestImport_OverTakenOrDeleted(t *testing.T) {
	t.Parallel()
	const delay = 50 * time.Millisecond
	s := startServer(t, Options{Delay: delay})
	srv, _ := dataServer(t, []byte("web data"))

	deleted := readyImage(t, s)
	expect(t, importCall(t, s, producer, deleted, webDownload(srv.URL+"/disk.img")), http.StatusAccepted, "")
	waitFor(t, "importing", func() bool { rec, _ := s.Image(deleted); return rec.Status == "importing" })
	expect(t, do(t, s, req{method: "DELETE", path: "/image/v2/images/" + deleted, token: s.IssueToken(producer)}), http.StatusNoContent, "")

	uploaded := readyImage(t, s)
	// The import's first step comes long after the upload, however loaded the machine.
	s.SetDelay(2 * time.Second)
	expect(t, importCall(t, s, producer, uploaded, webDownload(srv.URL+"/disk.img")), http.StatusAccepted, "")
	s.SetDelay(0) // the upload activates at once; the import's steps keep their delay
	expect(t, upload(t, s, producer, uploaded, "uploaded", nil), http.StatusNoContent, "")
	waitFor(t, "both imports' steps to find their image taken", s.life.idle)
	rec, _ := s.Image(uploaded)
	if rec.Status != "active" || *rec.Size != int64(len("uploaded")) {
		t.Errorf("uploaded: %+v", rec)
	}
	if _, locked := rec.Properties[importLockKey]; locked {
		t.Errorf("lock left: %v", rec.Properties)
	}
	if files := dataFiles(t, s); len(files) != 1 {
		t.Errorf("data files %v", files)
	}
}

// TestImport_RackspaceHasNone: Rackspace offers no interoperable import.
func TestImport_RackspaceHasNone(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Flavor: "rackspace"})
	id := importedImage(t, s, "imported")
	tok := s.IssueToken(producer)
	for _, c := range []req{
		{method: "GET", path: "/image/v2/info/import"},
		{method: "PUT", path: "/image/v2/images/" + id + "/stage", body: "data", header: map[string]string{"Content-Type": "application/octet-stream"}},
		{method: "POST", path: "/image/v2/images/" + id + "/import", body: glanceDirect()},
	} {
		c.token = tok
		expect(t, do(t, s, c), http.StatusNotFound, "The resource could not be found.")
	}
	r := do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok})
	if got, ok := r.header["Openstack-Image-Import-Methods"]; r.status != 200 || ok {
		t.Errorf("get: %d, header %q", r.status, got)
	}
	if !strings.Contains(string(r.body), `"status":"active"`) {
		t.Errorf("image %s", r.body)
	}
}
