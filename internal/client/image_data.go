package client

import (
	"context"
	"io"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// ImageDataSource is the data of image id (GET /v2/images/{id}/file) as an
// upload source, streamed as it is downloaded: a copy between regions goes
// through the provider's memory in constant space, never its disk. Each
// attempt downloads again from the start. A 404 of an image that exists
// means that the endpoint serves no image data (Rackspace).
func (c *Client) ImageDataSource(id string) UploadSource {
	return UploadSource{Open: func(ctx context.Context) (io.ReadCloser, int64, error) {
		u := c.imageURL(id, "file")
		if id == "" {
			return nil, 0, emptyID(http.MethodGet, u)
		}
		tflog.Debug(c.secrets.mask(ctx), "Downloading image data", map[string]any{"image_id": id, "region": c.region})
		resp, err := c.image.Request(ctx, http.MethodGet, u, &gophercloud.RequestOpts{
			KeepResponseBody: true,
			OkCodes:          []int{http.StatusOK},
		})
		if err != nil {
			return nil, 0, WrapError(http.MethodGet, u, err)
		}
		size := resp.ContentLength
		if size < 0 {
			size = -1
		}
		return resp.Body, size, nil
	}}
}
