package mockserver

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// listNames lists as tenant with the raw query and returns the image names in order.
func listNames(t *testing.T, s *Server, tenant, query string) []string {
	t.Helper()
	r := do(t, s, req{method: "GET", path: "/image/v2/images?" + query, token: s.IssueToken(tenant)})
	expect(t, r, http.StatusOK, "")
	var names []string
	for _, img := range r.object(t)["images"].([]any) {
		name, _ := img.(map[string]any)["name"].(string)
		names = append(names, name)
	}
	return names
}

func sameSet(got []string, want ...string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	sort.Strings(g)
	sort.Strings(w)
	return slices.Equal(g, w)
}

// seedFilterImages creates images whose attributes the filter tests select on.
func seedFilterImages(t *testing.T, s *Server, clock *FakeClock) {
	t.Helper()
	seed := []map[string]any{
		{"name": "alpha", "tags": []string{"a", "b"}, "disk_format": "raw", "container_format": "bare", "os_distro": "ubuntu"},
		{"name": "beta", "tags": []string{"a"}, "disk_format": "vhd", "container_format": "ovf", "protected": true, "min_disk": 20},
		{"name": "gamma,delta", "visibility": "private", "disk_format": "qcow2"},
		{"name": "hidden", "os_hidden": true},
		{"name": "community", "visibility": "community"},
		{"name": "killed"},
	}
	for _, body := range seed {
		clock.Advance(time.Second)
		createImage(t, s, producer, body)
	}
	for _, rec := range s.Images() {
		switch *rec.Name {
		case "alpha":
			_ = s.UpdateImage(rec.ID, func(r *ImageRecord) {
				r.Status, r.Size, r.VirtualSize, r.MinRAM = "active", ptr(int64(100)), ptr(int64(1000)), 512
				r.Checksum, r.OSHashAlgo, r.OSHashValue = ptr("c0ffee"), ptr("sha512"), ptr("beef")
			})
		case "beta":
			_ = s.UpdateImage(rec.ID, func(r *ImageRecord) { r.Status, r.Size = "active", ptr(int64(5000)) })
		case "killed":
			_ = s.UpdateImage(rec.ID, func(r *ImageRecord) { r.Status = "killed" })
		}
	}
}

