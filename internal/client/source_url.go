package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// URLSource is the body of a GET of rawURL, sent with headers, streamed
// straight into the upload (nothing is staged on local disk), decompressed on
// the way when decompress is set and the data is compressed. The request goes
// to wherever the URL points, not to the API: it does not carry the API
// token, and its headers (which may hold credentials) are never logged.
func (c *Client) URLSource(rawURL string, headers map[string]string, decompress bool) UploadSource {
	return UploadSource{Open: func(ctx context.Context) (io.ReadCloser, int64, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, 0, fmt.Errorf("source_url: %w", err)
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		shown := RedactURL(rawURL)
		tflog.Debug(c.secrets.mask(ctx), "Downloading image data", map[string]any{"source_url": shown})
		resp, err := c.sourceHTTP.Do(req)
		if err != nil {
			return nil, 0, fmt.Errorf("downloading %s: %w", shown, err)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			resp.Body.Close()
			return nil, 0, fmt.Errorf("downloading %s: the server answered %s", shown, resp.Status)
		}
		size := resp.ContentLength
		if resp.Header.Get("Content-Encoding") != "" {
			size = -1
		}
		if !decompress {
			return resp.Body, size, nil
		}
		return decompressed(resp.Body, size)
	}}
}

// RedactURL hides a password in the URL's user info.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
