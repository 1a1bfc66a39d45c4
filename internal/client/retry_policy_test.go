package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"testing"
)

// What the transport may retry: a failure that passes by itself, or a
// request that never left; never one that answers the same every time.
func TestClassifyError(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want outcome
	}{
		{"dial refused: nothing was sent", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, outcomeRefused},
		{"connection reset mid-answer", &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, outcomeUnknown},
		{"cancelled", fmt.Errorf("get: %w", context.Canceled), outcomePermanent},
		{"unknown CA", x509.UnknownAuthorityError{}, outcomePermanent},
		{"server's TLS alert: certificate required", &net.OpError{Op: "remote error", Err: tls.AlertError(116)}, outcomePermanent},
		{"server's TLS alert: bad certificate", &net.OpError{Op: "remote error", Err: tls.AlertError(42)}, outcomePermanent},
	}
	for _, c := range cases {
		if got := classifyError(c.err); got != c.want {
			t.Errorf("%s: outcome %v, want %v", c.name, got, c.want)
		}
	}
}
