package provider_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// faultCase is one point of a create path with a fault injected there.
type faultCase struct {
	resource string // what is created
	fault    string // where it breaks
	config   func(srv *mockserver.Server, file acctest.ImageFile) string
	inject   func(t *testing.T, srv *mockserver.Server)
	// failsFirst: the first apply fails (the fault cannot be absorbed) and
	// the second, without the fault, must converge. Otherwise the first
	// apply must absorb it.
	failsFirst bool
}

func path(p string) *regexp.Regexp { return regexp.MustCompile(p) }

// rawImage is a cloudimages_image "x" of raw data, with source (its
// attribute lines: where the data comes from and how) added.
func rawImage(srv *mockserver.Server, source string) string {
	return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image" "x" {
  name             = "x"
  disk_format      = "raw"
  container_format = "bare"
%s}
`, source)
}

func imageFromFile(srv *mockserver.Server, file acctest.ImageFile) string {
	return rawImage(srv, fmt.Sprintf("  file = %q\n", file.Path))
}

func imageFromImport(srv *mockserver.Server, _ acctest.ImageFile) string {
	return acctest.ProviderConfig(srv, acctest.Producer) + `
resource "cloudimages_image" "x" {
  name        = "x"
  import_from = "images/disk.vhd"
  tags        = ["after-import"]
}
`
}

func sharedImage(srv *mockserver.Server, _ acctest.ImageFile) string {
	return acctest.ProducerAndConsumer(srv) + fmt.Sprintf(`
resource "cloudimages_image" "x" {
  provider   = cloudimages.producer
  name       = "x"
  visibility = "shared"
}

resource "cloudimages_image_member" "x" {
  provider  = cloudimages.producer
  image_id  = cloudimages_image.x.id
  member_id = %q
}

resource "cloudimages_image_member_status" "x" {
  provider = consumer
  image_id = cloudimages_image_member.x.image_id
  status   = "accepted"
}
`, acctest.Consumer.TenantID)
}

func importTask(srv *mockserver.Server, _ acctest.ImageFile) string {
	return acctest.ProviderConfig(srv, acctest.Producer) + `
resource "cloudimages_image_import_task" "x" {
  image_name  = "x"
  import_from = "images/disk.vhd"
}
`
}

func exportTask(srv *mockserver.Server, file acctest.ImageFile) string {
	return imageFromFile(srv, file) + `
