package mockserver

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

func TestFaults_StatusRetryAfterAndCounters(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	id := createImageID(t, s, nil)
	s.InjectFault(Fault{Method: "GET", Path: regexp.MustCompile(`^/image/v2/images/[^/]+$`), Status: 503, Times: 2, RetryAfter: "3"})
	for range 2 {
		r := do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok})
		expect(t, r, http.StatusServiceUnavailable, "The server is currently unavailable. Please try again at a later time.")
		if r.header.Get("Retry-After") != "3" {
			t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
		}
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok}), http.StatusOK, "")
	if n := s.RequestCount("GET", "/image/v2/images/{image_id}"); n != 3 {
		t.Errorf("count = %d", n)
	}
	counts := s.RequestCounts()
	if counts["GET /image/v2/images/{image_id}"] != 3 || counts["POST /image/v2/images"] != 1 {
		t.Errorf("counts = %v", counts)
	}
	counts["GET /image/v2/images/{image_id}"] = 99 // a copy
	if s.RequestCount("GET", "/image/v2/images/{image_id}") != 3 {
		t.Error("RequestCounts returned shared state")
	}
}

func TestFaults_RequestIsNotProcessed(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	s.InjectFault(Fault{Method: "POST", Path: regexp.MustCompile(`/images$`), Status: 500})
	_, err := images.Create(ctx, imageClient(t, s), images.CreateOpts{Name: "x"}).Extract()
	var ue gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &ue) || ue.Actual != 500 {
		t.Fatalf("err = %v", err)
	}
	if len(s.Images()) != 0 {
		t.Fatal("faulted create was processed")
	}
	if _, err := images.Create(ctx, imageClient(t, s), images.CreateOpts{Name: "x"}).Extract(); err != nil {
		t.Fatalf("fault outlived Times: %v", err)
	}
	// Identity routes answer faults in their own dialect.
	s.InjectFault(Fault{Path: regexp.MustCompile(`^/identity/v2.0/tokens$`), Status: 429, RetryAfter: "1"})
	r := do(t, s, req{method: "POST", path: "/identity/v2.0/tokens", body: "{}"})
	if r.status != 429 || r.object(t)["overLimit"] == nil || s.RequestCount("POST", "/identity/v2.0/tokens") != 1 {
		t.Fatalf("identity fault: %d %s", r.status, r.body)
	}
}

func TestFaults_UnlimitedLatencyAndDrop(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	s.InjectFault(Fault{Path: regexp.MustCompile(`^/image/v2/images$`), Status: 502, Times: -1})
	for range 3 {
		expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusBadGateway, "")
	}
	s.ClearFaults()
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusOK, "")

	s.InjectFault(Fault{Method: "GET", Latency: 150 * time.Millisecond}) // then processed normally
	start := time.Now()
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusOK, "")
	if time.Since(start) < 150*time.Millisecond {
		t.Error("latency not applied")
	}

	s.InjectFault(Fault{Method: "GET", Drop: true})
	hr, _ := http.NewRequest("GET", s.URL()+"/image/v2/images", nil)
	hr.Header.Set("X-Auth-Token", tok)
	// A fresh connection: on a reused one Go's client would retry the GET transparently.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := client.Do(hr); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped request answered %d", resp.StatusCode)
	}
}
