package task_test

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

// Tasks in another region than the provider's, from one provider block: the
// import reads that region's object store and makes its image there, the
// export writes to that region's object store; both import with the region
// in front of the task id.
func TestAccTasks_inAnotherRegion(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Flavor: "rackspace", Regions: []string{"DFW", "ORD", "IAD"}})
	ord := srv.InRegion("ORD")
	md5sum := seedVHD(t, ord)
	config := acctest.ProviderConfig(srv, acctest.Producer, `  region = "DFW"`) + `
resource "cloudimages_image_import_task" "in" {
  region      = "ORD"
  image_name  = "golden"
  import_from = "images/disk.vhd"
}

resource "cloudimages_image_export_task" "out" {
  region                    = "ORD"
  image_id                  = cloudimages_image_import_task.in.image_id
  receiving_swift_container = "exports"
}
`
	importID := func(addr string) resource.ImportStateIdFunc {
		return func(s *terraform.State) (string, error) {
			return "ORD/" + s.RootModule().Resources[addr].Primary.ID, nil
		}
	}
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("cloudimages_image_import_task.in", tfjsonpath.New("region"), knownvalue.StringExact("ORD")),
					statecheck.ExpectKnownValue("cloudimages_image_export_task.out", tfjsonpath.New("status"), knownvalue.StringExact("success")),
				},
				Check: func(s *terraform.State) error {
					id := s.RootModule().Resources["cloudimages_image_import_task.in"].Primary.Attributes["image_id"]
					if _, ok := ord.Image(id); !ok {
						return fmt.Errorf("image %s is not in ORD", id)
					}
					for _, other := range []string{"DFW", "IAD"} {
						if n := len(srv.InRegion(other).Images()) + len(srv.InRegion(other).Tasks()); n != 0 {
							return fmt.Errorf("%d images and tasks in %s, want none", n, other)
						}
					}
					if obj, ok := ord.Object(acctest.Producer.TenantID, "exports", id+".vhd"); !ok || obj.ETag != md5sum {
						return fmt.Errorf("exported object in ORD %+v, want md5 %s", obj, md5sum)
					}
					return nil
				},
			},
			{
				Config: config, ResourceName: "cloudimages_image_import_task.in", ImportState: true,
				ImportStateIdFunc: importID("cloudimages_image_import_task.in"), ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config: config, ResourceName: "cloudimages_image_export_task.out", ImportState: true,
				ImportStateIdFunc: importID("cloudimages_image_export_task.out"), ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}
