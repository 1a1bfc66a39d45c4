package image_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// dataServer serves the file at path on loopback as /disk, only to requests
// that carry header (when set), and counts the downloads.
type dataServer struct {
	*httptest.Server
	downloads atomic.Int32
}

func serveFile(t *testing.T, path, header string) *dataServer {
	t.Helper()
	ds := &dataServer{}
	ds.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/disk" {
			http.NotFound(w, r)
			return
		}
		if header != "" && r.Header.Get("Authorization") != header {
			http.Error(w, "who are you?", http.StatusUnauthorized)
			return
		}
		ds.downloads.Add(1)
		http.ServeFile(w, r, path)
	}))
	t.Cleanup(ds.Close)
	return ds
}

func hashCheck(attr, want string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New(attr), knownvalue.StringExact(want))
}

// source_url is streamed through the provider with its headers, checked
// against a sha256 on the way; a new expected_hash is checked against what
// the server holds, and a wrong one fails the plan.
func TestAccImage_sourceURL(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	f := acctest.WriteImageFile(t, "disk.raw", 300<<10, 21)
	data := serveFile(t, f.Path, "Bearer s3cret")
	config := func(expected string) string {
		return imageConfig(srv, fmt.Sprintf(`  name             = "from-url"
  source_url       = "%s/disk"
  source_headers   = { Authorization = "Bearer s3cret" }
  disk_format      = "raw"
  container_format = "bare"
  expected_hash    = %q
`, data.URL, expected))
	}

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: config("sha256:" + f.SHA256),
				ConfigStateChecks: []statecheck.StateCheck{
					hashCheck("status", "active"), hashCheck("checksum", f.MD5), hashCheck("os_hash_value", f.SHA512),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("size"), knownvalue.Int64Exact(f.Size)),
					statecheck.ExpectSensitiveValue(imageAddr, tfjsonpath.New("source_headers")),
				},
				Check: func(*terraform.State) error {
					if n := data.downloads.Load(); n != 1 {
						return fmt.Errorf("source_url downloaded %d times, want 1", n)
					}
					return nil
				},
			},
			{
				// Another algorithm for the same data: checked against the
				// server's hashes, in place, without downloading again.
				Config: config("sha512:" + f.SHA512),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					if n := data.downloads.Load(); n != 1 {
						return fmt.Errorf("source_url downloaded %d times, want 1", n)
					}
					return nil
				},
			},
			{
				Config:      config("md5:" + strings.Repeat("0", 32)),
				ExpectError: acctest.ErrorLike("does not match expected_hash", f.MD5, "Nothing was changed"),
			},
			{
				ResourceName: imageAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: append([]string{"source_url", "source_headers", "expected_hash"}, ignoredOnImport...),
			},
		},
	})
}

// A source whose data does not match expected_hash fails the apply with both
// hashes, and the image with the wrong data is deleted before the error
// returns: nothing can use it, and the next apply creates the image anew.
func TestAccImage_expectedHashMismatchDeletesTheImage(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	f := acctest.WriteImageFile(t, "disk.raw", 64<<10, 22)
	data := serveFile(t, f.Path, "")
	config := func(expected string) string {
		return imageConfig(srv, fmt.Sprintf(`  name             = "checked"
  source_url       = "%s/disk"
  disk_format      = "raw"
  container_format = "bare"
  expected_hash    = %q
`, data.URL, expected))
	}
	wrong := strings.Repeat("ab", 32)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config:      config("sha256:" + wrong),
				ExpectError: acctest.ErrorLike("does not match expected_hash", f.SHA256, wrong, "was deleted"),
			},
			{
				// Nothing is left of the image with the wrong data: the
				// next apply creates the image anew.
				Config: config("sha256:" + f.SHA256),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionCreate)},
				},
				Check: func(*terraform.State) error {
					if n := len(srv.Images()); n != 1 {
						return fmt.Errorf("%d images after the replacement, want 1", n)
					}
					return nil
				},
			},
		},
	})
}

