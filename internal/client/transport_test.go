package client

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// fastTransport retries with tiny backoffs.
func fastTransport(maxRetries int) *transport {
	tr := newTransport(newHTTPTransport(nil), maxRetries, newSecretSet())
	tr.backoff = backoff{base: time.Millisecond, max: 5 * time.Millisecond, maxRetryAfter: defaultBackoff.maxRetryAfter}
	return tr
}

// flaky answers with the given statuses in turn, then 200.
func flaky(t *testing.T, statuses []int, header http.Header) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		i := int(n.Add(1)) - 1
		if i < len(statuses) {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.WriteHeader(statuses[i])
			_, _ = w.Write([]byte(`{"message":"busy"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func do(t *testing.T, tr http.RoundTripper, ctx context.Context, method, url string, body io.Reader) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err == nil {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp, err
}

func TestTransport_retries503ThenSucceeds(t *testing.T) {
	t.Parallel()
	srv, n := flaky(t, []int{503, 502, 500, 504, 429}, nil)
	resp, err := do(t, fastTransport(5), testCtx(t), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || n.Load() != 6 {
		t.Errorf("status %d after %d calls", resp.StatusCode, n.Load())
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != `{"ok":true}` {
		t.Errorf("body %q", b)
	}
}

func TestTransport_retryIsBounded(t *testing.T) {
	t.Parallel()
	srv, n := flaky(t, []int{503, 503, 503, 503, 503, 503}, nil)
	resp, err := do(t, fastTransport(2), testCtx(t), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || n.Load() != 3 {
		t.Errorf("status %d after %d calls, want 503 after 3", resp.StatusCode, n.Load())
	}
	if b, _ := io.ReadAll(resp.Body); !strings.Contains(string(b), "busy") {
		t.Errorf("the last response's body must reach the caller: %q", b)
	}

	srv0, n0 := flaky(t, []int{503}, nil)
	resp, err = do(t, fastTransport(0), testCtx(t), http.MethodGet, srv0.URL, nil)
	if err != nil || resp.StatusCode != 503 || n0.Load() != 1 {
		t.Errorf("MaxRetries 0 must not retry: %v %d", err, n0.Load())
	}
}

func TestTransport_retryAfterHonoured(t *testing.T) {
	t.Parallel()
	srv, n := flaky(t, []int{429}, http.Header{"Retry-After": {"1"}})
	start := time.Now()
	resp, err := do(t, fastTransport(3), testCtx(t), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 900*time.Millisecond || el > 5*time.Second {
		t.Errorf("waited %s, want about 1s (Retry-After: 1)", el)
	}
	if resp.StatusCode != 200 || n.Load() != 2 {
		t.Errorf("status %d calls %d", resp.StatusCode, n.Load())
	}
}

func TestTransport_retryAfterBeyondDeadlineGivesUp(t *testing.T) {
	t.Parallel()
	srv, n := flaky(t, []int{503}, http.Header{"Retry-After": {"30"}})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	resp, err := do(t, fastTransport(3), ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || n.Load() != 1 || time.Since(start) > time.Second {
		t.Errorf("status %d calls %d after %s; want the 503 at once", resp.StatusCode, n.Load(), time.Since(start))
	}
}

// A POST or PATCH whose outcome is unknown (500, 502, 503 without
// Retry-After) is not sent again by the transport: its caller checks what the
// server did.
func TestTransport_unknownOutcomeOfUnsafeRequestsNotRetried(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodPatch} {
		for _, status := range []int{500, 502, 503, 504} {
			srv, n := flaky(t, []int{status}, nil)
			resp, err := do(t, fastTransport(5), testCtx(t), method, srv.URL, strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != status || n.Load() != 1 {
				t.Errorf("%s %d: status %d after %d calls; must not be retried", method, status, resp.StatusCode, n.Load())
			}
		}
	}
	// a streamed PUT (no GetBody) cannot be sent again
	srv, n := flaky(t, []int{503}, http.Header{"Retry-After": {"0"}})
	resp, err := do(t, fastTransport(5), testCtx(t), http.MethodPut, srv.URL, io.MultiReader(strings.NewReader("data")))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || n.Load() != 1 {
		t.Errorf("streamed PUT retried: %d calls", n.Load())
	}
}

// A refusal (429, 503 with Retry-After) means the server did nothing: any
// request is sent again, POST and PATCH included.
func TestTransport_refusedRequestsRetriedWhateverTheMethod(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodPatch} {
		srv, n := flaky(t, []int{429, 503}, http.Header{"Retry-After": {"0"}})
		resp, err := do(t, fastTransport(5), testCtx(t), method, srv.URL, strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || n.Load() != 3 {
			t.Errorf("%s: status %d after %d calls, want 200 after 3", method, resp.StatusCode, n.Load())
		}
	}
}

// cutOff answers the first n requests with a JSON body that ends early, then
// answers in full.
func cutOff(t *testing.T, n int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		body := `{"id":"abc","status":"active"}`
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if calls.Add(1) <= n {
			_, _ = w.Write([]byte(body[:7]))
			hj, _ := w.(http.Hijacker)
			if conn, buf, err := hj.Hijack(); err == nil {
				_ = buf.Flush()
				_ = conn.Close()
			}
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// An answer cut off mid-body is retried when the request is safe to repeat,
// and is an unknown outcome (never a decoding error) when it is not.
func TestTransport_cutOffAnswer(t *testing.T) {
	t.Parallel()
	srv, n := cutOff(t, 2)
	resp, err := do(t, fastTransport(3), testCtx(t), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != `{"id":"abc","status":"active"}` || n.Load() != 3 {
		t.Errorf("GET: body %q after %d calls, want the whole body after 3", b, n.Load())
	}

	srv, n = cutOff(t, 1)
	_, err = do(t, fastTransport(3), testCtx(t), http.MethodPost, srv.URL+"/v2/tasks", strings.NewReader(`{}`))
	if err == nil || !UnknownOutcome(err) || n.Load() != 1 {
		t.Errorf("POST: err %v (unknown outcome %v) after %d calls; want one call and an unknown outcome", err, UnknownOutcome(err), n.Load())
	}

	// identity's token requests make nothing but a token: sent again
	srv, n = cutOff(t, 1)
	resp, err = do(t, fastTransport(3), testCtx(t), http.MethodPost, srv.URL+"/identity/v2.0/tokens", strings.NewReader(`{}`))
	if err != nil || resp.StatusCode != 200 || n.Load() != 2 {
		t.Errorf("token POST: %v after %d calls, want a retry", err, n.Load())
	}
}

func TestTransport_replayablePutAndDeleteRetried(t *testing.T) {
	t.Parallel()
	var bodies []string
	var mu sync.Mutex
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		if n.Add(1)%2 == 1 {
			w.WriteHeader(503)
			return
		}
		w.WriteHeader(204)
	}))
	t.Cleanup(srv.Close)
	resp, err := do(t, fastTransport(2), testCtx(t), http.MethodPut, srv.URL, strings.NewReader(`{"a":1}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("%v %v", resp, err)
	}
	resp, err = do(t, fastTransport(2), testCtx(t), http.MethodDelete, srv.URL, nil)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("%v %v", resp, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 4 || bodies[0] != `{"a":1}` || bodies[1] != `{"a":1}` {
		t.Errorf("bodies %q: the replayed PUT must carry its body again", bodies)
	}
}

func TestTransport_connectionErrorRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			conn, _, err := hj.Hijack()
			if err == nil {
				_ = conn.Close() // drop the connection without answering
			}
			return
		}
		w.WriteHeader(200)
	}))
	t.Cleanup(srv.Close)
	resp, err := do(t, fastTransport(2), testCtx(t), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || n.Load() != 2 {
		t.Errorf("status %d after %d calls", resp.StatusCode, n.Load())
	}

	// nothing listening: every attempt fails, the error comes back
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if _, err := do(t, fastTransport(1), testCtx(t), http.MethodGet, "http://"+addr+"/", nil); err == nil {
		t.Error("want a connection error")
	}
}

