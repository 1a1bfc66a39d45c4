package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Image is an image as the API reports it.
type Image struct {
	ID, Name, Status, Visibility, Owner, DiskFormat, ContainerFormat string
	Checksum, OSHashAlgo, OSHashValue, File                          string
	Protected, Hidden                                                bool
	MinDisk, MinRAM                                                  int64
	Size, VirtualSize                                                *int64 // nil when the API says null
	Tags                                                             []string
	// Properties holds only the extra (non-base) string properties.
	Properties           map[string]string
	CreatedAt, UpdatedAt time.Time
}

// CreateImageInput is the body of POST /v2/images; zero values are omitted.
type CreateImageInput struct {
	ID                                            string // optional client-generated UUID
	Name, DiskFormat, ContainerFormat, Visibility string
	Protected, Hidden                             *bool
	MinDisk, MinRAM                               *int64
	Tags                                          []string
	Properties                                    map[string]string
}

// PatchOp is one JSON-patch operation of UpdateImage.
type PatchOp struct {
	Op        string // "add", "replace", "remove"
	Attribute string // unescaped name; escaped as a JSON pointer internally
	Value     any
}

// Patch operations.
const (
	PatchAdd     = "add"
	PatchReplace = "replace"
	PatchRemove  = "remove"
)

// Image statuses.
const (
	StatusQueued        = "queued"
	StatusSaving        = "saving"
	StatusUploading     = "uploading"
	StatusImporting     = "importing"
	StatusActive        = "active"
	StatusKilled        = "killed"
	StatusDeleted       = "deleted"
	StatusPendingDelete = "pending_delete"
	StatusDeactivated   = "deactivated"
)

// baseKeys are the image keys that are not extra properties.
var baseKeys = map[string]bool{
	"id": true, "name": true, "status": true, "visibility": true, "owner": true,
	"disk_format": true, "container_format": true, "checksum": true,
	"os_hash_algo": true, "os_hash_value": true, "file": true, "self": true, "schema": true,
	"protected": true, "os_hidden": true, "min_disk": true, "min_ram": true,
	"size": true, "virtual_size": true, "tags": true, "created_at": true, "updated_at": true,
	"locations": true, "direct_url": true, "stores": true,
}

// UnmarshalJSON reads Glance's image representation (nulls allowed anywhere).
func (img *Image) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var out Image
	var err error
	str := func(key string) string {
		if err != nil {
			return ""
		}
		var s *string
		if v, ok := raw[key]; ok {
			if e := json.Unmarshal(v, &s); e != nil {
				err = fmt.Errorf("image %s: %w", key, e)
			}
		}
		if s == nil {
			return ""
		}
		return *s
	}
	boolean := func(key string) bool {
		var v *bool
		if r, ok := raw[key]; ok && err == nil {
			if e := json.Unmarshal(r, &v); e != nil {
				err = fmt.Errorf("image %s: %w", key, e)
			}
		}
		return v != nil && *v
	}
	integer := func(key string) *int64 {
		r, ok := raw[key]
		if !ok || err != nil {
			return nil
		}
		var n *json.Number
		if e := json.Unmarshal(r, &n); e != nil {
			err = fmt.Errorf("image %s: %w", key, e)
			return nil
		}
		if n == nil {
			return nil
		}
		i, e := n.Int64()
		if e != nil {
			f, e2 := n.Float64()
			if e2 != nil {
				err = fmt.Errorf("image %s: %w", key, e)
				return nil
			}
			i = int64(f)
		}
		return &i
	}
	stamp := func(key string) time.Time {
		s := str(key)
		if s == "" {
			return time.Time{}
		}
		return parseTime(s)
	}

	out.ID = str("id")
	out.Name = str("name")
	out.Status = str("status")
	out.Visibility = str("visibility")
	out.Owner = str("owner")
	out.DiskFormat = str("disk_format")
	out.ContainerFormat = str("container_format")
	out.Checksum = str("checksum")
	out.OSHashAlgo = str("os_hash_algo")
	out.OSHashValue = str("os_hash_value")
	out.File = str("file")
	out.Protected = boolean("protected")
	out.Hidden = boolean("os_hidden")
	if p := integer("min_disk"); p != nil {
		out.MinDisk = *p
	}
	if p := integer("min_ram"); p != nil {
		out.MinRAM = *p
	}
	out.Size = integer("size")
	out.VirtualSize = integer("virtual_size")
	out.CreatedAt = stamp("created_at")
	out.UpdatedAt = stamp("updated_at")
	if r, ok := raw["tags"]; ok && err == nil {
		var tags []string
		if e := json.Unmarshal(r, &tags); e != nil {
			err = fmt.Errorf("image tags: %w", e)
		}
		out.Tags = tags
	}
	if err != nil {
		return err
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	out.Properties = map[string]string{}
	for k, v := range raw {
		if baseKeys[k] {
			continue
		}
		var s *string
		if json.Unmarshal(v, &s) != nil {
			continue // not a string: not a user property (e.g. operator extensions)
		}
		if s == nil {
			out.Properties[k] = "" // Glance renders a null custom property as ""
			continue
		}
		out.Properties[k] = *s
	}
	*img = out
	return nil
}

