package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const (
	defaultBackoffBase   = 250 * time.Millisecond
	defaultBackoffMax    = 10 * time.Second
	defaultMaxRetryAfter = 5 * time.Minute
	logBodyLimit         = 4 << 10 // bytes of a JSON body written to the log
	inspectBodyLimit     = 1 << 20 // bytes of a JSON body read for redaction / token discovery
	redacted             = "***"
)

// newHTTPTransport is the one connection pool of a Client, sized for
// Terraform's parallelism (10 by default, often raised).
func newHTTPTransport(tlsCfg *tls.Config) *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
		ResponseHeaderTimeout: 5 * time.Minute,
		TLSClientConfig:       tlsCfg,
	}
}

// secretSet holds every string that must never reach the log: the configured
// password / API key / token and every token identity issued. The transport
// registers them as tflog masks on each request's context at log time, since
// requests arrive with resource contexts that never saw client.New's.
type secretSet struct {
	mu   sync.RWMutex
	vals []string
	seen map[string]struct{}
}

func newSecretSet() *secretSet { return &secretSet{seen: map[string]struct{}{}} }

func (s *secretSet) add(vals ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if _, ok := s.seen[v]; ok {
			continue
		}
		s.seen[v] = struct{}{}
		s.vals = append(s.vals, v)
	}
}

func (s *secretSet) values() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.vals...)
}

// mask returns ctx with every known secret masked in log messages and field values.
func (s *secretSet) mask(ctx context.Context) context.Context {
	if s == nil {
		return ctx
	}
	vals := s.values()
	if len(vals) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, vals...)
	return tflog.MaskMessageStrings(ctx, vals...)
}

// transport is the client's http.RoundTripper: it logs every exchange at debug
// level with secrets redacted, learns issued tokens so they are masked too,
// and retries requests that are safe to repeat.
type transport struct {
	base          http.RoundTripper
	maxRetries    int
	secrets       *secretSet
	backoffBase   time.Duration
	backoffMax    time.Duration
	maxRetryAfter time.Duration
}

func newTransport(base http.RoundTripper, maxRetries int, secrets *secretSet) *transport {
	if maxRetries < 0 {
		maxRetries = 0
	}
	return &transport{
		base:          base,
		maxRetries:    maxRetries,
		secrets:       secrets,
		backoffBase:   defaultBackoffBase,
		backoffMax:    defaultBackoffMax,
		maxRetryAfter: defaultMaxRetryAfter,
	}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	t.secrets.add(req.Header.Get("X-Auth-Token"), req.Header.Get("X-Subject-Token"))
	req = withUploadLength(req)
	replayable := isReplayable(req)

	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			r = req.Clone(ctx)
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}
		t.logRequest(ctx, r, attempt)
		start := time.Now()
		resp, err := t.base.RoundTrip(r)
		elapsed := time.Since(start)
		if err == nil {
			resp = t.inspectResponse(ctx, r, resp, elapsed)
		} else {
			tflog.Debug(t.secrets.mask(ctx), "HTTP request failed", map[string]any{
				"http_method":      r.Method,
				"http_url":         r.URL.Redacted(),
				"http_attempt":     attempt + 1,
				"http_duration_ms": elapsed.Milliseconds(),
				"http_error":       err.Error(),
			})
		}

		if !replayable || attempt >= t.maxRetries {
			return resp, err
		}
		wait, reason, retry := t.retryDecision(ctx, resp, err, attempt)
		if !retry {
			return resp, err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			tflog.Warn(t.secrets.mask(ctx), "Not retrying HTTP request: the wait would pass the deadline", map[string]any{
				"http_method": r.Method, "http_url": r.URL.Redacted(), "http_attempt": attempt + 1,
				"retry_reason": reason, "retry_wait": wait.String(),
			})
			return resp, err
		}
		tflog.Warn(t.secrets.mask(ctx), "Retrying HTTP request", map[string]any{
			"http_method":  r.Method,
			"http_url":     r.URL.Redacted(),
			"http_attempt": attempt + 1,
			"max_retries":  t.maxRetries,
			"retry_reason": reason,
			"retry_wait":   wait.String(),
		})
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// isReplayable: only requests safe to repeat whose body can be sent again.
// POST and PATCH are not retried, nor a streamed upload (no GetBody), unless
// the caller made the POST repeatable (repeatablePost: a create that names
// its own id, so a second one cannot make a second object).
func isReplayable(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete, http.MethodPut:
	case http.MethodPost:
		if req.Context().Value(repeatableKey{}) == nil {
			return false
		}
	default:
		return false
	}
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

