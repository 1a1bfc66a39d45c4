package image_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
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

// copyConfig copies the image source (in ORD) into DFW (the provider's
// region) with what it carries over, and into IAD with tags of its own.
func copyConfig(srv *mockserver.Server, source string) string {
	return acctest.ProviderConfig(srv, acctest.Producer, `  region = "DFW"`) + fmt.Sprintf(`
resource "cloudimages_image" "here" {
  name      = "golden copy"
  copy_from = { image_id = %[1]q, region = "ORD" }
}

resource "cloudimages_image" "iad" {
  name      = "golden copy"
  region    = "IAD"
  copy_from = { image_id = %[1]q, region = "ORD" }
  tags      = ["iad"]
}
`, source)
}

// A copy between regions has the source's data (the same hashes on both
// servers) and carries its formats, tags and properties over unless set;
// it plans clean afterwards, imports, is made again when deleted behind
// Terraform's back, and a source that does not exist or is not active is
// refused when planning, on copy_from.
func TestAccImage_copyFromAnotherRegion(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Regions: threeRegions})
	ord := srv.InRegion("ORD")
	file := acctest.WriteImageFile(t, "golden.raw", 3<<20+17, 7)
	source := acctest.CreateSeedImage(t, ord, acctest.Producer, acctest.SeedImage{
		Name: "golden", Tags: []string{"golden", "v1"}, Properties: map[string]string{"os_distro": "debian"}, File: &file,
	})
	queued := acctest.CreateSeedImage(t, ord, acctest.Producer, acctest.SeedImage{Name: "no data"})

	hashes := func(addr string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("checksum"), knownvalue.StringExact(file.MD5)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("os_hash_value"), knownvalue.StringExact(file.SHA512)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("size"), knownvalue.Int64Exact(file.Size)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("disk_format"), knownvalue.StringExact("raw")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
		}
	}
	var iadID string
	acctest.Test(t, resource.TestCase{
		CheckDestroy: onlyImagesLeft(srv, source, queued),
		Steps: []resource.TestStep{
			{
				Config: copyConfig(srv, source),
				ConfigStateChecks: append(append(hashes("cloudimages_image.here"), hashes("cloudimages_image.iad")...),
					statecheck.ExpectKnownValue("cloudimages_image.here", tfjsonpath.New("tags"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("golden"), knownvalue.StringExact("v1")})),
					statecheck.ExpectKnownValue("cloudimages_image.iad", tfjsonpath.New("tags"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("iad")})),
					statecheck.ExpectKnownValue("cloudimages_image.here", tfjsonpath.New("region"), knownvalue.StringExact("DFW")),
				),
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						iadID = s.RootModule().Resources["cloudimages_image.iad"].Primary.ID
						return nil
					},
					copiedProperty(srv, "DFW", "cloudimages_image.here", "os_distro", "debian"),
					copiedProperty(srv, "IAD", "cloudimages_image.iad", "os_distro", "debian"),
				),
			},
			{
				Config:            copyConfig(srv, source),
				ResourceName:      "cloudimages_image.iad",
				ImportState:       true,
				ImportStateIdFunc: importIDInRegion("cloudimages_image.iad", "IAD"),
				ImportStateVerify: true,
				// Arguments the API does not return, as in the other import tests; an
				// import reads the copied properties, which the copy does not manage.
				ImportStateVerifyIgnore: []string{"timeouts", "verify_checksum", "decompress", "web_download", "updated_at", "copy_from", "properties"},
			},
			{
				// Deleted behind Terraform's back: made again from the source.
				PreConfig: func() {
					if err := srv.InRegion("IAD").DeleteImage(iadID); err != nil {
						t.Fatal(err)
					}
				},
				Config: copyConfig(srv, source),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cloudimages_image.iad", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("cloudimages_image.here", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: hashes("cloudimages_image.iad"),
			},
			{
				Config:      copyConfig(srv, queued),
				PlanOnly:    true,
				ExpectError: acctest.ErrorLike("The image to copy is not active", queued, "ORD", "queued"),
			},
			{
				Config:      copyConfig(srv, "0e1d7a9e-5b56-4c0a-9a55-0a1e7ac3e0f1"),
				PlanOnly:    true,
				ExpectError: acctest.ErrorLike("Image to copy not found", "Region ORD has no image"),
			},
		},
	})
}

