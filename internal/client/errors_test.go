package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

func TestServerMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		body   string
		want   string
	}{
		{404, `{"message": "No image found with ID x<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}`, "No image found with ID x"},
		{415, `{"message":"The request media type application/json is not supported by this server.\n<br /><br />\nImage PATCH expects Content-Type one of: application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch","code":"415 Unsupported Media Type","title":"Unsupported Media Type"}`,
			"The request media type application/json is not supported by this server. Image PATCH expects Content-Type one of: application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch"},
		{401, `{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}`, "The request you have made requires authentication."},
		{401, `{"unauthorized":{"code":401,"message":"Unable to authenticate user with credentials provided."}}`, "Unable to authenticate user with credentials provided."},
		{400, `{"badRequest":{"code":400,"message":"Invalid request body"}}`, "Invalid request body"},
		{404, "404 Not Found\n\nNo image found with ID x\n\n   ", "No image found with ID x"},
		{404, "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID x<br /><br />\n\n\n\n </body>\n</html>", "No image found with ID x"},
		{502, "  Bad gateway from proxy  ", "Bad gateway from proxy"},
		{500, "", ""},
		{500, `{"other": 1}`, `{"other": 1}`},
	} {
		if got := serverMessage(tc.status, []byte(tc.body)); got != tc.want {
			t.Errorf("serverMessage(%d, %q)\n got %q\nwant %q", tc.status, tc.body, got, tc.want)
		}
	}
}

func TestWrapErrorAndHelpers(t *testing.T) {
	t.Parallel()
	ue := gophercloud.ErrUnexpectedResponseCode{
		URL: "https://h/v2/images/ID", Method: "PATCH", Expected: []int{200}, Actual: 403,
		Body: []byte(`{"message":"Attribute 'status' is read-only.<br /><br />\n\n\n","code":"403 Forbidden","title":"Forbidden"}`),
	}
	err := WrapError("PATCH", "ignored", ue)
	if err.Error() != "PATCH https://h/v2/images/ID: 403 Forbidden: Attribute 'status' is read-only." {
		t.Errorf("Error() = %q", err.Error())
	}
	if StatusCode(err) != 403 || IsNotFound(err) {
		t.Errorf("status %d", StatusCode(err))
	}
	var got gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &got) || got.Actual != 403 {
		t.Error("gophercloud error not reachable")
	}
	if again := WrapError("GET", "u", err); again != err { //nolint:errorlint // identity
		t.Error("wrapping twice must be a no-op")
	}
	if WrapError("GET", "u", nil) != nil {
		t.Error("nil must stay nil")
	}

	after := &gophercloud.ErrErrorAfterReauthentication{ErrOriginal: gophercloud.ErrUnexpectedResponseCode{Method: "GET", URL: "u", Actual: 404}}
	if !IsNotFound(WrapError("GET", "u", after)) || !IsNotFound(after) {
		t.Error("404 after reauth")
	}

	reauth := &gophercloud.ErrUnableToReauthenticate{
		ErrOriginal: gophercloud.ErrUnexpectedResponseCode{Method: "GET", URL: "https://h/v2/images", Actual: 401},
		ErrReauth:   gophercloud.ErrUnexpectedResponseCode{Method: "POST", URL: "https://id/v2.0/tokens", Actual: 401, Body: []byte(`{"unauthorized":{"code":401,"message":"Bad key"}}`)},
	}
	we := WrapError("GET", "x", reauth)
	if StatusCode(we) != 401 || !strings.Contains(we.Error(), "re-authentication failed: 401 Unauthorized: Bad key") {
		t.Errorf("reauth failure: %v", we)
	}

	netErr := WrapError("GET", "https://h/v2/images/x", fmt.Errorf("dial tcp: %w", context.DeadlineExceeded))
	var ae *APIError
	if !errors.As(netErr, &ae) || ae.StatusCode != 0 || !errors.Is(netErr, context.DeadlineExceeded) || !strings.HasPrefix(netErr.Error(), "GET https://h/v2/images/x: dial tcp") {
		t.Errorf("transport error: %v", netErr)
	}

	if !IsNotFound(gophercloud.ErrResourceNotFound{Name: "n"}) || !IsNotFound(fmt.Errorf("x: %w", &APIError{StatusCode: http.StatusNotFound})) {
		t.Error("IsNotFound variants")
	}
	if IsNotFound(nil) || StatusCode(nil) != 0 || StatusCode(errors.New("x")) != 0 {
		t.Error("nil / plain errors")
	}
}

func TestConfigErrorMessage(t *testing.T) {
	t.Parallel()
	e := &ConfigError{Attributes: []string{"region"}, Summary: "Region not found", Detail: "no DFW"}
	if e.Error() != "Region not found: no DFW (check region)" {
		t.Errorf("%q", e.Error())
	}
}
