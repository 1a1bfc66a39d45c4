package mockserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

func randomData(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(b)
	return b
}

func dataFiles(t *testing.T, s *Server) []string {
	t.Helper()
	entries, err := os.ReadDir(s.imageDir())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func upload(t *testing.T, s *Server, tenant, id string, body any, header map[string]string) response {
	t.Helper()
	h := map[string]string{"Content-Type": "application/octet-stream"}
	for k, v := range header {
		h[k] = v
	}
	return do(t, s, req{method: "PUT", path: "/image/v2/images/" + id + "/file", token: s.IssueToken(tenant), body: body, header: h})
}

func TestUpload_HashesAndDownloadWithGophercloud(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	sc := imageClient(t, s)
	img, err := images.Create(ctx, sc, images.CreateOpts{Name: "d", DiskFormat: "raw", ContainerFormat: "bare"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	data := randomData(3<<20 + 17)
	// A plain io.Reader: gophercloud sends it chunked, with no length known up front.
	if err := imagedata.Upload(ctx, sc, img.ID, io.MultiReader(bytes.NewReader(data))).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	md5sum, shasum := md5.Sum(data), sha512.Sum512(data)
	rec, _ := s.Image(img.ID)
	if rec.Status != "active" || *rec.Size != int64(len(data)) || *rec.VirtualSize != int64(len(data)) ||
		*rec.Checksum != hex.EncodeToString(md5sum[:]) || *rec.OSHashAlgo != "sha512" ||
		*rec.OSHashValue != hex.EncodeToString(shasum[:]) {
		t.Fatalf("record = %+v", rec)
	}
	got, err := images.Get(ctx, sc, img.ID).Extract()
	if err != nil || got.Checksum != *rec.Checksum || got.SizeBytes != int64(len(data)) ||
		got.Properties["os_hash_value"] != *rec.OSHashValue {
		t.Fatalf("get = %+v, %v", got, err)
	}
	res := imagedata.Download(ctx, sc, img.ID)
	body, err := res.Extract()
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	down, err := io.ReadAll(body)
	if err != nil || !bytes.Equal(down, data) {
		t.Fatalf("download differs (%d bytes, %v)", len(down), err)
	}
	if res.Header.Get("Content-MD5") != *rec.Checksum || res.Header.Get("Content-Type") != "application/octet-stream" ||
		res.Header.Get("Content-Length") != fmt.Sprint(len(data)) {
		t.Fatalf("headers = %v", res.Header)
	}
	// Uploading twice is a status conflict.
	err = imagedata.Upload(ctx, sc, img.ID, strings.NewReader("again")).ExtractErr()
	if !gophercloud.ResponseCodeIs(err, http.StatusConflict) {
		t.Fatalf("second upload: %v", err)
	}
	r := upload(t, s, producer, img.ID, "again", nil)
	expect(t, r, http.StatusConflict, "Image status transition from active to saving is not allowed")
}

// TestUpload_SynchronousWhateverTheDelay: Glance's upload returns once the data is
// stored, so at the 204 the image is active (api-ref "Upload binary image data"); Delay
// is for asynchronous work only.
func TestUpload_SynchronousWhateverTheDelay(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Delay: time.Hour})
	tok := s.IssueToken(producer)
	id := createImage(t, s, producer, map[string]any{"name": "sync", "disk_format": "vhd", "container_format": "ovf"})["id"].(string)
	expect(t, upload(t, s, producer, id, "hello", nil), http.StatusNoContent, "")
	r := do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok})
	if got := r.object(t); got["status"] != "active" || got["size"] != float64(5) {
		t.Fatalf("right after upload: %v", got)
	}
	if r := do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file", token: tok}); r.status != http.StatusOK || string(r.body) != "hello" {
		t.Fatalf("download right after upload: %d %q", r.status, r.body)
	}
	if names := listNames(t, s, producer, "status=active"); !slices.Equal(names, []string{"sync"}) {
		t.Fatalf("?status=active lists %v", names)
	}
	expect(t, do(t, s, req{method: "POST", path: "/image/v2/images/" + id + "/actions/deactivate", token: tok}), http.StatusNoContent, "")
	if !s.life.idle() {
		t.Fatal("an upload left delayed work behind")
	}
}

