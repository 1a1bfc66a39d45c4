package client

// Listing images: the filters of GET /v2/images as a query, and the pages
// followed to the end.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
)

// ListImagesInput filters GET /v2/images; zero values are omitted.
type ListImagesInput struct {
	Name, Visibility, Owner, Status, MemberStatus string
	DiskFormat, ContainerFormat                   string
	Tags                                          []string
	// Properties are extra-property exact-match filters (?key=value).
	Properties       map[string]string
	SizeMin, SizeMax *int64
	// Hidden lists the hidden images (os_hidden=true) and only them, as
	// Glance does; false sends nothing, which is Glance's default of leaving
	// them out. (os_hidden=false would mean the same to Glance 2.7 and later,
	// but an older server takes an unknown key for a property filter and
	// would then list nothing.)
	Hidden bool
	// Sort orders the list by several keys (see ParseImageSort); when set,
	// SortKey and SortDir are not used.
	Sort             []SortKey
	SortKey, SortDir string
	Limit            int // page size, 0 = server default
}

// SortKey is one key of a list's order, and its direction.
type SortKey struct {
	Key  string
	Desc bool
}

// ImageSortKeys are the keys GET /v2/images sorts by (Glance's
// SUPPORTED_SORT_KEYS); any other is a 400.
var ImageSortKeys = []string{"name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"}

// ParseImageSort reads Glance's sort syntax, "key:dir,key2:dir2", where
// dir is asc or desc and defaults to desc, as Glance's does. The keys must
// be ImageSortKeys, each at most once. Spaces around keys and directions
// are ignored.
func ParseImageSort(s string) ([]SortKey, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("the sort is empty")
	}
	var out []SortKey
	seen := map[string]bool{}
	for i, part := range strings.Split(s, ",") {
		k, d, hasDir := strings.Cut(part, ":")
		k, d = strings.TrimSpace(k), strings.TrimSpace(d)
		switch {
		case k == "":
			return nil, fmt.Errorf("sort key %d of %q is empty", i+1, s)
		case !slices.Contains(ImageSortKeys, k):
			return nil, fmt.Errorf("%q is not a sort key", k)
		case seen[k]:
			return nil, fmt.Errorf("%q appears twice", k)
		case hasDir && d != "asc" && d != "desc":
			return nil, fmt.Errorf("the direction of %q is %q, not asc or desc", k, d)
		}
		seen[k] = true
		out = append(out, SortKey{Key: k, Desc: d != "asc"})
	}
	return out, nil
}

// String is the key in Glance's sort syntax, "name:asc".
func (k SortKey) String() string { return k.Key + ":" + k.dir() }

func (k SortKey) dir() string {
	if k.Desc {
		return "desc"
	}
	return "asc"
}

type listQuery url.Values

func (q listQuery) ToImageListQuery() (string, error) {
	if len(q) == 0 {
		return "", nil
	}
	return "?" + url.Values(q).Encode(), nil
}

func (in ListImagesInput) query() url.Values {
	q := url.Values{}
	// Properties first: named filters below win on a clash.
	keys := make([]string, 0, len(in.Properties))
	for k := range in.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		q.Set(k, in.Properties[k])
	}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("name", in.Name)
	set("visibility", in.Visibility)
	set("owner", in.Owner)
	set("status", in.Status)
	set("member_status", in.MemberStatus)
	set("disk_format", in.DiskFormat)
	set("container_format", in.ContainerFormat)
	if in.Hidden {
		q.Set("os_hidden", "true")
	}
	if len(in.Sort) > 0 {
		// Glance's older syntax, one sort_dir per sort_key: every Glance v2
		// takes it, and it is the only one Rackspace documents.
		q.Del("sort_key")
		q.Del("sort_dir")
		for _, k := range in.Sort {
			q.Add("sort_key", k.Key)
			q.Add("sort_dir", k.dir())
		}
	} else {
		set("sort_key", in.SortKey)
		set("sort_dir", in.SortDir)
	}
	if len(in.Tags) > 0 {
		q.Del("tag")
		for _, t := range in.Tags {
			q.Add("tag", t)
		}
	}
	if in.SizeMin != nil {
		q.Set("size_min", strconv.FormatInt(*in.SizeMin, 10))
	}
	if in.SizeMax != nil {
		q.Set("size_max", strconv.FormatInt(*in.SizeMax, 10))
	}
	if in.Limit > 0 {
		q.Set("limit", strconv.Itoa(in.Limit))
	}
	return q
}

