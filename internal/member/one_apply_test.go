package member_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// sharedInOneApply is producer and consumer in one configuration, the
// consumer's status taking image_id from the image so that it does not wait
// for the member, and the member waiting for the answer; extra goes into
// the member.
func sharedInOneApply(srv *mockserver.Server, extra string) string {
	return acctest.ProducerAndConsumer(srv) + fmt.Sprintf(`
resource "cloudimages_image" "shared" {
  provider   = cloudimages.producer
  name       = "golden"
  visibility = "shared"
}

resource "cloudimages_image_member" "share" {
  provider        = cloudimages.producer
  image_id        = cloudimages_image.shared.id
  member_id       = %[1]q
  wait_for_answer = true
%[2]s
}

resource "cloudimages_image_member_status" "accept" {
  provider = consumer
  image_id = cloudimages_image.shared.id
  status   = "accepted"
}

output "answer" {
  value = cloudimages_image_member.share.status
}
`, acctest.Consumer.TenantID, extra)
}

// With both sides in one configuration, one apply leaves the producer's
// member with the consumer's answer: the next plan shows nothing changed
// outside of Terraform, and outputs on the status are current.
func TestAccImageMember_bothSidesConvergeInOneApply(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})

	acctest.Test(t, resource.TestCase{
		CheckDestroy: noSharesLeft(srv),
		Steps: []resource.TestStep{
			{
				Config: sharedInOneApply(srv, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					statecheck.ExpectKnownOutputValue("answer", knownvalue.StringExact("accepted")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName: memberAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"wait_for_answer"},
			},
		},
	})
}

// A member that waits for an answer that cannot come in this apply (the
// consumer's status waits for the member) fails on wait_for_answer, says
// why, and keeps the share in the state.
func TestAccImageMember_waitForAnswerThatCannotCome(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	config := acctest.ProducerAndConsumer(srv) + fmt.Sprintf(`
resource "cloudimages_image" "shared" {
  provider   = cloudimages.producer
  name       = "golden"
  visibility = "shared"
}

resource "cloudimages_image_member" "share" {
  provider        = cloudimages.producer
  image_id        = cloudimages_image.shared.id
  member_id       = %q
  wait_for_answer = true
  timeouts {
    create = "1s"
  }
}
`, acctest.Consumer.TenantID)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: noSharesLeft(srv),
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)No answer from the consumer.*still pending.*image_id must come from\s+the image`),
		}},
	})
}

// The consumer's status waits for a share that is not there yet, within its
// create timeout, and then says the image is not shared with it.
func TestAccImageMemberStatus_waitsForTheShareWithinTheTimeout(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	id := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "never-shared", Visibility: "shared"})
	config := acctest.ProviderConfig(srv, acctest.Consumer) + fmt.Sprintf(`
resource "cloudimages_image_member_status" "accept" {
  image_id = %q
  status   = "accepted"
  timeouts {
    create = "1s"
  }
}
`, id)

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)stopped\s+waiting.*is not shared with tenant`),
		}},
	})
}