func TestList_Filters(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	seedFilterImages(t, s, clock)
	alpha := s.Images()[0] // oldest first
	cases := map[string][]string{
		"":                                    {"alpha", "beta", "gamma,delta", "community"},
		"name=beta":                           {"beta"},
		`name=in:"gamma,delta",alpha`:         {"alpha", "gamma,delta"},
		"id=" + alpha.ID:                      {"alpha"},
		"status=active":                       {"alpha", "beta"},
		"status=in:queued,killed":             {"gamma,delta", "community"},
		"owner=" + producer:                   {"alpha", "beta", "gamma,delta", "community"},
		"owner=" + consumer:                   nil,
		"tag=a":                               {"alpha", "beta"},
		"tag=a&tag=b":                         {"alpha"},
		"visibility=private":                  {"gamma,delta"},
		"visibility=shared":                   {"alpha", "beta"},
		"visibility=community":                {"community"},
		"visibility=all":                      {"alpha", "beta", "gamma,delta", "community"},
		"protected=true":                      {"beta"},
		"protected=false":                     {"alpha", "gamma,delta", "community"},
		"os_hidden=true":                      {"hidden"},
		"size_min=101":                        {"beta"},
		"size_max=100":                        {"alpha"},
		"size_min=100&size_max=5000":          {"alpha", "beta"},
		"disk_format=in:raw,qcow2":            {"alpha", "gamma,delta"},
		"container_format=ovf":                {"beta"},
		"os_distro=ubuntu":                    {"alpha"},
		"min_disk=20":                         {"beta"},
		"member_status=all":                   {"alpha", "beta", "gamma,delta", "community"},
		"created_at=lte:2026-03-01T12:00:02Z": {"alpha", "beta"},
		"created_at=gt:2026-03-01T12:00:02Z":  {"gamma,delta", "community"},
		// Every other column of the image, as Glance's last loop compares them.
		"size=100":                            {"alpha"},
		"size=5000":                           {"beta"},
		"size=99":                             nil,
		"virtual_size=1000":                   {"alpha"},
		"checksum=c0ffee":                     {"alpha"},
		"os_hash_algo=sha512":                 {"alpha"},
		"os_hash_value=beef":                  {"alpha"},
		"min_ram=512":                         {"alpha"},
		"min_ram=0":                           {"beta", "gamma,delta", "community"},
		"min_disk=0":                          {"alpha", "gamma,delta", "community"},
		"virtual_size_min=1":                  {"alpha"},
		"min_disk_max=19":                     {"alpha", "gamma,delta", "community"},
		"name=eq:beta":                        {"beta"},
		"id=in:" + alpha.ID + ",nope":         {"alpha"},
		"container_format=in:bare,ovf":        {"alpha", "beta"},
		"disk_format=eq:vhd":                  {"beta"},
		"os_hidden=True":                      {"hidden"},
		"tag=%20a%20":                         {"alpha", "beta"},
		"deleted=true":                        {"alpha", "beta", "gamma,delta", "community"},
		"deleted_at=2026-03-01T12:00:00Z":     nil,
		"created_at=2026-03-01T12:00:01Z":     {"alpha"},
		"created_at=eq:2026-03-01T12:00:01Z":  {"alpha"},
		"created_at=neq:2026-03-01T12:00:01Z": {"beta", "gamma,delta", "community"},
		"created_at=gte:2026-03-01T12:00:03Z": {"gamma,delta", "community"},
		"created_at=lt:2026-03-01T12:00:02Z":  {"alpha"},
		"updated_at=gt:2026-03-01T12:00:05Z":  {"alpha", "beta"}, // UpdateImage touched them
		"updated_at=lte:2026-03-01T12:00:03Z": {"gamma,delta"},
		"size_min=100&size_max=100":           {"alpha"},
		"os_distro=ubuntu&name=alpha":         {"alpha"},
		"name_min=3":                          nil, // not a number column: a property
	}
	for query, want := range cases {
		if got := listNames(t, s, producer, query); !sameSet(got, want...) {
			t.Errorf("?%s = %v, want %v", query, got, want)
		}
	}
}

// TestList_SizeOfAnUpload is the issue's case: ?size= is the column, not a property.
func TestList_SizeOfAnUpload(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := createImage(t, s, producer, map[string]any{"name": "sized", "disk_format": "raw", "container_format": "bare"})["id"].(string)
	expect(t, upload(t, s, producer, id, strings.Repeat("x", 2725), nil), http.StatusNoContent, "")
	if got := listNames(t, s, producer, "size=2725"); !sameSet(got, "sized") {
		t.Fatalf("?size=2725 = %v", got)
	}
	if got := listNames(t, s, producer, "size=2724"); len(got) != 0 {
		t.Fatalf("?size=2724 = %v", got)
	}
}

func TestList_OtherTenants(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	seedFilterImages(t, s, clock)
	pub := createImage(t, s, producer, map[string]any{"name": "public"})["id"].(string)
	_ = s.UpdateImage(pub, func(r *ImageRecord) { r.Visibility = "public" })
	// Shared images need accepted membership, private ones are the owner's, community ones
	// only show when asked for.
	if got := listNames(t, s, consumer, ""); !sameSet(got, "public") {
		t.Errorf("default list = %v", got)
	}
	if got := listNames(t, s, consumer, "visibility=community"); !sameSet(got, "community") {
		t.Errorf("community list = %v", got)
	}
	if got := listNames(t, s, consumer, "visibility=all"); !sameSet(got, "public", "community") {
		t.Errorf("all list = %v", got)
	}
	if got := listNames(t, s, consumer, "visibility=shared&member_status=pending"); len(got) != 0 {
		t.Errorf("shared list = %v", got)
	}
}