// maxListPages guards against a server whose "next" links never end.
const maxListPages = 10000

// ListImages is GET /v2/images, following "next" links through every page.
func (c *Client) ListImages(ctx context.Context, in ListImagesInput) ([]Image, error) {
	qs, _ := listQuery(in.query()).ToImageListQuery()
	next := c.image.ServiceURL("images") + qs
	var all []Image
	seen := map[string]bool{}
	for page := 0; next != ""; page++ {
		if page >= maxListPages {
			return nil, &APIError{Method: http.MethodGet, URL: next, Message: fmt.Sprintf("gave up after %d pages: the server keeps sending next links", maxListPages)}
		}
		var body struct {
			Images []Image `json:"images"`
			Next   string  `json:"next"`
		}
		resp, err := c.image.Get(ctx, next, nil, &gophercloud.RequestOpts{
			OkCodes:          []int{http.StatusOK, http.StatusNoContent},
			KeepResponseBody: true,
		})
		if err != nil {
			return nil, WrapError(http.MethodGet, next, err)
		}
		if err := decodePage(resp, &body); err != nil {
			return nil, &APIError{Method: http.MethodGet, URL: next, StatusCode: resp.StatusCode, Message: "decoding the image list: " + err.Error(), Err: err}
		}
		if len(body.Images) == 0 {
			break
		}
		fresh := 0
		for _, img := range body.Images {
			if !seen[img.ID] {
				seen[img.ID] = true
				all = append(all, img)
				fresh++
			}
		}
		if fresh == 0 {
			return nil, &APIError{Method: http.MethodGet, URL: next, Message: "the server sent a page of images already listed; its next links loop"}
		}
		if body.Next == "" {
			break
		}
		nu, err := c.resolveNext(next, body.Next)
		if err != nil {
			return nil, &APIError{Method: http.MethodGet, URL: next, Message: "bad next link: " + err.Error(), Err: err}
		}
		next = nu
	}
	if all == nil {
		all = []Image{}
	}
	return all, nil
}

func decodePage(resp *http.Response, into any) error {
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNoContent {
		return nil
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return err
	}
	if buf.Len() == 0 {
		return nil
	}
	return json.Unmarshal(buf.Bytes(), into)
}

// resolveNext turns Glance's next link into a URL. Glance emits the path from
// the API root ("/v2/images?…&marker=…"), which is joined onto the endpoint
// without its /v2/ (as gophercloud does); a link that already carries the
// endpoint's full path, or an absolute URL, is used as is.
func (c *Client) resolveNext(current, next string) (string, error) {
	nu, err := url.Parse(next)
	if err != nil {
		return "", err
	}
	base, err := url.Parse(c.image.ResourceBaseURL()) // …/v2/
	if err != nil {
		return "", err
	}
	if nu.IsAbs() {
		return nu.String(), nil
	}
	if strings.HasPrefix(nu.Path, base.Path) {
		return base.ResolveReference(&url.URL{Path: nu.Path, RawQuery: nu.RawQuery}).String(), nil
	}
	root := strings.TrimSuffix(base.Path, "v2/") // "/image/" or "/"
	p := strings.TrimPrefix(nu.Path, "/")
	if !strings.HasPrefix(p, "v2/") && !strings.HasPrefix(nu.Path, "/") {
		// relative link: resolve against the current page
		cur, err := url.Parse(current)
		if err != nil {
			return "", err
		}
		return cur.ResolveReference(nu).String(), nil
	}
	out := *base
	out.Path = root + p
	out.RawPath = ""
	out.RawQuery = nu.RawQuery
	return out.String(), nil
}