func TestTransport_uploadGetsContentLength(t *testing.T) {
	t.Parallel()
	var gotLen int64
	var gotTE []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		gotLen, gotTE = r.ContentLength, r.TransferEncoding
		w.WriteHeader(204)
	}))
	t.Cleanup(srv.Close)
	req, _ := http.NewRequestWithContext(testCtx(t), http.MethodPut, srv.URL, io.MultiReader(strings.NewReader("12345")))
	req.Header.Set("X-Openstack-Image-Size", "5")
	resp, err := (&http.Client{Transport: fastTransport(0)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if gotLen != 5 || len(gotTE) != 0 {
		t.Errorf("Content-Length %d, Transfer-Encoding %v", gotLen, gotTE)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"0":                             0,
		"7":                             7 * time.Second,
		"Wed, 01 Jan 2025 12:00:30 GMT": 30 * time.Second,
		"Wed, 01 Jan 2025 11:00:00 GMT": 0,
	} {
		got, ok := parseRetryAfter(in, now)
		if !ok || got != want {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "soon", "-3"} {
		if _, ok := parseRetryAfter(bad, now); ok {
			t.Errorf("parseRetryAfter(%q) accepted", bad)
		}
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	t.Parallel()
	b := defaultBackoff
	for attempt := 0; attempt < 12; attempt++ {
		step := b.base << attempt
		if step > b.max || step <= 0 {
			step = b.max
		}
		for i := 0; i < 20; i++ {
			d := b.delay(attempt)
			if d < step/2 || d > step {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", attempt, d, step/2, step)
			}
		}
	}
}

func TestRedactJSONForLog(t *testing.T) {
	t.Parallel()
	in := `{"v3":{"identity":{"methods":["password"],"password":{"user":{"name":"bob","domain":{"name":"Default"},"password":"pw3"}}}},
	"auth":{"passwordCredentials":{"username":"u","password":"pw"},"RAX-KSKEY:apiKeyCredentials":{"username":"u","apiKey":"kk"},"token":{"id":"tid"},"identity":{"token":{"id":"tid3"}}},
	"access":{"token":{"id":"tok","expires":"x"},"user":{"id":"172157"}},"api_key":"k2","tags":["a"],"size":12345678901234}`
	out := redactJSONForLog([]byte(in), newSecretSet())
	for _, secret := range []string{`"pw3"`, `"pw"`, `"kk"`, `"tid"`, `"tid3"`, `"tok"`, `"k2"`} {
		if strings.Contains(out, secret) {
			t.Errorf("%s left in %s", secret, out)
		}
	}
	for _, kept := range []string{`"name":"bob"`, `"username":"u"`, `"172157"`, `"expires":"x"`, `12345678901234`} {
		if !strings.Contains(out, kept) {
			t.Errorf("%s missing from %s", kept, out)
		}
	}
	long := `{"name":"` + strings.Repeat("x", 3*logBodyLimit) + `"}`
	if out := redactJSONForLog([]byte(long), newSecretSet()); len(out) > logBodyLimit+100 {
		t.Errorf("not truncated: %d bytes", len(out))
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogging_redactsSecrets runs a full auth + request cycle (with a token
// renewal and an error body that echoes a secret: the mock's 404 for an image
// id that is the secret) and checks the log.
func TestLogging_redactsSecrets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		renew bool // the first token expires: the client gets another
		cfg   func(srv *mockserver.Server, preToken string) Config
	}{
		{"password", true, func(srv *mockserver.Server, _ string) Config {
			return Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, Password: alice.Password, MaxRetries: 1}
		}},
		{"api key", true, func(srv *mockserver.Server, _ string) Config {
			return Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: alice.APIKey, MaxRetries: 1}
		}},
		{"v2 token", false, func(srv *mockserver.Server, preToken string) Config {
			return Config{AuthURL: srv.IdentityV2URL(), Token: preToken, TenantID: alice.TenantID, MaxRetries: 1}
		}},
		{"v3 password", true, func(srv *mockserver.Server, _ string) Config {
			return Config{AuthURL: srv.IdentityV3URL(), Username: alice.Username, Password: alice.Password, TenantName: alice.TenantName, MaxRetries: 1}
		}},
		{"v3 token", false, func(srv *mockserver.Server, preToken string) Config {
			return Config{AuthURL: srv.IdentityV3URL(), Token: preToken, MaxRetries: 1}
		}},
		{"endpoint token", false, func(srv *mockserver.Server, preToken string) Config {
			return Config{Endpoint: srv.ImageURL(), Token: preToken, MaxRetries: 1}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startMock(t, mockserver.Options{})
			preToken := srv.IssueToken(alice.TenantID)
			cfg := tc.cfg(srv, preToken)
			echo := cfg.Password + cfg.APIKey + cfg.Token
			id := seedImage(t, srv, map[string]any{"name": "n"}, nil)

			var buf syncBuffer
			ctx := tflogtest.RootLogger(context.Background(), &buf)
			c, err := New(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			secrets := append([]string{alice.Password, alice.APIKey}, srv.IssuedTokens()...)
			if tc.renew {
				srv.ExpireTokens()
			}
			// a resource's context: a fresh logger with no masks of its own
			rctx := tflogtest.RootLogger(context.Background(), &buf)
			if _, err := c.GetImage(rctx, id); err != nil {
				t.Fatal(err)
			}
			if _, err := c.UpdateImage(rctx, id, []PatchOp{{Op: "add", Attribute: "note", Value: "v"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetImage(rctx, echo); !IsNotFound(err) {
				t.Fatalf("want a 404, got %v", err)
			}

			logs := buf.String()
			secrets = append(secrets, srv.IssuedTokens()...)
			for _, s := range secrets {
				if strings.Contains(logs, s) {
					t.Errorf("secret %q appears in the log", s)
				}
			}
			for _, want := range []string{`"@message":"HTTP request"`, `"@message":"HTTP response"`, `X-Auth-Token: ***`, `http_response_body`, `No image found with ID ***`} {
				if !strings.Contains(logs, want) {
					t.Errorf("log lacks %q", want)
				}
			}
			if t.Failed() {
				t.Log(logs)
			}
		})
	}
}