// The usual layout: the golden image and its copies in one configuration,
// the copies' source unknown until the golden image exists. One apply makes
// them all, and the next plan is empty.
func TestAccImage_copyFromUnknownSource(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Regions: threeRegions})
	file := acctest.WriteImageFile(t, "golden.raw", 1<<20, 9)
	config := acctest.ProviderConfig(srv, acctest.Producer, `  region = "DFW"`) + fmt.Sprintf(`
resource "cloudimages_image" "golden" {
  name             = "golden"
  file             = %q
  disk_format      = "qcow2"
  container_format = "bare"
  min_disk         = 10
  tags             = ["golden"]
}

# count, not for_each: the test framework's state checks cannot address
# string keys (the guide's example uses for_each).
resource "cloudimages_image" "copy" {
  count     = 2
  name      = "golden"
  region    = ["ORD", "IAD"][count.index]
  copy_from = { image_id = cloudimages_image.golden.id, region = cloudimages_image.golden.region }
}
`, file.Path)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("cloudimages_image.copy[0]", tfjsonpath.New("checksum"), knownvalue.StringExact(file.MD5)),
				statecheck.ExpectKnownValue("cloudimages_image.copy[1]", tfjsonpath.New("checksum"), knownvalue.StringExact(file.MD5)),
				statecheck.ExpectKnownValue("cloudimages_image.copy[1]", tfjsonpath.New("disk_format"), knownvalue.StringExact("qcow2")),
				statecheck.ExpectKnownValue("cloudimages_image.copy[1]", tfjsonpath.New("min_disk"), knownvalue.Int64Exact(10)),
				statecheck.ExpectKnownValue("cloudimages_image.copy[0]", tfjsonpath.New("tags"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("golden")})),
			},
		}},
	})
}

// copiedProperty checks that the image at addr, in region, has the property
// on the server (a copied property is not managed, so the state has none).
func copiedProperty(srv *mockserver.Server, inRegion, addr, key, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		img, ok := srv.InRegion(inRegion).Image(rs.Primary.ID)
		if !ok {
			return fmt.Errorf("%s: no image %s in %s", addr, rs.Primary.ID, inRegion)
		}
		if got := img.Properties[key]; got != want {
			return fmt.Errorf("%s: property %s = %q, want %q (copied from the source)", addr, key, got, want)
		}
		return nil
	}
}

// onlyImagesLeft is a CheckDestroy: of the producer's images in any region,
// only those given (made outside Terraform) are left.
func onlyImagesLeft(srv *mockserver.Server, keep ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, name := range srv.Regions() {
			for _, img := range srv.InRegion(name).Images() {
				if img.Owner == acctest.Producer.TenantID && !slices.Contains(keep, img.ID) {
					return fmt.Errorf("image %s left in %s after destroy", img.ID, name)
				}
			}
		}
		return nil
	}
}

