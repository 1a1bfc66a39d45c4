package reliability

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// The interruption table: for each resource and each step where the provider writes,
// streams or waits, one apply is interrupted in that step, by SIGINT to terraform's
// process group or by a create timeout, or has the answer of that step lost after the
// server did the work; the next applies must converge with no orphan, no duplicate and
// no work done twice. The step is held by a long latency fault
// on its route, so the interruption lands while that request is in flight; the mock's
// request counters (arrivals) and its log (answers) prove where it landed.

// step is where an interruption lands: the route of the request it holds.
type step struct {
	name          string
	method, route string // as the mock's counters name it
	path          string // a regexp of the request path, for the fault
	next          string // "METHOD route" of the step after, which must not be reached; "" for none
}

var (
	stepCreate = step{name: "image create", method: "POST", route: "/image/v2/images", path: `^/image/v2/images$`,
		next: "PUT /image/v2/images/{image_id}/file"}
	stepUpload = step{name: "upload", method: "PUT", route: "/image/v2/images/{image_id}/file", path: `^/image/v2/images/[^/]+/file$`}
	stepTask   = step{name: "task create", method: "POST", route: "/image/v2/tasks", path: `^/image/v2/tasks$`,
		next: "GET /image/v2/tasks/{task_id}"}
	stepWait  = step{name: "task wait", method: "GET", route: "/image/v2/tasks/{task_id}", path: `^/image/v2/tasks/[^/]+$`}
	stepPatch = step{name: "metadata patch", method: "PATCH", route: "/image/v2/images/{image_id}", path: `^/image/v2/images/[^/]+$`}
	// After an abandoned import call the provider may read the image to learn whether the
	// import started, so the GET after it proves nothing either way.
	stepImport    = step{name: "import call", method: "POST", route: "/image/v2/images/{image_id}/import", path: `^/image/v2/images/[^/]+/import$`}
	stepImageWait = step{name: "import wait", method: "GET", route: "/image/v2/images/{image_id}", path: `^/image/v2/images/[^/]+$`}
	// The member rows: one request each, and no timeouts block to run out.
	stepMember = step{name: "member create", method: "POST", route: "/image/v2/images/{image_id}/members", path: `^/image/v2/images/[^/]+/members$`}
	stepStatus = step{name: "status update", method: "PUT", route: "/image/v2/images/{image_id}/members/{member_id}",
		path: `^/image/v2/images/[^/]+/members/[^/]+$`}
)

// The copy rows run on a mock of two regions, the source in ORD and the copy in DFW (the
// provider's region): the paths carry the region, and so do the counters' routes
// ("POST /DFW/image/v2/tasks"), so that a held step in one region is not taken for the
// same route in the other.
var (
	// Glance: the source's data (GET /file in ORD) streamed into the copy's upload in DFW.
	// The download is opened before the copy is created.
	stepCopyDownload = step{name: "download in ORD", method: "GET", route: "/ORD/image/v2/images/{image_id}/file",
		path: `^/ORD/image/v2/images/[^/]+/file$`, next: "POST /DFW/image/v2/images"}
	stepCopyCreate = step{name: "image create in DFW", method: "POST", route: "/DFW/image/v2/images", path: `^/DFW/image/v2/images$`,
		next: "PUT /DFW/image/v2/images/{image_id}/file"}
	stepCopyUpload = step{name: "upload in DFW", method: "PUT", route: "/DFW/image/v2/images/{image_id}/file",
		path: `^/DFW/image/v2/images/[^/]+/file$`}
	// Rackspace: an export in ORD into cloudimages-copies-dfw, the object streamed to DFW's
	// object store, an import in DFW, the metadata patch.
	stepExportCreate = step{name: "export task create in ORD", method: "POST", route: "/ORD/image/v2/tasks", path: `^/ORD/image/v2/tasks$`,
		next: "GET /ORD/image/v2/tasks/{task_id}"}
	stepExportWait = step{name: "export wait in ORD", method: "GET", route: "/ORD/image/v2/tasks/{task_id}", path: `^/ORD/image/v2/tasks/[^/]+$`,
		next: "HEAD /DFW/object/v1/{account}/{container}/{object...}"}
	stepObjectCopy = step{name: "object copy PUT to DFW", method: "PUT", route: "/DFW/object/v1/{account}/{container}/{object...}",
		path: `^/DFW/object/v1/[^/]+/cloudimages-copies-dfw/[^/]+$`, next: "POST /DFW/image/v2/tasks"}
	stepImportCreate = step{name: "import task create in DFW", method: "POST", route: "/DFW/image/v2/tasks", path: `^/DFW/image/v2/tasks$`,
		next: "GET /DFW/image/v2/tasks/{task_id}"}
	stepImportWait = step{name: "import wait in DFW", method: "GET", route: "/DFW/image/v2/tasks/{task_id}", path: `^/DFW/image/v2/tasks/[^/]+$`,
		next: "GET /DFW/image/v2/images/{image_id}"}
	stepCopyPatch = step{name: "metadata patch in DFW", method: "PATCH", route: "/DFW/image/v2/images/{image_id}",
		path: `^/DFW/image/v2/images/[^/]+$`}
)

