package examples

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/provider"
)

// exampleTests are the example directories (relative to examples/) and how
// each is proven to work. An example directory missing from here (and from
// coveredElsewhere) fails TestExamples_allCovered.
var exampleTests = map[string]func(t *testing.T, e *example){
	"provider":                                       testProvider,
	"data-sources/cloudimages_image":                 testImageDataSource,
	"data-sources/cloudimages_images":                testImagesDataSource,
	"data-sources/cloudimages_image_members":         testImageMembersDataSource,
	"data-sources/cloudimages_task":                  testTaskDataSource,
	"resources/cloudimages_image":                    testImage,
	"resources/cloudimages_image_member":             testImageMember,
	"resources/cloudimages_image_member_status":      testImageMemberStatus,
	"resources/cloudimages_image_access":             testImageAccess,
	"resources/cloudimages_image_import_task":        testImportTask,
	"resources/cloudimages_image_export_task":        testExportTask,
	"functions/checksum_from_sums":                   testChecksumFromSums,
	"functions/parse_member_id":                      testParseMemberID,
	"list-resources/cloudimages_image":               testListImages,
	"list-resources/cloudimages_image_member":        testListMembers,
	"list-resources/cloudimages_image_import_task":   testListImportTasks,
	"list-resources/cloudimages_image_export_task":   testListExportTasks,
	"list-resources/cloudimages_image_member_status": testListPendingShares,
	"ephemeral-resources/cloudimages_auth":           testAuthEphemeral,
	"actions/cloudimages_image_deactivation":         testDeactivationAction,
	"actions/cloudimages_share_answer":               testShareAnswerAction,
	"actions/cloudimages_image_export":               testExportAction,
	"demo":                                           testDemo,
	"guides/publishing-to-every-region":              testPublishToEveryRegion,
}

// coveredElsewhere are example directories that have a test of their own.
var coveredElsewhere = map[string]string{
	"module-testing": "TestExamples_moduleTesting",
}

// The id the examples use for an image that already exists.
const exampleImageID = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"

// TestExamples applies every example against a mock of its own, checks what
// it made, runs its import.sh, and destroys it.
func TestExamples(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	for rel, run := range exampleTests {
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			run(t, newExample(t, rel))
		})
	}
}

// The provider block as the Registry shows it (user name, API key variable,
// region DFW): only the identity endpoint is the mock's.
func testProvider(t *testing.T, e *example) {
	e.env = []string{"OS_AUTH_URL=" + e.srv.IdentityV2URL()}
	e.Var("rackspace_api_key", myUser.APIKey)
	// The example configures the provider and nothing else: something must use it.
	e.WriteConfig("probe.tf", `data "cloudimages_images" "all" {}`)
	e.Apply()
	if n := e.srv.RequestCount("POST", "/identity/v2.0/tokens"); n == 0 {
		t.Error("the provider never authenticated")
	}
	if n := e.srv.RequestCount("GET", "/image/v2/images"); n == 0 {
		t.Error("the provider never listed images in DFW")
	}
	e.Destroy()
}

func testChecksumFromSums(t *testing.T, e *example) {
	plain := acctest.WriteImageFile(t, "debian-13-generic-amd64.raw", 1<<16, 5)
	published := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, plain.Path)
	}))
	t.Cleanup(published.Close)
	e.Var("debian_url", published.URL+"/debian-13-generic-amd64.raw")
	sums := fmt.Sprintf("%s  debian-13-generic-amd64.raw\n%s  debian-13-nocloud-amd64.raw\n", plain.SHA512, strings.Repeat("0", 128))
	if err := os.WriteFile(filepath.Join(e.CLI().Dir(), "SHA512SUMS"), []byte(sums), 0o600); err != nil {
		t.Fatal(err)
	}
	e.Apply()
	if got := e.StateAttr("cloudimages_image.debian", "expected_hash"); got != "sha512:"+plain.SHA512 {
		t.Errorf("expected_hash %v, want sha512:%s from SHA512SUMS", got, plain.SHA512)
	}
	e.Destroy()
}