// Every compression format is detected by its first bytes and decompressed
// while streaming, from a file and from a URL; size and hashes are the
// decompressed data's, and an unchanged compressed file plans no change.
func TestAccImage_decompress(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	plain := acctest.WriteImageFile(t, "disk.raw", 256<<10, 23)
	files := map[string]string{
		"gzip": acctest.Compress(t, plain, "gzip", "disk.img"), // names say nothing
		"xz":   acctest.Compress(t, plain, "xz", "disk.xz"),
		"zstd": acctest.Compress(t, plain, "zstd", "disk.raw"),
	}
	bz2, bz2Plain := acctest.WriteBzip2Sample(t, "disk.bz2")
	data := serveFile(t, files["zstd"], "")

	var b strings.Builder
	b.WriteString(acctest.ProviderConfig(srv, acctest.Producer))
	resourceFor := func(name, source, expected string) {
		fmt.Fprintf(&b, `
resource "cloudimages_image" %[1]q {
  name             = %[1]q
  %[2]s
  decompress       = true
  disk_format      = "raw"
  container_format = "bare"
  expected_hash    = %[3]q
}
`, name, source, expected)
	}
	for format, path := range files {
		resourceFor(format, fmt.Sprintf("file = %q", path), "sha256:"+plain.SHA256)
	}
	resourceFor("bzip2", fmt.Sprintf("file = %q", bz2), "md5:"+bz2Plain.MD5)
	resourceFor("url", fmt.Sprintf("source_url = \"%s/disk\"", data.URL), "sha512:"+plain.SHA512)
	config := b.String()

	var checks []statecheck.StateCheck
	for _, name := range []string{"gzip", "xz", "zstd", "url"} {
		addr := "cloudimages_image." + name
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("os_hash_value"), knownvalue.StringExact(plain.SHA512)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("size"), knownvalue.Int64Exact(plain.Size)))
	}
	checks = append(checks, statecheck.ExpectKnownValue("cloudimages_image.bzip2", tfjsonpath.New("checksum"), knownvalue.StringExact(bz2Plain.MD5)))

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: checks},
			{Config: config, PlanOnly: true}, // the decompressed data is what is compared
		},
	})
}

// With web_download the server fetches the URL; md5 and sha512 are checked
// against its hashes, sha256 cannot be and is refused when planning, and a
// failed server-side import fails the apply with the server's reason.
func TestAccImage_webDownload(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	f := acctest.WriteImageFile(t, "disk.raw", 128<<10, 24)
	data := serveFile(t, f.Path, "")
	config := func(url, expected string) string {
		return imageConfig(srv, fmt.Sprintf(`  name             = "fetched"
  source_url       = %q
  web_download     = true
  disk_format      = "raw"
  container_format = "bare"
  expected_hash    = %q
`, url, expected))
	}

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config:      config(data.URL+"/disk", "sha256:"+f.SHA256),
				ExpectError: acctest.ErrorLike("sha256 cannot be checked with web_download"),
			},
			{
				Config:      config(data.URL+"/missing", "md5:"+f.MD5),
				ExpectError: acctest.ErrorLike("web-download import failed", "tainted"),
			},
			{
				Config: config(data.URL+"/disk", "sha512:"+f.SHA512),
				ConfigStateChecks: []statecheck.StateCheck{
					hashCheck("status", "active"), hashCheck("checksum", f.MD5), hashCheck("os_hash_value", f.SHA512),
				},
				Check: func(*terraform.State) error {
					if n := len(srv.Images()); n != 1 {
						return fmt.Errorf("%d images: the failed one was not replaced", n)
					}
					if n := data.downloads.Load(); n != 1 {
						return fmt.Errorf("the server downloaded the data %d times, want 1", n)
					}
					return nil
				},
			},
			{
				Config:      config(data.URL+"/disk", "md5:"+strings.Repeat("1", 32)),
				ExpectError: acctest.ErrorLike("does not match expected_hash", f.MD5),
			},
		},
	})
}

