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
