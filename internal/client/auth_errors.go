package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// ErrTokenRejected is the failure of renewing a token that was given as
// such: it cannot be renewed, so a 401 with it is final.
var ErrTokenRejected = errors.New("the API rejected the token given in the configuration, and a given token cannot be renewed")

// authError turns an identity failure into a ConfigError that names the
// fields involved and what the server said.
func authError(cfg Config, id IdentityURL, method authMethod, err error) error {
	status := StatusCode(err)
	msg := err.Error()
	if ue, ok := unexpected(err); ok {
		msg = serverMessage(ue.Actual, ue.Body)
		if msg == "" {
			msg = http.StatusText(ue.Actual)
		}
	}
	if e := schemeMismatch(id.Used, err, msg); e != nil {
		return e
	}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest:
		attrs := method.credentialAttrs(cfg)
		if cfg.TenantID != "" {
			attrs = append(attrs, AttrTenantID)
		}
		if cfg.TenantName != "" {
			attrs = append(attrs, AttrTenantName)
		}
		summary := "Authentication failed"
		what := "the " + method.String() + " credentials"
		switch method {
		case authAppCredential:
			what = "the application credential"
		case authToken:
			summary, what = "Token rejected", "the token (a given token is used as it is and cannot be renewed)"
		}
		return &ConfigError{
			Attributes: attrs,
			Summary:    summary,
			Detail: fmt.Sprintf("the identity service at %s (identity %s) rejected %s (%d %s): %s",
				id.Used, id.Version, what, status, http.StatusText(status), msg),
		}
	case http.StatusNotFound:
		return &ConfigError{
			Attributes: []string{AttrAuthURL},
			Summary:    "Identity service not found",
			Detail:     fmt.Sprintf("%s answered 404 Not Found to the identity %s token request.", id.Used, id.Version),
		}
	case 0:
		if e := handshakeRefused(cfg, id.Used, err); e != nil {
			return e
		}
		var opErr *net.OpError
		var dnsErr *net.DNSError
		if errors.As(err, &opErr) || errors.As(err, &dnsErr) {
			return &ConfigError{Attributes: []string{AttrAuthURL}, Summary: "Cannot reach the identity service", Detail: fmt.Sprintf("%s: %v", id.Used, err)}
		}
		if isTLSError(err) {
			return &ConfigError{
				Attributes: []string{AttrAuthURL, AttrCACertFile, AttrInsecure, AttrCert},
				Summary:    "TLS verification failed",
				Detail:     fmt.Sprintf("%s: %v.", id.Used, err),
			}
		}
	}
	return fmt.Errorf("authenticating with %s: %w", id.Used, WrapError(http.MethodPost, id.Used, err))
}

// schemeMismatch explains an https:// URL to a plain-HTTP server, or an
// http:// URL to an HTTPS one (Go's server answers that with a 400, which is
// no verdict on the credentials); nil for other errors. msg is the server's
// message, if it answered.
func schemeMismatch(url string, err error, msg string) *ConfigError {
	switch {
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return &ConfigError{
			Attributes: []string{AttrAuthURL}, Summary: "Cannot reach the identity service",
			Detail: fmt.Sprintf("%s answers in plain HTTP, not HTTPS: if that is intended, start auth_url with http://; "+
				"otherwise it names the wrong host or port.", url),
		}
	case StatusCode(err) == http.StatusBadRequest && strings.Contains(msg, "HTTP request to an HTTPS server"):
		return &ConfigError{
			Attributes: []string{AttrAuthURL}, Summary: "Cannot reach the identity service",
			Detail: fmt.Sprintf("%s answers only HTTPS: start auth_url with https://.", url),
		}
	}
	return nil
}

func isTLSError(err error) bool {
	return err != nil && !retryableError(err) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// handshakeRefused explains a TLS alert the server sent during the handshake
// ("remote error: tls: certificate required"): a server that wants a client
// certificate, or does not trust the one given. nil for other errors.
func handshakeRefused(cfg Config, url string, err error) *ConfigError {
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr.Op != "remote error" {
		return nil
	}
	if cfg.ClientCert == "" {
		return &ConfigError{
			Attributes: []string{AttrCert, AttrKey},
			Summary:    "The server requires a client certificate",
			Detail: fmt.Sprintf("%s refused the TLS handshake (%v): it asks for a client certificate, and none is set; set cert and key (a PEM file's path or the PEM itself).",
				url, opErr.Err),
		}
	}
	return &ConfigError{
		Attributes: []string{AttrCert, AttrKey},
		Summary:    "The server refused the client certificate",
		Detail:     fmt.Sprintf("%s refused the TLS handshake with the certificate in cert (%v): is it signed by a CA the server trusts, and not expired?", url, opErr.Err),
	}
}
