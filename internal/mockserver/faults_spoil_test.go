package mockserver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

// freshClient never reuses a connection: on a reused one Go's client would retry an
// idempotent request that lost its answer, and the test would not see the loss.
var freshClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// rawCall sends one request on a fresh connection and returns the response with its
// body read as far as it goes, and the error that ended the reading.
func rawCall(t *testing.T, s *Server, method, path, token string, body io.Reader, header map[string]string) (*http.Response, []byte, error) {
	t.Helper()
	hr, err := http.NewRequestWithContext(context.Background(), method, s.URL()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("X-Auth-Token", token)
	for k, v := range header {
		hr.Header.Set(k, v)
	}
	resp, err := freshClient.Do(hr)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	return resp, got, err
}

// TestFaults_LoseAnswerCreatesExactlyOnce: the client sees a broken connection, yet the
// image, the member and the task exist, once each.
func TestFaults_LoseAnswerCreatesExactlyOnce(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	cases := []struct {
		name, path, body string
		count            func() int
	}{
		{"image", "/image/v2/images", `{"name":"x"}`, func() int { return len(s.Images()) }},
		{"task", "/image/v2/tasks", `{"type":"import","input":{}}`, func() int { return len(s.Tasks()) }},
	}
	for _, tc := range cases {
		s.InjectFault(Fault{Method: "POST", Path: regexp.MustCompile("^" + tc.path + "$"), LoseAnswer: true})
		if resp, _, err := rawCall(t, s, "POST", tc.path, tok, bytes.NewReader([]byte(tc.body)), nil); err == nil {
			t.Fatalf("%s: lost answer arrived: %d", tc.name, resp.StatusCode)
		}
		if n := tc.count(); n != 1 {
			t.Errorf("%s: %d created, want 1", tc.name, n)
		}
		if n := s.RequestCount("POST", tc.path); n != 1 {
			t.Errorf("%s: counted %d", tc.name, n)
		}
	}
	id := s.Images()[0].ID
	s.InjectFault(Fault{Method: "POST", Path: regexp.MustCompile(`/members$`), LoseAnswer: true})
	if _, _, err := rawCall(t, s, "POST", "/image/v2/images/"+id+"/members", tok, bytes.NewReader([]byte(`{"member":"`+consumer+`"}`)), nil); err == nil {
		t.Fatal("lost member answer arrived")
	}
	if m := s.Members(id); len(m) != 1 || m[0].MemberID != consumer {
		t.Errorf("members %+v", m)
	}
	// Used up: the next create is answered, and gophercloud reads it.
	if _, err := images.Create(context.Background(), imageClient(t, s), images.CreateOpts{Name: "y"}).Extract(); err != nil {
		t.Fatal(err)
	}
}

func TestFaults_TruncateBody(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	id := activeImage(t, s, nil, "0123456789abcdefghij")
	whole := do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok})

	s.InjectFault(Fault{Method: "GET", Path: regexp.MustCompile(`^/image/v2/images/[^/]+$`), TruncateBody: true})
	resp, got, err := rawCall(t, s, "GET", "/image/v2/images/"+id, tok, nil, map[string]string{"Accept": "application/json"})
	if resp == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v", err)
	}
	if resp.StatusCode != http.StatusOK || resp.ContentLength != int64(len(whole.body)) ||
		resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("X-Openstack-Request-Id") == "" {
		t.Errorf("status line and headers: %d %d %v", resp.StatusCode, resp.ContentLength, resp.Header)
	}
	if !bytes.Equal(got, whole.body[:len(whole.body)/2]) {
		t.Errorf("got %q, want the first half of %q", got, whole.body)
	}

	// Data downloads too: the first half of the image, then the cut.
	s.InjectFault(Fault{Path: regexp.MustCompile(`/file$`), TruncateBody: true})
	resp, got, err = rawCall(t, s, "GET", "/image/v2/images/"+id+"/file", tok, nil, nil)
	if resp == nil || !errors.Is(err, io.ErrUnexpectedEOF) || string(got) != "0123456789" || resp.Header.Get("Content-Length") != "20" {
		t.Fatalf("download: %v %q %v", err, got, resp)
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok}), http.StatusOK, "")
}

