package member_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

const (
	memberAddr = "cloudimages_image_member.share"
	statusAddr = "cloudimages_image_member_status.accept"
)

// sharing is a producer's shared image, its member for the consumer, the
// consumer's status, and what each side sees.
func sharing(srv *mockserver.Server, status string) string {
	return acctest.ProducerAndConsumer(srv) + fmt.Sprintf(`
resource "cloudimages_image" "shared" {
  provider   = cloudimages.producer
  name       = "golden"
  visibility = "shared"
}

resource "cloudimages_image_member" "share" {
  provider  = cloudimages.producer
  image_id  = cloudimages_image.shared.id
  member_id = %[1]q
}

resource "cloudimages_image_member_status" "accept" {
  provider   = consumer
  image_id   = cloudimages_image_member.share.image_id
  status     = %[2]q
}

data "cloudimages_images" "consumer_default" {
  provider   = consumer
  depends_on = [cloudimages_image_member_status.accept]
}

data "cloudimages_images" "consumer_by_status" {
  provider      = consumer
  visibility    = "shared"
  member_status = %[2]q
  depends_on    = [cloudimages_image_member_status.accept]
}

data "cloudimages_image_members" "producer_view" {
  provider   = cloudimages.producer
  image_id   = cloudimages_image.shared.id
  depends_on = [cloudimages_image_member_status.accept]
}
`, acctest.Consumer.TenantID, status)
}

func TestAccImageMember_shareAcceptRejectDrift(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	imageID := statecheck.CompareValue(compare.ValuesSame())
	var image string

	acctest.Test(t, resource.TestCase{
		CheckDestroy: noSharesLeft(srv),
		Steps: []resource.TestStep{
			{
				Config: sharing(srv, "accepted"),
				ConfigStateChecks: []statecheck.StateCheck{
					imageID.AddStateValue("cloudimages_image.shared", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("member_id"), knownvalue.StringExact(acctest.Consumer.TenantID)),
					statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					// Accepted: in the consumer's default list.
					statecheck.CompareValuePairs("data.cloudimages_images.consumer_default", tfjsonpath.New("ids").AtSliceIndex(0),
						"cloudimages_image.shared", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.cloudimages_image_members.producer_view", tfjsonpath.New("members"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"member_id": knownvalue.StringExact(acctest.Consumer.TenantID),
							"status":    knownvalue.StringExact("accepted"),
						})})),
				},
				Check: func(s *terraform.State) error {
					image = s.RootModule().Resources["cloudimages_image.shared"].Primary.ID
					return nil
				},
			},
			{
				// Rejected, in place: gone from the default list, found by status.
				Config: sharing(srv, "rejected"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(statusAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.cloudimages_images.consumer_default", tfjsonpath.New("ids"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.cloudimages_images.consumer_by_status", tfjsonpath.New("ids"), knownvalue.ListSizeExact(1)),
				},
			},
			{
				// The producer's view of the status was read before the consumer
				// changed it in the same apply: refresh before comparing.
				RefreshState: true,
			},
			{
				ResourceName: memberAddr, ImportState: true, ImportStateVerify: true,
			},
			{
				// The consumer's side imports by image id alone.
				ResourceName: statusAddr, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return image, nil },
			},
			{
				// The status changed elsewhere: the plan sets it back.
				PreConfig: func() {
					if err := srv.SetMemberStatus(image, acctest.Consumer.TenantID, "pending"); err != nil {
						t.Fatal(err)
					}
				},
				Config: sharing(srv, "rejected"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(statusAddr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				// The producer removed the share behind Terraform's back: the
				// consumer's status leaves the state quietly, and both come back.
				PreConfig: func() {
					if err := srv.DeleteMember(image, acctest.Consumer.TenantID); err != nil {
						t.Fatal(err)
					}
				},
				Config: sharing(srv, "accepted"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(statusAddr, plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
			},
			{
				// Without the status resource, the share returns to pending.
				Config: acctest.ProducerAndConsumer(srv) + fmt.Sprintf(`
resource "cloudimages_image" "shared" {
  provider   = cloudimages.producer
  name       = "golden"
  visibility = "shared"
}

resource "cloudimages_image_member" "share" {
  provider  = cloudimages.producer
  image_id  = cloudimages_image.shared.id
  member_id = %q
}
`, acctest.Consumer.TenantID),
				Check: func(*terraform.State) error {
					members := srv.Members(image)
					if len(members) != 1 || members[0].Status != "pending" {
						return fmt.Errorf("members after the status was destroyed: %+v", members)
					}
					return nil
				},
			},
		},
	})
}

func TestAccImageMember_errorsSayWhichCredentials(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	base := acctest.ProducerAndConsumer(srv) + fmt.Sprintf(`
resource "cloudimages_image" "shared" {
  provider   = cloudimages.producer
  name       = "golden"
  visibility = "shared"
}

resource "cloudimages_image" "private" {
  provider = cloudimages.producer
  name     = "secret"
}

resource "cloudimages_image_member" "share" {
  provider  = cloudimages.producer
  image_id  = cloudimages_image.shared.id
  member_id = %q
}
`, acctest.Consumer.TenantID)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: noSharesLeft(srv),
		Steps: []resource.TestStep{
			{Config: base},
			{
				// The consumer tries to share the producer's image further.
				Config: base + `
resource "cloudimages_image_member" "by_consumer" {
  provider  = consumer
  image_id  = cloudimages_image.shared.id
  member_id = "100003"
}`,
				ExpectError: acctest.ErrorLike("Cannot share image", "403", "Only the image's owner (tenant 100001)",
					"authenticated as tenant 100002", "producer's credentials"),
			},
			{
				// The producer tries to accept on the consumer's behalf.
				Config: base + fmt.Sprintf(`
resource "cloudimages_image_member_status" "by_producer" {
  provider  = cloudimages.producer
  image_id  = cloudimages_image.shared.id
  member_id = %q
  status    = "accepted"
}`, acctest.Consumer.TenantID),
				ExpectError: acctest.ErrorLike("403", "Only the member itself (tenant 100002)", "consumer's credentials"),
			},
			{
				// A private image cannot have members: the error says what to change.
				Config: base + `
resource "cloudimages_image_member" "private" {
  provider  = cloudimages.producer
  image_id  = cloudimages_image.private.id
  member_id = "100002"
}`,
				ExpectError: acctest.ErrorLike("403", `visibility "private"`, `Set visibility = "shared"`),
			},
			{
				// Accepting a share that does not exist.
				Config: base + `
resource "cloudimages_image_member_status" "nothing" {
  provider = consumer
  image_id = cloudimages_image.private.id
  status   = "accepted"
}`,
				ExpectError: acctest.ErrorLike("404", "not shared with tenant 100002", "cloudimages_image_member"),
			},
			{
				ResourceName: memberAddr, ImportState: true, ImportStateId: "not-a-uuid/100002",
				ExpectError: acctest.ErrorLike("Expected the image's UUID", "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77/100002", "image_id must be a UUID"),
			},
			{Config: base},
		},
	})
}

// noSharesLeft: after destroy the mock holds no image, hence no member.
func noSharesLeft(srv *mockserver.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := len(srv.Images()); n != 0 {
			return fmt.Errorf("%d images left after destroy", n)
		}
		return nil
	}
}
