package task_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// A task that the state holds as running, and that finished and expired
// before the next refresh, is settled by what it left: never waited for
// forever, never run a second time while its work is there.

// finishThenExpire waits until every task on the server has finished, then
// moves the clock past their expiry.
func finishThenExpire(t *testing.T, srv *mockserver.Server, clock *mockserver.FakeClock) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		running := 0
		for _, task := range srv.Tasks() {
			if task.Status == "pending" || task.Status == "processing" {
				running++
			}
		}
		if running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d tasks still running after a minute", running)
		}
		time.Sleep(50 * time.Millisecond)
	}
	clock.Advance(49 * time.Hour)
}

func TestAccImportTask_expiredUnseenIsFoundByItsMark(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	clock := mockserver.NewFakeClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	srv := acctest.Mock(t, mockserver.Options{Now: clock.Now, Delay: 4 * time.Second})
	seedVHD(t, srv)
	config := timedImport(srv, "1s")

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config, ExpectNonEmptyPlan: true},
			{
				// The refresh finds the image by its marked name; the plan renames it.
				PreConfig: func() { finishThenExpire(t, srv, clock) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(importAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("image_name"), knownvalue.StringExact("imported")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("image_id"), knownvalue.NotNull()),
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 1), imagesNamed(srv, "imported")),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

func TestAccImportTask_expiredUnseenWithoutImageIsReplaced(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	clock := mockserver.NewFakeClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	srv := acctest.Mock(t, mockserver.Options{Now: clock.Now, Delay: 4 * time.Second})
	seedVHD(t, srv)
	config := timedImport(srv, "1s")

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config, ExpectNonEmptyPlan: true},
			{
				// Its image was deleted meanwhile: the task is recorded as failed
				// and replaced.
				PreConfig: func() {
					finishThenExpire(t, srv, clock)
					for _, img := range srv.Images() {
						if err := srv.DeleteImage(img.ID); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: timedImport(srv, "1m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(importAddr, plancheck.ResourceActionReplace)},
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 2), imagesNamed(srv, "imported")),
			},
		},
	})
}

func TestAccExportTask_expiredUnseenIsFoundByItsObject(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	clock := mockserver.NewFakeClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	srv := acctest.Mock(t, mockserver.Options{Now: clock.Now, Delay: 4 * time.Second})
	seedVHD(t, srv)
	_, imageID := acctest.RunSeedImportTask(t, srv, acctest.Producer, "source", "images/disk.vhd")
	srv.ResetCounters()
	config := acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_export_task" "out" {
  image_id                  = %q
  receiving_swift_container = "exports"
  timeouts {
    create = "1s"
  }
}
`, imageID)

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config, ExpectNonEmptyPlan: true},
			{
				PreConfig: func() { finishThenExpire(t, srv, clock) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(exportAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(exportAddr, tfjsonpath.New("export_location"), knownvalue.StringExact("exports/"+imageID+".vhd")),
				},
				Check: func(s *terraform.State) error { return tasksPosted(srv, 1)(s) },
			},
		},
	})
}