type repeatableKey struct{}

// repeatablePost marks the POSTs sent with ctx as safe to repeat.
func repeatablePost(ctx context.Context) context.Context {
	return context.WithValue(ctx, repeatableKey{}, true)
}

// withUploadLength sends a Content-Length for uploads whose size is known
// (gophercloud hands the body over as a plain io.Reader, which would otherwise
// go out chunked).
func withUploadLength(req *http.Request) *http.Request {
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength != 0 {
		return req
	}
	n, err := strconv.ParseInt(req.Header.Get("X-Openstack-Image-Size"), 10, 64)
	if err != nil || n <= 0 {
		return req
	}
	r := req.Clone(req.Context())
	r.ContentLength = n
	return r
}

var retryStatus = map[int]bool{
	http.StatusTooManyRequests:     true,
	http.StatusInternalServerError: true,
	http.StatusBadGateway:          true,
	http.StatusServiceUnavailable:  true,
	http.StatusGatewayTimeout:      true,
}

func (t *transport) retryDecision(ctx context.Context, resp *http.Response, err error, attempt int) (time.Duration, string, bool) {
	if ctx.Err() != nil {
		return 0, "", false
	}
	if err != nil {
		if !retryableError(err) {
			return 0, "", false
		}
		return t.backoff(attempt), err.Error(), true
	}
	if !retryStatus[resp.StatusCode] {
		return 0, "", false
	}
	reason := resp.Status
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		if d > t.maxRetryAfter {
			d = t.maxRetryAfter
		}
		return d, reason + " (Retry-After)", true
	}
	return t.backoff(attempt), reason, true
}

