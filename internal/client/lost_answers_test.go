package client

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// lostAnswerMock is a glance-flavour mock and a client of alice's.
func lostAnswerMock(t *testing.T) (*mockserver.Server, *Client) {
	t.Helper()
	srv := startMock(t, mockserver.Options{})
	c, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: alice.APIKey, MaxRetries: 3})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// A patch whose answer is lost was applied: the client reads the image and
// sends only what it does not show yet, so a remove is not sent twice (the
// second would fail) and the caller gets the patched image.
func TestUpdateImage_lostAnswer(t *testing.T) {
	t.Parallel()
	srv, c := lostAnswerMock(t)
	img, err := c.CreateImage(testCtx(t), CreateImageInput{Name: "before", Properties: map[string]string{"gone": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectFault(mockserver.Fault{Method: "PATCH", Path: regexp.MustCompile(`/images/`), LoseAnswer: true, Times: 1})
	got, err := c.UpdateImage(testCtx(t), img.ID, []PatchOp{
		{Op: PatchReplace, Attribute: "name", Value: "after"},
		{Op: PatchAdd, Attribute: "os_distro", Value: "debian"},
		{Op: PatchRemove, Attribute: "gone"},
	})
	if err != nil {
		t.Fatalf("a patch whose answer was lost: %v", err)
	}
	if _, still := got.Properties["gone"]; got.Name != "after" || got.Properties["os_distro"] != "debian" || still {
		t.Errorf("image after the patch: %+v", got)
	}
	if n := srv.RequestCount("PATCH", "/image/v2/images/{image_id}"); n != 1 {
		t.Errorf("%d PATCH requests, want 1 (it was applied: nothing to send again)", n)
	}
}

// A web-download whose answer is lost was accepted: the image shows it, and
// the client does not start a second import (a second fetch of the data).
func TestWebDownload_lostAnswer(t *testing.T) {
	t.Parallel()
	srv, c := lostAnswerMock(t)
	var fetches atomic.Int32
	data := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetches.Add(1)
		_, _ = w.Write(make([]byte, 1024))
	}))
	t.Cleanup(data.Close)
	img, err := c.CreateImage(testCtx(t), CreateImageInput{Name: "fetched", DiskFormat: "raw", ContainerFormat: "bare"})
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectFault(mockserver.Fault{Method: "POST", Path: regexp.MustCompile(`/import$`), LoseAnswer: true, Times: 1})
	if err := c.WebDownload(testCtx(t), img.ID, data.URL+"/disk.raw"); err != nil {
		t.Fatalf("a web-download whose answer was lost: %v", err)
	}
	if _, err := c.WaitForImage(testCtx(t), img.ID, StatusActive); err != nil {
		t.Fatal(err)
	}
	if n := srv.RequestCount("POST", "/image/v2/images/{image_id}/import"); n != 1 || fetches.Load() != 1 {
		t.Errorf("%d import requests and %d fetches, want 1 and 1", n, fetches.Load())
	}
}
