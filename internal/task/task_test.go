package task_test

import (
	"bytes"
	"crypto/md5" //nolint:gosec // the object store's ETag is md5
	"encoding/hex"
	"fmt"
	"testing"
	"time"

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
	importAddr = "cloudimages_image_import_task.vhd"
	exportAddr = "cloudimages_image_export_task.out"
)

// seedVHD puts a small valid VHD at images/disk.vhd in the producer's
// object store, with an empty container exports beside it, and returns the
// VHD's md5.
func seedVHD(t *testing.T, srv *mockserver.Server) string {
	t.Helper()
	var buf bytes.Buffer
	if err := mockserver.WriteFixedVHD(&buf, 256<<10); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(buf.Bytes()) //nolint:gosec // the object store's ETag is md5
	for _, c := range []string{"images", "exports"} {
		if err := srv.CreateContainer(acctest.Producer.TenantID, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.PutObject(acctest.Producer.TenantID, "images", "disk.vhd", &buf); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(sum[:])
}

func importTask(srv *mockserver.Server, from string) string {
	return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_import_task" "vhd" {
  image_name  = "imported"
  import_from = %q
}
`, from)
}

func TestAccImportExportTasks_roundTripAndExpiry(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	clock := mockserver.NewFakeClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	srv := acctest.Mock(t, mockserver.Options{Now: clock.Now, Delay: 100 * time.Millisecond})
	md5sum := seedVHD(t, srv)
	config := importTask(srv, "images/disk.vhd") + `
resource "cloudimages_image_export_task" "out" {
  image_id                  = cloudimages_image_import_task.vhd.image_id
  receiving_swift_container = "exports"
}

data "cloudimages_task" "import" {
  id = cloudimages_image_import_task.vhd.id
}
`
	sameImport := statecheck.CompareValue(compare.ValuesSame())
	var imageID string

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					sameImport.AddStateValue(importAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("owner"), knownvalue.StringExact(acctest.Producer.TenantID)),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(exportAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue("data.cloudimages_task.import", tfjsonpath.New("type"), knownvalue.StringExact("import")),
					statecheck.CompareValuePairs("data.cloudimages_task.import", tfjsonpath.New("image_id"),
						importAddr, tfjsonpath.New("image_id"), compare.ValuesSame()),
				},
				Check: func(s *terraform.State) error {
					imageID = s.RootModule().Resources[importAddr].Primary.Attributes["image_id"]
					img, ok := srv.Image(imageID)
					if !ok || img.Status != "active" || img.Checksum == nil || *img.Checksum != md5sum {
						return fmt.Errorf("imported image %s: %+v, want active with md5 %s", imageID, img, md5sum)
					}
					if img.Name == nil || *img.Name != "imported" {
						return fmt.Errorf("imported image %s is named %v, want the token's mark removed", imageID, img.Name)
					}
					loc := s.RootModule().Resources[exportAddr].Primary.Attributes["export_location"]
					if loc != "exports/"+imageID+".vhd" {
						return fmt.Errorf("export_location = %q", loc)
					}
					obj, ok := srv.Object(acctest.Producer.TenantID, "exports", imageID+".vhd")
					if !ok || obj.ETag != md5sum {
						return fmt.Errorf("exported object %+v, want the image's bytes (md5 %s)", obj, md5sum)
					}
					return nil
				},
			},
			{
				ResourceName: importAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Two days later the service has forgotten both tasks: the
				// refresh keeps their last state and no new task is planned.
				PreConfig: func() { clock.Advance(49 * time.Hour) },
				Config: importTask(srv, "images/disk.vhd") + `
resource "cloudimages_image_export_task" "out" {
  image_id                  = cloudimages_image_import_task.vhd.image_id
  receiving_swift_container = "exports"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameImport.AddStateValue(importAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
				},
			},
		},
		// Destroying the tasks leaves what they made: the image and the object.
		CheckDestroy: func(*terraform.State) error {
			if _, ok := srv.Image(imageID); !ok {
				return fmt.Errorf("destroying the import task deleted image %s", imageID)
			}
			if _, ok := srv.Object(acctest.Producer.TenantID, "exports", imageID+".vhd"); !ok {
				return fmt.Errorf("destroying the export task deleted the exported object")
			}
			return nil
		},
	})
}

func TestAccImportTask_failureIsTaintedWithTheTasksMessage(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	seedVHD(t, srv)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:      importTask(srv, "no-container-path"),
				PlanOnly:    true,
				ExpectError: acctest.ErrorLike("Invalid object path", "container/object"),
			},
			{
				Config:      importTask(srv, "images/missing.vhd"),
				ExpectError: acctest.ErrorLike("The import task failed", "Image not found for import", "saved in the state as tainted"),
			},
			{
				// The failed task is in the state, tainted: the next apply runs a new one.
				PreConfig: func() {
					if err := srv.PutObject(acctest.Producer.TenantID, "images", "missing.vhd", vhd(t)); err != nil {
						t.Fatal(err)
					}
				},
				Config: importTask(srv, "images/missing.vhd"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(importAddr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
				},
			},
		},
	})
}

func TestAccExportTask_someoneElsesImageFails(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	seedVHD(t, srv)
	theirs := acctest.CreateImageOutOfBand(t, srv, acctest.Consumer, "theirs", acctest.WriteImageFile(t, "d.raw", 512, 3))
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_export_task" "out" {
  image_id                  = %q
  receiving_swift_container = "ex.ports"
}
`, theirs),
				PlanOnly:    true,
				ExpectError: acctest.ErrorLike("Invalid container name"),
			},
			{
				Config: acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_export_task" "out" {
  image_id                  = %q
  receiving_swift_container = "exports"
}
`, theirs),
				ExpectError: acctest.ErrorLike("The export task failed", theirs),
			},
		},
	})
}

func vhd(t *testing.T) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	if err := mockserver.WriteFixedVHD(&buf, 64<<10); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}