resource "cloudimages_image_export_task" "x" {
  image_id                  = cloudimages_image.x.id
  receiving_swift_container = "exports"
}
`
}

func imageFromURL(srv *mockserver.Server, file acctest.ImageFile) string {
	return rawImage(srv, fmt.Sprintf("  source_url = %q\n", sourceURL(srv, file)))
}

func imageFromURLChecked(srv *mockserver.Server, file acctest.ImageFile) string {
	return rawImage(srv, fmt.Sprintf("  source_url    = %q\n  expected_hash = \"sha256:%s\"\n", sourceURL(srv, file), file.SHA256))
}

func imageFromWebDownload(srv *mockserver.Server, file acctest.ImageFile) string {
	return rawImage(srv, fmt.Sprintf("  source_url   = %q\n  web_download = true\n", sourceURL(srv, file)))
}

func deactivatedImage(srv *mockserver.Server, file acctest.ImageFile) string {
	return rawImage(srv, fmt.Sprintf("  file        = %q\n  deactivated = true\n", file.Path))
}

// sources serves the cases' image files on loopback for source_url and
// web_download, at a URL naming the case's mock, so that a case can make
// its own source fail (failSource) while the others run in parallel.
var sources struct {
	url    string
	mu     sync.Mutex
	faults map[string]*sourceFault // by the mock's URL
}

type sourceFault struct {
	status int // answered instead of the data; 0: the data with a byte changed
	left   int
}

func startSources(t *testing.T) {
	sources.faults = map[string]*sourceFault{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		sources.mu.Lock()
		f := sources.faults[q.Get("mock")]
		armed := f != nil && f.left > 0
		if armed {
			f.left--
		}
		sources.mu.Unlock()
		switch {
		case !armed:
			http.ServeFile(w, r, q.Get("file"))
		case f.status != 0:
			http.Error(w, "injected", f.status)
		default:
			data, err := os.ReadFile(q.Get("file"))
			if err != nil || len(data) == 0 {
				http.Error(w, fmt.Sprint("cannot read the file: ", err), http.StatusInternalServerError)
				return
			}
			data[0] ^= 0xff
			_, _ = w.Write(data)
		}
	}))
	t.Cleanup(ts.Close)
	sources.url = ts.URL
}

func sourceURL(srv *mockserver.Server, file acctest.ImageFile) string {
	return sources.url + "/disk?" + url.Values{"mock": {srv.URL()}, "file": {file.Path}}.Encode()
}

// failSource makes the case's source fail once: answer status, or serve
// data that is not the file's when status is 0.
func failSource(status int) func(*testing.T, *mockserver.Server) {
	return func(_ *testing.T, srv *mockserver.Server) {
		sources.mu.Lock()
		defer sources.mu.Unlock()
		sources.faults[srv.URL()] = &sourceFault{status: status, left: 1}
	}
}

// armedSourceFaults is how many source failures of the case have not fired.
func armedSourceFaults(srv *mockserver.Server) int {
	sources.mu.Lock()
	defer sources.mu.Unlock()
	if f := sources.faults[srv.URL()]; f != nil {
		return f.left
	}
	return 0
}

func fault(f mockserver.Fault) func(*testing.T, *mockserver.Server) {
	return func(_ *testing.T, srv *mockserver.Server) { srv.InjectFault(f) }
}

// killWhenImporting kills the image while the provider waits for its web-download
// import (an upload is synchronous: there is no wait after it to kill in).
func killWhenImporting(t *testing.T, srv *mockserver.Server) {
	srv.SetDelay(2 * time.Second)
	go func() {
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			for _, img := range srv.Images() {
				if img.Status == "importing" {
					if err := srv.KillImage(img.ID, "injected: the store failed"); err != nil {
						t.Errorf("kill image: %v", err)
					}
					return
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
}

var faultCases = []faultCase{
	{"image (file)", "create: answer lost", imageFromFile,
		fault(mockserver.Fault{Method: "POST", Path: path(`^/image/v2/images$`), LoseAnswer: true}), false},
	{"image (file)", "create: 503 twice", imageFromFile,
		fault(mockserver.Fault{Method: "POST", Path: path(`^/image/v2/images$`), Status: 503, Times: 2, RetryAfter: "0"}), false},
	{"image (file)", "upload: connection cut after 1 KiB", imageFromFile,
		fault(mockserver.Fault{Method: "PUT", Path: path(`/file$`), KillUploadAfter: 1024}), false},
	{"image (file)", "upload: 413", imageFromFile,
		fault(mockserver.Fault{Method: "PUT", Path: path(`/file$`), Status: 413}), true},
	{"image (file)", "wait: 503 on three reads", imageFromFile,
		fault(mockserver.Fault{Method: "GET", Path: path(`^/image/v2/images/[^/]+$`), Status: 503, Times: 3}), false},
	{"image (import_from)", "import task: answer lost", imageFromImport,
		fault(mockserver.Fault{Method: "POST", Path: path(`^/image/v2/tasks$`), LoseAnswer: true}), false},
	{"image (import_from)", "import task: failure", imageFromImport,
		func(_ *testing.T, srv *mockserver.Server) {
			srv.FailTasks(mockserver.TaskFault{Type: "import", Message: "injected failure"})
		}, true},
	// A 500 leaves the patch's outcome unknown: the client reads the image
	// and sends what it does not show yet.
	{"image (import_from)", "metadata patch after import: 500", imageFromImport,
		fault(mockserver.Fault{Method: "PATCH", Path: path(`^/image/v2/images/`), Status: 500}), false},
	{"image (source_url)", "upload: connection cut after 1 KiB", imageFromURL,
		fault(mockserver.Fault{Method: "PUT", Path: path(`/file$`), KillUploadAfter: 1024}), false},
	{"image (source_url)", "source: 500 on the first GET", imageFromURL, failSource(500), true},
	{"image (expected_hash)", "source: other data the first time", imageFromURLChecked, failSource(0), true},
	{"image (web_download)", "import: source 404 the first time", imageFromWebDownload, failSource(404), true},
	{"image (web_download)", "wait: image killed", imageFromWebDownload, killWhenImporting, true},
	// A 503 with Retry-After is a refusal: retried, whatever the method.
	{"image (deactivated)", "deactivate: 503 once", deactivatedImage,
		fault(mockserver.Fault{Method: "POST", Path: path(`/actions/deactivate$`), Status: 503, Times: 1, RetryAfter: "0"}), false},
	{"member", "create: answer lost", sharedImage,
		fault(mockserver.Fault{Method: "POST", Path: path(`/members$`), LoseAnswer: true}), false},
	{"member status", "update: 503 twice", sharedImage,
		fault(mockserver.Fault{Method: "PUT", Path: path(`/members/`), Status: 503, Times: 2, RetryAfter: "0"}), false},
	{"member status", "update: answer lost", sharedImage,
		fault(mockserver.Fault{Method: "PUT", Path: path(`/members/`), LoseAnswer: true}), false},
	{"import task", "create: answer lost", importTask,
		fault(mockserver.Fault{Method: "POST", Path: path(`^/image/v2/tasks$`), LoseAnswer: true}), false},
	{"import task", "create: 503", importTask,
		fault(mockserver.Fault{Method: "POST", Path: path(`^/image/v2/tasks$`), Status: 503}), false},
	{"import task", "task fails", importTask,
		func(_ *testing.T, srv *mockserver.Server) {
			srv.FailTasks(mockserver.TaskFault{Type: "import", Message: "injected failure"})
		}, true},
	{"export task", "create: answer lost", exportTask,
		fault(mockserver.Fault{Method: "POST", Path: path(`^/image/v2/tasks$`), LoseAnswer: true}), false},
	{"export task", "task fails", exportTask,
		func(_ *testing.T, srv *mockserver.Server) {
			srv.FailTasks(mockserver.TaskFault{Type: "export", Message: "injected failure"})
		}, true},
}

// For every point of every create path: inject the fault, apply, apply again
// without it. The configuration converges (the plan after is empty), the
// mock holds exactly the objects the state knows (no duplicate from a
// retried create), and after destroy nothing of the tenant is left.
func TestAccFaults_everyCreatePathConvergesWithoutOrphans(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	startSources(t)
	for _, fc := range faultCases {
		t.Run(fc.resource+"/"+fc.fault, func(t *testing.T) {
			t.Parallel()
			srv := acctest.Mock(t, mockserver.Options{})
			seedObjects(t, srv)
			file := acctest.WriteImageFile(t, "d.raw", 64<<10, 11)
			config := fc.config(srv, file)
			first := resource.TestStep{
				PreConfig: func() { fc.inject(t, srv) },
				Config:    config,
				Check:     sameObjectsAsState(srv),
			}
			if fc.failsFirst {
				first.Check = nil
				first.ExpectError = regexp.MustCompile(`.`)
			}
			acctest.Test(t, resource.TestCase{
				CheckDestroy: nothingLeft(srv),
				Steps: []resource.TestStep{
					first,
					{
						PreConfig: func() {
							if n := acctest.ArmedFaults(t, srv) + armedSourceFaults(srv); n > 0 {
								t.Errorf("%d injected faults never fired: the case proves nothing", n)
							}
							srv.ClearFaults()
						},
						Config: config,
						Check:  sameObjectsAsState(srv),
					},
					{Config: config, PlanOnly: true},
				},
			})
			t.Logf("fault table: %-20s | %-36s | converged yes | orphans 0", fc.resource, fc.fault)
		})
	}
}

// seedObjects gives the producer a VHD to import and a container to export to.
func seedObjects(t *testing.T, srv *mockserver.Server) {
	t.Helper()
	var buf bytes.Buffer
	if err := mockserver.WriteFixedVHD(&buf, 64<<10); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"images", "exports"} {
		if err := srv.CreateContainer(acctest.Producer.TenantID, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.PutObject(acctest.Producer.TenantID, "images", "disk.vhd", &buf); err != nil {
		t.Fatal(err)
	}
}

// sameObjectsAsState: every image, member and exported object in the mock is
// one the state knows; a retry that made a second one would show here.
func sameObjectsAsState(srv *mockserver.Server) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		inState := map[string]bool{}
		for _, r := range s.RootModule().Resources {
			switch r.Type {
			case "cloudimages_image":
				inState[r.Primary.ID] = true
			case "cloudimages_image_import_task":
				inState[r.Primary.Attributes["image_id"]] = true
			}
		}
		for _, img := range srv.Images() {
			if !inState[img.ID] {
				return fmt.Errorf("orphan image %s (%s) that the state does not know", img.ID, img.Status)
			}
			if n := len(srv.Members(img.ID)); n > 1 {
				return fmt.Errorf("image %s has %d members, want at most 1", img.ID, n)
			}
		}
		if n := len(srv.Objects(acctest.Producer.TenantID)); n > 2 {
			return fmt.Errorf("%d objects in the store: an export ran twice", n)
		}
		return nil
	}
}

// nothingLeft: after destroy no image (and so no member) of either tenant is
// left, except what an import task made, which is documented to outlive it.
func nothingLeft(srv *mockserver.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		imported := map[string]bool{}
		for _, task := range srv.Tasks() {
			if task.Type == "import" && task.Status == "success" {
				if id, ok := task.Result["image_id"].(string); ok {
					imported[id] = true
				}
			}
		}
		for _, img := range srv.Images() {
			if !imported[img.ID] || len(imported) > 1 {
				return fmt.Errorf("image %s (%s) left after destroy", img.ID, img.Status)
			}
		}
		return nil
	}
}