// copyRegions are the copy rows' regions: the copy's (the provider's) first.
var copyRegions = []string{"DFW", "ORD"}

// subject is a resource of the table, alone in its configuration.
type subject struct {
	name    string
	flavour string   // mock flavour
	regions []string // the mock's regions (Options.Regions); nil: one
	// config prepares what the resource needs and returns its configuration for a create
	// timeout, and optionally a check of the server once the row has converged.
	config     func(t *testing.T, srv *mockserver.Server) (func(timeout string) string, func() []string)
	sigintOnly bool // no timeouts block
	steps      []step
	images     int       // images it makes
	tasks      []taskRun // the tasks it runs, each once
	uploads    int       // uploads it makes
}

// taskRun is a task a subject runs: its type, and on a mock of several regions the
// region it runs in ("" for one region).
type taskRun struct{ typ, region string }

var subjects = []subject{
	{
		name: "cloudimages_image (file)", flavour: "glance", images: 1, uploads: 1,
		steps: []step{stepCreate, stepUpload},
		config: func(t *testing.T, srv *mockserver.Server) (func(string) string, func() []string) {
			file := acctest.WriteImageFile(t, "i.raw", 64<<10, 2)
			return func(timeout string) string {
				return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image" "x" {
  name             = "interrupted"
  file             = %q
  disk_format      = "raw"
  container_format = "bare"
  timeouts {
    create = %q
  }
}
`, file.Path, timeout)
			}, nil
		},
	},
	{
		name: "cloudimages_image (web_download)", flavour: "glance", images: 1,
		steps: []step{stepCreate, stepImport, stepImageWait},
		config: func(t *testing.T, srv *mockserver.Server) (func(string) string, func() []string) {
			file := acctest.WriteImageFile(t, "w.raw", 64<<10, 3)
			data := serveData(t, file.Path)
			return func(timeout string) string {
					return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image" "x" {
  name             = "interrupted"
  source_url       = "%s/web/interrupted"
  web_download     = true
  expected_hash    = "sha512:%s"
  disk_format      = "raw"
  container_format = "bare"
  timeouts {
    create = %q
  }
}
`, data.URL, file.SHA512, timeout)
				}, func() []string {
					if n := data.fetched()["/web/interrupted"]; n != 1 {
						return []string{fmt.Sprintf("the server fetched the data %d times, want 1", n)}
					}
					return nil
				}
		},
	},
	{
		name: "cloudimages_image (import_from)", flavour: "rackspace", images: 1, tasks: []taskRun{{typ: "import"}},
		steps: []step{stepTask, stepWait, stepPatch},
		config: func(_ *testing.T, srv *mockserver.Server) (func(string) string, func() []string) {
			return func(timeout string) string {
				return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image" "x" {
  name        = "interrupted"
  import_from = "images/disk.vhd"
  min_disk    = 1
  properties  = { step = "patched" }
  timeouts {
    create = %q
  }
}
`, timeout)
			}, nil
		},
	},
	{
		name: "cloudimages_image_import_task", flavour: "rackspace", images: 1, tasks: []taskRun{{typ: "import"}},
		steps: []step{stepTask, stepWait},
		config: func(_ *testing.T, srv *mockserver.Server) (func(string) string, func() []string) {
			return func(timeout string) string {
				return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_import_task" "x" {
  image_name  = "interrupted"
  import_from = "images/disk.vhd"
  timeouts {
    create = %q
  }
}
`, timeout)
			}, nil
		},
	},
	{
		name: "cloudimages_image_export_task", flavour: "rackspace", tasks: []taskRun{{typ: "export"}},
		steps: []step{stepTask, stepWait},
		config: func(t *testing.T, srv *mockserver.Server) (func(string) string, func() []string) {
			_, id := acctest.RunSeedImportTask(t, srv, acctest.Producer, "to-export", "images/disk.vhd")
			return func(timeout string) string {
					return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_export_task" "x" {
  image_id                  = %q
  receiving_swift_container = "exports"
  timeouts {
    create = %q
  }
}
`, id, timeout)
				}, func() []string {
					// the source object (images/disk.vhd) and the one export
					if n := len(srv.Objects(acctest.Producer.TenantID)) - 1; n != 1 {
						return []string{fmt.Sprintf("%d exported objects, want 1", n)}
					}
					return nil
				}
		},
	},
	{
		name: "cloudimages_image (copy_from)", flavour: "glance", regions: copyRegions, images: 1, uploads: 1,
		steps: []step{stepCopyDownload, stepCopyCreate, stepCopyUpload},
		config: func(t *testing.T, srv *mockserver.Server) (func(string) string, func() []string) {
			file := acctest.WriteImageFile(t, "golden.raw", 64<<10, 4)
			source := acctest.CreateSeedImage(t, srv.InRegion("ORD"), acctest.Producer, acctest.SeedImage{
				Name: "golden", Properties: map[string]string{"os_distro": "debian"}, File: &file,
			})
			return copyConfig(srv, source), func() []string { return checkCopy(srv, source) }
		},
	},
	{
		name: "cloudimages_image (copy_from, object stores)", flavour: "rackspace", regions: copyRegions, images: 1,
		tasks: []taskRun{{typ: "export", region: "ORD"}, {typ: "import", region: "DFW"}},
		steps: []step{stepExportCreate, stepExportWait, stepObjectCopy, stepImportCreate, stepImportWait, stepCopyPatch},
		config: func(t *testing.T, srv *mockserver.Server) (func(string) string, func() []string) {
			ord := srv.InRegion("ORD")
			acctest.SeedVHD(t, ord, acctest.Producer.TenantID, "uploads", "golden.vhd", 256<<10)
			_, source := acctest.RunSeedImportTask(t, ord, acctest.Producer, "golden", "uploads/golden.vhd")
			if err := ord.UpdateImage(source, func(img *mockserver.ImageRecord) {
				img.Properties = map[string]string{"os_distro": "debian"}
			}); err != nil {
				t.Fatal(err)
			}
			return copyConfig(srv, source), func() []string { return checkCopy(srv, source) }
		},
	},
	{
		name: "cloudimages_image_member", flavour: "glance", sigintOnly: true,
		steps: []step{stepMember},
		config: func(t *testing.T, srv *mockserver.Server) (func(string) string, func() []string) {
			id := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "shared", Visibility: "shared"})
			return func(string) string {
					return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_member" "x" {
  image_id  = %q
  member_id = %q
}
`, id, acctest.Consumer.TenantID)
				}, func() []string {
					if m := srv.Members(id); len(m) != 1 {
						return []string{fmt.Sprintf("%d members, want 1", len(m))}
					}
					return nil
				}
		},
	},
	{
		name: "cloudimages_image_member_status", flavour: "glance", sigintOnly: true,
		steps: []step{stepStatus},
		config: func(t *testing.T, srv *mockserver.Server) (func(string) string, func() []string) {
			id := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "shared", Visibility: "shared"})
			acctest.ShareSeedImage(t, srv, acctest.Producer, id, acctest.Consumer.TenantID)
			return func(string) string {
					return acctest.ProviderConfig(srv, acctest.Consumer) + fmt.Sprintf(`
resource "cloudimages_image_member_status" "x" {
  image_id = %q
  status   = "accepted"
}
`, id)
				}, func() []string {
					if m := srv.Members(id); len(m) != 1 || m[0].Status != "accepted" {
						return []string{fmt.Sprintf("members %+v, want one accepted", m)}
					}
					return nil
				}
		},
	},
}

