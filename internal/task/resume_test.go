package task_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
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

// A task whose wait stops early (here a create timeout; a Ctrl-C cancels
// the same context and takes the same path) is saved with a warning, not
// tainted; the next apply is an in-place update that waits for the same
// task. No task is posted twice, no image or object is made twice.

const tasksRoute = "/image/v2/tasks"

// slowTask is the mock's step delay where a test needs the task still
// running at the next step: a task takes two steps, and a loaded machine
// takes seconds between terraform runs.
const slowTask = 4 * time.Second

// timedImport is an import task of an image named "imported" with its
// create timeout. The mock's tasks take two steps of Delay.
func timedImport(srv *mockserver.Server, timeout string) string {
	return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_import_task" "vhd" {
  image_name  = "imported"
  import_from = "images/disk.vhd"
  timeouts {
    create = %q
  }
}
`, timeout)
}

func tasksPosted(srv *mockserver.Server, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := srv.RequestCount("POST", tasksRoute); n != want {
			return fmt.Errorf("%d tasks posted, want %d", n, want)
		}
		return nil
	}
}

// imagesNamed checks that the producer holds exactly the images named so.
func imagesNamed(srv *mockserver.Server, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, img := range srv.Images() {
			if img.Owner == acctest.Producer.TenantID {
				got = append(got, *img.Name)
			}
		}
		if strings.Join(got, ",") != strings.Join(names, ",") {
			return fmt.Errorf("the producer's images are named %q, want %q", got, names)
		}
		return nil
	}
}

var markedName = regexp.MustCompile(`^imported \[tf-[0-9a-f]{16}\]$`)

func TestAccImportTask_resumedAfterCreateTimeout(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: slowTask})
	seedVHD(t, srv)
	sameTask := statecheck.CompareValue(compare.ValuesSame())
	config := timedImport(srv, "1s")

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				// The task takes 8 s: the create stops waiting after 1 s with
				// a warning (no error, so not tainted) and saves the task.
				Config:             config,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					sameTask.AddStateValue(importAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^(pending|processing)$`))),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("image_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("image_name"), knownvalue.StringExact("imported")),
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 1), func(*terraform.State) error {
					for _, task := range srv.Tasks() {
						props, _ := task.Input["image_properties"].(map[string]any)
						if name, _ := props["name"].(string); !markedName.MatchString(name) {
							return fmt.Errorf("the task names its image %q, want the name marked with a token", name)
						}
					}
					return nil
				}),
			},
			{
				// The same configuration: an in-place update that waits for
				// the same task (the update timeout), then renames the image.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(importAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(importAddr, tfjsonpath.New("status")),
						plancheck.ExpectUnknownValue(importAddr, tfjsonpath.New("image_id")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameTask.AddStateValue(importAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("image_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("image_name"), knownvalue.StringExact("imported")),
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 1), imagesNamed(srv, "imported")),
			},
			{Config: config, PlanOnly: true},
			{
				ResourceName: importAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
		// Destroy forgets the task and leaves its one image, renamed.
		CheckDestroy: func(s *terraform.State) error {
			return resource.ComposeTestCheckFunc(tasksPosted(srv, 1), imagesNamed(srv, "imported"))(s)
		},
	})
}

