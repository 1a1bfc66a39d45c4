package task_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// The whole Rackspace story: an image imported from Cloud Files, shared while
// private (as Rackspace allows), accepted by the consumer, exported back.
func TestAccRackspace_importShareAcceptExport(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Flavor: "rackspace"})
	md5sum := seedVHD(t, srv)
	config := acctest.ProducerAndConsumer(srv) + fmt.Sprintf(`
resource "cloudimages_image" "golden" {
  provider    = cloudimages.producer
  name        = "golden"
  import_from = "images/disk.vhd"
  min_disk    = 20
  tags        = ["golden"]
  properties  = { os_distro = "debian" }
}

resource "cloudimages_image_member" "share" {
  provider  = cloudimages.producer
  image_id  = cloudimages_image.golden.id
  member_id = %q
}

resource "cloudimages_image_member_status" "accept" {
  provider = consumer
  image_id = cloudimages_image_member.share.image_id
  status   = "accepted"
}

resource "cloudimages_image_export_task" "out" {
  provider                  = cloudimages.producer
  image_id                  = cloudimages_image.golden.id
  receiving_swift_container = "exports"
}

data "cloudimages_images" "consumer" {
  provider   = consumer
  depends_on = [cloudimages_image_member_status.accept]
}
`, acctest.Consumer.TenantID)
	golden := "cloudimages_image.golden"

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(golden, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(golden, tfjsonpath.New("visibility"), knownvalue.StringExact("private")),
					statecheck.ExpectKnownValue(golden, tfjsonpath.New("checksum"), knownvalue.StringExact(md5sum)),
					statecheck.ExpectKnownValue(golden, tfjsonpath.New("disk_format"), knownvalue.StringExact("vhd")),
					statecheck.ExpectKnownValue(golden, tfjsonpath.New("min_disk"), knownvalue.Int64Exact(20)),
					statecheck.ExpectKnownValue(golden, tfjsonpath.New("tags"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("golden")})),
					statecheck.ExpectKnownValue(golden, tfjsonpath.New("properties"),
						knownvalue.MapExact(map[string]knownvalue.Check{"os_distro": knownvalue.StringExact("debian")})),
					statecheck.ExpectKnownValue("cloudimages_image_member_status.accept", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					statecheck.ExpectKnownValue("data.cloudimages_images.consumer", tfjsonpath.New("ids"), knownvalue.ListSizeExact(1)),
				},
				Check: func(s *terraform.State) error {
					id := s.RootModule().Resources[golden].Primary.ID
					obj, ok := srv.Object(acctest.Producer.TenantID, "exports", id+".vhd")
					if !ok || obj.ETag != md5sum {
						return fmt.Errorf("exported object %+v, want md5 %s", obj, md5sum)
					}
					return nil
				},
			},
			{Config: config, PlanOnly: true},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(srv.Images()); n != 0 {
				return fmt.Errorf("%d images left after destroy", n)
			}
			return nil
		},
	})
}

// Rackspace takes no direct uploads: the error says to use import_from.
func TestAccRackspace_fileIsRefusedWithTheWayOut(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Flavor: "rackspace"})
	file := acctest.WriteImageFile(t, "d.raw", 512, 1)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image" "direct" {
  name             = "direct"
  file             = %q
  disk_format      = "raw"
  container_format = "bare"
}
`, file.Path),
			ExpectError: acctest.ErrorLike("Cannot create image", "405", "does not create images directly", `import_from = "container/object"`),
		}},
	})
}

// On Rackspace too, the import task's image loses the token's mark once the
// task has succeeded.
func TestAccRackspace_importTaskRenamesItsImage(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Flavor: "rackspace", Delay: 100 * time.Millisecond})
	seedVHD(t, srv)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: importTask(srv, "images/disk.vhd"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("image_name"), knownvalue.StringExact("imported")),
			},
			Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 1), imagesNamed(srv, "imported")),
		}},
	})
}