func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func decodeImage(body any) (*Image, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	var img Image
	if err := json.Unmarshal(b, &img); err != nil {
		return nil, fmt.Errorf("decoding the image: %w", err)
	}
	return &img, nil
}

func (c *Client) imageURL(id string, parts ...string) string {
	return c.image.ServiceURL(append([]string{"images", url.PathEscape(id)}, parts...)...)
}

func emptyID(method, u string) error {
	return &APIError{Method: method, URL: u, Message: "image id is empty"}
}

// createBody is a gophercloud images.CreateOptsBuilder: unlike images.CreateOpts
// it does not require a name and keeps explicit zeros.
type createBody map[string]any

func (b createBody) ToImageCreateMap() (map[string]any, error) { return b, nil }

// CreateImage is POST /v2/images. The image gets a client-generated id
// (unless in.ID names one), which makes the create safe to repeat: a create
// whose answer was lost is sent again, and the 409 "duplicate id" it may get
// then means the first one worked, so that image is adopted. Exactly one
// image is made either way.
func (c *Client) CreateImage(ctx context.Context, in CreateImageInput) (*Image, error) {
	if in.ID == "" {
		in.ID = uuid.NewString()
	}
	body := createBody{}
	for k, v := range in.Properties {
		body[k] = v
	}
	set := func(k, v string) {
		if v != "" {
			body[k] = v
		}
	}
	set("id", in.ID)
	set("name", in.Name)
	set("disk_format", in.DiskFormat)
	set("container_format", in.ContainerFormat)
	set("visibility", in.Visibility)
	if in.Protected != nil {
		body["protected"] = *in.Protected
	}
	if in.Hidden != nil {
		body["os_hidden"] = *in.Hidden
	}
	if in.MinDisk != nil {
		body["min_disk"] = *in.MinDisk
	}
	if in.MinRAM != nil {
		body["min_ram"] = *in.MinRAM
	}
	if in.Tags != nil {
		body["tags"] = in.Tags
	}
	u := c.image.ServiceURL("images")
	r := images.Create(repeatablePost(ctx), c.image, body)
	if r.Err != nil {
		err := WrapError(http.MethodPost, u, r.Err)
		if StatusCode(err) == http.StatusConflict {
			return c.adoptImage(ctx, in, err)
		}
		return nil, err
	}
	img, err := decodeImage(r.Body)
	if err != nil {
		return nil, &APIError{Method: http.MethodPost, URL: u, StatusCode: http.StatusCreated, Message: err.Error(), Err: err}
	}
	return img, nil
}

// adoptImage takes over the image a lost create made: the one with our id,
// owned by us, with our name. Anything else keeps the 409.
func (c *Client) adoptImage(ctx context.Context, in CreateImageInput, conflict error) (*Image, error) {
	img, err := c.GetImage(ctx, in.ID)
	if err != nil || img.Name != in.Name || (c.tenantID != "" && img.Owner != c.tenantID) {
		return nil, conflict
	}
	tflog.Info(c.secrets.mask(ctx), "Adopting the image an earlier create made (its answer was lost)", map[string]any{"image_id": in.ID})
	return img, nil
}

