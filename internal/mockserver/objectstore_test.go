package mockserver

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/objects"
)

// swift is one object store call as tenant on its own account; path is below the account.
func swift(t *testing.T, s *Server, tenant, method, path string, body any, header map[string]string) response {
	t.Helper()
	return do(t, s, req{method: method, path: "/object/v1/AUTH_" + tenant + path, token: s.IssueToken(tenant), body: body, header: header})
}

func md5hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func TestObjectStore_ContainersAndObjects(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	expect(t, swift(t, s, producer, "PUT", "/images", nil, nil), http.StatusCreated, "")
	expect(t, swift(t, s, producer, "PUT", "/images", nil, nil), http.StatusAccepted, "")
	expect(t, swift(t, s, producer, "HEAD", "/missing", nil, nil), http.StatusNotFound, "")
	expect(t, swift(t, s, producer, "PUT", "/missing/x", "data", nil), http.StatusNotFound, "")

	data := randomData(300<<10 + 3)
	r := swift(t, s, producer, "PUT", "/images/dir/sub/disk.vhd", data, nil)
	expect(t, r, http.StatusCreated, "")
	if r.header.Get("Etag") != md5hex(data) || r.header.Get("Last-Modified") == "" {
		t.Errorf("PUT headers %v", r.header)
	}
	rec, ok := s.Object(producer, "images", "dir/sub/disk.vhd")
	if !ok || rec.Size != int64(len(data)) || rec.ETag != md5hex(data) || rec.Container != "images" {
		t.Fatalf("record %+v %v", rec, ok)
	}
	if onDisk, err := os.ReadFile(rec.DataPath); err != nil || !bytes.Equal(onDisk, data) {
		t.Fatalf("data file: %v", err)
	}

	r = swift(t, s, producer, "GET", "/images/dir/sub/disk.vhd", nil, nil)
	expect(t, r, http.StatusOK, "")
	if !bytes.Equal(r.body, data) || r.header.Get("Etag") != rec.ETag || r.header.Get("Content-Length") != "307203" ||
		r.header.Get("X-Timestamp") == "" || r.header.Get("Last-Modified") == "" {
		t.Errorf("GET: %d bytes, headers %v", len(r.body), r.header)
	}
	r = swift(t, s, producer, "HEAD", "/images/dir/sub/disk.vhd", nil, nil)
	if expect(t, r, http.StatusOK, ""); len(r.body) != 0 || r.header.Get("Content-Length") != "307203" {
		t.Errorf("HEAD: %d bytes, headers %v", len(r.body), r.header)
	}
	r = swift(t, s, producer, "GET", "/images/dir/sub/disk.vhd", nil, map[string]string{"Range": "bytes=10-19"})
	if expect(t, r, http.StatusPartialContent, ""); !bytes.Equal(r.body, data[10:20]) {
		t.Errorf("range: %q", r.body)
	}
	r = swift(t, s, producer, "HEAD", "/images", nil, nil)
	if expect(t, r, http.StatusNoContent, ""); r.header.Get("X-Container-Object-Count") != "1" ||
		r.header.Get("X-Container-Bytes-Used") != "307203" {
		t.Errorf("container HEAD %v", r.header)
	}

	// Replacing keeps one file; a non-empty container cannot go.
	expect(t, swift(t, s, producer, "PUT", "/images/dir/sub/disk.vhd", "small", nil), http.StatusCreated, "")
	if _, err := os.Stat(rec.DataPath); !os.IsNotExist(err) {
		t.Errorf("replaced data file kept: %v", err)
	}
	r = swift(t, s, producer, "DELETE", "/images", nil, nil)
	expect(t, r, http.StatusConflict, "")
	if !strings.Contains(string(r.body), "<h1>Conflict</h1>") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("409 body %q %v", r.body, r.header)
	}
	rec, _ = s.Object(producer, "images", "dir/sub/disk.vhd")
	expect(t, swift(t, s, producer, "DELETE", "/images/dir/sub/disk.vhd", nil, nil), http.StatusNoContent, "")
	expect(t, swift(t, s, producer, "DELETE", "/images/dir/sub/disk.vhd", nil, nil), http.StatusNotFound, "")
	if _, err := os.Stat(rec.DataPath); !os.IsNotExist(err) {
		t.Errorf("deleted object's file kept: %v", err)
	}
	expect(t, swift(t, s, producer, "DELETE", "/images", nil, nil), http.StatusNoContent, "")
	expect(t, swift(t, s, producer, "DELETE", "/images", nil, nil), http.StatusNotFound, "")
	if objs := s.Objects(producer); len(objs) != 0 {
		t.Errorf("objects left: %+v", objs)
	}
}