// copyConfig copies source, in ORD, into DFW, the provider's region.
func copyConfig(srv *mockserver.Server, source string) func(string) string {
	return func(timeout string) string {
		return acctest.ProviderConfig(srv, acctest.Producer, `  region = "DFW"`) + fmt.Sprintf(`
resource "cloudimages_image" "x" {
  name      = "interrupted"
  copy_from = { image_id = %q, region = "ORD" }
  timeouts {
    create = %q
  }
}
`, source, timeout)
	}
}

// copyContainers is how the containers begin where a copy through the object stores
// keeps its object on the way, in both regions: one per copy's region (internal/image).
const copyContainers = "cloudimages-copies"

// checkCopy is a copy row's check once it has converged: the copy in DFW has the
// source's data and its property, and no object of the copy is left in either region.
func checkCopy(srv *mockserver.Server, source string) []string {
	var problems []string
	src, ok := srv.InRegion("ORD").Image(source)
	if !ok || src.Checksum == nil {
		return []string{"the source image is gone, or has no checksum"}
	}
	copies := 0
	for _, img := range srv.InRegion("DFW").Images() {
		if img.Owner != acctest.Producer.TenantID || img.Name == nil || tokenMark.ReplaceAllString(*img.Name, "") != "interrupted" {
			continue
		}
		copies++
		switch {
		case img.Checksum == nil || *img.Checksum != *src.Checksum:
			problems = append(problems, fmt.Sprintf("the copy %s (%s) has the checksum %s, the source %s", img.ID, img.Status, deref(img.Checksum), *src.Checksum))
		case img.Properties["os_distro"] != "debian":
			problems = append(problems, fmt.Sprintf("the copy %s has os_distro %q, the source \"debian\"", img.ID, img.Properties["os_distro"]))
		}
	}
	if copies == 0 {
		problems = append(problems, "no copy in DFW")
	}
	for _, v := range views(srv) {
		for _, o := range v.Objects(acctest.Producer.TenantID) {
			if strings.HasPrefix(o.Container, copyContainers) {
				problems = append(problems, fmt.Sprintf("object %s/%s left in %s", o.Container, o.Name, v.Region()))
			}
		}
	}
	return problems
}