// Where the endpoint offers no web-download (Rackspace), the plan says so.
func TestAccImage_webDownloadNotOffered(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Flavor: "rackspace"})
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: imageConfig(srv, `  name             = "fetched"
  source_url       = "https://example.com/disk.raw"
  web_download     = true
  disk_format      = "raw"
  container_format = "bare"
`),
			PlanOnly:    true,
			ExpectError: acctest.ErrorLike("does not offer web-download", "offers these import methods: none"),
		}},
	})
}

// deactivated is managed state: applied after the upload, undone in place,
// and read back on import.
func TestAccImage_deactivated(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	f := acctest.WriteImageFile(t, "disk.raw", 16<<10, 25)
	config := func(deactivated bool) string {
		return imageConfig(srv, fileBody("switch", f, fmt.Sprintf("  deactivated = %t\n", deactivated)))
	}
	status := func(want string) resource.TestCheckFunc {
		return checkMockImage(srv, func(img mockserver.ImageRecord) error {
			if img.Status != want {
				return fmt.Errorf("status %s, want %s", img.Status, want)
			}
			return nil
		})
	}

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{Config: config(true), Check: status("deactivated"), ConfigStateChecks: []statecheck.StateCheck{hashCheck("status", "deactivated")}},
			{ResourceName: imageAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: ignoredOnImport},
			{
				Config: config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate)},
				},
				Check:             status("active"),
				ConfigStateChecks: []statecheck.StateCheck{hashCheck("status", "active")},
			},
			{Config: config(true), Check: status("deactivated")},
		},
	})
}

