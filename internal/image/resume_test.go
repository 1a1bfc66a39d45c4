package image_test

import (
	"fmt"
	"regexp"
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

// An apply that stops waiting for the work the server does (here a create
// timeout; a Ctrl-C takes the same path) saves that work in the state; the
// next apply is an in-place update that waits for the same work and
// finishes the create. The work is never started twice, and nothing is left.

const taskCreates = "/image/v2/tasks"

func importBody(timeout string) string {
	return fmt.Sprintf(`  name        = "golden"
  import_from = "images/base.vhd"
  tags        = ["golden"]
  properties = {
    os_distro = "ubuntu"
  }
  timeouts {
    create = %q
  }
`, timeout)
}

// oneImageNamed checks that the server holds exactly one image, named name.
func oneImageNamed(srv *mockserver.Server, name string) func(*terraform.State) error {
	return func(*terraform.State) error {
		imgs := srv.Images()
		if len(imgs) != 1 {
			return fmt.Errorf("%d images on the server, want 1", len(imgs))
		}
		if got := *imgs[0].Name; got != name {
			return fmt.Errorf("the image is named %q, want %q", got, name)
		}
		return nil
	}
}

func tasksPosted(srv *mockserver.Server, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if n := srv.RequestCount("POST", taskCreates); n != want {
			return fmt.Errorf("%d import tasks posted, want %d", n, want)
		}
		return nil
	}
}

func TestAccImage_importResumedAfterCreateTimeout(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: 4 * time.Second})
	acctest.SeedVHD(t, srv, acctest.Producer.TenantID, "images", "base.vhd", 1<<20)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				// The task takes 12 s (4 s per step): the create stops waiting after 1 s,
				// with a warning, and saves the task.
				Config:             imageConfig(srv, importBody("1s")),
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("id"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("import_task_id"), knownvalue.NotNull()),
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 1), func(*terraform.State) error {
					// The task marks the image it makes with the provider's token.
					for _, task := range srv.Tasks() {
						if name := fmt.Sprint(task.Input["image_properties"]); !tokenName("golden").MatchString(name) {
							return fmt.Errorf("the task's image_properties are %s, want the name marked with a token", name)
						}
					}
					return nil
				}),
			},
			{
				Config: imageConfig(srv, importBody("5m")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(imageAddr, tfjsonpath.New("status")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("name"), knownvalue.StringExact("golden")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("properties"),
						knownvalue.MapExact(map[string]knownvalue.Check{"os_distro": knownvalue.StringExact("ubuntu")})),
				},
				Check: resource.ComposeTestCheckFunc(tasksPosted(srv, 1), oneImageNamed(srv, "golden")),
			},
		},
	})
}

// Destroying an image whose import is still running waits for the task and
// deletes the image it made: nothing is left behind.
func TestAccImage_destroyWhileImportingDeletesTheImage(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: 4 * time.Second})
	acctest.SeedVHD(t, srv, acctest.Producer.TenantID, "images", "base.vhd", 1<<20)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{{
			Config:             imageConfig(srv, importBody("1s")),
			ExpectNonEmptyPlan: true,
			Check:              tasksPosted(srv, 1),
		}},
	})
}

// A web-download that the create stopped waiting for is waited for by the
// next apply: the server fetches the data once.
func TestAccImage_webDownloadResumedAfterCreateTimeout(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: 4 * time.Second})
	f := acctest.WriteImageFile(t, "disk.raw", 64<<10, 31)
	data := serveFile(t, f.Path, "")
	body := func(timeout string) string {
		return fmt.Sprintf(`  name             = "fetched"
  source_url       = "%s/disk"
  web_download     = true
  disk_format      = "raw"
  container_format = "bare"
  expected_hash    = "md5:%s"
  timeouts {
    create = %q
  }
`, data.URL, f.MD5, timeout)
	}

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config:             imageConfig(srv, body("1s")),
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("status"), knownvalue.StringRegexp(regexp.MustCompile("^(queued|importing)$"))),
				},
			},
			{
				Config: imageConfig(srv, body("5m")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					hashCheck("checksum", f.MD5),
				},
				Check: func(s *terraform.State) error {
					if n := data.downloads.Load(); n != 1 {
						return fmt.Errorf("the data was fetched %d times, want 1", n)
					}
					return oneImageNamed(srv, "fetched")(s)
				},
			},
		},
	})
}

// A source_url that cannot be read fails before any image exists.
func TestAccImage_unreadableSourceURLCreatesNothing(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	data := serveFile(t, acctest.WriteImageFile(t, "disk.raw", 1<<10, 32).Path, "")

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{{
			Config: imageConfig(srv, fmt.Sprintf(`  name             = "missing"
  source_url       = "%s/missing"
  disk_format      = "raw"
  container_format = "bare"
`, data.URL)),
			ExpectError: acctest.ErrorLike("Cannot read the image data", "404", "No image was created"),
		}},
	})
	if n := srv.RequestCount("POST", "/image/v2/images"); n != 0 {
		t.Errorf("%d image creates for a source that cannot be read, want 0", n)
	}
}

// tokenName matches the name an import task marked by the provider gives
// its image.
func tokenName(name string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(name) + ` \[tf-[0-9a-f]{16}\]`)
}
