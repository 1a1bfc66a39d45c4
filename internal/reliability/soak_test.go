package reliability

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// params are a soak's knobs (SOAK_* in the environment).
type params struct {
	rounds  int     // rounds per flavour (SOAK_ROUNDS)
	seed    uint64  // SOAK_SEED
	share   float64 // fault share of the first apply of a round (SOAK_SHARE); halved for each re-apply
	size    int     // images of the glance flavour (SOAK_SIZE); the rest scales with it
	applies int     // applies per run before a round gives up (SOAK_APPLIES)
	timeout time.Duration
	// tokenTTL is the lifetime of the mock's tokens (SOAK_TOKEN_TTL, a Go duration; 0 =
	// the mock's default of a day), to expire tokens mid-apply under the faults as well.
	tokenTTL time.Duration
}

func paramsFromEnv(t *testing.T, p params) params {
	t.Helper()
	num := func(name string, set func(string) error) {
		if v := os.Getenv(name); v != "" {
			if err := set(v); err != nil {
				t.Fatalf("%s=%q: %v", name, v, err)
			}
		}
	}
	num("SOAK_ROUNDS", func(v string) (err error) { p.rounds, err = strconv.Atoi(v); return })
	num("SOAK_SEED", func(v string) (err error) { p.seed, err = strconv.ParseUint(v, 10, 64); return })
	num("SOAK_SHARE", func(v string) (err error) { p.share, err = strconv.ParseFloat(v, 64); return })
	num("SOAK_SIZE", func(v string) (err error) { p.size, err = strconv.Atoi(v); return })
	num("SOAK_APPLIES", func(v string) (err error) { p.applies, err = strconv.Atoi(v); return })
	num("SOAK_TOKEN_TTL", func(v string) (err error) { p.tokenTTL, err = time.ParseDuration(v); return })
	if p.rounds < 1 || p.size < 1 || p.applies < 1 || p.share < 0 || p.share > 1 {
		t.Fatalf("bad soak parameters %+v", p)
	}
	return p
}

// flavour is one kind of mock and the configuration a soak applies to it.
type flavour struct {
	name  string
	opts  mockserver.Options
	setup func(t *testing.T, srv *mockserver.Server)
	// config is the configuration, what it holds, and (or nil) the web-download fetches per
	// image name so far.
	config func(t *testing.T, srv *mockserver.Server, size int) (string, string, func() map[string]int)
}

var glance = flavour{
	name: "glance",
	opts: mockserver.Options{Delay: 100 * time.Millisecond},
	config: func(t *testing.T, srv *mockserver.Server, size int) (string, string, func() map[string]int) {
		file := acctest.WriteImageFile(t, "soak.raw", 64<<10, 1)
		members, statuses, web := max(1, size/4), max(1, size/8), max(1, size/8)
		data := serveData(t, file.Path)
		consumer := strings.Replace(acctest.ProviderConfig(srv, acctest.Consumer, `  alias = "consumer"`), "\n\n", "\n", 1)
		config := acctest.ProviderConfig(srv, acctest.Producer) + consumer + fmt.Sprintf(`
resource "cloudimages_image" "img" {
  count            = %[1]d
  name             = format("soak-img-%%03d", count.index)
  file             = %[4]q
  disk_format      = "raw"
  container_format = "bare"
  visibility       = "shared"
}

resource "cloudimages_image_member" "m" {
  count     = %[2]d
  image_id  = cloudimages_image.img[count.index].id
  member_id = %[5]q
}

resource "cloudimages_image_member_status" "s" {
  count    = %[3]d
  provider = cloudimages.consumer
  image_id = cloudimages_image_member.m[count.index].image_id
  status   = "accepted"
}

# the server fetches the data (an interoperable import, waited for)
resource "cloudimages_image" "web" {
  count            = %[6]d
  name             = format("soak-web-%%03d", count.index)
  source_url       = "%[7]s/web/${format("soak-web-%%03d", count.index)}"
  web_download     = true
  expected_hash    = "sha512:%[8]s"
  disk_format      = "raw"
  container_format = "bare"
}

# the provider streams the data from the URL into the upload
resource "cloudimages_image" "url" {
  count            = %[6]d
  name             = format("soak-url-%%03d", count.index)
  source_url       = "%[7]s/url/${format("soak-url-%%03d", count.index)}"
  expected_hash    = "sha512:%[8]s"
  disk_format      = "raw"
  container_format = "bare"
}
`, size, members, statuses, file.Path, acctest.Consumer.TenantID, web, data.URL, file.SHA512)
		fetches := func() map[string]int {
			out := map[string]int{}
			for p, n := range data.fetched() {
				if name, ok := strings.CutPrefix(p, "/web/"); ok {
					out[name] += n
				}
			}
			return out
		}
		return config, fmt.Sprintf("%d images of 64 KiB from a file, %d of them shared with a member, %d of those accepted by the consumer "+
			"(cloudimages_image_member_status through a provider alias with the consumer's credentials); %d images by web-download "+
			"(the server fetches source_url) and %d streamed by the provider from source_url, both with expected_hash; "+
			"mock delay 100 ms per asynchronous step", size, members, statuses, web, web), fetches
	},
}