// testListImages runs the example's query with -generate-config-out, applies
// what it wrote (imports only) and destroys it (Terraform 1.14 and later).
func testListImages(t *testing.T, e *example) {
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	golden := acctest.CreateSeedImage(t, e.srv, myUser, acctest.SeedImage{Name: "golden", Tags: []string{"golden"}, Visibility: "shared"})
	acctest.CreateSeedImage(t, e.srv, myUser, acctest.SeedImage{Name: "scratch", Visibility: "shared"})
	e.queryAndApply("generated.tf", golden)
	e.Destroy()
}

// testListMembers: the example's image (its id is the one the example
// names), shared with team-b, is listed and its share adopted.
func testListMembers(t *testing.T, e *example) {
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	id := acctest.CreateSeedImage(t, e.srv, myUser, acctest.SeedImage{ID: exampleImageID, Name: "golden", Visibility: "shared"})
	acctest.ShareSeedImage(t, e.srv, myUser, id, teamB.TenantID)
	e.queryAndApply("members.tf", teamB.TenantID)
	e.Destroy()
	if m := e.srv.Members(id); len(m) != 0 {
		t.Errorf("members of %s after destroy: %+v", id, m)
	}
}

// testListImportTasks and testListExportTasks adopt a task made without
// Terraform through the example's query.
func testListImportTasks(t *testing.T, e *example) {
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	acctest.SeedVHD(t, e.srv, myUser.TenantID, "images", "disk.vhd", 1<<16)
	taskID, _ := acctest.RunSeedImportTask(t, e.srv, myUser, "pipeline-image", "images/disk.vhd")
	e.queryAndApply("imports.tf", taskID)
	e.Destroy()
}

func testListExportTasks(t *testing.T, e *example) {
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	acctest.SeedVHD(t, e.srv, myUser.TenantID, "images", "disk.vhd", 1<<16)
	if err := e.srv.CreateContainer(myUser.TenantID, "exports"); err != nil {
		t.Fatal(err)
	}
	_, imageID := acctest.RunSeedImportTask(t, e.srv, myUser, "to-export", "images/disk.vhd")
	taskID := acctest.RunSeedExportTask(t, e.srv, myUser, imageID, "exports")
	e.queryAndApply("exports.tf", taskID)
	e.Destroy()
}

// testListPendingShares: what teamB shared with my-user is generated as
// member statuses, which then accept it (Terraform 1.14 and later).
func testListPendingShares(t *testing.T, e *example) {
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	offered := acctest.CreateSeedImage(t, e.srv, teamB, acctest.SeedImage{Name: "team-b-golden", Visibility: "shared"})
	acctest.ShareSeedImage(t, e.srv, teamB, offered, myUser.TenantID)
	e.queryAndApply("shares.tf", offered, `status = "pending"`, `status = "accepted"`)
	if m := e.srv.Members(offered); len(m) != 1 || m[0].Status != "accepted" {
		t.Errorf("the share of %s: %+v, want accepted", offered, m)
	}
	e.Destroy()
}

// testAuthEphemeral puts the object the example reads into my-user's
// object store, applies, and checks the image holds its data.
func testAuthEphemeral(t *testing.T, e *example) {
	file := acctest.WriteImageFile(t, "debian-13.raw", 1<<16, 7)
	if err := e.srv.CreateContainer(myUser.TenantID, "images"); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := e.srv.PutObject(myUser.TenantID, "images", "debian-13.raw", f); err != nil {
		t.Fatal(err)
	}
	e.Var("object_url", e.srv.ObjectStoreURL(myUser.TenantID)+"/images/debian-13.raw")
	e.Apply()
	id := e.StateAttr("cloudimages_image.from_cloud_files", "id").(string)
	if img, ok := e.srv.Image(id); !ok || img.Checksum == nil || *img.Checksum != file.MD5 {
		t.Errorf("image %s: %+v, want the object's data (md5 %s)", id, img, file.MD5)
	}
	e.Destroy()
}

