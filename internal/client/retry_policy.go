package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The client's one retry policy. Every attempt ends in one of four outcomes,
// and only the outcome decides what may happen next: the transport retries
// what is safe to send again, and the calls that are not safe to repeat
// (task creates, PATCH, uploads) resolve an unknown outcome by reading what
// the server did, never by guessing.
type outcome int

const (
	// outcomeAnswered: the server answered; the caller acts on the answer.
	outcomeAnswered outcome = iota
	// outcomeRefused: the server did not act on the request (429, 503 with
	// Retry-After, or the request never left: the connection could not be
	// made). Any request may be sent again.
	outcomeRefused
	// outcomeUnknown: the request may have been acted on (the connection broke
	// after it was sent, the answer was cut off, 500/502/503/504). Only a
	// request that is safe to repeat may be sent again.
	outcomeUnknown
	// outcomePermanent: a failure that will not pass by itself (TLS
	// verification, cancellation, the deadline).
	outcomePermanent
)

// classify tells the outcome of one attempt: the response, or the error of
// the round trip (including a body cut off while the transport read it).
func classify(resp *http.Response, err error) outcome {
	if err != nil {
		return classifyError(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return outcomeRefused
	case http.StatusServiceUnavailable:
		if resp.Header.Get("Retry-After") != "" {
			return outcomeRefused
		}
		return outcomeUnknown
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return outcomeUnknown
	}
	return outcomeAnswered
}

func classifyError(err error) outcome {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || isTLSVerificationError(err) {
		return outcomePermanent
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return outcomeRefused // nothing was sent
	}
	return outcomeUnknown
}

func isTLSVerificationError(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	// An alert the server sent in the handshake ("certificate required",
	// "bad certificate") answers the same way every time.
	var alert tls.AlertError
	return errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) ||
		errors.As(err, &invalidErr) || errors.As(err, &recordErr) || errors.As(err, &alert)
}

// retryableError reports whether a connection-level error may pass by itself
// (not a cancellation, not a TLS verification failure).
func retryableError(err error) bool {
	return classifyError(err) != outcomePermanent
}

// errorOutcome is the outcome of a call that failed, as seen by the code that
// called the client: an *APIError with a status, or a transport error.
func errorOutcome(err error) outcome {
	if err == nil {
		return outcomeAnswered
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return outcomePermanent
	}
	if code := StatusCode(err); code != 0 {
		var retryAfter bool
		var ae *APIError
		if errors.As(err, &ae) {
			retryAfter = ae.RetryAfter
		}
		h := http.Header{}
		if retryAfter {
			h.Set("Retry-After", "0")
		}
		return classify(&http.Response{StatusCode: code, Header: h}, nil)
	}
	var ue *url.Error
	if errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, new(*cutOffError)) {
		return classifyError(err)
	}
	return outcomeAnswered
}

// transient reports whether a failed call may succeed when tried again: the
// server refused it for now, or its outcome is unknown (then the caller checks
// what the server did before it tries again).
func transient(err error) bool {
	o := errorOutcome(err)
	return o == outcomeRefused || o == outcomeUnknown
}

// UnknownOutcome reports whether a failed call may have been carried out by
// the server although no answer said so (a connection dropped after the
// request was sent, an answer cut off, a 5xx that is not a refusal).
func UnknownOutcome(err error) bool { return errorOutcome(err) == outcomeUnknown }

// cutOffError is an answer whose body ended before it was complete: the
// server may have done the work, but what it said is lost.
type cutOffError struct{ err error }

func (e *cutOffError) Error() string { return "the answer was cut off: " + e.err.Error() }
func (e *cutOffError) Unwrap() error { return e.err }

// backoff is the pause before try number attempt+2: exponential from base,
// capped at max, with jitter (between half and all of the step).
type backoff struct {
	base, max time.Duration
	// maxRetryAfter caps a server's Retry-After.
	maxRetryAfter time.Duration
}

var defaultBackoff = backoff{base: 250 * time.Millisecond, max: 10 * time.Second, maxRetryAfter: 5 * time.Minute}

func (b backoff) delay(attempt int) time.Duration {
	d := b.base
	for i := 0; i < attempt && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// wait is how long to wait before the next try after resp: the server's
// Retry-After when it gave one (capped), else the backoff.
func (b backoff) wait(resp *http.Response, attempt int) (time.Duration, bool) {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, b.maxRetryAfter), true
		}
	}
	return b.delay(attempt), false
}

// pause waits before try number attempt+2 of a call that resolved an unknown
// outcome itself; it stops early when ctx ends.
func pause(ctx context.Context, attempt int) error {
	return sleepCtx(ctx, defaultBackoff.delay(attempt))
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
	return max(when.Sub(now), 0), true
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