// On Rackspace the Images API serves no image data, so a copy goes through
// the object stores: an export in the source's region, the object streamed
// to the copy's region, an import there. A copy that fails half-way goes on
// from where it stopped on the next apply (the export is not run again), the
// copy has the source's data and metadata, and no object is left behind.
func TestAccImage_copyThroughTheObjectStores(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Flavor: "rackspace", Regions: threeRegions})
	ord, dfw := srv.InRegion("ORD"), srv.InRegion("DFW")
	tenant := acctest.Producer.TenantID
	source := rackspaceSource(t, ord, 2<<20)
	if err := ord.UpdateImage(source, func(img *mockserver.ImageRecord) {
		img.Tags = []string{"golden"}
		img.Properties = map[string]string{"os_distro": "debian"}
	}); err != nil {
		t.Fatal(err)
	}
	src, _ := ord.Image(source)
	config := acctest.ProviderConfig(srv, acctest.Producer, `  region = "DFW"`) + fmt.Sprintf(`
resource "cloudimages_image" "copy" {
  name      = "golden copy"
  copy_from = { image_id = %q, region = "ORD" }
}
`, source)
	noCopyObjects := func(*terraform.State) error {
		for _, name := range srv.Regions() {
			for _, o := range srv.InRegion(name).Objects(tenant) {
				if strings.HasPrefix(o.Container, "cloudimages-copies") {
					return fmt.Errorf("%s/%s left in the object store of %s", o.Container, o.Name, name)
				}
			}
		}
		return nil
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: resource.ComposeTestCheckFunc(onlyImagesLeft(srv, source), noCopyObjects),
		Steps: []resource.TestStep{
			{
				// The copy's region refuses the object: the apply fails after the export.
				PreConfig: func() {
					srv.InjectFault(mockserver.Fault{Method: "PUT", Path: regexp.MustCompile(`^/DFW/object/v1/[^/]+/cloudimages-copies-dfw/.`), Status: 413})
				},
				Config:      config,
				ExpectError: acctest.ErrorLike("copy_from", "413", "No image was created", "next apply"),
			},
			{
				// The copy's region refuses the import task: the apply fails after the
				// object was copied.
				PreConfig: func() {
					srv.ClearFaults()
					srv.InjectFault(mockserver.Fault{Method: "POST", Path: regexp.MustCompile(`^/DFW/image/v2/tasks$`), Status: 403})
				},
				Config:      config,
				ExpectError: acctest.ErrorLike("copy_from", "403"),
			},
			{
				PreConfig: srv.ClearFaults,
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("cloudimages_image.copy", tfjsonpath.New("checksum"), knownvalue.StringExact(*src.Checksum)),
					statecheck.ExpectKnownValue("cloudimages_image.copy", tfjsonpath.New("os_hash_value"), knownvalue.StringExact(*src.OSHashValue)),
					statecheck.ExpectKnownValue("cloudimages_image.copy", tfjsonpath.New("disk_format"), knownvalue.StringExact("vhd")),
					statecheck.ExpectKnownValue("cloudimages_image.copy", tfjsonpath.New("name"), knownvalue.StringExact("golden copy")),
					statecheck.ExpectKnownValue("cloudimages_image.copy", tfjsonpath.New("tags"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("golden")})),
				},
				Check: resource.ComposeTestCheckFunc(
					copiedProperty(srv, "DFW", "cloudimages_image.copy", "os_distro", "debian"),
					noCopyObjects,
					func(*terraform.State) error {
						if n := tasksOf(ord, "export"); n != 1 {
							return fmt.Errorf("%d export tasks in ORD, want 1: the second apply exported again", n)
						}
						if n := tasksOf(dfw, "import"); n != 1 {
							return fmt.Errorf("%d import tasks in DFW, want 1", n)
						}
						// One refused by the fault, one stored: the last apply found it.
						if n := srv.RequestCount("PUT", "/object/v1/{account}/{container}/{object...}"); n != 2 {
							return fmt.Errorf("%d object PUTs, want 2: the last apply copied the object again", n)
						}
						return nil
					},
				),
			},
		},
	})
}

