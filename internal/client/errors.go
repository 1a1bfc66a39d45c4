package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
)

// ConfigError is a configuration the client cannot work with, and the
// settings involved. The provider reports it as one diagnostic on the first
// of Attributes (a general one when there is none), adding where each value
// came from and where to change it.
type ConfigError struct {
	// Attributes are the provider arguments involved, by their names in the
	// provider block (auth_url, api_key, region, ...), the one to fix first.
	Attributes []string
	Summary    string
	Detail     string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.Summary)
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if len(e.Attributes) > 0 {
		fmt.Fprintf(&b, " (check %s)", strings.Join(e.Attributes, ", "))
	}
	return b.String()
}

// APIError is the error every image call returns. It wraps the gophercloud
// error (or transport error) it was built from, so errors.As still finds
// gophercloud.ErrUnexpectedResponseCode, and context errors stay visible to
// errors.Is.
type APIError struct {
	Method     string
	URL        string
	StatusCode int // 0 when no HTTP response was received
	// Message is the server's message, cleaned of webob's markup, or the
	// transport error's text when there was no response.
	Message string
	// Err is the underlying error.
	Err error
	// RetryAfter: the server said when to try again (a refusal, not a failure).
	RetryAfter bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Method != "" || e.URL != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.URL))
		b.WriteString(": ")
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
		if e.Message != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Message)
	return b.String()
}

func (e *APIError) Unwrap() error { return e.Err }

// ErrDigestMismatch is wrapped by VerifyDigest's errors.
var ErrDigestMismatch = errors.New("image data does not match what the server stored")

// IsNotFound reports whether err is an HTTP 404 from the API (our *APIError or
// gophercloud's ErrUnexpectedResponseCode) or gophercloud's ErrResourceNotFound.
func IsNotFound(err error) bool {
	if err == nil {
		return false
	}
	if StatusCode(err) == http.StatusNotFound {
		return true
	}
	var rnf gophercloud.ErrResourceNotFound
	if errors.As(err, &rnf) {
		return true
	}
	var prnf *gophercloud.ErrResourceNotFound
	return errors.As(err, &prnf)
}

// StatusCode returns the HTTP status of an API error, 0 if none.
func StatusCode(err error) int {
	if err == nil {
		return 0
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode != 0 {
		return ae.StatusCode
	}
	var ue gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &ue) {
		return ue.Actual
	}
	var pue *gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &pue) && pue != nil {
		return pue.Actual
	}
	var ure *gophercloud.ErrUnableToReauthenticate
	if errors.As(err, &ure) && ure != nil {
		return StatusCode(ure.ErrOriginal)
	}
	return 0
}

// WrapError turns an error from a gophercloud call into an *APIError with a
// human message. method and url are used when the error carries no response
// (connection errors, context cancellation); nil stays nil. Feature code that
// calls gophercloud directly through ServiceClient can use it to get the same
// errors as the image calls.
func WrapError(method, url string, err error) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return err
	}
	out := &APIError{Method: method, URL: url, Err: err}

	var ure *gophercloud.ErrUnableToReauthenticate
	if errors.As(err, &ure) && ure != nil {
		out.StatusCode = http.StatusUnauthorized
		if ue, ok := unexpected(ure.ErrOriginal); ok {
			out.Method, out.URL = ue.Method, ue.URL
		}
		out.Message = "the token expired and re-authentication failed: " + reauthMessage(ure.ErrReauth)
		return out
	}
	if ue, ok := unexpected(err); ok {
		out.Method, out.URL = ue.Method, ue.URL
		out.StatusCode = ue.Actual
		out.Message = serverMessage(ue.Actual, ue.Body)
		out.RetryAfter = ue.ResponseHeader.Get("Retry-After") != ""
		return out
	}
	out.Message = err.Error()
	return out
}

func unexpected(err error) (gophercloud.ErrUnexpectedResponseCode, bool) {
	var ue gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &ue) {
		return ue, true
	}
	var pue *gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &pue) && pue != nil {
		return *pue, true
	}
	return ue, false
}

func reauthMessage(err error) string {
	if err == nil {
		return "unknown error"
	}
	if ue, ok := unexpected(err); ok {
		return fmt.Sprintf("%d %s: %s", ue.Actual, http.StatusText(ue.Actual), serverMessage(ue.Actual, ue.Body))
	}
	return err.Error()
}

var (
	reTags       = regexp.MustCompile(`(?s)<[^>]*>`)
	reSpaces     = regexp.MustCompile(`\s+`)
	reHTMLHeader = regexp.MustCompile(`(?is)^.*<body[^>]*>`)
)

const maxMessageLen = 2000

// serverMessage extracts the human message from an error body: Glance's
// {"message": …}, Keystone's {"error": {"message": …}}, Rackspace's
// {"unauthorized": {"message": …}} (any single top-level fault object),
// otherwise the raw text, with webob's "<br /><br />" and HTML removed.
func serverMessage(status int, body []byte) string {
	text := strings.TrimSpace(string(body))
	if text == "" {
		return ""
	}
	if msg, ok := jsonMessage(body); ok {
		return cleanText(msg, status)
	}
	if strings.HasPrefix(text, "<") {
		text = reHTMLHeader.ReplaceAllString(text, "")
	}
	return cleanText(text, status)
}

func jsonMessage(body []byte) (string, bool) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return "", false
	}
	if raw, ok := top["message"]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil && s != "" {
			return s, true
		}
	}
	// {"error": {...}}, {"unauthorized": {...}}, {"badRequest": {...}}, …
	keys := make([]string, 0, len(top))
	for k := range top {
		if k != "error" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if _, ok := top["error"]; ok {
		keys = append([]string{"error"}, keys...)
	}
	for _, k := range keys {
		var fault struct {
			Message string `json:"message"`
			Details string `json:"details"`
		}
		if json.Unmarshal(top[k], &fault) == nil && fault.Message != "" {
			if fault.Details != "" && fault.Details != fault.Message {
				return fault.Message + " " + fault.Details, true
			}
			return fault.Message, true
		}
		var s string
		if k == "error" && json.Unmarshal(top[k], &s) == nil && s != "" {
			return s, true
		}
	}
	return "", false
}

func cleanText(s string, status int) string {
	s = strings.ReplaceAll(s, "<br />", " ")
	s = strings.ReplaceAll(s, "<br/>", " ")
	s = strings.ReplaceAll(s, "<br>", " ")
	s = reTags.ReplaceAllString(s, " ")
	s = reSpaces.ReplaceAllString(s, " ")
	s = strings.TrimSpace(s)
	if status != 0 {
		// webob's text/plain and HTML renderings start with the status line,
		// sometimes twice (title + h1).
		line := fmt.Sprintf("%d %s", status, http.StatusText(status))
		for strings.HasPrefix(s, line) {
			s = strings.TrimSpace(strings.TrimPrefix(s, line))
		}
	}
	if len(s) > maxMessageLen {
		s = s[:maxMessageLen] + "…"
	}
	return s
}