func deref(s *string) string {
	if s == nil {
		return "(none)"
	}
	return *s
}

// answered counts, from the mock's request log, the answers per "METHOD path".
type answered struct {
	mu sync.Mutex
	n  []string // "METHOD /path status"
}

func (a *answered) logf(format string, args ...any) {
	if len(args) != 5 || !strings.HasPrefix(format, "%s %s %d") {
		return
	}
	a.mu.Lock()
	a.n = append(a.n, fmt.Sprintf("%v %v %v%v", args[0], args[1], args[2], args[4]))
	a.mu.Unlock()
}

func (a *answered) count(method, path string) int { return a.matching(method, path, "") }

// abandoned is how many requests of the step the client gave up while the mock held them.
func (a *answered) abandoned(method, path string) int {
	return a.matching(method, path, "(client gone during the injected latency)")
}

func (a *answered) matching(method, path, note string) int {
	re := regexp.MustCompile(path)
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, l := range a.n {
		f := strings.Fields(l)
		if f[0] == method && re.MatchString(strings.SplitN(f[1], "?", 2)[0]) && strings.HasSuffix(l, note) {
			n++
		}
	}
	return n
}

// interruption is one row of the table.
type interruption struct {
	subject, step, mode string
	landed              string // "" when it landed in the step; else what happened
	first               string // how the interrupted apply ended
	applies             int    // applies after the interruption until converged; 0 = did not
	images, tasks       int    // images of the tenant and tasks of the subject's type made in the row
	uploads             int    // uploads the server stored
	orphans             int
	left                int // images destroy left, beyond what the subject keeps by design
	problems            []string
}

func (r interruption) ok() bool { return r.landed == "" && len(r.problems) == 0 }

const holdFor = 90 * time.Second // the latency that holds a step: longer than any row

// lostAnswer is the third way a step goes wrong: the server does the work and the answer is
// lost (one lose_answer fault on the step's route), so the provider cannot know the outcome.
const lostAnswer = "lost answer"

