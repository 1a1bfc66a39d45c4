package mockserver

import (
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxAuthBody is Keystone's max_request_body_size (oslo sizelimit). Rackspace documents
// none, so its identity gets the same.
const maxAuthBody = 114688

// readAuthBody reads an identity request body, refusing one past maxAuthBody (413).
func readAuthBody(r *http.Request) ([]byte, *apiError) {
	tooLarge := errorf(http.StatusRequestEntityTooLarge, "Request is too large.")
	if r.ContentLength > maxAuthBody {
		return nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAuthBody+1))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "Error reading request body: %v", err)
	}
	if len(body) > maxAuthBody {
		return nil, tooLarge
	}
	return body, nil
}

// jsonMediaType is Keystone's test of a request body's type: none, application/json or
// application/<anything>+json.
func jsonMediaType(r *http.Request) bool {
	h := r.Header.Get("Content-Type")
	if h == "" {
		return true
	}
	t, _, err := mime.ParseMediaType(h)
	return err == nil && (t == "application/json" || (strings.HasPrefix(t, "application/") && strings.HasSuffix(t, "+json")))
}
