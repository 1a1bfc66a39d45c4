package image_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// tickingClock advances one second at every reading, so that images created
// one after the other have distinct created_at (the API has second precision).
func tickingClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

func TestAccImageDataSources_filters(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{Now: tickingClock()})
	small := acctest.WriteImageFile(t, "small.raw", 1000, 8)
	images := acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image" "old" {
  name             = "app"
  file             = %[1]q
  disk_format      = "raw"
  container_format = "bare"
  tags             = ["web"]
  properties       = { tier = "gold" }
}

resource "cloudimages_image" "new" {
  name             = "app"
  file             = %[1]q
  disk_format      = "raw"
  container_format = "bare"
  tags             = ["web", "v2"]
  properties       = { tier = "gold" }
  depends_on       = [cloudimages_image.old]
}

resource "cloudimages_image" "db" {
  name       = "db"
  properties = { tier = "silver" }
  depends_on = [cloudimages_image.new]
}
`, small.Path)
	lookups := images + `
data "cloudimages_image" "by_id" {
  id = cloudimages_image.db.id
}

data "cloudimages_image" "newest" {
  name        = "app"
  most_recent = true
  depends_on  = [cloudimages_image.db]
}

data "cloudimages_image" "regex" {
  name_regex = "^d"
  depends_on = [cloudimages_image.db]
}

data "cloudimages_image" "by_property" {
  properties = { tier = "silver" }
  depends_on = [cloudimages_image.db]
}

data "cloudimages_images" "web" {
  tags       = ["web"]
  depends_on = [cloudimages_image.db]
}

data "cloudimages_images" "with_data" {
  size_min   = 1
  size_max   = 1000
  depends_on = [cloudimages_image.db]
}

data "cloudimages_images" "none" {
  name       = "nothing-has-this-name"
  depends_on = [cloudimages_image.db]
}
`
	sameDB := statecheck.CompareValue(compare.ValuesSame())
	sameNew := statecheck.CompareValue(compare.ValuesSame())

	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: lookups,
				ConfigStateChecks: []statecheck.StateCheck{
					sameDB.AddStateValue("cloudimages_image.db", tfjsonpath.New("id")),
					sameDB.AddStateValue("data.cloudimages_image.by_id", tfjsonpath.New("id")),
					sameDB.AddStateValue("data.cloudimages_image.regex", tfjsonpath.New("id")),
					sameDB.AddStateValue("data.cloudimages_image.by_property", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("data.cloudimages_image.by_id", tfjsonpath.New("status"), knownvalue.StringExact("queued")),
					statecheck.ExpectKnownValue("data.cloudimages_image.by_id", tfjsonpath.New("properties"),
						knownvalue.MapPartial(map[string]knownvalue.Check{"tier": knownvalue.StringExact("silver")})),

					sameNew.AddStateValue("cloudimages_image.new", tfjsonpath.New("id")),
					sameNew.AddStateValue("data.cloudimages_image.newest", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("data.cloudimages_image.newest", tfjsonpath.New("checksum"), knownvalue.StringExact(small.MD5)),
					statecheck.ExpectKnownValue("data.cloudimages_image.newest", tfjsonpath.New("tags"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("web"), knownvalue.StringExact("v2")})),

					statecheck.ExpectKnownValue("data.cloudimages_images.web", tfjsonpath.New("ids"), knownvalue.ListSizeExact(2)),
					statecheck.CompareValuePairs("data.cloudimages_images.web", tfjsonpath.New("ids").AtSliceIndex(0),
						"cloudimages_image.new", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("data.cloudimages_images.web", tfjsonpath.New("ids").AtSliceIndex(1),
						"cloudimages_image.old", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.cloudimages_images.web", tfjsonpath.New("images").AtSliceIndex(1).AtMapKey("size"),
						knownvalue.Int64Exact(1000)),
					statecheck.ExpectKnownValue("data.cloudimages_images.with_data", tfjsonpath.New("ids"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.cloudimages_images.none", tfjsonpath.New("ids"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config:      images + `data "cloudimages_image" "ambiguous" { name = "app" }`,
				ExpectError: acctest.ErrorLike("Several images match", `2 images match name = "app"`, "most_recent"),
			},
			{
				Config:      images + `data "cloudimages_image" "none" { name = "nope" }`,
				ExpectError: acctest.ErrorLike("No image matches", `name = "nope"`),
			},
			{
				Config: images + `data "cloudimages_image" "both" {
  id   = cloudimages_image.db.id
  name = "db"
}`,
				ExpectError: acctest.ErrorLike("Invalid Attribute Combination"),
			},
			{
				Config:      images + `data "cloudimages_image" "bad" { id = "nope" }`,
				ExpectError: acctest.ErrorLike("Invalid UUID"),
			},
			{
				Config:      images + `data "cloudimages_image" "gone" { id = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77" }`,
				ExpectError: acctest.ErrorLike("Cannot read image", "404", "No image with this id is visible"),
			},
		},
	})
}