// Properties a server adds (read-only in its image schema) never drift and
// never show as custom properties; configuring one is refused when planning.
func TestAccImage_schemaDrivenProperties(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{ExtraReadOnlyProperties: map[string]string{"x_region_stamp": "dfw-2"}})
	config := func(props string) string {
		return imageConfig(srv, fmt.Sprintf(`  name       = "stamped"
  properties = { %s }
`, props)) + `
data "cloudimages_image" "it" {
  id = cloudimages_image.test.id
}
`
	}

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: config(`purpose = "ci", os_distro = "debian"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.cloudimages_image.it", tfjsonpath.New("properties"),
						knownvalue.MapExact(map[string]knownvalue.Check{
							"purpose": knownvalue.StringExact("ci"), "os_distro": knownvalue.StringExact("debian"),
						})),
				},
			},
			{Config: config(`purpose = "ci", os_distro = "debian"`), PlanOnly: true},
			{
				Config:      config(`purpose = "ci", x_region_stamp = "mine"`),
				ExpectError: acctest.ErrorLike("x_region_stamp", "read-only attribute of the image in this server's image schema"),
			},
		},
	})
}

// An image made with import_from and then imported into the state adopts
// import_from from the configuration in place: it is not replaced.
func TestAccImage_importedImportFromIsNotReplaced(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	acctest.SeedVHD(t, srv, acctest.Producer.TenantID, "images", "base.vhd", 1<<20)
	_, id := acctest.RunSeedImportTask(t, srv, acctest.Producer, "base", "images/base.vhd")
	config := imageConfig(srv, `  name        = "base"
  import_from = "images/base.vhd"
`) + fmt.Sprintf(`
import {
  to = cloudimages_image.test
  id = %q
}
`, id)

	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
				statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("import_from"), knownvalue.StringExact("images/base.vhd")),
			},
		}},
	})
}

// Arguments that cannot work together are refused when planning, each on
// the argument to change.
func TestAccImage_sourceArgumentsRefusedWhenPlanning(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	f := acctest.WriteImageFile(t, "disk.raw", 1024, 26)
	url := `  source_url = "https://example.com/disk.raw"
  disk_format = "raw"
  container_format = "bare"
`
	cases := []struct {
		body string
		want []string
	}{
		{url + "  web_download = true\n  decompress = true\n", []string{"decompress is not possible with web_download"}},
		{url + "  web_download = true\n  source_headers = { A = \"b\" }\n", []string{"source_headers are not possible with web_download"}},
		{"  import_from = \"c/o.vhd\"\n  expected_hash = \"sha256:" + strings.Repeat("a", 64) + "\"\n", []string{"sha256 cannot be checked with import_from"}},
		{"  import_from = \"c/o.vhd\"\n  decompress = true\n", []string{"decompress is not possible with import_from"}},
		{"  expected_hash = \"md5:" + strings.Repeat("a", 32) + "\"\n", []string{"expected_hash needs image data"}},
		{"  deactivated = true\n", []string{"Only an image with data can be deactivated"}},
		{"  source_headers = { A = \"b\" }\n", []string{"source_url"}},
		{"  web_download = true\n", []string{"web_download needs source_url"}},
		// source_url is stored in the state: a password there is refused.
		{"  source_url = \"https://user:pa55@example.com/x\"\n  disk_format = \"raw\"\n  container_format = \"bare\"\n", []string{"Credentials in source_url", "source_headers_wo"}},
		// The message shows an image URL, not an identity one.
		{"  source_url = \"ftp://example.com/x\"\n  disk_format = \"raw\"\n  container_format = \"bare\"\n", []string{"http or https URL", "debian-13-generic-amd64.raw"}},
		{fmt.Sprintf("  source_url = \"https://example.com/x\"\n  file = %q\n  disk_format = \"raw\"\n  container_format = \"bare\"\n", f.Path), []string{"cannot be specified when"}},
		{"  source_url = \"https://example.com/x\"\n", []string{"Missing disk_format"}},
		{fmt.Sprintf("  file = %q\n  disk_format = \"raw\"\n  container_format = \"bare\"\n  expected_hash = \"sha1:abc\"\n", f.Path), []string{"md5:<hex>, sha256:<hex> or sha512:<hex>"}},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      imageConfig(srv, "  name = \"bad\"\n"+c.body),
			PlanOnly:    true,
			ExpectError: acctest.ErrorLike(c.want...),
		})
	}
	acctest.Test(t, resource.TestCase{Steps: steps})
	if n := len(srv.Images()); n != 0 {
		t.Fatalf("%d images created by plans that should have failed", n)
	}
}

// source_headers_wo carries the download's token without ever storing it
// (write-only, Terraform 1.11+); bumping source_headers_wo_version fetches
// the data again.
func TestAccImage_writeOnlySourceHeaders(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	f := acctest.WriteImageFile(t, "disk.raw", 32<<10, 27)
	data := serveFile(t, f.Path, "Bearer s3cret-token")
	config := func(version int) string {
		return imageConfig(srv, fmt.Sprintf(`  name                      = "private-source"
  source_url                = "%s/disk"
  source_headers_wo         = { Authorization = "Bearer s3cret-token" }
  source_headers_wo_version = %d
  disk_format               = "raw"
  container_format          = "bare"
`, data.URL, version))
	}
	noSecretInState := func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				if strings.Contains(v, "s3cret") {
					return fmt.Errorf("the state holds the token in %s", k)
				}
			}
		}
		return nil
	}

	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:           acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: config(1),
				ConfigStateChecks: []statecheck.StateCheck{
					hashCheck("checksum", f.MD5),
					statecheck.ExpectKnownValue(imageAddr, tfjsonpath.New("source_headers_wo"), knownvalue.Null()),
				},
				Check: noSecretInState,
			},
			{
				Config: config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(s *terraform.State) error {
					if n := data.downloads.Load(); n != 2 {
						return fmt.Errorf("%d downloads, want 2 (one per version)", n)
					}
					return noSecretInState(s)
				},
			},
		},
	})
}