func TestObjectStore_ETagCheck(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	if err := s.CreateContainer(producer, "c"); err != nil {
		t.Fatal(err)
	}
	r := swift(t, s, producer, "PUT", "/c/o", "payload", map[string]string{"ETag": md5hex([]byte("other"))})
	expect(t, r, http.StatusUnprocessableEntity, "")
	if _, ok := s.Object(producer, "c", "o"); ok {
		t.Error("object stored despite the ETag mismatch")
	}
	if files := dataFilesIn(t, s, "objects"); len(files) != 0 {
		t.Errorf("files left: %v", files)
	}
	r = swift(t, s, producer, "PUT", "/c/o", "payload", map[string]string{"ETag": `"` + md5hex([]byte("payload")) + `"`, "Content-Type": "text/x-mine"})
	expect(t, r, http.StatusCreated, "")
	if got := swift(t, s, producer, "GET", "/c/o", nil, nil); got.header.Get("Content-Type") != "text/x-mine" {
		t.Errorf("content type %q", got.header.Get("Content-Type"))
	}
	r = swift(t, s, producer, "PUT", "/c/"+strings.Repeat("n", 1025), "x", nil)
	expect(t, r, http.StatusBadRequest, "")
	r = swift(t, s, producer, "PUT", "/"+strings.Repeat("c", 257), nil, nil)
	expect(t, r, http.StatusBadRequest, "")
}

