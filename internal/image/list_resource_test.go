package image_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// terraform query lists images with the data sources' filters and returns
// each one's identity (Terraform 1.14 and later; older versions skip).
func TestAccImage_listResource(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{})
	golden := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "golden-1", Tags: []string{"golden"}})
	golden2 := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "golden-2", Tags: []string{"golden"}})
	acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "scratch", Tags: []string{"tmp"}})
	provider := acctest.ProviderConfig(srv, acctest.Producer)

	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{Config: provider}, // the query step reads the provider configuration from here
			{
				Query: true,
				Config: fmt.Sprintf(`
list "cloudimages_image" "golden" {
  provider = cloudimages
  config {
    tags = ["golden"]
  }
}

list "cloudimages_image" "by_name" {
  provider = cloudimages
  config {
    name = %q
  }
}
`, "scratch"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("cloudimages_image.golden", 2),
					querycheck.ExpectIdentity("cloudimages_image.golden", map[string]knownvalue.Check{"id": knownvalue.StringExact(golden), "region": knownvalue.StringExact("MOCK")}),
					querycheck.ExpectIdentity("cloudimages_image.golden", map[string]knownvalue.Check{"id": knownvalue.StringExact(golden2), "region": knownvalue.StringExact("MOCK")}),
					querycheck.ExpectLength("cloudimages_image.by_name", 1),
				},
			},
		},
	})
}

// What terraform query -generate-config-out writes for listed images is a
// valid configuration that imports them, changes nothing (their properties
// included, but not those the server sets itself) and then plans clean.
func TestAccImage_queryGeneratesConfigThatPlansClean(t *testing.T) {
	t.Parallel()
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	srv := acctest.Mock(t, mockserver.Options{ExtraReadOnlyProperties: map[string]string{"x_cloud_region": "mock-1"}})
	file := acctest.WriteImageFile(t, "disk.raw", 4096, 43)
	var ids []string
	for _, name := range []string{"golden-1", "golden-2"} {
		ids = append(ids, acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{
			Name: name, Tags: []string{"golden"}, Properties: map[string]string{"os_distro": "debian"}, File: &file,
		}))
	}
	cli := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Producer))
	query := `list "cloudimages_image" "golden" {
  provider = cloudimages
  config {
    tags = ["golden"]
  }
}
`
	generated := cli.Query(query, "images.tf")
	for _, id := range ids {
		if !strings.Contains(generated, id) {
			t.Fatalf("the generated configuration does not import image %s", id)
		}
	}
	if !strings.Contains(generated, "os_distro") || strings.Contains(generated, "x_cloud_region") {
		t.Errorf("the generated configuration should carry the images' properties, not the server's own:\n%s", generated)
	}
	if r := cli.MustRun("apply", "-auto-approve", "-input=false"); !strings.Contains(r.Stdout, "2 imported, 0 added, 0 changed, 0 destroyed") {
		t.Errorf("applying the generated configuration should only import:\n%s", r.Stdout)
	}
	if r := cli.Run("plan", "-detailed-exitcode", "-input=false"); r.Err != nil {
		t.Errorf("the plan after importing the generated configuration is not empty: %v\n%s", r.Err, r.Stdout)
	}
	if n := len(srv.Images()); n != 2 {
		t.Errorf("%d images on the server, want the 2 imported", n)
	}
	for _, img := range srv.Images() {
		if img.Properties["os_distro"] != "debian" {
			t.Errorf("image %s lost its properties: %v", img.ID, img.Properties)
		}
	}
}

// The list resource takes the data sources' hidden, format and sort
// filters: hidden = true lists the hidden images only, the formats select,
// and sort gives the order in which terraform query prints the images.
func TestAccImageList_hiddenFormatsAndSort(t *testing.T) {
	t.Parallel()
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	srv := acctest.Mock(t, mockserver.Options{})
	provider := acctest.ProviderConfig(srv, acctest.Producer)
	charlie := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "charlie", Tags: []string{"sorted"}})
	alpha := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "alpha", Tags: []string{"sorted"}})
	bravo := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "bravo", Tags: []string{"sorted"}})
	images := provider + `
resource "cloudimages_image" "secret" {
  name             = "secret"
  hidden           = true
  disk_format      = "qcow2"
  container_format = "bare"
}

resource "cloudimages_image" "vhd" {
  name             = "vhd"
  disk_format      = "vhd"
  container_format = "ovf"
}
`
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: images},
			{
				Query: true,
				Config: `
list "cloudimages_image" "hidden" {
  provider = cloudimages
  config {
    hidden = true
  }
}

list "cloudimages_image" "qcow2" {
  provider = cloudimages
  config {
    disk_format = "qcow2"
  }
}

list "cloudimages_image" "ovf" {
  provider = cloudimages
  config {
    container_format = "ovf"
  }
}

list "cloudimages_image" "sorted" {
  provider = cloudimages
  config {
    tags = ["sorted"]
    sort = "name:asc"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("cloudimages_image.hidden", 1),
					querycheck.ExpectResourceDisplayName("cloudimages_image.hidden", queryfilter.ByDisplayName(knownvalue.StringExact("secret")), knownvalue.StringExact("secret")),
					querycheck.ExpectLength("cloudimages_image.qcow2", 0), // the only qcow2 image is hidden
					querycheck.ExpectLength("cloudimages_image.ovf", 1),
					querycheck.ExpectResourceDisplayName("cloudimages_image.ovf", queryfilter.ByDisplayName(knownvalue.StringExact("vhd")), knownvalue.StringExact("vhd")),
					querycheck.ExpectLength("cloudimages_image.sorted", 3),
					expectListedInOrder("cloudimages_image.sorted", alpha, bravo, charlie),
				},
			},
		},
	})
}

// expectListedInOrder checks that the list block at address found the
// images of ids, in this order (terraform query prints them as the
// provider streams them).
func expectListedInOrder(address string, ids ...string) querycheck.QueryResultCheck {
	return listedInOrder{address: address, ids: ids}
}

type listedInOrder struct {
	address string
	ids     []string
}

func (c listedInOrder) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	var got []string
	for _, r := range req.Query {
		if strings.TrimPrefix(r.Address, "list.") == c.address {
			got = append(got, fmt.Sprint(r.Identity["id"]))
		}
	}
	if !slices.Equal(got, c.ids) {
		resp.Error = fmt.Errorf("%s listed %v, want %v in this order", c.address, got, c.ids)
	}
}

// A list block's wrong formats or sort are refused before anything is
// listed, on the attribute, as in the data sources.
func TestAccImageList_badFiltersRefused(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	srv := acctest.Mock(t, mockserver.Options{})
	query := func(body string, want ...string) resource.TestStep {
		return resource.TestStep{
			Query:       true,
			Config:      "list \"cloudimages_image\" \"x\" {\n  provider = cloudimages\n  config {\n    " + body + "\n  }\n}\n",
			ExpectError: acctest.ErrorLike(want...),
		}
	}
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		{Config: acctest.ProviderConfig(srv, acctest.Producer)},
		query(`disk_format = "qcow3"`, "disk_format", "value must be one of", `"qcow2"`),
		query(`container_format = "tar"`, "container_format", "value must be one of", `"bare"`),
		query(`sort = "size:up"`, "Invalid sort", `The direction of "size" is "up"`, `for example "name:asc,created_at:desc"`),
		query(`sort = "owner:asc"`, "Invalid sort", `"owner" is not a sort key`),
	}})
	if n := srv.RequestCount("GET", "/image/v2/images"); n != 0 {
		t.Errorf("%d image lists for filters refused, want 0", n)
	}
}
