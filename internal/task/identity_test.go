package task_test

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

// Both task resources are identified by the task's id: an import block with
// `identity = { id = ... }` imports a task and plans clean (Terraform 1.12
// and later; older versions skip, saying so).
func TestAccTasks_identity(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	seedVHD(t, srv)
	config := importTask(srv, "images/disk.vhd") + `
resource "cloudimages_image_export_task" "out" {
  image_id                  = cloudimages_image_import_task.vhd.image_id
  receiving_swift_container = "exports"
}
`
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
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(importAddr, tfjsonpath.New("id")),
					statecheck.ExpectIdentityValueMatchesState(exportAddr, tfjsonpath.New("id")),
				},
			},
			importStep(importAddr),
			importStep(exportAddr),
		},
	})
}