// The action examples run as their comments say: terraform apply -invoke
// (Terraform 1.14 and later).
func testDeactivationAction(t *testing.T, e *example) {
	acctest.SkipBelowTerraform(t, 1, 14, "actions")
	file := acctest.WriteImageFile(t, "d.raw", 1<<12, 8)
	id := acctest.CreateSeedImage(t, e.srv, myUser, acctest.SeedImage{Name: "incident", File: &file})
	e.Var("image_id", id)
	e.CLI().MustRun("apply", "-invoke=action.cloudimages_image_deactivation.incident", "-auto-approve", "-input=false")
	if img, _ := e.srv.Image(id); img.Status != "deactivated" {
		t.Errorf("image %s is %s after the action, want deactivated", id, img.Status)
	}
}

func testShareAnswerAction(t *testing.T, e *example) {
	acctest.SkipBelowTerraform(t, 1, 14, "actions")
	offered := acctest.CreateSeedImage(t, e.srv, teamB, acctest.SeedImage{Name: "team-b", Visibility: "shared"})
	acctest.ShareSeedImage(t, e.srv, teamB, offered, myUser.TenantID)
	e.CLI().MustRun("apply", "-invoke=action.cloudimages_share_answer.accept_pending", "-auto-approve", "-input=false")
	if m := e.srv.Members(offered); len(m) != 1 || m[0].Status != "accepted" {
		t.Errorf("the share of %s: %+v, want accepted", offered, m)
	}
}

func testExportAction(t *testing.T, e *example) {
	acctest.SkipBelowTerraform(t, 1, 14, "actions")
	acctest.SeedVHD(t, e.srv, myUser.TenantID, "images", "disk.vhd", 1<<16)
	if err := e.srv.CreateContainer(myUser.TenantID, "exports"); err != nil {
		t.Fatal(err)
	}
	_, id := acctest.RunSeedImportTask(t, e.srv, myUser, "to-export", "images/disk.vhd")
	e.Var("image_id", id)
	e.CLI().MustRun("apply", "-invoke=action.cloudimages_image_export.backup", "-auto-approve", "-input=false")
	if _, ok := e.srv.Object(myUser.TenantID, "exports", id+".vhd"); !ok {
		t.Errorf("no exports/%s.vhd after the action", id)
	}
}

// testParseMemberID shares an image with team-b, applies the example with
// that share's id (the member is adopted), and destroys it.
func testParseMemberID(t *testing.T, e *example) {
	id := acctest.CreateSeedImage(t, e.srv, myUser, acctest.SeedImage{Name: "golden", Visibility: "shared"})
	e.Var("member_ids", fmt.Sprintf(`["%s/%s"]`, id, teamB.TenantID))
	e.Apply()
	if got := e.Output("shared_images"); fmt.Sprint(got) != fmt.Sprint([]any{id}) {
		t.Errorf("shared_images %v, want [%s]", got, id)
	}
	if m := e.srv.Members(id); len(m) != 1 || m[0].MemberID != teamB.TenantID {
		t.Errorf("members of %s: %+v, want team-b", id, m)
	}
	e.Destroy()
}

func testImageDataSource(t *testing.T, e *example) {
	file := acctest.WriteImageFile(t, "base.raw", 4096, 1)
	seed := acctest.SeedImage{Name: "debian-13-base", Tags: []string{"debian", "base"}, File: &file}
	acctest.CreateSeedImage(t, e.srv, myUser, seed)
	newest := acctest.CreateSeedImage(t, e.srv, myUser, seed)
	acctest.CreateSeedImage(t, e.srv, myUser, acctest.SeedImage{Name: "debian-13-base", Tags: []string{"debian"}, File: &file})
	e.Apply()
	if got := e.Output("debian_image_id"); got != newest {
		t.Errorf("debian_image_id = %v, want the newest tagged image %s", got, newest)
	}
	e.Destroy()
}

