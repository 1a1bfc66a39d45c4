package client

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// The client's tests run against internal/mockserver, one mock per test. The
// helpers here start one, make a client of it, put images in it from outside
// the client under test, and watch what the client sends.

// alice is the account of the tests' mocks: her secrets are long and odd
// enough that finding one in a log is a leak, not a coincidence.
var alice = mockserver.Account{
	Username: "alice", Password: "alice-secret-password", APIKey: "alice-secret-apikey-0123456789",
	TenantID: "100001", TenantName: "tenant-one",
}

// startMock starts a mock for one test and stops it when the test ends; its
// one account is alice unless opts names others.
func startMock(t *testing.T, opts mockserver.Options) *mockserver.Server {
	t.Helper()
	if opts.Accounts == nil {
		opts.Accounts = []mockserver.Account{alice}
	}
	srv, err := mockserver.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// newTestClient starts a glance-flavour mock and authenticates alice with her
// API key (identity v2.0).
func newTestClient(t *testing.T) (*Client, *mockserver.Server) {
	t.Helper()
	srv := startMock(t, mockserver.Options{})
	c, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: alice.APIKey, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// identityLogins is how many token requests (v2.0 and v3) reached srv.
func identityLogins(srv *mockserver.Server) int {
	return srv.RequestCount("POST", "/identity/v2.0/tokens") + srv.RequestCount("POST", "/identity/v3/auth/tokens")
}

// seedImage creates an image as alice through the API, not through the client
// under test, and uploads data to it unless data is nil (the image is then
// active). fields is the create request's body; with data, the formats an
// upload needs default to raw and bare.
func seedImage(t *testing.T, srv *mockserver.Server, fields map[string]any, data []byte) string {
	t.Helper()
	fields = maps.Clone(fields)
	if fields == nil {
		fields = map[string]any{}
	}
	if data != nil {
		for k, v := range map[string]string{"disk_format": "raw", "container_format": "bare"} {
			if _, set := fields[k]; !set {
				fields[k] = v
			}
		}
	}
	body, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	tok := srv.IssueToken(alice.TenantID)
	send := func(method, url, contentType string, body []byte, want int) []byte {
		t.Helper()
		req, err := http.NewRequestWithContext(testCtx(t), method, url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", tok)
		req.Header.Set("Content-Type", contentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("seeding: %s %s: %s: %s", method, url, resp.Status, got)
		}
		return got
	}
	var img struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(send(http.MethodPost, srv.ImageURL()+"/images", "application/json", body, http.StatusCreated), &img); err != nil {
		t.Fatal(err)
	}
	if data != nil {
		send(http.MethodPut, srv.ImageURL()+"/images/"+img.ID+"/file", "application/octet-stream", data, http.StatusNoContent)
	}
	return img.ID
}

// storedData is the data the mock holds for an image.
func storedData(t *testing.T, srv *mockserver.Server, id string) []byte {
	t.Helper()
	rec, ok := srv.Image(id)
	if !ok || rec.DataPath == "" {
		t.Fatalf("image %s has no data in the mock", id)
	}
	data, err := os.ReadFile(rec.DataPath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// beneathRetries puts wrap's round tripper between c's transport (retries,
// logging) and the connection pool: it sees each attempt as it goes on the
// wire, identity re-authentication included.
func beneathRetries(t *testing.T, c *Client, wrap func(next http.RoundTripper) http.RoundTripper) {
	t.Helper()
	tr, ok := c.image.HTTPClient.Transport.(*transport)
	if !ok {
		t.Fatalf("the client's transport is a %T", c.image.HTTPClient.Transport)
	}
	tr.base = wrap(tr.base)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// sentRequest is a request as the client sent it, and the status of its answer.
type sentRequest struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte // JSON bodies only
	ContentLength          int64  // -1 or 0 with a body: unknown, sent chunked
	Status                 int    // 0 when no answer came
}

type requestLog struct {
	mu   sync.Mutex
	reqs []sentRequest
}

// recordRequests records every request c sends from now on.
func recordRequests(t *testing.T, c *Client) *requestLog {
	t.Helper()
	l := &requestLog{}
	beneathRetries(t, c, func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			s := sentRequest{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), ContentLength: r.ContentLength}
			if r.GetBody != nil && isJSON(r.Header.Get("Content-Type")) {
				if rc, err := r.GetBody(); err == nil {
					s.Body, _ = io.ReadAll(rc)
					_ = rc.Close()
				}
			}
			resp, err := next.RoundTrip(r)
			if resp != nil {
				s.Status = resp.StatusCode
			}
			l.mu.Lock()
			l.reqs = append(l.reqs, s)
			l.mu.Unlock()
			return resp, err
		})
	})
	return l
}

// all returns every recorded request.
func (l *requestLog) all() []sentRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]sentRequest(nil), l.reqs...)
}

// images returns the recorded requests of the Images v2 API (identity and
// version discovery left out).
func (l *requestLog) images() []sentRequest {
	var out []sentRequest
	for _, r := range l.all() {
		if strings.Contains(r.Path, "/image/v2/") {
			out = append(out, r)
		}
	}
	return out
}

// scriptStatuses makes each GET of an image by c first move the image in the
// mock, behind the API's back, to the next status of its script: "killed" as
// a failing store does (KillImage), "gone" deletes it, any other is set as
// is. After its last status an image keeps it.
func scriptStatuses(t *testing.T, srv *mockserver.Server, c *Client, scripts map[string][]string) {
	t.Helper()
	var mu sync.Mutex
	beneathRetries(t, c, func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if i := strings.LastIndex(r.URL.Path, "/images/"); r.Method == http.MethodGet && i >= 0 {
				id := r.URL.Path[i+len("/images/"):]
				mu.Lock()
				var status string
				if seq := scripts[id]; len(seq) > 0 {
					status, scripts[id] = seq[0], seq[1:]
				}
				mu.Unlock()
				var err error
				switch status {
				case "":
				case "gone":
					err = srv.DeleteImage(id)
				case "killed":
					err = srv.KillImage(id, "the test's script")
				default:
					err = srv.UpdateImage(id, func(img *mockserver.ImageRecord) { img.Status = status })
				}
				if err != nil {
					t.Errorf("moving image %s to %q: %v", id, status, err)
				}
			}
			return next.RoundTrip(r)
		})
	})
}

// loggedRequestBodies returns the JSON bodies (as the client logged them,
// secrets redacted) of the requests whose URL ends in suffix, from a
// tflogtest log.
func loggedRequestBodies(t *testing.T, logs, suffix string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(logs, "\n") {
		var entry struct {
			Message string `json:"@message"`
			URL     string `json:"http_url"`
			Body    string `json:"http_request_body"`
		}
		if json.Unmarshal([]byte(line), &entry) != nil || entry.Message != "HTTP request" || !strings.HasSuffix(entry.URL, suffix) {
			continue
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(entry.Body), &body); err != nil {
			t.Fatalf("logged body of %s: %v: %q", entry.URL, err, entry.Body)
		}
		out = append(out, body)
	}
	return out
}

// dig walks nested JSON objects, failing the test when one is missing.
func dig(t *testing.T, v any, keys ...string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not a JSON object: %v", v)
	}
	for _, k := range keys {
		if m, ok = m[k].(map[string]any); !ok {
			t.Fatalf("no object at %q in %v", k, v)
		}
	}
	return m
}