// GetImage is GET /v2/images/{id}.
func (c *Client) GetImage(ctx context.Context, id string) (*Image, error) {
	u := c.imageURL(id)
	if id == "" {
		return nil, emptyID(http.MethodGet, u)
	}
	var body any
	_, err := c.image.Get(ctx, u, &body, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	if err != nil {
		return nil, WrapError(http.MethodGet, u, err)
	}
	img, err := decodeImage(body)
	if err != nil {
		return nil, &APIError{Method: http.MethodGet, URL: u, StatusCode: http.StatusOK, Message: err.Error(), Err: err}
	}
	return img, nil
}

// listQuery is a gophercloud images.ListOptsBuilder that sends what
// images.ListOpts cannot (size_min/size_max, property filters).
// jsonPointerEscape escapes one JSON-pointer token (RFC 6901).
func jsonPointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// patchBody is a gophercloud images.UpdateOptsBuilder.
type patchBody []any

func (p patchBody) ToImageUpdateMap() ([]any, error) { return p, nil }

// UpdateImage sends ops as ONE PATCH (application/openstack-images-v2.1-json-patch).
// No request is made when ops is empty: the image is read instead.
//
// A patch is not safe to send twice as it is (removing a key already
// removed fails): when the outcome is unknown (the answer lost or cut off,
// a gateway error), the image is read and only what it does not show yet is
// sent again.
func (c *Client) UpdateImage(ctx context.Context, id string, ops []PatchOp) (*Image, error) {
	if len(ops) == 0 {
		return c.GetImage(ctx, id)
	}
	for attempt := 0; ; attempt++ {
		img, err := c.patch(ctx, id, ops)
		if err == nil || !UnknownOutcome(err) || attempt >= c.maxRetries {
			return img, err
		}
		cur, gerr := c.GetImage(ctx, id)
		if gerr != nil {
			return nil, fmt.Errorf("%w; and reading image %s to see what the patch did failed: %v", err, id, gerr)
		}
		if ops = notApplied(cur, ops); len(ops) == 0 {
			tflog.Info(c.secrets.mask(ctx), "The image patch was applied (its answer was lost)", map[string]any{"image_id": id})
			return cur, nil
		}
		if err := pause(ctx, attempt); err != nil {
			return nil, err
		}
	}
}

// notApplied are the operations of ops that img does not show yet.
func notApplied(img *Image, ops []PatchOp) []PatchOp {
	var out []PatchOp
	for _, op := range ops {
		if !applied(img, op) {
			out = append(out, op)
		}
	}
	return out
}

func applied(img *Image, op PatchOp) bool {
	var have any
	switch op.Attribute {
	case "name":
		have = img.Name
	case "visibility":
		have = img.Visibility
	case "protected":
		have = img.Protected
	case "os_hidden":
		have = img.Hidden
	case "min_disk":
		have = img.MinDisk
	case "min_ram":
		have = img.MinRAM
	case "tags":
		want, _ := op.Value.([]string)
		got := append([]string(nil), img.Tags...)
		sort.Strings(got)
		want = append([]string(nil), want...)
		sort.Strings(want)
		return fmt.Sprint(got) == fmt.Sprint(want)
	default: // a custom property
		v, ok := img.Properties[op.Attribute]
		if op.Op == PatchRemove {
			return !ok
		}
		return ok && fmt.Sprint(op.Value) == v
	}
	return fmt.Sprint(have) == fmt.Sprint(op.Value)
}

// patch sends ops as one PATCH.
func (c *Client) patch(ctx context.Context, id string, ops []PatchOp) (*Image, error) {
	u := c.imageURL(id)
	if id == "" {
		return nil, emptyID(http.MethodPatch, u)
	}
	body := make(patchBody, 0, len(ops))
	for i, op := range ops {
		if op.Attribute == "" {
			return nil, &APIError{Method: http.MethodPatch, URL: u, Message: fmt.Sprintf("patch operation %d has no attribute", i)}
		}
		m := map[string]any{"op": op.Op, "path": "/" + jsonPointerEscape(op.Attribute)}
		switch op.Op {
		case PatchAdd, PatchReplace:
			m["value"] = op.Value
		case PatchRemove:
		default:
			return nil, &APIError{Method: http.MethodPatch, URL: u, Message: fmt.Sprintf("patch operation %d: unknown op %q (want add, replace or remove)", i, op.Op)}
		}
		body = append(body, m)
	}
	r := images.Update(ctx, c.image, url.PathEscape(id), body)
	if r.Err != nil {
		return nil, WrapError(http.MethodPatch, u, r.Err)
	}
	img, err := decodeImage(r.Body)
	if err != nil {
		return nil, &APIError{Method: http.MethodPatch, URL: u, StatusCode: http.StatusOK, Message: err.Error(), Err: err}
	}
	return img, nil
}

// DeleteImage is DELETE /v2/images/{id}.
func (c *Client) DeleteImage(ctx context.Context, id string) error {
	u := c.imageURL(id)
	if id == "" {
		return emptyID(http.MethodDelete, u)
	}
	r := images.Delete(ctx, c.image, url.PathEscape(id))
	return WrapError(http.MethodDelete, u, r.Err)
}

// DeactivateImage is POST /v2/images/{id}/actions/deactivate.
func (c *Client) DeactivateImage(ctx context.Context, id string) error {
	return c.imageAction(ctx, id, "deactivate")
}

// ReactivateImage is POST /v2/images/{id}/actions/reactivate.
func (c *Client) ReactivateImage(ctx context.Context, id string) error {
	return c.imageAction(ctx, id, "reactivate")
}

func (c *Client) imageAction(ctx context.Context, id, action string) error {
	u := c.imageURL(id, "actions", action)
	if id == "" {
		return emptyID(http.MethodPost, u)
	}
	_, err := c.image.Post(ctx, u, nil, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusNoContent}})
	return WrapError(http.MethodPost, u, err)
}
