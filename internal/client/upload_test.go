package client

import (
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // Glance's checksum
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

func writeRandomFile(t *testing.T, size int) (string, []byte) {
	t.Helper()
	data := make([]byte, size)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "disk.vhd")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, data
}

func digestOf(data []byte) Digest {
	m := md5.Sum(data) //nolint:gosec // Glance's checksum
	s := sha512.Sum512(data)
	return Digest{MD5: hex.EncodeToString(m[:]), SHA512: hex.EncodeToString(s[:]), Size: int64(len(data))}
}

// withSHA256 is d with the sha256 of data, as HashFile returns it.
func withSHA256(d Digest, data []byte) Digest {
	s := sha256.Sum256(data)
	d.SHA256 = hex.EncodeToString(s[:])
	return d
}

// rawBare is what an image needs before data can be uploaded to it.
var rawBare = map[string]any{"disk_format": "raw", "container_format": "bare"}

func TestUploadImageFile(t *testing.T) {
	t.Parallel()
	c, srv := newTestClient(t)
	path, data := writeRandomFile(t, 3<<20+17)
	id := seedImage(t, srv, rawBare, nil)
	sent := recordRequests(t, c)

	d, err := c.UploadImageFile(testCtx(t), id, path)
	if err != nil {
		t.Fatal(err)
	}
	if want := digestOf(data); d != want {
		t.Errorf("digest %+v, want %+v", d, want)
	}
	if got := storedData(t, srv, id); !bytes.Equal(got, data) {
		t.Errorf("server received %d bytes, want %d identical bytes", len(got), len(data))
	}
	r := lastPut(t, sent)
	if !strings.HasSuffix(r.Path, "/v2/images/"+id+"/file") {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	if r.Header.Get("Content-Type") != "application/octet-stream" || r.Header.Get("X-Openstack-Image-Size") != "3145745" || r.ContentLength != 3145745 {
		t.Errorf("headers %v, Content-Length %d", r.Header, r.ContentLength)
	}

	img, err := c.GetImage(testCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyDigest(img, d); err != nil {
		t.Errorf("VerifyDigest: %v", err)
	}
	hd, err := HashFile(path)
	if want := withSHA256(d, data); err != nil || hd != want {
		t.Errorf("HashFile = %+v, %v; want %+v", hd, err, want)
	}
}

func TestUploadImageData_unknownSize(t *testing.T) {
	t.Parallel()
	c, srv := newTestClient(t)
	data := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	id := seedImage(t, srv, rawBare, nil)
	sent := recordRequests(t, c)
	d, err := c.UploadImageData(testCtx(t), id, io.MultiReader(bytes.NewReader(data)), -1)
	if err != nil {
		t.Fatal(err)
	}
	if d != digestOf(data) {
		t.Errorf("digest %+v", d)
	}
	// net/http sends a body of unknown length (-1, or 0 with a body) chunked
	if r := lastPut(t, sent); r.Header.Get("X-Openstack-Image-Size") != "" || r.ContentLength > 0 {
		t.Errorf("unknown size must stream chunked without a size header: %v, Content-Length %d", r.Header, r.ContentLength)
	}
	if got := storedData(t, srv, id); !bytes.Equal(got, data) {
		t.Errorf("server received %d bytes, want %d identical bytes", len(got), len(data))
	}
}

// The token expires before an upload whose body the server reads before it
// refuses the token (the mock holds it, as a proxy that buffers uploads
// does): the client authenticates again and sends the file again from its
// start; a stream that cannot rewind fails clearly instead of sending a
// truncated body.
func TestUploadImageFile_reauthRewindsTheFile(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{})
	c, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: alice.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	path, data := writeRandomFile(t, 1<<20)
	readBodyFirst := mockserver.Fault{Method: http.MethodPut, Path: regexp.MustCompile(`/file$`), Latency: time.Millisecond}
	id := seedImage(t, srv, rawBare, nil)
	sent := recordRequests(t, c)
	srv.InjectFault(readBodyFirst)
	srv.ExpireTokens()
	d, err := c.UploadImageFile(testCtx(t), id, path)
	if err != nil {
		t.Fatal(err)
	}
	if d != digestOf(data) {
		t.Errorf("digest %+v after a rewind", d)
	}
	var puts []int
	for _, r := range sent.images() {
		if r.Method == http.MethodPut {
			puts = append(puts, r.Status)
		}
	}
	if got := storedData(t, srv, id); !bytes.Equal(got, data) || identityLogins(srv) != 2 || !reflect.DeepEqual(puts, []int{401, 204}) {
		t.Errorf("uploaded %d bytes, identity calls %d, uploads answered %v (want 401 then 204)", len(got), identityLogins(srv), puts)
	}

	stream := seedImage(t, srv, rawBare, nil)
	srv.InjectFault(readBodyFirst)
	srv.ExpireTokens()
	_, err = c.UploadImageData(testCtx(t), stream, io.MultiReader(bytes.NewReader(data)), int64(len(data)))
	if StatusCode(err) != 401 || !strings.Contains(err.Error(), "cannot be sent again") {
		t.Errorf("non-seekable upload after expiry: %v", err)
	}
	if img, _ := srv.Image(stream); img.Status != "queued" || img.DataPath != "" {
		t.Errorf("after the refused stream the image is %s with data %q, want queued without", img.Status, img.DataPath)
	}
}

func TestUploadImageData_errors(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t)
	_, err := c.UploadImageData(testCtx(t), "missing", strings.NewReader("x"), 1)
	if !IsNotFound(err) {
		t.Errorf("want 404, got %v", err)
	}
	if _, err := c.UploadImageFile(testCtx(t), "x", filepath.Join(t.TempDir(), "nope")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := c.UploadImageFile(testCtx(t), "x", t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
}

// lastPut is the last upload the client sent.
func lastPut(t *testing.T, sent *requestLog) sentRequest {
	t.Helper()
	reqs := sent.images()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == http.MethodPut {
			return reqs[i]
		}
	}
	t.Fatalf("no PUT among %+v", reqs)
	return sentRequest{}
}

func TestHashFile(t *testing.T) {
	t.Parallel()
	path, data := writeRandomFile(t, 100_003)
	d, err := HashFile(path)
	if want := withSHA256(digestOf(data), data); err != nil || d != want {
		t.Errorf("HashFile = %+v, %v; want %+v", d, err, want)
	}
	if _, err := HashFile(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("missing file hashed")
	}
	empty := filepath.Join(t.TempDir(), "empty")
	_ = os.WriteFile(empty, nil, 0o600)
	if d, _ := HashFile(empty); d != withSHA256(digestOf(nil), nil) || d.MD5 != "d41d8cd98f00b204e9800998ecf8427e" || d.Size != 0 {
		t.Errorf("empty %+v", d)
	}
}

func TestVerifyDigest(t *testing.T) {
	t.Parallel()
	d := digestOf([]byte("hello"))
	size := int64(5)
	good := &Image{ID: "i", Checksum: d.MD5, OSHashAlgo: "sha512", OSHashValue: d.SHA512, Size: &size}
	if err := VerifyDigest(good, d); err != nil {
		t.Error(err)
	}
	if err := VerifyDigest(&Image{ID: "i"}, d); err != nil {
		t.Errorf("nothing reported, nothing to compare: %v", err)
	}
	bad := *good
	bad.Checksum = strings.Repeat("0", 32)
	err := VerifyDigest(&bad, d)
	if !errors.Is(err, ErrDigestMismatch) || !strings.Contains(err.Error(), bad.Checksum) || !strings.Contains(err.Error(), d.MD5) {
		t.Errorf("md5 mismatch: %v", err)
	}
	bad = *good
	bad.OSHashValue = strings.Repeat("f", 128)
	if err := VerifyDigest(&bad, d); err == nil || !strings.Contains(err.Error(), d.SHA512) || !strings.Contains(err.Error(), bad.OSHashValue) {
		t.Errorf("sha512 mismatch: %v", err)
	}
	bad = *good
	bad.OSHashAlgo, bad.OSHashValue = "sha256", "abc" // not comparable
	if err := VerifyDigest(&bad, d); err != nil {
		t.Errorf("other algorithm: %v", err)
	}
	six := int64(6)
	bad = *good
	bad.Size = &six
	if err := VerifyDigest(&bad, d); err == nil || !strings.Contains(err.Error(), "6 bytes") || !strings.Contains(err.Error(), "5 bytes") {
		t.Errorf("size mismatch: %v", err)
	}
}

func TestHashingReader_progress(t *testing.T) {
	t.Parallel()
	var logs []map[string]any
	h := newHashingReader(context.Background(), "img", bytes.NewReader(make([]byte, progressMinSize)), progressMinSize)
	h.logger = func(_ context.Context, _ string, fields map[string]any) { logs = append(logs, fields) }
	h.lastLog = h.lastLog.Add(-progressInterval) // due at the first read
	if _, err := io.Copy(io.Discard, h); err != nil {
		t.Fatal(err)
	}
	h.finalProgress()
	h.digest()
	if len(logs) != 2 || logs[1]["percent"] != "100.0" || logs[1]["bytes"] != int64(progressMinSize) {
		t.Errorf("progress logs %v", logs)
	}
	small := newHashingReader(context.Background(), "img", strings.NewReader("x"), 1)
	small.logger = func(context.Context, string, map[string]any) { t.Error("small uploads log no progress") }
	_, _ = io.Copy(io.Discard, small)
	small.finalProgress()
	small.digest()
}
