package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The object store (Swift, Cloud Files) of the client's region, with the
// API's token: what a copy between regions needs where the Images API
// serves no image data (Rackspace), the data going from one region's store
// to another's through the provider, in constant memory.

// ObjectInfo is what HEAD says of an object.
type ObjectInfo struct {
	ETag string // md5 of the object's content, hex
	Size int64
}

func (c *Client) objectURL(method, container, object string) (string, error) {
	if c.objects == "" {
		return "", &APIError{Method: method, Message: fmt.Sprintf("the catalog lists no object store in region %s (set object_store_endpoint)", c.region)}
	}
	u := strings.TrimRight(c.objects, "/") + "/" + url.PathEscape(container)
	if object != "" {
		u += "/" + url.PathEscape(object)
	}
	return u, nil
}

// EnsureContainer creates container unless it exists (PUT is idempotent).
func (c *Client) EnsureContainer(ctx context.Context, container string) error {
	u, err := c.objectURL(http.MethodPut, container, "")
	if err != nil {
		return err
	}
	return c.call(ctx, http.MethodPut, u, nil, []int{http.StatusCreated, http.StatusAccepted, http.StatusNoContent}, nil)
}

// HeadObject describes container/object; nil when there is none.
func (c *Client) HeadObject(ctx context.Context, container, object string) (*ObjectInfo, error) {
	u, err := c.objectURL(http.MethodHead, container, object)
	if err != nil {
		return nil, err
	}
	resp, err := c.image.Request(ctx, http.MethodHead, u, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK, http.StatusNoContent}})
	if err != nil {
		if err = WrapError(http.MethodHead, u, err); IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	size, _ := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
	return &ObjectInfo{ETag: strings.Trim(resp.Header.Get("Etag"), `"`), Size: size}, nil
}

// DeleteObject deletes container/object; one that is gone already is fine.
func (c *Client) DeleteObject(ctx context.Context, container, object string) error {
	u, err := c.objectURL(http.MethodDelete, container, object)
	if err != nil {
		return err
	}
	if err := c.call(ctx, http.MethodDelete, u, nil, []int{http.StatusNoContent, http.StatusOK}, nil); err != nil && !IsNotFound(err) {
		return err
	}
	return nil
}

// CopyObjectFrom streams container/object of from's object store (another
// region's) into the same place in c's, hashing it on the way (md5, sha512,
// and sha256 when asked): the object's ETag is sent, so the store refuses
// data that changed on the way. A copy that fails part-way is sent again
// from the start, at most maxRetries times; one whose answer was lost after
// the whole object went out is not, when the store has it with the md5 of
// what was sent.
func (c *Client) CopyObjectFrom(ctx context.Context, from *Client, container, object string, withSHA256 bool) (Digest, error) {
	for attempt := 0; ; attempt++ {
		d, size, err := c.copyObjectOnce(ctx, from, container, object, withSHA256)
		if err == nil || !transient(err) {
			return d, err
		}
		if UnknownOutcome(err) && c.storedAlready(ctx, container, object, d, size) {
			tflog.Info(c.secrets.mask(ctx), "The object was stored although the answer was lost: not sending it again",
				map[string]any{"container": container, "object": object, "error": err.Error()})
			return d, nil
		}
		if attempt >= c.maxRetries {
			return d, err
		}
		tflog.Warn(c.secrets.mask(ctx), "Copying the object failed part-way: sending it again from the start",
			map[string]any{"container": container, "object": object, "attempt": attempt + 1, "max_retries": c.maxRetries, "error": err.Error()})
		if err := pause(ctx, attempt); err != nil {
			return d, err
		}
	}
}

// copyObjectOnce streams the object once; size is the source's length (-1
// when unknown), d what was sent.
func (c *Client) copyObjectOnce(ctx context.Context, from *Client, container, object string, withSHA256 bool) (d Digest, size int64, err error) {
	src, err := from.objectURL(http.MethodGet, container, object)
	if err != nil {
		return Digest{}, -1, err
	}
	dst, err := c.objectURL(http.MethodPut, container, object)
	if err != nil {
		return Digest{}, -1, err
	}
	got, err := from.image.Request(ctx, http.MethodGet, src, &gophercloud.RequestOpts{KeepResponseBody: true, OkCodes: []int{http.StatusOK}})
	if err != nil {
		return Digest{}, -1, WrapError(http.MethodGet, src, err)
	}
	defer got.Body.Close()
	size = got.ContentLength
	hr := newHashingReader(c.secrets.mask(ctx), container+"/"+object, got.Body, size)
	hr.withSHA256 = withSHA256
	headers := map[string]string{"Content-Type": "application/octet-stream"}
	if etag := strings.Trim(got.Header.Get("Etag"), `"`); etag != "" {
		headers["ETag"] = etag
	}
	tflog.Debug(c.secrets.mask(ctx), "Copying an object between regions",
		map[string]any{"from_region": from.region, "to_region": c.region, "container": container, "object": object, "size": size})
	_, err = c.image.Request(ctx, http.MethodPut, dst, &gophercloud.RequestOpts{
		RawBody: hr, MoreHeaders: headers, OkCodes: []int{http.StatusCreated},
	})
	d = hr.digest()
	if err != nil {
		return d, size, WrapError(http.MethodPut, dst, err)
	}
	hr.finalProgress()
	if size >= 0 && d.Size != size {
		return d, size, &APIError{Method: http.MethodPut, URL: dst, Message: fmt.Sprintf("copied %d bytes of an object of %d bytes", d.Size, size)}
	}
	return d, size, nil
}

// storedAlready reports whether a PUT whose outcome is unknown stored what
// was sent: all of it went out (size, when known), and the store has the
// object with the md5 and the size of the data sent.
func (c *Client) storedAlready(ctx context.Context, container, object string, sent Digest, size int64) bool {
	if size >= 0 && sent.Size != size {
		return false
	}
	there, err := c.HeadObject(ctx, container, object)
	return err == nil && there != nil && strings.EqualFold(there.ETag, sent.MD5) && there.Size == sent.Size
}