func TestAccExportTask_resumedAfterCreateTimeout(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: 100 * time.Millisecond})
	seedVHD(t, srv)
	_, imageID := acctest.RunSeedImportTask(t, srv, acctest.Producer, "source", "images/disk.vhd")
	srv.ResetCounters()
	srv.SetDelay(slowTask)
	config := acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_export_task" "out" {
  image_id                  = %q
  receiving_swift_container = "exports"
  timeouts {
    create = "1s"
  }
}
`, imageID)
	sameTask := statecheck.CompareValue(compare.ValuesSame())
	oneObject := func(*terraform.State) error {
		objs := srv.Objects(acctest.Producer.TenantID)
		var exported []string
		for _, o := range objs {
			if o.Container == "exports" {
				exported = append(exported, o.Name)
			}
		}
		if len(exported) != 1 || exported[0] != imageID+".vhd" {
			return fmt.Errorf("exports holds %q, want only %s.vhd", exported, imageID)
		}
		return nil
	}

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:             config,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					sameTask.AddStateValue(exportAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(exportAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile(`^(pending|processing)$`))),
					statecheck.ExpectKnownValue(exportAddr, tfjsonpath.New("export_location"), knownvalue.Null()),
				},
				Check: tasksPosted(srv, 1),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(exportAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(exportAddr, tfjsonpath.New("status")),
						plancheck.ExpectUnknownValue(exportAddr, tfjsonpath.New("export_location")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameTask.AddStateValue(exportAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(exportAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(exportAddr, tfjsonpath.New("export_location"), knownvalue.StringExact("exports/"+imageID+".vhd")),
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 1), oneObject),
			},
			{Config: config, PlanOnly: true},
		},
		CheckDestroy: func(s *terraform.State) error {
			return resource.ComposeTestCheckFunc(tasksPosted(srv, 1), oneObject)(s)
		},
	})
}

// A rename that fails after the import succeeded is a warning: the task and
// its image are saved, the next refresh shows the image's marked name, and
// the next apply renames it in place; nothing is imported again.
func TestAccImportTask_failedRenameIsRetriedInPlace(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: 50 * time.Millisecond})
	seedVHD(t, srv)
	config := timedImport(srv, "5m")
	sameImage := statecheck.CompareValue(compare.ValuesSame())

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(mockserver.Fault{Method: "PATCH", Path: regexp.MustCompile(`^/image/v2/images/`), Status: 403, Times: -1})
				},
				Config:             config,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					sameImage.AddStateValue(importAddr, tfjsonpath.New("image_id")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
				},
				Check: func(s *terraform.State) error {
					if n := srv.RequestCount("PATCH", "/image/v2/images/{image_id}"); n == 0 {
						return fmt.Errorf("no rename was tried")
					}
					img, _ := srv.Image(s.RootModule().Resources[importAddr].Primary.Attributes["image_id"])
					if img.Name == nil || !markedName.MatchString(*img.Name) {
						return fmt.Errorf("the image is named %v, want still the marked name", img.Name)
					}
					return tasksPosted(srv, 1)(s)
				},
			},
			{
				PreConfig: srv.ClearFaults,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(importAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameImage.AddStateValue(importAddr, tfjsonpath.New("image_id")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("image_name"), knownvalue.StringExact("imported")),
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 1), imagesNamed(srv, "imported")),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// A task that an update resumed and that then failed did nothing: the
// update is an error, and the next plan replaces the task with a new one.
func TestAccImportTask_failureAfterResumeIsReplaced(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: slowTask})
	seedVHD(t, srv)
	srv.FailTasks(mockserver.TaskFault{Type: "import", Message: "injected: the store failed"})
	config := timedImport(srv, "1s")

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config, ExpectNonEmptyPlan: true, Check: tasksPosted(srv, 1)},
			{
				Config:      config,
				ExpectError: acctest.ErrorLike("The import task failed", "injected: the store failed", "status failure", "replaces it"),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(importAddr, plancheck.ResourceActionReplace)},
				},
				ExpectNonEmptyPlan: true, // the new task outlasts its 1 s create timeout too
				Check:              tasksPosted(srv, 2),
			},
			{
				Config: timedImport(srv, "1m"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 2), imagesNamed(srv, "imported")),
			},
		},
	})
}

// holdAnswers is an images endpoint in front of the mock that lets a task
// create through, then holds its answer until the client gives up: the task
// exists, but the create timeout runs out before anyone hears of it.
func holdAnswers(t *testing.T, srv *mockserver.Server) string {
	t.Helper()
	target, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != tasksRoute {
			proxy.ServeHTTP(w, r)
			return
		}
		// Let the mock make the task, whatever becomes of the client.
		rec := httptest.NewRecorder()
		proxy.ServeHTTP(rec, r.WithContext(context.WithoutCancel(r.Context())))
		<-r.Context().Done()
	}))
	t.Cleanup(front.Close)
	return front.URL + "/image/v2"
}

// A create timeout that runs out while the task create is in flight: the
// provider looks for the task bearing its token before giving up, finds
// it, saves it and warns; the next apply waits for it. One task, one image.
func TestAccImportTask_createAnswerLateIsFoundByItsToken(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: 200 * time.Millisecond})
	seedVHD(t, srv)
	endpoint := holdAnswers(t, srv)
	config := acctest.ProviderConfig(srv, acctest.Producer, fmt.Sprintf("  endpoint = %q", endpoint)) + `
resource "cloudimages_image_import_task" "vhd" {
  image_name  = "imported"
  import_from = "images/disk.vhd"
  timeouts {
    create = "1s"
  }
}
`
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:             config,
				ExpectNonEmptyPlan: true, // the task finished meanwhile: the rename is planned
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
				},
				Check: tasksPosted(srv, 1),
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("image_name"), knownvalue.StringExact("imported")),
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 1), imagesNamed(srv, "imported")),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// A wait that cannot read the task (here a 403 on every read) after the
// server accepted it leaves the task in the state, not tainted, with a
// warning: the next apply keeps waiting for it. One export, one object.
func TestAccExportTask_unreadableTaskIsNotTainted(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: 100 * time.Millisecond})
	seedVHD(t, srv)
	_, imageID := acctest.RunSeedImportTask(t, srv, acctest.Producer, "source", "images/disk.vhd")
	srv.ResetCounters()
	srv.SetDelay(slowTask)
	config := acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_export_task" "out" {
  image_id                  = %q
  receiving_swift_container = "exports"
}
`, imageID)
	sameTask := statecheck.CompareValue(compare.ValuesSame())

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(mockserver.Fault{Method: "GET", Path: regexp.MustCompile(`^/image/v2/tasks/[^/]+$`), Status: 403, Times: 1})
				},
				Config:             config,
				ExpectNonEmptyPlan: true, // the update that keeps waiting
				ConfigStateChecks: []statecheck.StateCheck{
					sameTask.AddStateValue(exportAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(exportAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				},
				Check: tasksPosted(srv, 1),
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					sameTask.AddStateValue(exportAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(exportAddr, tfjsonpath.New("status"), knownvalue.StringExact("success")),
					statecheck.ExpectKnownValue(exportAddr, tfjsonpath.New("export_location"), knownvalue.StringExact("exports/"+imageID+".vhd")),
				},
				Check: tasksPosted(srv, 1),
			},
		},
	})
}

// A rename whose answer is lost did rename the image: the next refresh reads
// the image, sees its name, and plans nothing.
func TestAccImportTask_renameAnswerLostConverges(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: 50 * time.Millisecond})
	seedVHD(t, srv)
	config := timedImport(srv, "5m")
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(mockserver.Fault{Method: "PATCH", Path: regexp.MustCompile(`^/image/v2/images/`), LoseAnswer: true, Times: -1})
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("image_name"), knownvalue.StringExact("imported")),
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 1), imagesNamed(srv, "imported")),
			},
			{PreConfig: srv.ClearFaults, Config: config, PlanOnly: true},
		},
	})
}