func TestUpload_Rejections(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	noFormats := createImage(t, s, producer, nil)["id"].(string)
	ready := createImage(t, s, producer, map[string]any{"disk_format": "raw", "container_format": "bare", "visibility": "community"})["id"].(string)

	r := upload(t, s, producer, ready, "x", map[string]string{"Content-Type": "application/json"})
	expect(t, r, http.StatusUnsupportedMediaType, "")
	if msg := r.object(t)["message"]; msg != "The request media type application/json is not supported by this server.\n<br /><br />\n" {
		t.Errorf("415 message %q", msg)
	}
	expect(t, upload(t, s, producer, noFormats, "x", nil), http.StatusBadRequest,
		"Properties disk_format, container_format must be set prior to saving data.")
	expect(t, upload(t, s, consumer, ready, "x", nil), http.StatusForbidden, "")
	expect(t, upload(t, s, producer, ready, "abc", map[string]string{"X-Openstack-Image-Size": "4"}), http.StatusBadRequest, "")
	expect(t, upload(t, s, producer, ready, "abc", map[string]string{"X-Openstack-Image-Size": "-1"}), http.StatusBadRequest, "")
	for _, id := range []string{noFormats, ready} {
		if rec, _ := s.Image(id); rec.Status != "queued" || rec.Size != nil || rec.Checksum != nil || rec.DataPath != "" {
			t.Errorf("after failed uploads: %+v", rec)
		}
	}
	if files := dataFiles(t, s); len(files) != 0 {
		t.Errorf("files left: %v", files)
	}
	expect(t, upload(t, s, producer, ready, "abc", map[string]string{"X-Openstack-Image-Size": "3"}), http.StatusNoContent, "")
}

// TestUpload_Interrupted drops the connection in the middle of the body: the image goes
// back to queued and the partial file is removed (Glance v2 behaviour).
func TestUpload_Interrupted(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := createImage(t, s, producer, map[string]any{"disk_format": "raw", "container_format": "bare"})["id"].(string)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(conn)
	fmt.Fprintf(w, "PUT /image/v2/images/%s/file HTTP/1.1\r\nHost: x\r\nX-Auth-Token: %s\r\n"+
		"Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", id, s.IssueToken(producer), 10<<20)
	_, _ = w.Write(randomData(1 << 20))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// The megabyte sent so far reaches the disk while the body is still open: the upload is
	// streamed, not buffered.
	waitFor(t, "saving with a partial file", func() bool {
		rec, _ := s.Image(id)
		files := dataFiles(t, s)
		if rec.Status != "saving" || len(files) != 1 {
			return false
		}
		info, err := os.Stat(filepath.Join(s.imageDir(), files[0]))
		return err == nil && info.Size() == 1<<20
	})
	conn.Close()
	waitFor(t, "queued again", func() bool { rec, _ := s.Image(id); return rec.Status == "queued" })
	waitFor(t, "partial file removed", func() bool { return len(dataFiles(t, s)) == 0 })
	if rec, _ := s.Image(id); rec.Size != nil || rec.Checksum != nil || rec.OSHashValue != nil || rec.DataPath != "" {
		t.Fatalf("record = %+v", rec)
	}
	// The image can be uploaded again.
	expect(t, upload(t, s, producer, id, "complete", nil), http.StatusNoContent, "")
}

func TestUpload_ImageDeletedWhileSaving(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Delay: 50 * time.Millisecond})
	id := createImage(t, s, producer, map[string]any{"disk_format": "raw", "container_format": "bare"})["id"].(string)
	expect(t, upload(t, s, producer, id, "data", nil), http.StatusNoContent, "")
	expect(t, do(t, s, req{method: "DELETE", path: "/image/v2/images/" + id, token: s.IssueToken(producer)}), http.StatusNoContent, "")
	waitFor(t, "the pending activation to find nothing to do", s.life.idle)
	if _, ok := s.Image(id); ok || len(dataFiles(t, s)) != 0 {
		t.Fatal("image or data survived the delete")
	}
}

func TestDownload_StatusRules(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	queued := createImage(t, s, producer, nil)["id"].(string)
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + queued + "/file", token: tok}), http.StatusNoContent, "")
	id := activeImage(t, s, nil, "0123456789")

	r := do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file", token: tok, header: map[string]string{"Range": "bytes=2-4"}})
	if r.status != http.StatusPartialContent || string(r.body) != "234" || r.header.Get("Content-Range") != "bytes 2-4/10" {
		t.Errorf("range: %d %q %v", r.status, r.body, r.header)
	}
	r = do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file", token: tok, header: map[string]string{"Range": "bytes=20-"}})
	if r.status != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("bad range: %d", r.status)
	}
	expect(t, do(t, s, req{method: "POST", path: "/image/v2/images/" + id + "/actions/deactivate", token: tok}), http.StatusNoContent, "")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file", token: tok}), http.StatusForbidden,
		"The requested image has been deactivated. Image data download is forbidden.")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file", token: s.IssueToken(consumer)}), http.StatusNotFound, "")
}
