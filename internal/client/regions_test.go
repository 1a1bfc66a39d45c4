package client

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// One identity session serves every region of the catalog: each region's
// client is made once, reused, shares the token (no second login), and an
// unknown region is refused with the catalog's regions.
func TestForRegion_oneSessionEveryRegion(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{Regions: []string{"DFW", "ORD", "IAD"}})
	c, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: alice.APIKey, Region: "DFW"})
	if err != nil {
		t.Fatal(err)
	}
	logins := identityLogins(srv)

	if same, err := c.ForRegion(""); err != nil || same != c {
		t.Errorf(`ForRegion(""): %v %v, want the client itself`, same, err)
	}
	if same, err := c.ForRegion("DFW"); err != nil || same != c {
		t.Errorf(`ForRegion("DFW"): %v %v, want the client itself`, same, err)
	}
	ord, err := c.ForRegion("ord")
	if err != nil {
		t.Fatal(err)
	}
	if ord.Region() != "ORD" || ord.TenantID() != c.TenantID() || ord.Token() != c.Token() {
		t.Errorf("ORD client: region %q tenant %q, same token %v", ord.Region(), ord.TenantID(), ord.Token() == c.Token())
	}
	if again, _ := c.ForRegion("ORD"); again != ord {
		t.Error("the ORD client was made twice")
	}
	if fromORD, _ := ord.ForRegion("DFW"); fromORD != c && fromORD.Region() != "DFW" {
		t.Errorf("ORD's client for DFW is of region %q", fromORD.Region())
	}
	if _, err := ord.ListImages(testCtx(t), ListImagesInput{}); err != nil {
		t.Errorf("list in ORD: %v", err)
	}
	if got := identityLogins(srv); got != logins {
		t.Errorf("%d more logins for other regions, want none", got-logins)
	}
	if got := c.Regions(); !reflect.DeepEqual(got, []string{"DFW", "IAD", "ORD"}) {
		t.Errorf("regions %v", got)
	}

	_, err = c.ForRegion("SYD")
	ce := asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"region"}) || !strings.Contains(ce.Detail, "DFW, IAD, ORD") {
		t.Errorf("unknown region: %+v", ce)
	}
}

// A client given its images endpoint serves only that endpoint's region, and
// says why when asked for another.
func TestForRegion_givenEndpointServesOnlyItsRegion(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{Regions: []string{"DFW", "ORD"}})
	c, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: alice.APIKey,
		Region: "DFW", Endpoint: srv.URL() + "/image/v2/"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ForRegion("ORD")
	ce := asConfigError(t, err)
	if ce.Summary != "Region not available" || !strings.Contains(ce.Detail, "endpoint or endpoint_overrides") {
		t.Errorf("%+v", ce)
	}
}