func testImagesDataSource(t *testing.T, e *example) {
	file := acctest.WriteImageFile(t, "base.raw", 4096, 1)
	own := func(name, visibility string, file *acctest.ImageFile) string {
		return acctest.CreateSeedImage(t, e.srv, myUser, acctest.SeedImage{Name: name, Visibility: visibility, File: file})
	}
	d12 := own("debian-12-base", "private", &file)
	d13 := own("debian-13-base", "shared", &file)
	own("debian-14-base", "private", nil) // queued: not active
	own("ubuntu-24.04", "private", &file)
	// team-b offers an image to my-user, who has not accepted it yet.
	offered := acctest.CreateSeedImage(t, e.srv, teamB, acctest.SeedImage{Name: "team-b-tools", Visibility: "shared", File: &file})
	acctest.ShareSeedImage(t, e.srv, teamB, offered, myUser.TenantID)
	e.Apply()
	if got, want := fmt.Sprint(e.Output("debian_image_ids")), fmt.Sprint([]any{d13, d12}); got != want {
		t.Errorf("debian_image_ids = %s, want %s (newest first)", got, want)
	}
	if got, want := fmt.Sprint(e.Output("offered_by_team_b")), fmt.Sprint([]any{offered}); got != want {
		t.Errorf("offered_by_team_b = %s, want %s", got, want)
	}
	e.Destroy()
}

func testImageMembersDataSource(t *testing.T, e *example) {
	id := acctest.CreateSeedImage(t, e.srv, myUser, acctest.SeedImage{ID: exampleImageID, Name: "golden", Visibility: "shared"})
	acctest.ShareSeedImage(t, e.srv, myUser, id, teamB.TenantID)
	acctest.ShareSeedImage(t, e.srv, myUser, id, "100003")
	if err := e.srv.SetMemberStatus(id, teamB.TenantID, "accepted"); err != nil {
		t.Fatal(err)
	}
	e.Apply()
	if got := fmt.Sprint(e.Output("accepted_by")); got != fmt.Sprint([]any{teamB.TenantID}) {
		t.Errorf("accepted_by = %s, want [%s]", got, teamB.TenantID)
	}
	e.Destroy()
}

func testTaskDataSource(t *testing.T, e *example) {
	acctest.SeedVHD(t, e.srv, myUser.TenantID, "images", "nightly.vhd", 1<<16)
	taskID, imageID := acctest.RunSeedImportTask(t, e.srv, myUser, "nightly", "images/nightly.vhd")
	e.Var("nightly_import_task_id", taskID)
	e.Apply()
	if got := e.Output("nightly_status"); got != "success" {
		t.Errorf("nightly_status = %v", got)
	}
	if got := e.Output("nightly_image_id"); got != imageID {
		t.Errorf("nightly_image_id = %v, want %s", got, imageID)
	}
	e.Destroy()
}

func testImage(t *testing.T, e *example) {
	acctest.SeedVHD(t, e.srv, myUser.TenantID, "images", "debian-13.vhd", 1<<16)
	plain := acctest.WriteImageFile(t, "debian-13.raw", 1<<16, 2)
	packed := acctest.Compress(t, plain, "xz", "debian-13.raw.xz")
	published := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, packed)
	}))
	t.Cleanup(published.Close)
	e.Var("debian_url", published.URL+"/debian-13-genericcloud-amd64.raw.xz")
	e.Var("debian_sha512", plain.SHA512)
	file := e.PlaceFile("debian-13.qcow2", 1<<16)
	e.Apply()
	fromURL := e.StateAttr("cloudimages_image.from_url", "id").(string)
	if img, ok := e.srv.Image(fromURL); !ok || img.Status != "active" || img.Checksum == nil || *img.Checksum != plain.MD5 {
		t.Errorf("image %s from the URL: %+v, want active with the decompressed data's md5 %s", fromURL, img, plain.MD5)
	}
	debian := e.StateAttr("cloudimages_image.debian", "id").(string)
	img, ok := e.srv.Image(debian)
	switch {
	case !ok:
		t.Fatalf("image %s is not in the mock", debian)
	case img.Status != "active" || img.Checksum == nil || *img.Checksum != file.MD5:
		t.Errorf("image %s: status %s, checksum %v, want active with the file's md5 %s", debian, img.Status, img.Checksum, file.MD5)
	case img.MinDisk != 10 || img.MinRAM != 1024 || img.Properties["os_distro"] != "debian":
		t.Errorf("image %s: min_disk %d, min_ram %d, properties %v", debian, img.MinDisk, img.MinRAM, img.Properties)
	}
	imported := e.StateAttr("cloudimages_image.imported", "id").(string)
	if img, ok := e.srv.Image(imported); !ok || img.Status != "active" || !slices.Contains(img.Tags, "debian") {
		t.Errorf("imported image %s: %+v", imported, img)
	}
	e.Import(func(string) string { return debian })
	e.Destroy()
	if left := ownImages(e.srv, myUser.TenantID); len(left) > 0 {
		t.Errorf("images left after destroy: %v", left)
	}
}

