package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// What the transport logs, at debug level and with every secret redacted:
// each request and response, the tokens identity issues (learned so that
// they are masked too), and bodies only when they are JSON.

const (
	logBodyLimit = 4 << 10 // bytes of a JSON body written to the log
	redacted     = "***"
)

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
	buf, err := io.ReadAll(io.LimitReader(rc, bufferedBodyLimit+1))
	if err != nil {
		return "(body not logged)"
	}
	if len(buf) > bufferedBodyLimit {
		return fmt.Sprintf("(%d+ bytes of JSON not logged)", bufferedBodyLimit)
	}
	return redactJSONForLog(buf, t.secrets)
}

// logResponse learns issued tokens and logs the response. body is the
// response's JSON body as the transport buffered it (nil when it was not).
func (t *transport) logResponse(ctx context.Context, r *http.Request, resp *http.Response, body []byte, elapsed time.Duration) {
	t.secrets.add(resp.Header.Get("X-Subject-Token"))
	if body != nil && strings.HasSuffix(strings.TrimRight(r.URL.Path, "/"), "/tokens") {
		t.secrets.add(v2TokenID(body))
	}
	if !tflog.IsDebug(ctx) {
		return
	}
	fields := map[string]any{
		"http_method":           r.Method,
		"http_url":              r.URL.Redacted(),
		"http_status":           resp.StatusCode,
		"http_duration_ms":      elapsed.Milliseconds(),
		"http_response_headers": formatHeaders(resp.Header),
	}
	switch {
	case len(body) > 0:
		fields["http_response_body"] = redactJSONForLog(body, t.secrets)
	case body == nil && resp.ContentLength != 0 && r.Method != http.MethodHead:
		fields["http_response_body"] = fmt.Sprintf("(%s body not logged)", contentTypeOrUnknown(resp.Header.Get("Content-Type")))
	}
	tflog.Debug(t.secrets.mask(ctx), "HTTP response", fields)
}

// logFailure logs an attempt that got no (complete) answer.
func (t *transport) logFailure(ctx context.Context, r *http.Request, attempt int, elapsed time.Duration, err error) {
	tflog.Debug(t.secrets.mask(ctx), "HTTP request failed", map[string]any{
		"http_method":      r.Method,
		"http_url":         r.URL.Redacted(),
		"http_attempt":     attempt + 1,
		"http_duration_ms": elapsed.Milliseconds(),
		"http_error":       err.Error(),
	})
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
