package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// unsure reports whether a failed call may have failed for a passing reason
// (a dropped connection, 429, a 5xx) and so may be tried again, once the
// caller has checked what the server did with the first try.
func unsure(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return true
	}
	code := StatusCode(err)
	return code == http.StatusTooManyRequests || code >= http.StatusInternalServerError
}

// pause waits before try number attempt+1 of a checked retry: 250 ms,
// doubling, at most 5 s, with jitter; it stops early when ctx ends.
func pause(ctx context.Context, attempt int) error {
	d := 250 * time.Millisecond << min(attempt, 5)
	return sleepCtx(ctx, jitter(min(d, 5*time.Second)))
}
