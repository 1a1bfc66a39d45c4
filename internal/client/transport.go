package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// bufferedBodyLimit is the largest JSON answer the transport reads whole
// before handing it on (so that a cut-off answer is an error it can retry);
// larger ones, and image data, are streamed.
const bufferedBodyLimit = 16 << 20

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

// transport is the client's http.RoundTripper: every request of the client
// (identity included) goes through it. It reads JSON answers whole, retries
// by the retry policy (retry_policy.go), and logs each exchange (logging.go).
type transport struct {
	base       http.RoundTripper
	maxRetries int
	secrets    *secretSet
	backoff    backoff
}

func newTransport(base http.RoundTripper, maxRetries int, secrets *secretSet) *transport {
	return &transport{base: base, maxRetries: max(maxRetries, 0), secrets: secrets, backoff: defaultBackoff}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	t.secrets.add(req.Header.Get("X-Auth-Token"), req.Header.Get("X-Subject-Token"))
	req = withUploadLength(req)
	replayable, idempotent := canSendAgain(req)

	for attempt := 0; ; attempt++ {
		r, err := t.attemptRequest(req, attempt)
		if err != nil {
			return nil, err
		}
		t.logRequest(ctx, r, attempt)
		start := time.Now()
		resp, err := t.send(ctx, r, attempt, start)

		o := classify(resp, err)
		retry := replayable && attempt < t.maxRetries &&
			(o == outcomeRefused || (o == outcomeUnknown && idempotent)) && ctx.Err() == nil
		if !retry {
			return resp, err
		}
		wait, fromServer := t.backoff.wait(resp, attempt)
		reason := ""
		if err != nil {
			reason = err.Error()
		} else {
			reason = resp.Status
			if fromServer {
				reason += " (Retry-After)"
			}
		}
		fields := map[string]any{
			"http_method": r.Method, "http_url": r.URL.Redacted(), "http_attempt": attempt + 1,
			"max_retries": t.maxRetries, "retry_reason": reason, "retry_wait": wait.String(),
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			tflog.Warn(t.secrets.mask(ctx), "Not retrying HTTP request: the wait would pass the deadline", fields)
			return resp, err
		}
		tflog.Warn(t.secrets.mask(ctx), "Retrying HTTP request", fields)
		if resp != nil {
			_ = resp.Body.Close()
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attemptRequest is the request for try number attempt+1: the original, or a
// clone carrying its body again.
func (t *transport) attemptRequest(req *http.Request, attempt int) (*http.Request, error) {
	if attempt == 0 {
		return req, nil
	}
	r := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

// send makes one attempt. A JSON answer is read whole, so that an answer cut
// off on the way is an error here (a *cutOffError) rather than in the caller's
// decoder, where it could not be retried.
func (t *transport) send(ctx context.Context, r *http.Request, attempt int, start time.Time) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		t.logFailure(ctx, r, attempt, time.Since(start), err)
		return nil, err
	}
	var body []byte
	if resp.Body != nil && resp.Body != http.NoBody && isJSON(resp.Header.Get("Content-Type")) &&
		resp.ContentLength <= bufferedBodyLimit {
		body, err = io.ReadAll(io.LimitReader(resp.Body, bufferedBodyLimit+1))
		_ = resp.Body.Close()
		if err == nil && resp.ContentLength > 0 && int64(len(body)) < resp.ContentLength {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			err = &cutOffError{err: fmt.Errorf("%s %s: %d of the answer's bytes read: %w", r.Method, r.URL.Redacted(), len(body), err)}
			t.logFailure(ctx, r, attempt, time.Since(start), err)
			return nil, err
		}
		if len(body) > bufferedBodyLimit {
			err = &cutOffError{err: fmt.Errorf("%s %s: a JSON answer of more than %d bytes", r.Method, r.URL.Redacted(), bufferedBodyLimit)}
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if body == nil {
			body = []byte{}
		}
	}
	t.logResponse(ctx, r, resp, body, time.Since(start))
	return resp, nil
}

// canSendAgain tells whether the request's body can be sent again, and
// whether sending it twice does no more than sending it once: GET, HEAD,
// OPTIONS, PUT and DELETE; a POST the caller marked repeatable (a create that
// names its own id, a member add, an image action); and identity's token
// requests, which make nothing but a token. PATCH and other POSTs are
// idempotent only when their outcome is checked by their caller.
func canSendAgain(req *http.Request) (replayable, idempotent bool) {
	replayable = req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete, http.MethodPut:
		idempotent = true
	case http.MethodPost:
		idempotent = req.Context().Value(repeatableKey{}) != nil || strings.HasSuffix(strings.TrimRight(req.URL.Path, "/"), "/tokens")
	}
	return replayable, idempotent
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
