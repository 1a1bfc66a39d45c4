package image_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// threeRegions is the catalog of the region tests; the provider's region is
// DFW.
var threeRegions = []string{"DFW", "ORD", "IAD"}

// regionalConfig is one provider block in DFW with the image "home" in the
// provider's region and "away" in away, and the lists of images named
// "away" that each region holds.
func regionalConfig(srv *mockserver.Server, away string) string {
	return acctest.ProviderConfig(srv, acctest.Producer, `  region = "DFW"`) + fmt.Sprintf(`
resource "cloudimages_image" "home" {
  name = "home"
}

resource "cloudimages_image" "away" {
  name   = "away"
  region = %q
}

%s`, away, lookIn("DFW")+lookIn("ORD")+lookIn("IAD"))
}

// lookIn lists the images named "away" in region, once the image is made.
func lookIn(inRegion string) string {
	return fmt.Sprintf(`
data "cloudimages_images" "away_in_%s" {
  region     = %q
  name       = "away"
  depends_on = [cloudimages_image.away]
}
`, inRegion, inRegion)
}

// One provider block serves every region: an image goes to its own region
// (and no other), the provider's by default; an import names the region in
// front of the id; a new region replaces the image; a region the catalog
// lacks is refused when planning, with the catalog's regions.
func TestAccImage_regions(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Regions: threeRegions})
	found := func(inRegion string, n int) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.cloudimages_images.away_in_"+inRegion, tfjsonpath.New("ids"), listOfLength(n))
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: regionalConfig(srv, "ORD"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("cloudimages_image.home", tfjsonpath.New("region"), knownvalue.StringExact("DFW")),
					statecheck.ExpectKnownValue("cloudimages_image.away", tfjsonpath.New("region"), knownvalue.StringExact("ORD")),
					found("ORD", 1), found("DFW", 0), found("IAD", 0),
				},
			},
			{
				Config:            regionalConfig(srv, "ORD"),
				ResourceName:      "cloudimages_image.away",
				ImportState:       true,
				ImportStateIdFunc: importIDInRegion("cloudimages_image.away", "ORD"),
				ImportStateVerify: true,
				// Arguments the API does not return, as in the other import tests.
				ImportStateVerifyIgnore: []string{"timeouts", "verify_checksum", "decompress", "web_download", "updated_at"},
			},
			{
				Config: regionalConfig(srv, "IAD"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("cloudimages_image.away", plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction("cloudimages_image.home", plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{found("IAD", 1), found("ORD", 0), found("DFW", 0)},
			},
			{
				Config:      regionalConfig(srv, "SYD"),
				PlanOnly:    true,
				ExpectError: acctest.ErrorLike(`Region not found`, `region "SYD"`, `DFW, IAD, ORD`),
			},
		},
	})
}

// importIDInRegion is the import id REGION/<id> of the resource at addr.
func importIDInRegion(addr, inRegion string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s is not in the state", addr)
		}
		return inRegion + "/" + rs.Primary.ID, nil
	}
}

func listOfLength(n int) knownvalue.Check {
	checks := make([]knownvalue.Check, n)
	for i := range checks {
		checks[i] = knownvalue.NotNull()
	}
	return knownvalue.ListExact(checks)
}