// Filters that can never work are refused when planning, on the attribute:
// a regular expression Go cannot compile, a size range that is empty.
func TestAccImageDataSources_badFiltersRefusedWhenPlanning(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	config := func(body string) string {
		return acctest.ProviderConfig(srv, acctest.Producer) + "\ndata \"cloudimages_images\" \"x\" {\n" + body + "\n}\n"
	}
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		{Config: config(`  name_regex = "debian-(13"`), PlanOnly: true, ExpectError: acctest.ErrorLike("Invalid regular expression", "name_regex", "RE2")},
		{Config: config("  size_min = 100\n  size_max = 10"), PlanOnly: true, ExpectError: acctest.ErrorLike("size_max", "at least sum of", "size_min")},
	}})
	if n := srv.RequestCount("GET", "/image/v2/images"); n != 0 {
		t.Errorf("%d image lists for filters refused when planning, want 0", n)
	}
}

// A hidden image (os_hidden) is left out of every lookup unless it asks for
// hidden = true, which finds the hidden images and only them, as the API and
// the OpenStack provider do.
func TestAccImageDataSources_hidden(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{Now: tickingClock()})
	images := acctest.ProviderConfig(srv, acctest.Producer) + `
resource "cloudimages_image" "shown" {
  name = "app"
  tags = ["hidden-test"]
}

resource "cloudimages_image" "secret" {
  name       = "app"
  hidden     = true
  tags       = ["hidden-test"]
  depends_on = [cloudimages_image.shown]
}

resource "cloudimages_image" "ops" {
  name       = "ops-only"
  hidden     = true
  tags       = ["hidden-test"]
  depends_on = [cloudimages_image.secret]
}
`
	lookups := images + `
data "cloudimages_image" "default" {
  name       = "app"
  depends_on = [cloudimages_image.ops]
}

data "cloudimages_image" "not_hidden" {
  name       = "app"
  hidden     = false
  depends_on = [cloudimages_image.ops]
}

data "cloudimages_image" "hidden" {
  name       = "app"
  hidden     = true
  depends_on = [cloudimages_image.ops]
}

data "cloudimages_images" "default" {
  name       = "app"
  depends_on = [cloudimages_image.ops]
}

data "cloudimages_images" "hidden" {
  hidden     = true
  tags       = ["hidden-test"]
  depends_on = [cloudimages_image.ops]
}
`
	shown := statecheck.CompareValue(compare.ValuesSame())
	secret := statecheck.CompareValue(compare.ValuesSame())
	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: lookups,
				ConfigStateChecks: []statecheck.StateCheck{
					shown.AddStateValue("cloudimages_image.shown", tfjsonpath.New("id")),
					shown.AddStateValue("data.cloudimages_image.default", tfjsonpath.New("id")),
					shown.AddStateValue("data.cloudimages_image.not_hidden", tfjsonpath.New("id")),
					shown.AddStateValue("data.cloudimages_images.default", tfjsonpath.New("ids").AtSliceIndex(0)),
					statecheck.ExpectKnownValue("data.cloudimages_image.default", tfjsonpath.New("hidden"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.cloudimages_images.default", tfjsonpath.New("ids"), knownvalue.ListSizeExact(1)),

					secret.AddStateValue("cloudimages_image.secret", tfjsonpath.New("id")),
					secret.AddStateValue("data.cloudimages_image.hidden", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("data.cloudimages_image.hidden", tfjsonpath.New("hidden"), knownvalue.Bool(true)),
					// hidden = true lists the hidden images only: not "shown".
					statecheck.ExpectKnownValue("data.cloudimages_images.hidden", tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("ops-only"), "hidden": knownvalue.Bool(true)}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("app"), "hidden": knownvalue.Bool(true)}),
					})),
				},
			},
			{
				Config:      images + `data "cloudimages_image" "ops" { name = "ops-only" }`,
				ExpectError: acctest.ErrorLike("No image matches", `name = "ops-only"`, "Hidden images are found only with hidden = true"),
			},
			{
				Config: images + `data "cloudimages_image" "ops" {
  name   = "ops-only"
  hidden = true
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.cloudimages_image.ops", tfjsonpath.New("id"),
						"cloudimages_image.ops", tfjsonpath.New("id"), compare.ValuesSame()),
				},
			},
		},
	})
}

// disk_format and container_format are filters of the API: each lookup
// finds the image of its formats and no other.
func TestAccImageDataSources_formats(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{Now: tickingClock()})
	images := acctest.ProviderConfig(srv, acctest.Producer) + `
resource "cloudimages_image" "qcow2" {
  name             = "fmt"
  disk_format      = "qcow2"
  container_format = "bare"
  tags             = ["formats-test"]
}

resource "cloudimages_image" "vhd" {
  name             = "fmt"
  disk_format      = "vhd"
  container_format = "ovf"
  tags             = ["formats-test"]
  depends_on       = [cloudimages_image.qcow2]
}

resource "cloudimages_image" "raw" {
  name             = "fmt"
  disk_format      = "raw"
  container_format = "bare"
  tags             = ["formats-test"]
  depends_on       = [cloudimages_image.vhd]
}
`
	lookups := images + `
data "cloudimages_image" "vhd" {
  name        = "fmt"
  disk_format = "vhd"
  depends_on  = [cloudimages_image.raw]
}

data "cloudimages_image" "ovf" {
  container_format = "ovf"
  tags             = ["formats-test"]
  depends_on       = [cloudimages_image.raw]
}

data "cloudimages_images" "bare" {
  container_format = "bare"
  tags             = ["formats-test"]
  depends_on       = [cloudimages_image.raw]
}

data "cloudimages_images" "qcow2_bare" {
  disk_format      = "qcow2"
  container_format = "bare"
  tags             = ["formats-test"]
  depends_on       = [cloudimages_image.raw]
}

data "cloudimages_images" "vhd_bare" {
  disk_format      = "vhd"
  container_format = "bare"
  tags             = ["formats-test"]
  depends_on       = [cloudimages_image.raw]
}
`
	vhd := statecheck.CompareValue(compare.ValuesSame())
	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{{
			Config: lookups,
			ConfigStateChecks: []statecheck.StateCheck{
				vhd.AddStateValue("cloudimages_image.vhd", tfjsonpath.New("id")),
				vhd.AddStateValue("data.cloudimages_image.vhd", tfjsonpath.New("id")),
				vhd.AddStateValue("data.cloudimages_image.ovf", tfjsonpath.New("id")),
				// Unset, the other format shows the image's.
				statecheck.ExpectKnownValue("data.cloudimages_image.vhd", tfjsonpath.New("container_format"), knownvalue.StringExact("ovf")),
				statecheck.ExpectKnownValue("data.cloudimages_image.ovf", tfjsonpath.New("disk_format"), knownvalue.StringExact("vhd")),

				statecheck.ExpectKnownValue("data.cloudimages_images.bare", tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"disk_format": knownvalue.StringExact("raw")}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"disk_format": knownvalue.StringExact("qcow2")}),
				})),
				statecheck.ExpectKnownValue("data.cloudimages_images.qcow2_bare", tfjsonpath.New("ids"), knownvalue.ListSizeExact(1)),
				statecheck.CompareValuePairs("data.cloudimages_images.qcow2_bare", tfjsonpath.New("ids").AtSliceIndex(0),
					"cloudimages_image.qcow2", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.cloudimages_images.vhd_bare", tfjsonpath.New("ids"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

// sort orders the list data source's result as the API sorts, and in the
// single-image data source says which of several matches to take;
// most_recent still takes the newest.
func TestAccImageDataSources_sort(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{Now: tickingClock()})
	// Created in this order: charlie, alpha, bravo.
	images := acctest.ProviderConfig(srv, acctest.Producer) + `
resource "cloudimages_image" "charlie" {
  name        = "charlie"
  disk_format = "qcow2"
  tags        = ["sorted"]
}

resource "cloudimages_image" "alpha" {
  name        = "alpha"
  disk_format = "qcow2"
  tags        = ["sorted"]
  depends_on  = [cloudimages_image.charlie]
}

resource "cloudimages_image" "bravo" {
  name        = "bravo"
  disk_format = "raw"
  tags        = ["sorted"]
  depends_on  = [cloudimages_image.alpha]
}
`
	list := func(name, sort string) string {
		attr := ""
		if sort != "" {
			attr = fmt.Sprintf("\n  sort       = %q", sort)
		}
		return fmt.Sprintf(`
data "cloudimages_images" %q {
  tags       = ["sorted"]%s
  depends_on = [cloudimages_image.bravo]
}
`, name, attr)
	}
	lookups := images + list("default", "") + list("name_asc", "name:asc") + list("name_desc", "name") +
		list("oldest_first", "created_at:asc") + list("two_keys", "disk_format:asc, name:desc") + `
data "cloudimages_image" "first_by_name" {
  tags       = ["sorted"]
  sort       = "name:asc"
  depends_on = [cloudimages_image.bravo]
}

data "cloudimages_image" "newest" {
  tags        = ["sorted"]
  most_recent = true
  depends_on  = [cloudimages_image.bravo]
}

data "cloudimages_image" "most_recent_false" {
  tags        = ["sorted"]
  most_recent = false
  sort        = "created_at:asc"
  depends_on  = [cloudimages_image.bravo]
}
`
	names := func(ns ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(ns))
		for i, n := range ns {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)})
		}
		return knownvalue.ListExact(checks)
	}
	order := func(name string, ns ...string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.cloudimages_images."+name, tfjsonpath.New("images"), names(ns...))
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: lookups,
				ConfigStateChecks: []statecheck.StateCheck{
					order("default", "bravo", "alpha", "charlie"),
					order("name_asc", "alpha", "bravo", "charlie"),
					order("name_desc", "charlie", "bravo", "alpha"),
					order("oldest_first", "charlie", "alpha", "bravo"),
					order("two_keys", "charlie", "alpha", "bravo"),
					statecheck.CompareValuePairs("data.cloudimages_images.name_asc", tfjsonpath.New("ids").AtSliceIndex(0),
						"cloudimages_image.alpha", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("data.cloudimages_image.first_by_name", tfjsonpath.New("id"),
						"cloudimages_image.alpha", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("data.cloudimages_image.newest", tfjsonpath.New("id"),
						"cloudimages_image.bravo", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("data.cloudimages_image.most_recent_false", tfjsonpath.New("id"),
						"cloudimages_image.charlie", tfjsonpath.New("id"), compare.ValuesSame()),
				},
			},
			{
				// Without sort or most_recent, several matches are still an error.
				Config:      images + `data "cloudimages_image" "ambiguous" { tags = ["sorted"] }`,
				ExpectError: acctest.ErrorLike("Several images match", "3 images match", "most_recent = true", "sort"),
			},
		},
	})
}

// The new filters' wrong values are refused when planning, on the
// attribute, with what is allowed; no image list is made. The data sources
// depend on a resource to be created, so that their reading waits for the
// apply: what fails is the validation of the configuration, not the read.
func TestAccImageDataSources_badFormatsAndSortRefusedWhenPlanning(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	config := func(typ, body string) string {
		return acctest.ProviderConfig(srv, acctest.Producer) + `
resource "cloudimages_image" "later" {
  name = "later"
}
` + "\ndata \"" + typ + "\" \"x\" {\n" + body + "\n  depends_on = [cloudimages_image.later]\n}\n"
	}
	plan := func(typ, body string, want ...string) resource.TestStep {
		return resource.TestStep{Config: config(typ, body), PlanOnly: true, ExpectError: acctest.ErrorLike(want...)}
	}
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		plan("cloudimages_images", `  disk_format = "qcow3"`, `with data.cloudimages_images.x`, "disk_format", "value must be one of", `"qcow2"`),
		plan("cloudimages_image", `  container_format = "tar"`, `with data.cloudimages_image.x`, "container_format", "value must be one of", `"bare"`),
		plan("cloudimages_images", `  sort = "colour:asc"`, "Invalid sort", "sort", `"colour" is not a sort key`,
			`for example "name:asc,created_at:desc"`, "name, status, container_format"),
		plan("cloudimages_images", `  sort = "name:up"`, "Invalid sort", `The direction of "name" is "up", not asc or desc`),
		plan("cloudimages_images", `  sort = "name:asc,name:desc"`, "Invalid sort", `"name" appears twice`),
		plan("cloudimages_images", `  sort = ""`, "Invalid sort", "The sort is empty"),
		plan("cloudimages_image", `  sort = "visibility"`, "Invalid sort", `with data.cloudimages_image.x`, `"visibility" is not a sort key`),
		plan("cloudimages_image", "  sort        = \"name:asc\"\n  most_recent = true", "sort conflicts with most_recent",
			`with data.cloudimages_image.x`, `sort = "created_at:desc"`),
		plan("cloudimages_image", "  id     = \"6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77\"\n  hidden = true", "Invalid Attribute Combination"),
	}})
	if n := srv.RequestCount("GET", "/image/v2/images"); n != 0 {
		t.Errorf("%d image lists for filters refused when planning, want 0", n)
	}
}