func interruptRow(t *testing.T, s subject, st step, mode string) interruption {
	t.Helper()
	row := interruption{subject: s.name, step: st.name, mode: mode}
	var log answered
	var uploads uploadLog
	srv := acctest.Mock(t, mockserver.Options{Flavor: s.flavour, Regions: s.regions, Delay: 200 * time.Millisecond, Logf: func(format string, args ...any) {
		log.logf(format, args...)
		uploads.logf(format, args...)
	}})
	if s.flavour == "rackspace" {
		rackspace.setup(t, srv)
	}
	short := "6s" // long enough for the steps before, on a loaded machine; the held step takes 90 s
	if mode != "timeout" {
		short = "10m"
	}
	config, verify := s.config(t, srv)
	d := newDir(t, config(short))
	d.init(t)
	preImages, preTasks := imageIDs(srv), taskIDs(srv)
	uploads.take() // what the subject's config seeded (a copy's source) is not the row's
	uploads.takeObjects()
	var first tfResult
	var landed string
	if mode == lostAnswer {
		// the request is done, its answer never arrives: the outcome is for the provider to find out
		srv.InjectFault(mockserver.Fault{Method: st.method, Path: regexp.MustCompile(st.path), LoseAnswer: true})
		first = d.run(2*time.Minute, nil, "apply", "-auto-approve", "-input=false")
		if log.matching(st.method, st.path, "(answer lost)") == 0 {
			landed = "no answer of the step was lost"
		}
	} else {
		first, landed = interruptStep(d, srv, &log, st, mode)
	}
	srv.ClearFaults()
	row.first = "error"
	if first.ok() {
		row.first = "exit 0"
		if len(warningSummaries(first.stdout+first.stderr)) > 0 {
			row.first = "exit 0, warning"
		}
	}
	switch {
	case landed != "":
		row.landed = landed
	case mode == lostAnswer:
	case mode == "SIGINT" && !first.interrupted:
		row.landed = "the apply ended before the SIGINT: " + strings.Join(errorSummaries(first.stderr), "; ")
	case log.abandoned(st.method, st.path) == 0:
		row.landed = "no request of the step was abandoned in flight"
	case st.next != "" && srv.RequestCounts()[st.next] > 0:
		row.landed = "the step after (" + st.next + ") was reached"
	}
	// the timeout ends in the step: the error says so; then a user raises it and applies again
	d2 := newDirAt(d, config("10m"))
	for i := 1; i <= 3; i++ {
		a := d2.run(3*time.Minute, nil, "apply", "-auto-approve", "-input=false")
		if !a.ok() {
			row.problems = append(row.problems, fmt.Sprintf("re-apply %d: %s", i, strings.Join(errorSummaries(a.stderr), "; ")))
			continue
		}
		if p := d2.run(3*time.Minute, nil, "plan", "-detailed-exitcode", "-input=false"); p.code == 0 {
			row.applies = i
			break
		} else if p.code == 2 {
			row.problems = append(row.problems, strings.Join(planChanges(p.stdout), "; "))
		}
	}
	if row.applies == 0 {
		row.problems = append(row.problems, "did not converge in 3 applies")
	}
	if busy := waitTasks(srv, preTasks, time.Minute); busy > 0 {
		row.problems = append(row.problems, fmt.Sprintf("%d tasks still running a minute after the last apply", busy))
	}
	states, err := readState(0, d2.dir)
	if err != nil {
		t.Fatal(err)
	}
	c := take(srv, acctest.Producer.TenantID, states, preImages, preTasks, uploads.take())
	c.countObjects(uploads.takeObjects())
	row.images, row.orphans = c.images, len(c.orphans)
	for _, n := range c.repeated {
		row.problems = append(row.problems, "repeated: "+n)
	}
	row.problems = append(row.problems, append(append(c.orphans, c.duplicates...), c.shared...)...)
	made := map[string]int{} // tasks made in the row, by type and by "type in REGION"
	for _, v := range views(srv) {
		for _, task := range v.Tasks() {
			if !preTasks[task.ID] {
				made[task.Type]++
				made[task.Type+" in "+v.Region()]++
			}
		}
	}
	for _, run := range s.tasks {
		row.tasks += made[run.typ]
		if made[run.typ] != 1 {
			row.problems = append(row.problems, fmt.Sprintf("%d %s tasks, want 1", made[run.typ], run.typ))
		} else if run.region != "" && made[run.typ+" in "+run.region] != 1 {
			row.problems = append(row.problems, fmt.Sprintf("the %s task is not in %s", run.typ, run.region))
		}
	}
	row.uploads = c.storedUploads
	if row.uploads != s.uploads {
		row.problems = append(row.problems, fmt.Sprintf("%d uploads stored, want %d", row.uploads, s.uploads))
	}
	if row.images != s.images {
		row.problems = append(row.problems, fmt.Sprintf("%d images, want %d", row.images, s.images))
	}
	if verify != nil {
		row.problems = append(row.problems, verify()...)
	}
	if r := d2.run(3*time.Minute, nil, "destroy", "-auto-approve", "-input=false"); !r.ok() {
		row.problems = append(row.problems, "destroy: "+strings.Join(errorSummaries(r.stderr), "; "))
	}
	for _, img := range allImages(srv) {
		if !preImages[img.ID] && img.Owner == acctest.Producer.TenantID && !c.keep[img.ID] {
			row.left++
			row.problems = append(row.problems, "left after destroy: "+img.ID+" ("+img.Status+")")
		}
	}
	return row
}

