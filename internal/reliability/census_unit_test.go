package reliability

import (
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// The census counts what it should from a server and two states made by hand: an image
// no state holds, a second image of one name, an id in both states, a second upload.
func TestCensus_countsWhatWasLeft(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{})
	acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "before"})
	preImages, preTasks := imageIDs(srv), taskIDs(srv)
	a := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "soak-img-000"})
	b := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "soak-img-000"})
	orphan := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "soak-img-000"})
	shared := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "soak-img-001"})
	acctest.CreateSeedImage(t, srv, acctest.Consumer, acctest.SeedImage{Name: "another tenant's"})
	img := func(run int, id, name string) stateEntry {
		return stateEntry{run: run, addr: "cloudimages_image.img", typ: "cloudimages_image", attrs: map[string]any{"id": id, "name": name}}
	}
	states := []stateEntry{img(0, a, "soak-img-000"), img(1, b, "soak-img-000"), img(0, shared, "soak-img-001"), img(1, shared, "soak-img-001")}
	c := take(srv, acctest.Producer.TenantID, states, preImages, preTasks, map[string]int{a: 1, b: 2, orphan: 1})
	if len(c.orphans) != 1 || c.dupN != 1 || len(c.shared) != 1 || c.repUploads != 2 || c.repTasks != 0 || c.images != 4 {
		t.Errorf("orphans %v, duplicates %d %v, shared %v, repeated %d + %d %v, images %d",
			c.orphans, c.dupN, c.duplicates, c.shared, c.repTasks, c.repUploads, c.repeated, c.images)
	}
	// the same without the faults: nothing to report
	clean := take(srv, acctest.Producer.TenantID, states[:2], imageIDs(srv), preTasks, map[string]int{a: 1, b: 1})
	if len(clean.orphans)+clean.dupN+len(clean.shared)+clean.repUploads+clean.repTasks != 0 {
		t.Errorf("clean census %+v", clean)
	}
}

// Terraform's error diagnostics are summed up by cause, without ids and numbers.
func TestErrorSummaries(t *testing.T) {
	t.Parallel()
	stderr := `
Error: Cannot create image

  with cloudimages_image.img[3],
  on main.tf line 12, in resource "cloudimages_image" "img":
  12: resource "cloudimages_image" "img" {

POST http://127.0.0.1:41234/image/v2/images: unexpected EOF (image 0b5e2a3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c)

Error: Cannot read image
`
	got := errorSummaries(stderr)
	want := []string{"Cannot create image: POST http://…/image/v2/images: unexpected EOF (image …)", "Cannot read image"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %q", got)
	}
}

// A web-download made twice for one resource is work repeated; one per run is not.
func TestCensus_countsWebDownloads(t *testing.T) {
	t.Parallel()
	web := func(run int, name string) stateEntry {
		return stateEntry{run: run, typ: "cloudimages_image", attrs: map[string]any{"name": name, "web_download": true}}
	}
	var c census
	c.countFetches([]stateEntry{web(0, "a"), web(1, "a"), web(0, "b")}, map[string]int{"a": 2, "b": 3, "gone": 1})
	if c.repFetches != 2 || len(c.repeated) != 1 {
		t.Errorf("repeated %d %v", c.repFetches, c.repeated)
	}
}