// backoff is exponential from backoffBase, capped at backoffMax, with jitter
// (between half and all of the step).
func (t *transport) backoff(attempt int) time.Duration {
	d := t.backoffBase
	for i := 0; i < attempt && d < t.backoffMax; i++ {
		d *= 2
	}
	if d > t.backoffMax {
		d = t.backoffMax
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// retryableError: connection-level failures, not cancellations nor TLS
// verification failures (those will not go away by themselves).
func retryableError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) ||
		errors.As(err, &invalidErr) || errors.As(err, &recordErr) {
		return false
	}
	return true
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	when, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := when.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// ---- logging -----------------------------------------------------------

func (t *transport) logRequest(ctx context.Context, r *http.Request, attempt int) {
	if !tflog.IsDebug(ctx) {
		return
	}
	fields := map[string]any{
		"http_method":          r.Method,
		"http_url":             r.URL.Redacted(),
		"http_attempt":         attempt + 1,
		"http_request_headers": formatHeaders(r.Header),
	}
	if body := t.requestBodyForLog(r); body != "" {
		fields["http_request_body"] = body
	}
	tflog.Debug(t.secrets.mask(ctx), "HTTP request", fields)
}

func (t *transport) requestBodyForLog(r *http.Request) string {
	if r.Body == nil || r.Body == http.NoBody {
		return ""
	}
	if !isJSON(r.Header.Get("Content-Type")) || r.GetBody == nil {
		return fmt.Sprintf("(%s body not logged)", contentTypeOrUnknown(r.Header.Get("Content-Type")))
	}
	rc, err := r.GetBody()
	if err != nil {
		return "(body not logged)"
	}
	defer rc.Close()
	buf, err := io.ReadAll(io.LimitReader(rc, inspectBodyLimit+1))
	if err != nil {
		return "(body not logged)"
	}
	if len(buf) > inspectBodyLimit {
		return fmt.Sprintf("(%d+ bytes of JSON not logged)", inspectBodyLimit)
	}
	return redactJSONForLog(buf, t.secrets)
}

// inspectResponse learns issued tokens and logs the response. JSON bodies are
// read (up to inspectBodyLimit) and handed back untouched to the caller.
func (t *transport) inspectResponse(ctx context.Context, r *http.Request, resp *http.Response, elapsed time.Duration) *http.Response {
	t.secrets.add(resp.Header.Get("X-Subject-Token"))
	debug := tflog.IsDebug(ctx)
	tokenCall := strings.HasSuffix(strings.TrimRight(r.URL.Path, "/"), "/tokens")
	var buf []byte
	var complete bool
	if resp.Body != nil && resp.Body != http.NoBody && isJSON(resp.Header.Get("Content-Type")) && (debug || tokenCall) {
		b, err := io.ReadAll(io.LimitReader(resp.Body, inspectBodyLimit+1))
		buf = b
		complete = err == nil && len(b) <= inspectBodyLimit
		resp.Body = &replayBody{Reader: io.MultiReader(bytes.NewReader(b), errReader{err}, resp.Body), closer: resp.Body}
		if complete && tokenCall {
			t.secrets.add(v2TokenID(buf))
		}
	}
	if !debug {
		return resp
	}
	fields := map[string]any{
		"http_method":           r.Method,
		"http_url":              r.URL.Redacted(),
		"http_status":           resp.StatusCode,
		"http_duration_ms":      elapsed.Milliseconds(),
		"http_response_headers": formatHeaders(resp.Header),
	}
	switch {
	case buf != nil && complete:
		if len(buf) > 0 {
			fields["http_response_body"] = redactJSONForLog(buf, t.secrets)
		}
	case buf != nil:
		fields["http_response_body"] = fmt.Sprintf("(%d+ bytes of JSON not logged)", inspectBodyLimit)
	case resp.ContentLength != 0 && r.Method != http.MethodHead:
		fields["http_response_body"] = fmt.Sprintf("(%s body not logged)", contentTypeOrUnknown(resp.Header.Get("Content-Type")))
	}
	tflog.Debug(t.secrets.mask(ctx), "HTTP response", fields)
	return resp
}

type replayBody struct {
	io.Reader
	closer io.Closer
}

func (b *replayBody) Close() error { return b.closer.Close() }

// errReader re-delivers a read error met while buffering (nil: plain EOF).
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

func isJSON(ct string) bool {
	ct = strings.ToLower(ct)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	// application/json, application/…+json, application/openstack-images-v2.1-json-patch
	return strings.HasPrefix(ct, "application/") && strings.Contains(ct, "json")
}

func contentTypeOrUnknown(ct string) string {
	if ct == "" {
		return "untyped"
	}
	return ct
}

var sensitiveHeaders = map[string]bool{
	"X-Auth-Token":        true,
	"X-Subject-Token":     true,
	"X-Service-Token":     true,
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

func formatHeaders(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range h[k] {
			if sensitiveHeaders[http.CanonicalHeaderKey(k)] {
				v = redacted
			}
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(v)
		}
	}
	return b.String()
}

var sensitiveKeys = map[string]bool{
	"password":   true,
	"apikey":     true,
	"api_key":    true,
	"passcode":   true,
	"secret":     true,
	"token_id":   true,
	"auth_token": true,
}

// redactJSONForLog masks passwords, API keys and token ids (access.token.id,
// auth.token.id, auth.identity.token.id, …: the "id" of any "token" object)
// and truncates the result to logBodyLimit.
func redactJSONForLog(body []byte, secrets *secretSet) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	var out string
	if err := dec.Decode(&v); err != nil {
		// Not JSON after all: log it only if it looks harmless, with known secrets
		// replaced (tflog masks apply too).
		out = string(body)
		for _, s := range secrets.values() {
			out = strings.ReplaceAll(out, s, redacted)
		}
	} else {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(redactValue(v)); err != nil {
			return "(body not logged)"
		}
		out = strings.TrimSuffix(b.String(), "\n")
	}
	if len(out) > logBodyLimit {
		out = out[:logBodyLimit] + fmt.Sprintf("… (%d bytes in all)", len(body))
	}
	return out
}

func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			lk := strings.ToLower(k)
			switch {
			case sensitiveKeys[lk] || strings.HasSuffix(lk, ":apikey"):
				switch val.(type) {
				case nil:
				case map[string]any, []any: // v3's "password": {"user": {…, "password": "…"}}
					x[k] = redactValue(val)
				default:
					x[k] = redacted
				}
			case lk == "token":
				if m, ok := val.(map[string]any); ok {
					if _, has := m["id"]; has {
						m["id"] = redacted
					}
				}
				x[k] = redactValue(val)
			default:
				x[k] = redactValue(val)
			}
		}
		return x
	case []any:
		for i := range x {
			x[i] = redactValue(x[i])
		}
		return x
	}
	return v
}

// v2TokenID reads access.token.id from an identity v2.0 response.
func v2TokenID(body []byte) string {
	var s struct {
		Access struct {
			Token struct {
				ID string `json:"id"`
			} `json:"token"`
		} `json:"access"`
	}
	if json.Unmarshal(body, &s) != nil {
		return ""
	}
	return s.Access.Token.ID
}