// interruptStep applies with every request of the step held by a latency, and sends
// SIGINT (mode "SIGINT") once one is in flight, or lets the short create timeout run out.
// It returns the apply and "" when the step's request arrived, else what happened.
func interruptStep(d *tfDir, srv *mockserver.Server, log *answered, st step, mode string) (tfResult, string) {
	// every attempt at the step is held, retries included, so the timeout runs out there
	srv.InjectFault(mockserver.Fault{Method: st.method, Path: regexp.MustCompile(st.path), Latency: holdFor, Times: -1})

	stop, applied, watched := make(chan struct{}), make(chan struct{}), make(chan string, 1)
	go func() {
		// SIGINT once the step's request is in flight: arrived (counted) and not answered
		for {
			if srv.RequestCount(st.method, st.route) > log.count(st.method, st.path) {
				if mode == "SIGINT" {
					time.Sleep(300 * time.Millisecond) // let the provider be well inside the call
					close(stop)
				}
				watched <- ""
				return
			}
			select {
			case <-applied:
				watched <- "the step's request never arrived"
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	first := d.run(2*time.Minute, stop, "apply", "-auto-approve", "-input=false")
	close(applied)
	return first, <-watched
}

// newDirAt writes config into d's directory (state and plugins kept) and returns it.
func newDirAt(d *tfDir, config string) *tfDir {
	raw, err := os.ReadFile(d.dir + "/main.tf")
	if err == nil {
		// keep NewCLI's terraform block: it is everything before the first provider block
		if i := strings.Index(string(raw), "provider \"cloudimages\""); i > 0 {
			_ = os.WriteFile(d.dir+"/main.tf", []byte(string(raw[:i])+config), 0o600)
		}
	}
	return d
}

func interruptionTable(t *testing.T) []interruption {
	t.Helper()
	type cell struct {
		s    subject
		st   step
		mode string
	}
	var cells []cell
	for _, s := range subjects {
		for _, st := range s.steps {
			modes := []string{"SIGINT", "timeout", lostAnswer}
			if s.sigintOnly {
				modes = []string{"SIGINT", lostAnswer}
			}
			for _, mode := range modes {
				cells = append(cells, cell{s, st, mode})
			}
		}
	}
	rows := make([]interruption, len(cells))
	t.Run("rows", func(t *testing.T) {
		for i, c := range cells {
			t.Run(strings.NewReplacer(" ", "_", "(", "", ")", "").Replace(c.s.name+"/"+c.st.name+"/"+c.mode), func(t *testing.T) {
				t.Parallel()
				rows[i] = interruptRow(t, c.s, c.st, c.mode)
			})
		}
	})
	return rows
}

func interruptionMarkdown(rows []interruption) string {
	var b strings.Builder
	b.WriteString("| resource | step | interruption | landed in the step | the interrupted apply | applies after it to converge | images | tasks | uploads stored | orphans | left after destroy | problems |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		if r.subject == "" {
			continue // not run (-run chose other rows)
		}
		landed := "yes"
		if r.landed != "" {
			landed = "**no**: " + r.landed
		}
		applies := fmt.Sprint(r.applies)
		if r.applies == 0 {
			applies = "**no**"
		}
		problems := "none"
		if len(r.problems) > 0 {
			problems = fmt.Sprintf("**%d**, below", len(r.problems))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %d | %d | %d | %d | %d | %s |\n", r.subject, r.step, r.mode, landed, r.first, applies,
			r.images, r.tasks, r.uploads, r.orphans, r.left, problems)
	}
	var details strings.Builder
	for _, r := range rows {
		for _, p := range r.problems {
			fmt.Fprintf(&details, "- %s, %s, %s: %s\n", r.subject, r.step, r.mode, p)
		}
	}
	if details.Len() > 0 {
		b.WriteString("\nProblems:\n\n" + details.String())
	}
	return b.String()
}

// TestInterruptions is the table as a test: every row must land in its step and
// converge after it with nothing made twice and nothing left.
func TestInterruptions(t *testing.T) {
	t.Parallel()
	if os.Getenv("CLOUDIMAGES_SOAK") == "full" {
		t.Skip("make soak runs the table inside TestSoak")
	}
	rows := interruptionTable(t)
	t.Logf("\n%s", interruptionMarkdown(rows))
	for _, r := range rows {
		if r.subject != "" && !r.ok() {
			t.Errorf("%s, %s, %s: landed %q; %s", r.subject, r.step, r.mode, r.landed, strings.Join(r.problems, "; "))
		}
	}
}
