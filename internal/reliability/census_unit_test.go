package reliability

import (
	"strings"
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

// On a mock of several regions the census counts every region's images and tasks: a
// copy through the object stores (its import task in the state) expects one import in
// its region and one export of its source in the source's; a second export is work
// repeated, and so is an object stored twice. The logs' paths carry the region.
func TestCensus_countsEveryRegion(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{Flavor: "rackspace", Regions: []string{"DFW", "ORD"}})
	ord, dfw := srv.InRegion("ORD"), srv.InRegion("DFW")
	tenant := acctest.Producer.TenantID
	acctest.SeedVHD(t, ord, tenant, "uploads", "golden.vhd", 64<<10)
	acctest.SeedVHD(t, dfw, tenant, "cloudimages-copies", "golden.vhd", 64<<10)
	_, source := acctest.RunSeedImportTask(t, ord, acctest.Producer, "golden", "uploads/golden.vhd")
	preImages, preTasks := imageIDs(srv), taskIDs(srv)
	if !preImages[source] {
		t.Fatalf("imageIDs misses ORD's image %s: %v", source, preImages)
	}
	acctest.RunSeedExportTask(t, ord, acctest.Producer, source, "uploads")
	task, copied := acctest.RunSeedImportTask(t, dfw, acctest.Producer, "copy [tf-0123abcd]", "cloudimages-copies/golden.vhd")
	_, orphan := acctest.RunSeedImportTask(t, ord, acctest.Producer, "stray", "uploads/golden.vhd")
	states := []stateEntry{{addr: "cloudimages_image.copy", typ: "cloudimages_image", attrs: map[string]any{
		"id": copied, "name": "copy", "import_task_id": task, "copy_from": map[string]any{"image_id": source, "region": "ORD"},
	}}}
	c := take(srv, tenant, states, preImages, preTasks, nil)
	if c.images != 2 || len(c.orphans) != 1 || !strings.Contains(c.orphans[0], orphan) || c.repTasks != 0 {
		t.Errorf("one export: images %d, orphans %v, repeated %v", c.images, c.orphans, c.repeated)
	}
	if err := ord.CreateContainer(tenant, "again"); err != nil {
		t.Fatal(err)
	}
	acctest.RunSeedExportTask(t, ord, acctest.Producer, source, "again")
	c = take(srv, tenant, states, preImages, preTasks, nil)
	if c.repTasks != 1 || len(c.repeated) != 1 || !strings.Contains(c.repeated[0], "export:"+source) {
		t.Errorf("two exports: repeated %d %v", c.repTasks, c.repeated)
	}

	var u uploadLog
	for _, l := range []struct {
		method, uri string
		status      int
	}{
		{"PUT", "/DFW/image/v2/images/" + copied + "/file", 204},
		{"PUT", "/DFW/object/v1/AUTH_" + tenant + "/cloudimages-copies/" + source + ".vhd", 201},
		{"PUT", "/DFW/object/v1/AUTH_" + tenant + "/cloudimages-copies/" + source + ".vhd", 201},
		{"PUT", "/DFW/object/v1/AUTH_" + tenant + "/cloudimages-copies", 201}, // the container
		{"PUT", "/ORD/object/v1/AUTH_" + tenant + "/cloudimages-copies/other.vhd", 499},
	} {
		u.logf("%s %s %d %s%s", l.method, l.uri, l.status, "1ms", "")
	}
	if up := u.take(); len(up) != 1 || up[copied] != 1 {
		t.Errorf("uploads %v", up)
	}
	c.countObjects(u.takeObjects())
	if c.repObjects != 1 {
		t.Errorf("objects stored again: %d %v", c.repObjects, c.repeated)
	}
}