// A copy whose apply stops waiting for the export (a create timeout; a Ctrl-C
// takes the same path) is picked up by the next apply, which waits for that
// same export instead of starting another.
func TestAccImage_copyAdoptsTheRunningExport(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Flavor: "rackspace", Regions: threeRegions})
	ord := srv.InRegion("ORD")
	source := rackspaceSource(t, ord, 1<<20)
	config := func(timeout string) string {
		return acctest.ProviderConfig(srv, acctest.Producer, `  region = "DFW"`) + fmt.Sprintf(`
resource "cloudimages_image" "copy" {
  name      = "golden copy"
  copy_from = { image_id = %q, region = "ORD" }
  timeouts {
    create = %q
  }
}
`, source, timeout)
	}
	exports := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if n := tasksOf(ord, "export"); n != want {
				return fmt.Errorf("%d export tasks in ORD, want %d", n, want)
			}
			return nil
		}
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: onlyImagesLeft(srv, source),
		Steps: []resource.TestStep{
			{
				// Each step of a task takes 2 s from here on: the export is still
				// running when the next apply starts.
				PreConfig:   func() { srv.SetDelay(2 * time.Second) },
				Config:      config("1s"),
				ExpectError: regexp.MustCompile(`export image ` + source),
			},
			{
				Config: config("2m"),
				Check:  resource.ComposeTestCheckFunc(exports(1), resource.TestCheckResourceAttrSet("cloudimages_image.copy", "checksum")),
			},
		},
	})
}

// tasksOf counts the tasks of type typ in the region v.
func tasksOf(v *mockserver.Server, typ string) int {
	n := 0
	for _, task := range v.Tasks() {
		if task.Type == typ {
			n++
		}
	}
	return n
}

// The guide's layout on Rackspace: one source copied to several regions in
// one apply. Each copy has its own export and objects (a container per
// copy's region), so none waits on, fails on or deletes another's: one
// apply makes them all, with one export each and nothing left.
func TestAccImage_copiesOfOneSourceAtOnce(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Flavor: "rackspace", Regions: threeRegions})
	ord := srv.InRegion("ORD")
	source := rackspaceSource(t, ord, 1<<20)
	src, _ := ord.Image(source)
	config := acctest.ProviderConfig(srv, acctest.Producer, `  region = "ORD"`) + fmt.Sprintf(`
resource "cloudimages_image" "copy" {
  count     = 2
  name      = "golden"
  region    = ["DFW", "IAD"][count.index]
  copy_from = { image_id = %q, region = "ORD" }
}
`, source)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: onlyImagesLeft(srv, source),
		Steps: []resource.TestStep{{
			// Both exports start together, as Terraform runs the copies in parallel.
			PreConfig: func() {
				srv.InjectFault(mockserver.Fault{Method: "POST", Path: regexp.MustCompile(`^/ORD/image/v2/tasks$`), Latency: time.Second, Times: 2})
			},
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("cloudimages_image.copy[0]", tfjsonpath.New("checksum"), knownvalue.StringExact(*src.Checksum)),
				statecheck.ExpectKnownValue("cloudimages_image.copy[1]", tfjsonpath.New("checksum"), knownvalue.StringExact(*src.Checksum)),
			},
			Check: func(*terraform.State) error {
				if n := tasksOf(ord, "export"); n != 2 {
					return fmt.Errorf("%d export tasks in ORD, want one per copy", n)
				}
				for _, name := range srv.Regions() {
					for _, o := range srv.InRegion(name).Objects(acctest.Producer.TenantID) {
						if strings.HasPrefix(o.Container, "cloudimages-copies") {
							return fmt.Errorf("%s/%s left in %s", o.Container, o.Name, name)
						}
					}
				}
				return nil
			},
		}},
	})
}

// rackspaceSource is an image to copy on a Rackspace mock, in the region v:
// the producer's, imported from a VHD of size bytes, as Rackspace makes them.
func rackspaceSource(t *testing.T, v *mockserver.Server, size int64) string {
	t.Helper()
	acctest.SeedVHD(t, v, acctest.Producer.TenantID, "uploads", "golden.vhd", size)
	_, id := acctest.RunSeedImportTask(t, v, acctest.Producer, "golden", "uploads/golden.vhd")
	return id
}