func TestList_BadQueries(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	cases := map[string]string{
		"limit=x":                   "limit param must be an integer",
		"limit=-1":                  "limit param must be positive",
		"marker=nope":               "No image found with ID nope",
		"visibility=everyone":       "Invalid visibility value: everyone",
		"member_status=maybe":       "Invalid status: maybe",
		"protected=yes":             "Invalid value 'yes' for 'protected' filter. Valid values are 'true' or 'false'.",
		"os_hidden=1":               "",
		"size_min=big":              "Unable to filter on a range with a non-numeric value.",
		"virtual_size_max=x":        "Unable to filter on a range with a non-numeric value.",
		"protected=True":            "Invalid value 'True' for 'protected' filter. Valid values are 'true' or 'false'.",
		"os_hidden=yes":             "Invalid value 'yes' for 'os_hidden' filter. Valid values are 'true' or 'false'.",
		"name=gt:a":                 "Unable to filter by unknown operator 'gt'.",
		`name=in:a"b"`:              `Invalid filter value a"b". There is no comma before opening quotation mark.`,
		`name=in:"a"b`:              `Invalid filter value "a"b. There is no comma after closing quotation mark.`,
		`name=in:"a`:                `Invalid filter value "a. The quote is not closed.`,
		"created_at=foo:2026-01-01": "Unable to filter on a unknown operator.",
		"updated_at=gt:yesterday":   `Bad "updated_at" query filter format. Use ISO 8601 DateTime notation.`,
		"changes-since=2020-01-01":  `The "changes-since" filter is no longer available on v2.`,
		"sort_key=owner":            "",
		"sort_dir=up":               "Invalid sort direction: up",
		"sort=name:up":              "Invalid sort direction: up",
		"sort=name&sort_key=id":     "Old and new sorting syntax cannot be combined",
		"sort_key=name&sort_key=id&sort_dir=asc&sort_dir=desc&sort_dir=asc": "Number of sort dirs does not match the number of sort keys",
	}
	for query, msg := range cases {
		r := do(t, s, req{method: "GET", path: "/image/v2/images?" + query, token: tok})
		if r.status != http.StatusBadRequest {
			t.Errorf("?%s: %d %s", query, r.status, r.body)
		} else if msg != "" {
			expect(t, r, http.StatusBadRequest, msg)
		}
	}
}

func TestList_Sort(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	for _, n := range []string{"b", "c", "a"} {
		clock.Advance(time.Second)
		createImage(t, s, producer, map[string]any{"name": n})
	}
	clock.Advance(time.Second)
	createImage(t, s, producer, map[string]any{}) // null name sorts first ascending
	cases := map[string][]string{
		"":                                 {"", "a", "c", "b"}, // created_at desc
		"sort_key=name&sort_dir=asc":       {"", "a", "b", "c"},
		"sort_key=name":                    {"c", "b", "a", ""},
		"sort=name:asc":                    {"", "a", "b", "c"},
		"sort=status:asc,name:desc":        {"c", "b", "a", ""},
		"sort_key=created_at&sort_dir=asc": {"b", "c", "a", ""},
		"sort_key=status&sort_key=name&sort_dir=asc&sort_dir=desc": {"c", "b", "a", ""},
	}
	for query, want := range cases {
		if got := listNames(t, s, producer, query); !slices.Equal(got, want) {
			t.Errorf("?%s = %q, want %q", query, got, want)
		}
	}
}

