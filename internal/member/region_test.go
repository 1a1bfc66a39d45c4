package member_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// sharedInORD is producer and consumer, both configured in DFW, sharing an
// image of ORD in one apply: image, member and answer all in ORD; and the
// images named "golden" that DFW holds.
func sharedInORD(srv *mockserver.Server) string {
	return acctest.ProducerAndConsumer(srv, `  region = "DFW"`) + fmt.Sprintf(`
resource "cloudimages_image" "shared" {
  provider   = cloudimages.producer
  region     = "ORD"
  name       = "golden"
  visibility = "shared"
}

resource "cloudimages_image_member" "share" {
  provider        = cloudimages.producer
  region          = "ORD"
  image_id        = cloudimages_image.shared.id
  member_id       = %q
  wait_for_answer = true
}

resource "cloudimages_image_member_status" "accept" {
  provider = consumer
  region   = "ORD"
  image_id = cloudimages_image.shared.id
  status   = "accepted"
}

data "cloudimages_image_members" "in_ord" {
  provider   = cloudimages.producer
  region     = "ORD"
  image_id   = cloudimages_image.shared.id
  depends_on = [cloudimages_image_member.share]
}

data "cloudimages_images" "golden_in_dfw" {
  provider   = cloudimages.producer
  name       = "golden"
  depends_on = [cloudimages_image.shared]
}
`, acctest.Consumer.TenantID)
}

// A share in another region than the provider's: the image, the member and
// the consumer's answer go to that region and converge in one apply, the
// provider's own region has no such image, and the member imports as
// ORD/<image>/<member>.
func TestAccImageMember_inAnotherRegion(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Regions: []string{"DFW", "ORD"}})
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noSharesLeft(srv),
		Steps: []resource.TestStep{
			{
				Config: sharedInORD(srv),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("cloudimages_image_member.share", tfjsonpath.New("region"), knownvalue.StringExact("ORD")),
					statecheck.ExpectKnownValue("cloudimages_image_member.share", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					statecheck.ExpectKnownValue("cloudimages_image_member_status.accept", tfjsonpath.New("region"), knownvalue.StringExact("ORD")),
					statecheck.ExpectKnownValue("data.cloudimages_image_members.in_ord", tfjsonpath.New("members"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue("data.cloudimages_images.golden_in_dfw", tfjsonpath.New("ids"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config:       sharedInORD(srv),
				ResourceName: "cloudimages_image_member.share",
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return "ORD/" + s.RootModule().Resources["cloudimages_image_member.share"].Primary.ID, nil
				},
				ImportStateVerify: true,
				// Arguments of this resource alone, which no server keeps.
				ImportStateVerifyIgnore: []string{"wait_for_answer", "timeouts"},
			},
		},
	})
}