func testImageMember(t *testing.T, e *example) {
	acctest.SeedVHD(t, e.srv, myUser.TenantID, "images", "golden.vhd", 1<<16)
	e.Apply()
	if got := e.Output("share_status"); got != "pending" {
		t.Errorf("share_status = %v, want pending", got)
	}
	golden := e.StateAttr("cloudimages_image.golden", "id").(string)
	if m := e.srv.Members(golden); len(m) != 1 || m[0].MemberID != teamB.TenantID {
		t.Errorf("members of %s: %+v", golden, m)
	}
	e.Import(func(id string) string { return strings.Replace(id, exampleImageID, golden, 1) })
	e.Destroy()
	if left := ownImages(e.srv, myUser.TenantID); len(left) > 0 {
		t.Errorf("images left after destroy: %v", left)
	}
}

func testImageAccess(t *testing.T, e *example) {
	acctest.SeedVHD(t, e.srv, myUser.TenantID, "images", "golden.vhd", 1<<16)
	e.Apply()
	want := fmt.Sprint([]string{"100002", "100003", "100004"})
	if got := fmt.Sprint(e.Output("pending")); got != want {
		t.Errorf("pending = %v, want %s", got, want)
	}
	golden := e.StateAttr("cloudimages_image.golden", "id").(string)
	if err := e.srv.SetMemberStatus(golden, teamB.TenantID, "accepted"); err != nil {
		t.Fatal(err)
	}
	e.CLI().MustRun("apply", "-auto-approve", "-input=false", "-refresh-only")
	if got := fmt.Sprint(e.Output("accepted_by")); got != fmt.Sprint([]string{teamB.TenantID}) {
		t.Errorf("accepted_by after team-b accepted = %v, want [%s]", got, teamB.TenantID)
	}
	var members []string
	for _, m := range e.srv.Members(golden) {
		members = append(members, m.MemberID)
	}
	slices.Sort(members)
	if got := fmt.Sprint(members); got != want {
		t.Errorf("members of %s: %s, want %s", golden, got, want)
	}
	e.Import(func(id string) string { return strings.Replace(id, exampleImageID, golden, 1) })
	e.Destroy()
	if left := ownImages(e.srv, myUser.TenantID); len(left) > 0 {
		t.Errorf("images left after destroy: %v", left)
	}
}

