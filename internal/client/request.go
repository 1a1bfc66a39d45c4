package client

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gophercloud/gophercloud/v2"
)

// call sends one JSON request through the image service client and decodes
// the answer into out (when out is not nil). Errors are *APIError.
func (c *Client) call(ctx context.Context, method, u string, body any, ok []int, out any) error {
	opts := &gophercloud.RequestOpts{OkCodes: ok, JSONBody: body}
	if out != nil {
		var raw json.RawMessage
		opts.JSONResponse = &raw
		if _, err := c.image.Request(ctx, method, u, opts); err != nil {
			return WrapError(method, u, err)
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return &APIError{Method: method, URL: u, StatusCode: ok[0], Message: fmt.Sprintf("decoding the answer: %v", err), Err: err}
		}
		return nil
	}
	if _, err := c.image.Request(ctx, method, u, opts); err != nil {
		return WrapError(method, u, err)
	}
	return nil
}