func dataFilesIn(t *testing.T, s *Server, sub string) []string {
	t.Helper()
	entries, err := os.ReadDir(s.DataDir() + "/" + sub)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestObjectStore_Listings(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	for _, c := range []string{"b", "a"} {
		if err := s.CreateContainer(producer, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"x/2", "x/1", "y", "z/deep/er"} {
		if err := s.PutObject(producer, "a", name, strings.NewReader(name)); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		query, accept, want string
		status              int
	}{
		{"", "", "x/1\nx/2\ny\nz/deep/er\n", 200},
		{"", "*/*", "x/1\nx/2\ny\nz/deep/er\n", 200},
		{"?prefix=x/", "", "x/1\nx/2\n", 200},
		{"?delimiter=/", "", "x/\ny\nz/\n", 200},
		{"?prefix=z/&delimiter=/", "", "z/deep/\n", 200},
		{"?marker=x/2&limit=1", "", "y\n", 200},
		{"?end_marker=y", "", "x/1\nx/2\n", 200},
		{"?prefix=none", "", "", 204},
		{"?limit=10001", "", "", 412},
		{"?limit=x", "", "", 400},
	}
	for _, tc := range cases {
		h := map[string]string{"Accept": tc.accept}
		r := swift(t, s, producer, "GET", "/a"+tc.query, nil, h)
		if r.status != tc.status || (tc.status == 200 && (string(r.body) != tc.want || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain"))) {
			t.Errorf("%s: %d %q %v", tc.query, r.status, r.body, r.header.Get("Content-Type"))
		}
	}
	var list []map[string]any
	for _, q := range []string{"?format=json", ""} {
		r := swift(t, s, producer, "GET", "/a"+q, nil, map[string]string{"Accept": "application/json"})
		expect(t, r, http.StatusOK, "")
		if err := json.Unmarshal(r.body, &list); err != nil || len(list) != 4 {
			t.Fatalf("json listing %s: %s", q, r.body)
		}
	}
	if e := list[0]; e["name"] != "x/1" || e["bytes"] != float64(3) || e["hash"] != md5hex([]byte("x/1")) ||
		e["content_type"] != "application/octet-stream" || e["last_modified"] == nil {
		t.Errorf("entry %v", e)
	}
	r := swift(t, s, producer, "GET", "/a?format=json&delimiter=/", nil, nil)
	if err := json.Unmarshal(r.body, &list); err != nil || len(list) != 3 || list[0]["subdir"] != "x/" {
		t.Errorf("json subdirs %s", r.body)
	}
	r = swift(t, s, producer, "GET", "/b?format=json", nil, nil)
	if expect(t, r, http.StatusOK, ""); string(r.body) != "[]" {
		t.Errorf("empty json listing %q", r.body)
	}

	// The account lists its containers.
	r = swift(t, s, producer, "GET", "", nil, map[string]string{"Accept": ""})
	if expect(t, r, http.StatusOK, ""); string(r.body) != "a\nb\n" || r.header.Get("X-Account-Container-Count") != "2" ||
		r.header.Get("X-Account-Object-Count") != "4" {
		t.Errorf("account: %q %v", r.body, r.header)
	}
	r = swift(t, s, producer, "GET", "/?format=json", nil, nil)
	if err := json.Unmarshal(r.body, &list); err != nil || len(list) != 2 || list[0]["count"] != float64(4) {
		t.Errorf("account json %s", r.body)
	}
	expect(t, swift(t, s, producer, "HEAD", "", nil, nil), http.StatusNoContent, "")
	if got := s.Objects(producer); len(got) != 4 || got[0].Name != "x/1" || got[3].Name != "z/deep/er" {
		t.Errorf("Objects = %+v", got)
	}
}

// TestObjectStore_Access: a token reaches only its own account; no token is a 401.
func TestObjectStore_Access(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	if err := s.CreateContainer(producer, "private"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutObject(producer, "private", "secret", strings.NewReader("s")); err != nil {
		t.Fatal(err)
	}
	other := s.IssueToken(consumer)
	for _, c := range []struct{ method, path string }{
		{"GET", ""}, {"HEAD", "/private"}, {"GET", "/private"}, {"PUT", "/mine"}, {"DELETE", "/private"},
		{"GET", "/private/secret"}, {"PUT", "/private/new"}, {"DELETE", "/private/secret"},
	} {
		r := do(t, s, req{method: c.method, path: "/object/v1/AUTH_" + producer + c.path, token: other})
		if r.status != http.StatusForbidden {
			t.Errorf("%s %s as another tenant: %d", c.method, c.path, r.status)
		}
	}
	// The consumer's own account is another store altogether.
	expect(t, swift(t, s, consumer, "GET", "", nil, map[string]string{"Accept": ""}), http.StatusNoContent, "")
	expect(t, swift(t, s, consumer, "GET", "/private/secret", nil, nil), http.StatusNotFound, "")

	r := do(t, s, req{method: "GET", path: "/object/v1/AUTH_" + producer + "/private/secret"})
	expect(t, r, http.StatusUnauthorized, "")
	if r.header.Get("WWW-Authenticate") == "" {
		t.Error("no WWW-Authenticate")
	}
	expect(t, do(t, s, req{method: "GET", path: "/object/v1/nowhere/at/all"}), http.StatusUnauthorized, "")
	r = swift(t, s, producer, "POST", "/private/secret", "x", nil)
	if expect(t, r, http.StatusMethodNotAllowed, ""); r.header.Get("Allow") != "GET, HEAD, PUT, DELETE" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
	if err := s.PutObject(producer, "nope", "x", strings.NewReader("")); err == nil {
		t.Error("PutObject into a missing container")
	}
	if err := s.CreateContainer(producer, "a/b"); err == nil {
		t.Error("container name with a slash")
	}
	// Counted: the 403, the consumer's 404, the 401 and the unknown account's.
	if n := s.RequestCount("GET", "/object/v1/{account}/{container}/{object...}"); n != 4 {
		t.Errorf("object GETs counted %d", n)
	}
}

// TestObjectStore_Gophercloud finds the object store in the v2.0 and v3 catalogs and uses
// gophercloud's Swift packages against it.
func TestObjectStore_Gophercloud(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	var sc *gophercloud.ServiceClient
	for _, auth := range []gophercloud.AuthOptions{
		{IdentityEndpoint: s.IdentityV2URL(), Username: "producer", Password: "producer-pass"},
		{IdentityEndpoint: s.IdentityV3URL(), Username: "producer", Password: "producer-pass", DomainName: "Default", TenantID: producer},
	} {
		pc, err := openstack.AuthenticatedClient(ctx, auth)
		if err != nil {
			t.Fatal(err)
		}
		sc, err = openstack.NewObjectStorageV1(pc, gophercloud.EndpointOpts{Region: "MOCK"})
		if err != nil {
			t.Fatal(err)
		}
		if sc.Endpoint != s.ObjectStoreURL(producer)+"/" {
			t.Fatalf("%s: endpoint %q", auth.IdentityEndpoint, sc.Endpoint)
		}
	}
	if _, err := containers.Create(ctx, sc, "exports", nil).Extract(); err != nil {
		t.Fatal(err)
	}
	data := randomData(70 << 10)
	if _, err := objects.Create(ctx, sc, "exports", "a/b.vhd", objects.CreateOpts{Content: bytes.NewReader(data)}).Extract(); err != nil {
		t.Fatal(err)
	}
	pages, err := objects.List(sc, "exports", objects.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	infos, err := objects.ExtractInfo(pages)
	if err != nil || len(infos) != 1 || infos[0].Name != "a/b.vhd" || infos[0].Bytes != int64(len(data)) || infos[0].Hash != md5hex(data) {
		t.Fatalf("list = %+v, %v", infos, err)
	}
	dl := objects.Download(ctx, sc, "exports", "a/b.vhd", nil)
	body, err := dl.ExtractContent()
	if err != nil || !bytes.Equal(body, data) {
		t.Fatalf("download: %d bytes, %v", len(body), err)
	}
	if _, err := objects.Delete(ctx, sc, "exports", "a/b.vhd", nil).Extract(); err != nil {
		t.Fatal(err)
	}
	if _, err := containers.Delete(ctx, sc, "exports").Extract(); err != nil {
		t.Fatal(err)
	}
	dl = objects.Download(ctx, sc, "exports", "a/b.vhd", nil)
	_, err = dl.ExtractContent()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}