func testImageMemberStatus(t *testing.T, e *example) {
	file := acctest.WriteImageFile(t, "golden.raw", 4096, 1)
	golden := acctest.CreateSeedImage(t, e.srv, myUser, acctest.SeedImage{Name: "golden", Visibility: "shared", File: &file})
	acctest.ShareSeedImage(t, e.srv, myUser, golden, teamB.TenantID)
	e.Var("team_b_api_key", teamB.APIKey)
	e.Var("shared_image_id", golden)
	e.Apply()
	if got := memberStatus(e.srv, golden, teamB.TenantID); got != "accepted" {
		t.Errorf("status of the share = %q, want accepted", got)
	}
	if got := e.Output("golden_image_listed"); got != true {
		t.Errorf("golden_image_listed = %v, want true", got)
	}
	e.Import(func(id string) string { return strings.Replace(id, exampleImageID, golden, 1) })
	e.Destroy()
	// Destroy hands the decision back: the share is pending again, and still there.
	if got := memberStatus(e.srv, golden, teamB.TenantID); got != "pending" {
		t.Errorf("status of the share after destroy = %q, want pending", got)
	}
}

func memberStatus(srv *mockserver.Server, imageID, memberID string) string {
	for _, m := range srv.Members(imageID) {
		if m.MemberID == memberID {
			return m.Status
		}
	}
	return "(not a member)"
}

func testImportTask(t *testing.T, e *example) {
	acctest.SeedVHD(t, e.srv, myUser.TenantID, "images", "debian-13.vhd", 1<<16)
	e.Apply()
	imageID, _ := e.Output("imported_image_id").(string)
	if img, ok := e.srv.Image(imageID); !ok || img.Status != "active" {
		t.Errorf("imported image %q: %+v", imageID, img)
	}
	taskID := e.StateAttr("cloudimages_image_import_task.debian", "id").(string)
	e.Import(func(string) string { return taskID })
	e.Destroy()
	// Destroy forgets the task; the image it imported stays.
	if _, ok := e.srv.Image(imageID); !ok {
		t.Errorf("destroying the task deleted image %s", imageID)
	}
}

func testExportTask(t *testing.T, e *example) {
	file := acctest.WriteImageFile(t, "golden.raw", 1<<16, 1)
	acctest.CreateSeedImage(t, e.srv, myUser, acctest.SeedImage{ID: exampleImageID, Name: "golden", File: &file})
	if err := e.srv.CreateContainer(myUser.TenantID, "exports"); err != nil {
		t.Fatal(err)
	}
	e.Apply()
	want := "exports/" + exampleImageID + ".vhd"
	if got := e.Output("export_location"); got != want {
		t.Errorf("export_location = %v, want %s", got, want)
	}
	if obj, ok := e.srv.Object(myUser.TenantID, "exports", exampleImageID+".vhd"); !ok || obj.ETag != file.MD5 {
		t.Errorf("exported object: %+v, want the image's data (md5 %s)", obj, file.MD5)
	}
	taskID := e.StateAttr("cloudimages_image_export_task.backup", "id").(string)
	e.Import(func(string) string { return taskID })
	e.Destroy()
	// Destroy forgets the task; the exported object stays.
	if _, ok := e.srv.Object(myUser.TenantID, "exports", exampleImageID+".vhd"); !ok {
		t.Error("destroying the task deleted the exported object")
	}
}

// The demo, as make demo runs it, against the built-in accounts and the
// standalone mock's seed (images/sample.vhd, an empty exports container).
func testDemo(t *testing.T, e *example) {
	srv := acctest.Mock(t, mockserver.Options{})
	p := mockserver.DefaultAccounts()[0]
	acctest.SeedVHD(t, srv, p.TenantID, "images", "sample.vhd", 1<<20)
	if err := srv.CreateContainer(p.TenantID, "exports"); err != nil {
		t.Fatal(err)
	}
	e.UseMock(srv, p)
	e.Var("auth_url", srv.IdentityV2URL())
	e.Apply()
	for name, want := range map[string]any{"status": "active", "share_status": "accepted", "consumer_sees_shared_image": true} {
		if got := e.Output(name); got != want {
			t.Errorf("output %s = %v, want %v", name, got, want)
		}
	}
	e.Destroy()
	if left := ownImages(srv, p.TenantID); len(left) > 0 {
		t.Errorf("images left after destroy: %v", left)
	}
}