func TestFaults_KillUploadAfter(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	id := createImage(t, s, producer, map[string]any{"disk_format": "raw", "container_format": "bare"})["id"].(string)
	octet := map[string]string{"Content-Type": "application/octet-stream"}
	s.InjectFault(Fault{Path: regexp.MustCompile(`/file$`), KillUploadAfter: 1024})

	// A download has no body: the fault waits for the upload.
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file", token: tok}), http.StatusNoContent, "")
	if resp, _, err := rawCall(t, s, "PUT", "/image/v2/images/"+id+"/file", tok, bytes.NewReader(randomData(64<<10)), octet); err == nil {
		t.Fatalf("killed upload answered %d", resp.StatusCode)
	}
	waitFor(t, "queued again", func() bool { rec, _ := s.Image(id); return rec.Status == "queued" })
	if rec, _ := s.Image(id); rec.Size != nil || rec.Checksum != nil || rec.DataPath != "" || len(dataFiles(t, s)) != 0 {
		t.Fatalf("after the kill: %+v, files %v", rec, dataFiles(t, s))
	}

	// A body no longer than the limit arrives whole.
	s.InjectFault(Fault{Path: regexp.MustCompile(`/file$`), KillUploadAfter: 1024})
	expect(t, upload(t, s, producer, id, randomData(1024), nil), http.StatusNoContent, "")
	if rec, _ := s.Image(id); rec.Status != "active" || *rec.Size != 1024 {
		t.Fatalf("whole upload: %+v", rec)
	}

	// An object PUT is cut the same way: nothing stored, no file left.
	seedObject(t, s, producer, "c", "keep", []byte("kept"))
	s.InjectFault(Fault{Method: "PUT", KillUploadAfter: 10})
	if _, _, err := rawCall(t, s, "PUT", "/object/v1/AUTH_"+producer+"/c/o", tok, bytes.NewReader(randomData(4096)), nil); err == nil {
		t.Fatal("killed object PUT answered")
	}
	waitFor(t, "partial object removed", func() bool { return len(dataFilesIn(t, s, "objects")) == 1 })
	if _, ok := s.Object(producer, "c", "o"); ok {
		t.Fatal("object stored from a killed PUT")
	}
}

// TestFaults_PrecedenceAndCounting: Status answers without processing even when a
// spoiling mode is set too, and every faulted request is counted.
func TestFaults_PrecedenceAndCounting(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	s.InjectFault(Fault{Method: "POST", Status: 503, LoseAnswer: true})
	expect(t, do(t, s, req{method: "POST", path: "/image/v2/images", token: tok, body: map[string]any{}}), http.StatusServiceUnavailable, "")
	if len(s.Images()) != 0 {
		t.Fatal("a Status fault let the request through")
	}
	s.InjectFault(Fault{Method: "GET", LoseAnswer: true, Times: 3})
	for i := range 3 {
		if _, _, err := rawCall(t, s, "GET", "/image/v2/images", tok, nil, nil); err == nil {
			t.Fatalf("answer %d arrived", i)
		}
	}
	if n := s.RequestCount("GET", "/image/v2/images"); n != 3 {
		t.Errorf("counted %d", n)
	}
	s.ResetCounters()
	if n := len(s.RequestCounts()); n != 0 {
		t.Errorf("after reset: %v", s.RequestCounts())
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusOK, "")
	if n := s.RequestCount("GET", "/image/v2/images"); n != 1 {
		t.Errorf("counted %d after reset", n)
	}
}

// TestFaults_LoggedWithWhatTheyDid: the request log says which answers were spoiled.
func TestFaults_LoggedWithWhatTheyDid(t *testing.T) {
	t.Parallel()
	var log logSink
	s := startServer(t, Options{Logf: log.logf})
	tok := s.IssueToken(producer)
	s.InjectFault(Fault{Method: "POST", LoseAnswer: true})
	_, _, _ = rawCall(t, s, "POST", "/image/v2/images", tok, bytes.NewReader([]byte("{}")), nil)
	waitFor(t, "the log line", func() bool { return log.find("POST /image/v2/images 201 ") != "" })
	if line := log.find("POST /image/v2/images 201 "); !strings.HasSuffix(line, "(answer lost)") {
		t.Errorf("log line %q", line)
	}
}
