package image_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
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
					querycheck.ExpectIdentity("cloudimages_image.golden", map[string]knownvalue.Check{"id": knownvalue.StringExact(golden)}),
					querycheck.ExpectIdentity("cloudimages_image.golden", map[string]knownvalue.Check{"id": knownvalue.StringExact(golden2)}),
					querycheck.ExpectLength("cloudimages_image.by_name", 1),
				},
			},
		},
	})
}

// What terraform query -generate-config-out writes for listed images is a
// valid configuration that imports them and then plans clean.
func TestAccImage_queryGeneratesConfigThatPlansClean(t *testing.T) {
	t.Parallel()
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	srv := acctest.Mock(t, mockserver.Options{})
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
	cli.MustRun("apply", "-auto-approve", "-input=false")
	if r := cli.Run("plan", "-detailed-exitcode", "-input=false"); r.Err != nil {
		t.Errorf("the plan after importing the generated configuration is not empty: %v\n%s", r.Err, r.Stdout)
	}
	if n := len(srv.Images()); n != 2 {
		t.Errorf("%d images on the server, want the 2 imported", n)
	}
}
