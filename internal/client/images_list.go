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
	"sort"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
)

// ListImagesInput filters GET /v2/images; zero values are omitted.
type ListImagesInput struct {
	Name, Visibility, Owner, Status, MemberStatus string
	Tags                                          []string
	// Properties are extra-property exact-match filters (?key=value).
	Properties       map[string]string
	SizeMin, SizeMax *int64
	SortKey, SortDir string
	Limit            int // page size, 0 = server default
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
	set("sort_key", in.SortKey)
	set("sort_dir", in.SortDir)
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
