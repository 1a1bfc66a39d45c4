package member_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// A member and a member status are identified by image_id and member_id:
// import blocks with that identity import them and plan clean (Terraform
// 1.12 and later; older versions skip, saying so).
func TestAccImageMember_identity(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	config := sharing(srv, "accepted")
	importStep := func(addr string) resource.TestStep {
		return resource.TestStep{
			Config:          config,
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
			},
		}
	}

	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:           noSharesLeft(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(memberAddr, tfjsonpath.New("image_id")),
					statecheck.ExpectIdentityValueMatchesState(memberAddr, tfjsonpath.New("member_id")),
					statecheck.ExpectIdentityValueMatchesState(statusAddr, tfjsonpath.New("image_id")),
					statecheck.ExpectIdentityValueMatchesState(statusAddr, tfjsonpath.New("member_id")),
				},
			},
			importStep(memberAddr),
			importStep(statusAddr),
		},
	})
}

// The access list is identified by its image.
func TestAccImageAccess_identity(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	image := seedImage(t, srv, "shared")
	config := access(srv, image, acctest.Consumer.TenantID)

	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:           membersAre(srv, image),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(accessAddr, tfjsonpath.New("image_id")),
				},
			},
			{
				Config:          config,
				ResourceName:    accessAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}