func TestList_PagingLinks(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	for i := range 4 {
		clock.Advance(time.Second)
		createImage(t, s, producer, map[string]any{"name": fmt.Sprint(i), "tags": []string{"t"}})
	}
	tok := s.IssueToken(producer)
	page := func(query string) map[string]any {
		r := do(t, s, req{method: "GET", path: "/image/v2/images?" + query, token: tok})
		expect(t, r, http.StatusOK, "")
		return r.object(t)
	}
	p1 := page("limit=2&tag=t&sort_key=name&sort_dir=asc")
	if p1["first"] != "/v2/images?limit=2&sort_dir=asc&sort_key=name&tag=t" || p1["schema"] != "/v2/schemas/images" {
		t.Fatalf("first = %v", p1["first"])
	}
	last := p1["images"].([]any)[1].(map[string]any)["id"].(string)
	if p1["next"] != "/v2/images?limit=2&marker="+last+"&sort_dir=asc&sort_key=name&tag=t" {
		t.Fatalf("next = %v", p1["next"])
	}
	u, _ := url.Parse(mustString(t, p1["next"]))
	p2 := page(u.RawQuery)
	if p2["first"] != p1["first"] || len(p2["images"].([]any)) != 2 || p2["next"] == nil {
		t.Fatalf("page 2 = %v", p2)
	}
	u, _ = url.Parse(mustString(t, p2["next"]))
	p3 := page(u.RawQuery) // a full last page still gets a next link; the page after it is empty
	if len(p3["images"].([]any)) != 0 || p3["next"] != nil {
		t.Fatalf("page 3 = %v", p3)
	}
	if p := page("limit=3"); p["next"] == nil || len(p["images"].([]any)) != 3 {
		t.Fatalf("limit 3 of 4: %v", p)
	}
	if p := page("limit=5"); p["next"] != nil || len(p["images"].([]any)) != 4 {
		t.Fatalf("limit 5 of 4: %v", p)
	}
	if p := page(""); p["next"] != nil || p["first"] != "/v2/images" {
		t.Fatalf("default page = %v", p)
	}
}

func TestList_DefaultAndMaxLimit(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	for range defaultLimit + 1 {
		createImage(t, s, producer, map[string]any{"name": "x"})
	}
	if n := len(listNames(t, s, producer, "")); n != defaultLimit {
		t.Errorf("default page has %d images", n)
	}
	if n := len(listNames(t, s, producer, "limit=5000")); n != defaultLimit+1 {
		t.Errorf("limit=5000 page has %d images", n)
	}
}

// walk lists every image with gophercloud, counting pages.
func walk(t *testing.T, sc *gophercloud.ServiceClient, opts images.ListOpts) (ids []string, pages int) {
	t.Helper()
	err := images.List(sc, opts).EachPage(context.Background(), func(_ context.Context, p pagination.Page) (bool, error) {
		imgs, err := images.ExtractImages(p)
		if err != nil {
			return false, err
		}
		pages++
		for _, img := range imgs {
			ids = append(ids, img.ID)
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids, pages
}

func TestList_GophercloudPaginationVersionedEndpoint(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	var want []string
	for range 7 {
		want = append(want, createImageID(t, s, nil))
	}
	ids, pages := walk(t, imageClient(t, s), images.ListOpts{Limit: 3})
	if !sameSet(ids, want...) || len(ids) != 7 || pages != 3 {
		t.Fatalf("ids %v pages %d", ids, pages)
	}
	if n := s.RequestCount("GET", "/image/v2/images"); n != 3 {
		t.Fatalf("list requests = %d", n)
	}
	// A full last page: gophercloud follows next to an empty page and stops there.
	createImage(t, s, consumer, nil)
	ids, _ = walk(t, imageClient(t, s), images.ListOpts{Limit: 7})
	if len(ids) != 7 || s.RequestCount("GET", "/image/v2/images") != 5 {
		t.Fatalf("ids %d, requests %d", len(ids), s.RequestCount("GET", "/image/v2/images"))
	}
}

func TestList_GophercloudDiscoveryUnversionedEndpoint(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{ImageEndpoint: ImageEndpointUnversioned})
	ctx := context.Background()
	for range 5 {
		createImage(t, s, producer, map[string]any{"tags": []string{"x"}})
	}
	pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: s.IdentityV2URL(), Username: "producer", Password: "producer-pass",
	})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := openstack.NewImageV2(pc, gophercloud.EndpointOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if sc.ResourceBase != s.URL()+"/image/v2/" {
		t.Fatalf("resource base %q", sc.ResourceBase)
	}
	if n := s.RequestCount("GET", "/image/"); n != 1 {
		t.Fatalf("version discovery requests = %d", n)
	}
	ids, pages := walk(t, sc, images.ListOpts{Limit: 2, Tags: []string{"x"}, SortKey: "created_at", SortDir: "asc"})
	if len(ids) != 5 || pages != 3 {
		t.Fatalf("ids %v pages %d", ids, pages)
	}
}
