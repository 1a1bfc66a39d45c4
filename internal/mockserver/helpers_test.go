package mockserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

const (
	producer = "100001"
	consumer = "100002"
)

// startServer starts a server for one test (or fuzz target) and closes it when it ends.
func startServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		tlsClients.Delete(s)
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// tlsClients holds, per TLS server, a client that trusts its CA.
var tlsClients sync.Map

// clientFor is the HTTP client for s: the default one, or with TLS one trusting s's CA.
func clientFor(s *Server) (*http.Client, error) {
	if s.CAFile() == "" {
		return http.DefaultClient, nil
	}
	if c, ok := tlsClients.Load(s); ok {
		return c.(*http.Client), nil
	}
	pool, err := caPool(s.CAFile())
	if err != nil {
		return nil, err
	}
	c, _ := tlsClients.LoadOrStore(s, &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}})
	return c.(*http.Client), nil
}

// caPool reads a PEM file into a pool of trusted roots.
func caPool(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no certificate in %s", path)
	}
	return pool, nil
}

// newClock is the fake clock tests start from.
func newClock() *FakeClock {
	return NewFakeClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// object decodes a JSON object body.
func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decoding %q: %v", r.body, err)
	}
	return m
}

// req describes a raw HTTP request to the server.
type req struct {
	method, path, token string
	body                any               // nil, string, []byte, io.Reader, or a value sent as JSON
	header              map[string]string // "Accept" defaults to application/json; "" removes a header
	// A value sent as JSON gets Content-Type: application/json, as gophercloud sends it.
}

func do(t *testing.T, s *Server, r req) response {
	t.Helper()
	resp, err := send(s, r)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	return resp
}

// send is do for goroutines other than the test's, which must not call t.Fatal.
func send(s *Server, r req) (response, error) {
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	case io.Reader:
		body = b
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return response{}, err
		}
		body = bytes.NewReader(raw)
	}
	hr, err := http.NewRequestWithContext(context.Background(), r.method, s.URL()+r.path, body)
	if err != nil {
		return response{}, err
	}
	hr.Header.Set("Accept", "application/json")
	switch r.body.(type) {
	case nil, string, []byte, io.Reader:
	default:
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("X-Auth-Token", r.token)
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	client, err := clientFor(s)
	if err != nil {
		return response{}, err
	}
	resp, err := client.Do(hr)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: raw}, nil
}

// expect checks the status and, when msg is not empty, the Glance JSON message.
func expect(t *testing.T, r response, status int, msg string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if msg == "" {
		return
	}
	got, _ := r.object(t)["message"].(string)
	if want := msg + "<br /><br />\n\n\n"; got != want {
		t.Fatalf("message = %q, want %q", got, want)
	}
}

// createImage creates an image through the API as tenant and returns its JSON.
func createImage(t *testing.T, s *Server, tenant string, body map[string]any) map[string]any {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	r := do(t, s, req{method: "POST", path: "/image/v2/images", token: s.IssueToken(tenant), body: body})
	expect(t, r, http.StatusCreated, "")
	return r.object(t)
}

// activeImage creates a producer image and uploads data, returning its id (server Delay
// must be 0).
func activeImage(t *testing.T, s *Server, body map[string]any, data string) string {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	body["disk_format"], body["container_format"] = "raw", "bare"
	id := createImageID(t, s, body)
	r := do(t, s, req{method: "PUT", path: "/image/v2/images/" + id + "/file", token: s.IssueToken(producer),
		body: data, header: map[string]string{"Content-Type": "application/octet-stream"}})
	expect(t, r, http.StatusNoContent, "")
	return id
}

// imageClient is a gophercloud image client for the producer using endpoint + token auth
// against the versioned endpoint, with ResourceBase fixed as REFERENCE §5.1 prescribes.
func imageClient(t *testing.T, s *Server) *gophercloud.ServiceClient {
	t.Helper()
	return imageClientFor(s, producer)
}

// imageClientFor is imageClient for any tenant.
func imageClientFor(s *Server, tenant string) *gophercloud.ServiceClient {
	pc := &gophercloud.ProviderClient{}
	pc.SetToken(s.IssueToken(tenant))
	base := s.ImageURL() + "/"
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: base, ResourceBase: base, Type: "image"}
}

// waitFor polls cond until it holds, for at most five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// createImageID is createImage as the producer, returning the new image's id.
func createImageID(t *testing.T, s *Server, body map[string]any) string {
	t.Helper()
	return mustString(t, createImage(t, s, producer, body)["id"])
}

// mustString is a JSON value that must be a string.
func mustString(t *testing.T, v any) string {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("want a string, got %T %v", v, v)
	}
	return s
}

// logSink collects a server's log lines (Options.Logf).
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) logf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

// find returns the first line containing sub, or "".
func (l *logSink) find(sub string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, sub) {
			return line
		}
	}
	return ""
}
