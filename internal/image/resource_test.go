package image_test

import (
	"fmt"
	"regexp"
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

const imageAddr = "cloudimages_image.test"

// imageConfig is a provider block plus one image with the given body.
func imageConfig(srv *mockserver.Server, body string) string {
	return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image" "test" {
%s
}
`, body)
}

func fileBody(name string, f acctest.ImageFile, extra string) string {
	return fmt.Sprintf(`  name             = %q
  file             = %q
  disk_format      = "raw"
  container_format = "bare"
%s`, name, f.Path, extra)
}

// ignoredOnImport are the arguments the API cannot tell: where the data
// came from, how long to wait, whether to verify.
var ignoredOnImport = []string{"file", "timeouts"}

func TestAccImage_lifecycle(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{Delay: 300 * time.Millisecond})
	file := acctest.WriteImageFile(t, "disk.raw", 3<<20+17, 1)
	sameID := statecheck.CompareValue(compare.ValuesSame())

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: imageConfig(srv, fileBody("web", file, `
  min_disk   = 10
  tags       = ["base", "linux"]
  properties = { os_distro = "debian" }`)),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(imageAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("checksum"), knownvalue.StringExact(file.MD5)),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("os_hash_algo"), knownvalue.StringExact("sha512")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("os_hash_value"), knownvalue.StringExact(file.SHA512)),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("size"), knownvalue.Int64Exact(file.Size)),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("visibility"), knownvalue.StringExact("private")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("owner"), knownvalue.StringExact(acctest.Producer.TenantID)),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("tags"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("base"), knownvalue.StringExact("linux")})),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("properties"),
						knownvalue.MapExact(map[string]knownvalue.Check{"os_distro": knownvalue.StringExact("debian")})),
				},
				Check: checkMockImage(srv, func(img mockserver.ImageRecord) error {
					if img.Size == nil || *img.Size != file.Size {
						return fmt.Errorf("mock holds %v bytes, want %d", img.Size, file.Size)
					}
					return nil
				}),
			},
			{
				ResourceName:            imageAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: ignoredOnImport,
			},
			{
				// Metadata changes are one in-place PATCH; the id survives.
				Config: imageConfig(srv, fileBody("web-2", file, `
  min_disk   = 20
  min_ram    = 512
  visibility = "shared"
  tags       = ["base"]
  properties = { os_distro = "debian", os_version = "13" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(imageAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("name"), knownvalue.StringExact("web-2")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("visibility"), knownvalue.StringExact("shared")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("min_ram"), knownvalue.Int64Exact(512)),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("tags"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("base")})),
				},
				Check: checkMockImage(srv, func(img mockserver.ImageRecord) error {
					if img.Properties["os_version"] != "13" || img.MinDisk != 20 {
						return fmt.Errorf("mock image not updated: %+v", img)
					}
					return nil
				}),
			},
			{
				// Removing a managed property removes it on the server.
				Config: imageConfig(srv, fileBody("web-2", file, `
  min_disk   = 20
  min_ram    = 512
  visibility = "shared"
  tags       = ["base"]
  properties = { os_distro = "debian" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate)},
				},
				Check: checkMockImage(srv, func(img mockserver.ImageRecord) error {
					if _, ok := img.Properties["os_version"]; ok {
						return fmt.Errorf("os_version still set on the server: %v", img.Properties)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccImage_fileContentReplacesPathDoesNot(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{})
	first := acctest.WriteImageFile(t, "a.raw", 64<<10, 2)
	renamed := acctest.CopyImageFile(t, first, "renamed.raw")
	second := acctest.WriteImageFile(t, "b.raw", 64<<10, 3)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	sameUpdatedAt := statecheck.CompareValue(compare.ValuesSame())

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: imageConfig(srv, fileBody("data", first, "")),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(imageAddr, tfjsonpath.New("id")),
					newID.AddStateValue(imageAddr, tfjsonpath.New("id")),
					sameUpdatedAt.AddStateValue(imageAddr, tfjsonpath.New("updated_at")),
				},
			},
			{
				// Same bytes at another path: an in-place change of `file` only,
				// which sends the server nothing, so updated_at stays known.
				Config: imageConfig(srv, fileBody("data", renamed, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(imageAddr, tfjsonpath.New("updated_at"), knownvalue.NotNull()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(imageAddr, tfjsonpath.New("id")),
					sameUpdatedAt.AddStateValue(imageAddr, tfjsonpath.New("updated_at")),
				},
			},
			{
				// New bytes: replaced, and the plan says the hash forces it.
				Config: imageConfig(srv, fileBody("data", second, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionReplace),
						plancheck.ExpectUnknownValue(imageAddr, tfjsonpath.New("os_hash_value")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(imageAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("os_hash_value"), knownvalue.StringExact(second.SHA512)),
				},
				Check: func(*terraform.State) error {
					if n := len(srv.Images()); n != 1 {
						return fmt.Errorf("the old image was not deleted: %d images", n)
					}
					return nil
				},
			},
		},
	})
}

func TestAccImage_driftDeletedBehindTerraformsBack(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	file := acctest.WriteImageFile(t, "disk.raw", 4096, 4)
	config := imageConfig(srv, fileBody("drift", file, `  properties = { purpose = "ci" }`))
	var id string

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{Config: config, Check: captureID(&id)},
			{
				// A managed property changed elsewhere is set back in place;
				// a property the server added is left alone.
				PreConfig: func() {
					mustUpdate(t, srv, id, func(img *mockserver.ImageRecord) {
						img.Properties["purpose"] = "changed"
						img.Properties["added_by_server"] = "x"
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate)},
				},
				Check: checkMockImage(srv, func(img mockserver.ImageRecord) error {
					if img.Properties["purpose"] != "ci" || img.Properties["added_by_server"] != "x" {
						return fmt.Errorf("properties after apply: %v", img.Properties)
					}
					return nil
				}),
			},
			{
				// Deactivated elsewhere: shown as drift and reactivated in
				// place, not replaced.
				PreConfig: func() {
					mustUpdate(t, srv, id, func(img *mockserver.ImageRecord) { img.Status = "deactivated" })
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(imageAddr, tfjsonpath.New("deactivated"), knownvalue.Bool(false)),
					},
				},
				Check: checkMockImage(srv, func(img mockserver.ImageRecord) error {
					if img.Status != "active" {
						return fmt.Errorf("status after apply: %s, want active", img.Status)
					}
					return nil
				}),
			},
			{
				// Deleted behind Terraform's back: the plan creates it again.
				PreConfig: func() {
					if err := srv.DeleteImage(id); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionCreate)},
				},
				Check: func(s *terraform.State) error {
					if s.RootModule().Resources[imageAddr].Primary.ID == id {
						return fmt.Errorf("image %s was not recreated", id)
					}
					return nil
				},
			},
		},
	})
}

func TestAccImage_protectedDeleteExplainsWhatToDo(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{})
	protected := imageConfig(srv, `  name = "keep"
  protected = true`)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: protected,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("status"), knownvalue.StringExact("queued")),
				},
			},
			{Config: protected, Destroy: true, ExpectError: acctest.ErrorLike("protected", "Set protected = false")},
			{Config: imageConfig(srv, `  name = "keep"
  protected = false`)},
		},
	})
}

func TestAccImage_failedUploadLeavesTaintedResource(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	file := acctest.WriteImageFile(t, "disk.raw", 8192, 5)
	config := imageConfig(srv, fileBody("tainted", file, ""))
	var firstID string

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(mockserver.Fault{
						Method: "PUT", Path: regexp.MustCompile(`/file$`), Status: 413, Times: 1,
					})
				},
				Config:      config,
				ExpectError: acctest.ErrorLike("Cannot upload", "413", "saved in the state as tainted"),
			},
			{
				// The image exists and Terraform knows it: the next apply
				// replaces it rather than orphaning it.
				PreConfig: func() {
					imgs := srv.Images()
					if len(imgs) != 1 {
						t.Fatalf("want the one image of the failed create, have %d", len(imgs))
					}
					firstID = imgs[0].ID
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionReplace)},
				},
				Check: func(*terraform.State) error {
					if _, ok := srv.Image(firstID); ok {
						return fmt.Errorf("tainted image %s was not deleted", firstID)
					}
					return nil
				},
			},
		},
	})
}

func TestAccImage_importExistingWithoutReplacement(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	file := acctest.WriteImageFile(t, "disk.raw", 20000, 6)
	id := acctest.CreateImageOutOfBand(t, srv, acctest.Producer, "outside", file)
	config := imageConfig(srv, fileBody("outside", file, ""))

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       imageAddr,
				ImportState:        true,
				ImportStateId:      id,
				ImportStatePersist: true,
			},
			{
				// `file` is absent from the imported state, and its bytes are
				// the image's: no replacement.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
				},
			},
			{
				ResourceName:  imageAddr,
				ImportState:   true,
				ImportStateId: "not-a-uuid",
				ExpectError:   acctest.ErrorLike("Expected the image's UUID"),
			},
		},
	})
}

func TestAccImage_invalidArguments(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{})
	file := acctest.WriteImageFile(t, "disk.raw", 10, 7)
	cases := map[string]struct {
		body string
		want []string
	}{
		"disk format":         {`name = "x"` + "\n" + `disk_format = "floppy"`, []string{"disk_format", "value must be one of"}},
		"visibility":          {`name = "x"` + "\n" + `visibility = "everyone"`, []string{"visibility", "value must be one of"}},
		"negative min_disk":   {`name = "x"` + "\n" + `min_disk = -1`, []string{"min_disk", "at least 0"}},
		"file without format": {fmt.Sprintf("name = \"x\"\nfile = %q", file.Path), []string{"Missing", "_format", "needs"}},
		"reserved property":   {`name = "x"` + "\n" + `properties = { os_glance_x = "1" }`, []string{"Property key not allowed", "reserved"}},
		"rackspace property":  {`name = "x"` + "\n" + `properties = { "com.rackspace__1__x" = "1" }`, []string{"com.rackspace are set by Rackspace"}},
		"base attribute":      {`name = "x"` + "\n" + `properties = { status = "active" }`, []string{"attribute of the image"}},
		"empty name":          {`name = ""`, []string{"name", "length must be between 1 and 255"}},
		"file and import_from": {fmt.Sprintf("name = \"x\"\nfile = %q\ndisk_format = \"raw\"\ncontainer_format = \"bare\"\nimport_from = \"c/o\"", file.Path),
			[]string{"Invalid Attribute Combination", "file"}},
		"import_from and format": {`name = "x"` + "\n" + `import_from = "c/o"` + "\n" + `disk_format = "vhd"`,
			[]string{"disk_format is set by the import", `import_from_format = "vhd"`}},
		"format without import_from": {`name = "x"` + "\n" + `import_from_format = "vhd"`, []string{"Invalid Attribute Combination", "import_from"}},
		"import_from path":           {`name = "x"` + "\n" + `import_from = "nocontainer"`, []string{"Invalid object path"}},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config: imageConfig(srv, tc.body), PlanOnly: true, ExpectError: acctest.ErrorLike(tc.want...),
		})
	}
	acctest.Test(t, resource.TestCase{Steps: steps})
	if n := len(srv.Images()); n != 0 {
		t.Fatalf("invalid configurations created %d images", n)
	}
}

func captureID(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*id = s.RootModule().Resources[imageAddr].Primary.ID
		return nil
	}
}

func mustUpdate(t *testing.T, srv *mockserver.Server, id string, fn func(*mockserver.ImageRecord)) {
	t.Helper()
	if err := srv.UpdateImage(id, fn); err != nil {
		t.Fatal(err)
	}
}

// checkMockImage runs check on the mock's record of the image in state.
func checkMockImage(srv *mockserver.Server, check func(mockserver.ImageRecord) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if acctest.Live() {
			return nil
		}
		id := s.RootModule().Resources[imageAddr].Primary.ID
		img, ok := srv.Image(id)
		if !ok {
			return fmt.Errorf("image %s not found in the mock", id)
		}
		return check(img)
	}
}