// TestExamples_allCovered fails when an example directory appears that no
// test applies, and when a resource or data source has no example.
func TestExamples_allCovered(t *testing.T) {
	t.Parallel()
	root := examplesDir(t)
	found := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		found[exampleRoot(filepath.ToSlash(rel))] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir := range found {
		_, tested := exampleTests[dir]
		_, elsewhere := coveredElsewhere[dir]
		if !tested && !elsewhere {
			t.Errorf("examples/%s is not applied by any test: add it to exampleTests in %s", dir, "internal/examples/examples_test.go")
		}
	}
	for dir := range exampleTests {
		if !found[dir] {
			t.Errorf("exampleTests lists examples/%s, which does not exist", dir)
		}
	}
	for dir := range coveredElsewhere {
		if !found[dir] {
			t.Errorf("coveredElsewhere lists examples/%s, which does not exist", dir)
		}
	}
}

// exampleRoot is the example a directory belongs to: resources/<type>,
// data-sources/<type>, functions/<name>, list-resources/<type>,
// ephemeral-resources/<type>, actions/<type> and guides/<guide>, or the first directory
// below examples/.
func exampleRoot(rel string) string {
	parts := strings.Split(rel, "/")
	if (parts[0] == "resources" || parts[0] == "data-sources" || parts[0] == "functions" || parts[0] == "list-resources" || parts[0] == "ephemeral-resources" || parts[0] == "actions" || parts[0] == "guides") && len(parts) > 1 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// TestExamples_everyTypeHasOne: the Registry page of every resource and data
// source shows an example, and every resource's page shows how to import it.
func TestExamples_everyTypeHasOne(t *testing.T) {
	t.Parallel()
	root := examplesDir(t)
	ctx := context.Background()
	p := provider.New("test")()
	var meta fwprovider.MetadataResponse
	p.Metadata(ctx, fwprovider.MetadataRequest{}, &meta)
	for _, newResource := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		newResource().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
		for _, file := range []string{"resource.tf", "import.sh"} {
			if _, err := os.Stat(filepath.Join(root, "resources", resp.TypeName, file)); err != nil {
				t.Errorf("resource %s has no example %s: %v", resp.TypeName, file, err)
			}
		}
	}
	for _, newDataSource := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		newDataSource().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &resp)
		if _, err := os.Stat(filepath.Join(root, "data-sources", resp.TypeName, "data-source.tf")); err != nil {
			t.Errorf("data source %s has no example: %v", resp.TypeName, err)
		}
	}
}

// testPublishToEveryRegion: one apply builds the golden image in DFW and
// copies it to the five other regions, each copy with the golden image's
// data and metadata; the next plan is empty, and destroy leaves no image in
// any region.
func testPublishToEveryRegion(t *testing.T, e *example) {
	file := e.PlaceFile("debian-13.qcow2", 1<<18)
	e.Apply()
	ids, _ := e.Output("image_ids").(map[string]any)
	if len(ids) != len(rackspaceRegions) {
		t.Fatalf("image_ids %v, want one per region (%v)", ids, rackspaceRegions)
	}
	for _, name := range rackspaceRegions {
		id, _ := ids[name].(string)
		img, ok := e.srv.InRegion(name).Image(id)
		switch {
		case !ok:
			t.Errorf("%s: no image %s", name, id)
		case img.Status != "active" || img.Checksum == nil || *img.Checksum != file.MD5:
			t.Errorf("%s: image %s is %s with checksum %v, want active with the file's md5 %s", name, id, img.Status, img.Checksum, file.MD5)
		case *img.DiskFormat != "qcow2" || img.MinDisk != 10 || !slices.Contains(img.Tags, "golden") || img.Properties["os_distro"] != "debian":
			t.Errorf("%s: image %s lacks the golden image's metadata: %+v", name, id, img)
		}
	}
	e.ExpectNoChanges()
	e.Destroy()
	for _, name := range rackspaceRegions {
		if left := e.srv.InRegion(name).Images(); len(left) != 0 {
			t.Errorf("%s: %d images left after destroy", name, len(left))
		}
	}
}