var rackspace = flavour{
	name: "rackspace",
	opts: mockserver.Options{Flavor: "rackspace", Delay: 100 * time.Millisecond},
	setup: func(t *testing.T, srv *mockserver.Server) {
		acctest.SeedVHD(t, srv, acctest.Producer.TenantID, "images", "disk.vhd", 256<<10)
		if err := srv.CreateContainer(acctest.Producer.TenantID, "exports"); err != nil {
			t.Fatal(err)
		}
	},
	config: func(_ *testing.T, srv *mockserver.Server, size int) (string, string, func() map[string]int) {
		images, tasks := max(1, size/4), max(1, size/8)
		exports := max(1, min(images, size*3/40))
		return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image" "imp" {
  count       = %[1]d
  name        = format("soak-imp-%%03d", count.index)
  import_from = "images/disk.vhd"
  min_disk    = 1
  tags        = ["soak"]
}

resource "cloudimages_image_import_task" "t" {
  count       = %[2]d
  image_name  = format("soak-task-%%03d", count.index)
  import_from = "images/disk.vhd"
}

resource "cloudimages_image_export_task" "e" {
  count                     = %[3]d
  image_id                  = cloudimages_image.imp[count.index].id
  receiving_swift_container = "exports"
}
`, images, tasks, exports), fmt.Sprintf("%d cloudimages_image with import_from, %d cloudimages_image_import_task, %d cloudimages_image_export_task of the first images; mock delay 100 ms per asynchronous step", images, tasks, exports), nil
	},
}

// roundResult is one row of the table.
type roundResult struct {
	flavour   string
	round     int
	fired     map[string]int
	requests  int   // requests the mock counted in the applies and plans, faulted ones included
	auths     int   // of which authentications
	applies   []int // per run: applies until converged; 0 = did not converge
	failed    int   // applies and plans that failed
	dirty     int   // plans after a successful apply that were not empty
	census    census
	left      []string // images destroy left (beyond those kept by design)
	kept      int      // images of import tasks, kept by design
	destroyed bool     // every destroy succeeded
	errors    []string // terraform's error summaries
	took      time.Duration
	what      string
}

const runs = 2 // concurrent runs in one tenant, same names, two working directories

// withinApplies is the bar: at a 25 % fault share every run converges within 2
// applies. The full soak fails a run that needs more; the table marks it.
const withinApplies = 2

// soakFlavour runs p.rounds rounds against one mock of flavour f.
func soakFlavour(t *testing.T, f flavour, fi int, p params) []roundResult {
	t.Helper()
	var uploads uploadLog
	opts := f.opts
	opts.Logf = uploads.logf
	opts.TokenTTL = p.tokenTTL
	srv := acctest.Mock(t, opts)
	if f.setup != nil {
		f.setup(t, srv)
	}
	var out []roundResult
	for round := range p.rounds {
		out = append(out, soakRound(t, srv, f, fi, round, p, &uploads))
		r := out[len(out)-1]
		t.Logf("%s round %d: %s", f.name, round+1, r.line())
	}
	return out
}

func soakRound(t *testing.T, srv *mockserver.Server, f flavour, fi, round int, p params, uploads *uploadLog) roundResult {
	t.Helper()
	start := time.Now()
	config, what, fetches := f.config(t, srv, p.size)
	preImages, preTasks := imageIDs(srv), taskIDs(srv)
	dirs := make([]*tfDir, runs)
	for i := range dirs {
		dirs[i] = newDir(t, config)
		dirs[i].init(t)
	}
	srv.ResetCounters()
	uploads.take()
	res := roundResult{flavour: f.name, round: round + 1, applies: make([]int, runs), what: what}
	var mu sync.Mutex
	note := func(r tfResult) {
		mu.Lock()
		defer mu.Unlock()
		if r.ok() {
			res.errors = append(res.errors, warningSummaries(r.stdout+r.stderr)...)
		}
		if r.args[0] == "plan" && r.code == 2 {
			res.dirty++
			res.errors = append(res.errors, planChanges(r.stdout)...)
			return
		}
		if !r.ok() {
			res.failed++
			res.errors = append(res.errors, errorSummaries(r.stderr)...)
			if r.timedOut {
				res.errors = append(res.errors, "terraform "+r.args[0]+" ran out of time and was interrupted")
			}
		}
	}
	for attempt := range p.applies {
		share := p.share / float64(uint(1)<<attempt)
		armFaults(srv, share, mix(p.seed, uint64(fi), uint64(round), uint64(attempt))) //nolint:gosec // small
		var wg sync.WaitGroup
		for i, d := range dirs {
			if res.applies[i] != 0 {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := d.run(p.timeout, nil, "apply", "-auto-approve", "-input=false")
				note(a)
				if !a.ok() {
					return
				}
				// converged: the apply succeeded and a plan under the same faults is empty
				pl := d.run(p.timeout, nil, "plan", "-detailed-exitcode", "-input=false")
				note(pl)
				if pl.code == 0 {
					mu.Lock()
					res.applies[i] = attempt + 1
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if !slices.Contains(res.applies, 0) {
			break
		}
	}
	srv.ClearFaults()
	res.fired = srv.FaultsFired()
	for route, n := range srv.RequestCounts() {
		res.requests += n
		if strings.HasPrefix(route, "POST /identity/") {
			res.auths += n // with SOAK_TOKEN_TTL, tokens expired mid-apply show here
		}
	}

	// a task a run lost track of may still be making its image: let it finish first
	if busy := waitTasks(srv, preTasks, time.Minute); busy > 0 {
		res.errors = append(res.errors, fmt.Sprintf("census: %d tasks still running after a minute", busy))
	}
	var states []stateEntry
	for i, d := range dirs {
		s, err := readState(i, d.dir)
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, s...)
	}
	res.census = take(srv, acctest.Producer.TenantID, states, preImages, preTasks, uploads.take())
	if fetches != nil {
		got := fetches()
		total := 0
		for _, n := range got {
			total += n
		}
		t.Logf("%s round %d: the server made %d web-downloads of %d names", f.name, round+1, total, len(got))
		res.census.countFetches(states, got)
	}

	// destroy without faults: what is left is what no state knew
	res.destroyed = true
	var wg sync.WaitGroup
	for _, d := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := d.run(p.timeout, nil, "destroy", "-auto-approve", "-input=false")
			note(r)
			if !r.ok() {
				r = d.run(p.timeout, nil, "destroy", "-auto-approve", "-input=false")
				note(r)
			}
			if !r.ok() {
				mu.Lock()
				res.destroyed = false
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, v := range views(srv) {
		for _, img := range v.Images() {
			if preImages[img.ID] || img.Owner != acctest.Producer.TenantID {
				continue
			}
			if res.census.keep[img.ID] {
				res.kept++
			} else {
				name := ""
				if img.Name != nil {
					name = *img.Name
				}
				res.left = append(res.left, fmt.Sprintf("%s %q (%s)", img.ID, name, img.Status))
			}
			// the next round starts clean; what was left is counted above
			_ = v.UpdateImage(img.ID, func(r *mockserver.ImageRecord) { r.Protected = false })
			if err := v.DeleteImage(img.ID); err != nil {
				t.Errorf("clean up image %s in %s: %v", img.ID, v.Region(), err)
			}
		}
	}
	res.took = time.Since(start)
	return res
}

// waitTasks waits until every task made since pre has finished, at most for d; it returns
// how many have not.
func waitTasks(srv *mockserver.Server, pre map[string]bool, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		busy := 0
		for _, task := range allTasks(srv) {
			if !pre[task.ID] && (task.Status == "pending" || task.Status == "processing") {
				busy++
			}
		}
		if busy == 0 || time.Now().After(deadline) {
			return busy
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (r roundResult) convergedIn() string {
	var parts []string
	for _, n := range r.applies {
		switch {
		case n == 0:
			parts = append(parts, "**no**")
		case n > withinApplies:
			parts = append(parts, "**"+strconv.Itoa(n)+"**")
		default:
			parts = append(parts, strconv.Itoa(n))
		}
	}
	return strings.Join(parts, " / ")
}

func (r roundResult) line() string {
	c := r.census
	return fmt.Sprintf("faults %s in %d requests (%d authentications); applies %s; orphans %d, duplicates %d, shared %d, repeated %d tasks + %d uploads + %d fetches; left %d (kept by design %d); %d failed commands, %d plans with changes; %s",
		firedString(r.fired), r.requests, r.auths, r.convergedIn(), len(c.orphans), c.dupN, len(c.shared), c.repTasks, c.repUploads, c.repFetches, len(r.left), r.kept, r.failed, r.dirty, r.took.Round(time.Second))
}

var kindOrder = []string{"503", "502", "429", "drop", "lose_answer", "truncate_body", "latency", "kill_upload_after"}

func firedString(fired map[string]int) string {
	var parts []string
	total := 0
	keys := slices.Sorted(maps.Keys(fired))
	slices.SortStableFunc(keys, func(a, b string) int { return index(kindOrder, a) - index(kindOrder, b) })
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, fired[k]))
		total += fired[k]
	}
	if total == 0 {
		return "none"
	}
	return fmt.Sprintf("%d (%s)", total, strings.Join(parts, ", "))
}

func index(l []string, s string) int {
	if i := slices.Index(l, s); i >= 0 {
		return i
	}
	return len(l)
}

// soak runs every flavour (in parallel, each its own mock) and returns the rows.
func soak(t *testing.T, p params) []roundResult {
	t.Helper()
	flavours := []flavour{glance, rackspace}
	results := make([][]roundResult, len(flavours))
	t.Run("flavours", func(t *testing.T) {
		for i, f := range flavours {
			t.Run(f.name, func(t *testing.T) {
				t.Parallel()
				results[i] = soakFlavour(t, f, i, p)
			})
		}
	})
	return slices.Concat(results...)
}

// check fails t for every promise a row breaks: converged, no orphan, no duplicate, no
// object in two states, nothing left after destroy.
func check(t *testing.T, rows []roundResult) {
	t.Helper()
	for _, r := range rows {
		c := r.census
		where := fmt.Sprintf("%s round %d", r.flavour, r.round)
		if slices.Contains(r.applies, 0) {
			t.Errorf("%s did not converge: applies %s", where, r.convergedIn())
		}
		for _, l := range [][]string{c.orphans, c.duplicates, c.shared, r.left} {
			for _, s := range l {
				t.Errorf("%s: %s", where, s)
			}
		}
		if len(c.orphans) > 0 {
			t.Errorf("%s: %d orphans", where, len(c.orphans))
		}
		if !r.destroyed {
			t.Errorf("%s: destroy failed", where)
		}
		for _, s := range c.repeated {
			t.Logf("%s: work repeated: %s", where, s)
		}
		for _, s := range r.errors {
			t.Logf("%s: %s", where, s)
		}
	}
}

// TestSoak_short is one seeded round per flavour with a few resources: what the full soak
// measures, small enough for every test run.
func TestSoak_short(t *testing.T) {
	t.Parallel()
	p := paramsFromEnv(t, params{rounds: 1, seed: 1, share: 0.25, size: 4, applies: 4, timeout: 3 * time.Minute})
	if os.Getenv("CLOUDIMAGES_SOAK") == "full" {
		t.Skip("make soak runs TestSoak")
	}
	rows := soak(t, p)
	t.Logf("\n%s", table(rows))
	check(t, rows)
}

// TestSoak is make soak: the full rounds, written to RELIABILITY.md at the repository root.
func TestSoak(t *testing.T) {
	if os.Getenv("CLOUDIMAGES_SOAK") != "full" {
		t.Skip("the full soak runs with make soak (CLOUDIMAGES_SOAK=full)")
	}
	p := paramsFromEnv(t, params{rounds: 5, seed: 1, share: 0.25, size: 40, applies: 6, timeout: 20 * time.Minute})
	load := loadAvg()
	start := time.Now()
	rows := soak(t, p)
	interruptions := interruptionTable(t)
	doc := reliabilityDoc(p, rows, interruptions, load, loadAvg(), time.Since(start))
	if err := os.WriteFile("../../RELIABILITY.md", []byte(doc), 0o644); err != nil { //nolint:gosec // a document
		t.Fatal(err)
	}
	t.Logf("\n%s", doc)
	check(t, rows)
	for _, r := range rows {
		for i, n := range r.applies {
			if n > withinApplies && p.share <= 0.25 {
				t.Errorf("%s round %d, run %d: %d applies to converge at a %.2g fault share (the bar is %d)", r.flavour, r.round, i+1, n, p.share, withinApplies)
			}
		}
	}
	for _, r := range interruptions {
		if !r.ok() {
			t.Errorf("interruption %s, %s, %s: landed %q; %s", r.subject, r.step, r.mode, r.landed, strings.Join(r.problems, "; "))
		}
	}
}

func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}
