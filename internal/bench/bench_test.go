// Package bench measures what users feel, with the real terraform and the
// real provider binary against the mock: waits, a fleet apply, a big
// refresh, a 1 GiB upload, planning over a big unchanged file, import and
// export, a 1 GiB source_url streamed from loopback, a 256 MiB xz file
// uploaded with decompress and a 1 GiB copy between two regions. Every time is compared with a floor measured in
// the same run, since these machines are shared and absolute times vary.
//
// go test ./internal/bench runs a smoke pass with tiny sizes (part of make
// test, so the harness never rots); CLOUDIMAGES_BENCH=full (make bench) runs
// the real sizes and writes BENCHMARKS.md (its table; the notes after it,
// from the first "## " heading, are kept). CLOUDIMAGES_BENCH_ONLY=refresh,upload
// runs only the scenarios named (waits, fleet, refresh, peer, scaling,
// upload, import, source_url, decompress, copy) and writes no BENCHMARKS.md.
package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// sizes are the scenario sizes of one mode.
type sizes struct {
	waits       []time.Duration
	fleet       int
	fleetFile   int64
	fleetDelay  time.Duration
	refresh     int
	upload      int64
	importBytes int64
	sourceURL   int64 // served from loopback, streamed by the provider
	xz          int64 // decompressed size of the xz file
	copy        int64 // copied between two regions of the mock
	applies     []int // the applies whose cost per image is compared
	peerApply   int   // images in the apply against the OpenStack provider
	buildPeer   bool  // build the OpenStack provider when it is not given
}

var (
	full = sizes{
		waits: []time.Duration{500 * time.Millisecond, 2 * time.Second, 10 * time.Second, 30 * time.Second},
		fleet: 50, fleetFile: 1 << 20, fleetDelay: 500 * time.Millisecond,
		refresh: 500, upload: 1 << 30, importBytes: 256 << 20,
		// xz -T0 -1 of 1 GiB (half random) took 108 s on 2 CPUs: 256 MiB
		sourceURL: 1 << 30, xz: 256 << 20, copy: 1 << 30,
		applies: []int{1, 50, 500}, peerApply: 50, buildPeer: true,
	}
	smoke = sizes{
		waits: []time.Duration{100 * time.Millisecond},
		fleet: 3, fleetFile: 1 << 10, fleetDelay: 50 * time.Millisecond,
		refresh: 5, upload: 4 << 20, importBytes: 1 << 20,
		sourceURL: 4 << 20, xz: 4 << 20, copy: 4 << 20,
		applies: []int{1, 2, 3}, peerApply: 3,
	}
)

func TestBench(t *testing.T) {
	acctest.SkipIfLive(t)
	mode, sz := "smoke", smoke
	if os.Getenv("CLOUDIMAGES_BENCH") == "full" {
		mode, sz = "full", full
	}
	scenarios := []struct {
		name string
		run  func(*testing.T, sizes) []row
	}{
		{"waits", benchWaits},
		{"fleet", benchFleet},
		{"refresh", benchRefresh},
		{"peer", benchPeer},
		{"scaling", benchApplyScaling},
		{"upload", benchUploadAndPlan},
		{"import", benchImportExport},
		{"source_url", benchSourceURL},
		{"decompress", benchDecompress},
		{"copy", benchCopy},
	}
	// CLOUDIMAGES_BENCH_ONLY=refresh,upload runs only those scenarios (to
	// investigate one); BENCHMARKS.md is then not written.
	only := map[string]bool{}
	for _, name := range strings.Split(os.Getenv("CLOUDIMAGES_BENCH_ONLY"), ",") {
		if name = strings.TrimSpace(name); name != "" {
			only[name] = true
		}
	}
	load := loadAverage()
	var rows []row
	for _, sc := range scenarios {
		if len(only) == 0 || only[sc.name] {
			rows = append(rows, sc.run(t, sz)...)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("CLOUDIMAGES_BENCH_ONLY=%s names no scenario", os.Getenv("CLOUDIMAGES_BENCH_ONLY"))
	}

	report := render(mode, rows, load, loadAverage())
	fmt.Print(report)
	if mode == "full" && len(only) == 0 {
		root, err := filepath.Abs("../..")
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(root, "BENCHMARKS.md")
		if old, err := os.ReadFile(file); err == nil { //nolint:gosec // our own document
			report += notesOf(string(old))
		}
		if err := os.WriteFile(file, []byte(report), 0o644); err != nil { //nolint:gosec // a document
			t.Fatal(err)
		}
	}
	for _, r := range rows {
		if r.measured <= 0 && !r.zeroOK {
			t.Errorf("%s: nothing measured", r.scenario)
		}
	}
}

// notesOf is what BENCHMARKS.md holds after the table, from its first
// second-level heading ("## ..."), written by hand (the analysis of an
// issue): a new run keeps it under the new table.
func notesOf(doc string) string {
	if i := strings.Index(doc, "\n## "); i >= 0 {
		return "\n" + doc[i+1:]
	}
	return ""
}

// benchWaits: the mock makes a web-download image active 2D after the call;
// how long after that does the waiter return, and with how many GETs?
func benchWaits(t *testing.T, sz sizes) []row {
	var rows []row
	// The wait is on a web-download import (importing → active after D):
	// an upload is synchronous, as in Glance, so it has no wait to measure.
	data := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(make([]byte, 1024)) }))
	t.Cleanup(data.Close)
	for _, d := range sz.waits {
		srv := acctest.Mock(t, mockserver.Options{Delay: d})
		c := newClient(t, srv)
		ctx := context.Background()
		img, err := c.CreateImage(ctx, client.CreateImageInput{Name: "wait", DiskFormat: "raw", ContainerFormat: "bare"})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.WebDownload(ctx, img.ID, data.URL+"/disk.raw"); err != nil {
			t.Fatal(err)
		}
		started := time.Now() // the mock's timer started before this
		before := srv.RequestCount("GET", "/image/v2/images/{image_id}")
		if _, err := c.WaitForImage(ctx, img.ID, "active"); err != nil {
			t.Fatal(err)
		}
		// The mock's import takes two steps of D (queued → importing →
		// active), as Glance's does: the image is active 2D after the call.
		transition := 2 * d
		late := time.Since(started) - transition
		gets := srv.RequestCount("GET", "/image/v2/images/{image_id}") - before
		target := 0.1*transition.Seconds() + 0.25
		rows = append(rows, row{
			scenario: fmt.Sprintf("wait D=%s: transition → Create returns", d), unit: "s",
			measured: late.Seconds(), floor: transition.Seconds(), target: fmt.Sprintf("≤ %.2f s", target), pass: late.Seconds() <= target,
		}, row{
			scenario: fmt.Sprintf("wait D=%s: GETs per wait", d), unit: "GETs",
			measured: float64(gets), floor: 1, target: "≤ 12", pass: gets <= 12,
		})
	}
	return rows
}

// benchFleet: apply N images of a small file at -parallelism=10 against the
// same apply of N terraform_data.
func benchFleet(t *testing.T, sz sizes) []row {
	srv := acctest.Mock(t, mockserver.Options{Delay: sz.fleetDelay})
	file := acctest.WriteImageFile(t, "fleet.raw", sz.fleetFile, 1)
	images := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Producer)+fmt.Sprintf(`
resource "cloudimages_image" "fleet" {
  count            = %d
  name             = "fleet-${count.index}"
  file             = %q
  disk_format      = "raw"
  container_format = "bare"
}
`, sz.fleet, file.Path))
	floor := acctest.NewCLI(t, fmt.Sprintf(`
resource "terraform_data" "fleet" {
  count = %d
  input = "fleet-${count.index}"
}
`, sz.fleet))
	images.MustRun("init", "-input=false")
	floor.MustRun("init", "-input=false")
	floorTime := timed(func() { floor.MustRun("apply", "-auto-approve", "-input=false", "-parallelism=10") })
	measured := timed(func() { images.MustRun("apply", "-auto-approve", "-input=false", "-parallelism=10") })
	limit := floorTime.Seconds() + 5*(sz.fleetDelay.Seconds()+0.3)
	return []row{{
		scenario: fmt.Sprintf("apply %d images of %s, -parallelism=10, D=%s", sz.fleet, bytesize(sz.fleetFile), sz.fleetDelay), unit: "s",
		measured: measured.Seconds(), floor: floorTime.Seconds(),
		target: fmt.Sprintf("≤ floor + 5×(D+0.3 s) = %.2f s", limit), pass: measured.Seconds() <= limit,
	}}
}

// benchRefresh: plan (with refresh) over N images in the state against the
// same plan over N terraform_data; one GET per image, one authentication.
// Each plan is the median of three. The same plan over N resources of a
// minimal framework provider (miniprovider) is reported beside it, as what
// any plugin provider costs compared with terraform_data, which Terraform
// runs in its own process.
func benchRefresh(t *testing.T, sz sizes) []row {
	srv := acctest.Mock(t, mockserver.Options{})
	images := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Producer)+fmt.Sprintf(`
resource "cloudimages_image" "many" {
  count = %d
  name  = "many-${count.index}"
}
`, sz.refresh))
	floor := acctest.NewCLI(t, fmt.Sprintf(`
resource "terraform_data" "many" {
  count = %d
  input = "many-${count.index}"
}
`, sz.refresh))
	for _, cli := range []*acctest.CLI{images, floor} {
		cli.MustRun("init", "-input=false")
		cli.MustRun("apply", "-auto-approve", "-input=false", "-parallelism=20")
	}
	mini := newMiniCLI(t, fmt.Sprintf(`
resource "mini_thing" "many" {
  count = %d
  name  = "many-${count.index}"
}
`, sz.refresh))
	mini.mustRun("apply", "-auto-approve", "-input=false", "-parallelism=20")
	wide := newMiniCLI(t, fmt.Sprintf(`
resource "mini_wide" "many" {
  count = %d
  name  = "many-${count.index}"
}
`, sz.refresh))
	wide.mustRun("apply", "-auto-approve", "-input=false", "-parallelism=20")

	floorTime := median(func() time.Duration { return timed(func() { floor.MustRun("plan", "-input=false") }) })
	miniTime := median(func() time.Duration { return timed(func() { mini.mustRun("plan", "-input=false") }) })
	wideTime := median(func() time.Duration { return timed(func() { wide.mustRun("plan", "-input=false") }) })
	// GETs and authentications of each run: the most of the three count
	gets, auths, exact := 0, 0, true
	var rss int64 // the provider's peak RSS, the most of the three plans
	measured := median(func() time.Duration {
		srv.ResetCounters()
		stop := sampleProcess(images.Dir())
		d := timed(func() { images.MustRun("plan", "-input=false") })
		rss = max(rss, stop().peakRSS)
		g, a := srv.RequestCount("GET", "/image/v2/images/{image_id}"), srv.RequestCount("POST", "/identity/v2.0/tokens")
		gets, auths, exact = max(gets, g), max(auths, a), exact && g == sz.refresh && a == 1
		return d
	})
	profilePlan(t, images, "refresh")
	limit := 1.5 * floorTime.Seconds()
	return []row{
		{
			scenario: fmt.Sprintf("plan (refresh) with %d images in state", sz.refresh), unit: "s",
			measured: measured.Seconds(), floor: floorTime.Seconds(), target: fmt.Sprintf("≤ 1.5 × floor = %.2f s", limit),
			pass: measured.Seconds() <= limit,
		},
		{
			scenario: fmt.Sprintf("plan (refresh) with %d images against the minimal framework provider", sz.refresh), unit: "s",
			measured: measured.Seconds(), floor: miniTime.Seconds(), target: fmt.Sprintf("≤ 1.5 × floor = %.2f s", 1.5*miniTime.Seconds()),
			pass: measured <= miniTime*3/2,
		},
		{
			scenario: fmt.Sprintf("reference: plan (refresh) with %d resources of a minimal framework provider", sz.refresh), unit: "s",
			measured: miniTime.Seconds(), floor: floorTime.Seconds(), target: "none: the cost of any plugin provider", reference: true,
		},
		{
			scenario: fmt.Sprintf("reference: plan (refresh) with %d images against %d mini_wide, a minimal framework provider's resource with as many attributes (%d)",
				sz.refresh, sz.refresh, 2+miniWideAttributes), unit: "s",
			measured: measured.Seconds(), floor: wideTime.Seconds(), reference: true,
			target: "none: what Terraform and the framework cost for a schema of this size, with no API and no logic",
		},
		{
			scenario: fmt.Sprintf("plan with %d images: GETs, authentications", sz.refresh), unit: "GETs",
			measured: float64(gets), floor: float64(sz.refresh), target: "exactly 1 GET per image, 1 auth",
			pass: exact, note: fmt.Sprintf("%d authentication(s); the most of three plans", auths),
		},
		{
			scenario: fmt.Sprintf("plan (refresh) with %d images: provider peak RSS", sz.refresh), unit: "MiB",
			measured: float64(rss) / (1 << 20), floor: 100, target: "< 100 MiB", pass: rss > 0 && rss < 100<<20,
			note: "VmHWM sampled every 20 ms, the most of three plans",
		},
	}
}

// benchUploadAndPlan: upload a big file with the provider against curl -T to
// the same route of the same (standalone) mock; peak memory of both
// processes; then plan over the unchanged big image against a tiny one.
//
// The mock keeps its data in memory (/dev/shm when it has room) and each
// upload starts with the page cache flushed (sync): on disk, an upload that
// started while gigabytes written before it (the file itself, the previous
// upload) were still being written back ran up to 60 % slower, so the order
// of the runs decided the result. Each side runs twice, in the order curl,
// provider, provider, curl, and the faster run of each counts. Every upload
// starts with no image data stored: the image of each run is deleted after
// it (terraform destroy for the provider's, untimed), since an upload that
// needs memory the machine has not used lately was up to 50 % slower too.
// The image for the plans is applied last.
func benchUploadAndPlan(t *testing.T, sz sizes) []row {
	mock := startStandaloneIn(t, memoryDir(t, 3*sz.upload))
	big := acctest.WriteImageFile(t, "big.raw", sz.upload, 2)
	tiny := acctest.WriteImageFile(t, "tiny.raw", 1024, 3)

	// Floor: curl -T of the same file to a fresh image of the same mock.
	token, imageURL := mock.token(t), mock.url+"/image/v2/images"
	curlUpload := func() time.Duration {
		id := mock.createImage(t, token)
		syscall.Sync()
		d := timed(func() {
			out, err := exec.Command("curl", "-sS", "-f", "-X", "PUT", "-T", big.Path,
				"-H", "X-Auth-Token: "+token, "-H", "Content-Type: application/octet-stream",
				imageURL+"/"+id+"/file").CombinedOutput()
			if err != nil {
				t.Fatalf("curl -T: %v\n%s", err, out)
			}
		})
		mock.deleteImage(t, token, id)
		return d
	}

	file := func(f acctest.ImageFile) string { return fmt.Sprintf("  file             = %q\n", f.Path) }
	bigCLI, tinyCLI := acctest.NewCLI(t, mock.streamConfig(file(big))), acctest.NewCLI(t, mock.streamConfig(file(tiny)))
	runs := runStreams(curlUpload, bigCLI, tinyCLI)
	mockRSS := peakRSS(mock.cmd.Process.Pid)

	bigCLI.MustRun("apply", "-auto-approve", "-input=false") // the unchanged image of the plans
	planBig := median(func() time.Duration { return timed(func() { bigCLI.MustRun("plan", "-input=false") }) })
	planTiny := median(func() time.Duration { return timed(func() { tinyCLI.MustRun("plan", "-input=false") }) })
	return []row{
		rateRow(fmt.Sprintf("upload %s: throughput vs curl -T", bytesize(sz.upload)), sz.upload,
			runs.uploadTime(), runs.floorTime(), "≥ 80 % of curl", runs.String()),
		{
			scenario: fmt.Sprintf("upload %s: provider peak RSS", bytesize(sz.upload)), unit: "MiB",
			measured: float64(runs.proc.peakRSS) / (1 << 20), floor: 64, target: "< 64 MiB", pass: runs.proc.peakRSS < 64<<20,
		},
		{
			scenario: fmt.Sprintf("upload %s: mock peak RSS", bytesize(sz.upload)), unit: "MiB",
			measured: float64(mockRSS) / (1 << 20), floor: 64, target: "< 64 MiB", pass: mockRSS < 64<<20,
		},
		{
			scenario: fmt.Sprintf("plan with an unchanged %s image in state", bytesize(sz.upload)), unit: "s",
			measured: planBig.Seconds(), floor: planTiny.Seconds(), target: "within 100 ms of a 1 KiB image",
			pass: planBig-planTiny <= 100*time.Millisecond,
		},
	}
}

// benchImportExport: an import task of a big object and the export of that
// image, against copying the object with curl GET then PUT.
func benchImportExport(t *testing.T, sz sizes) []row {
	mock := startStandalone(t)
	token := mock.token(t)
	store := mock.url + "/object/v1/AUTH_100001"
	vhd := filepath.Join(t.TempDir(), "big.vhd")
	f, err := os.Create(vhd)
	if err != nil {
		t.Fatal(err)
	}
	if err := mockserver.WriteFixedVHD(f, sz.importBytes); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	curl := func(args ...string) {
		t.Helper()
		out, err := exec.Command("curl", append([]string{"-sS", "-f", "-H", "X-Auth-Token: " + token}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
	}
	for _, c := range []string{"bench", "copies", "out"} {
		curl("-X", "PUT", store+"/"+c)
	}
	curl("-X", "PUT", "-T", vhd, store+"/bench/big.vhd")

	copied := filepath.Join(t.TempDir(), "copy.vhd")
	floor := timed(func() {
		curl("-o", copied, store+"/bench/big.vhd")
		curl("-X", "PUT", "-T", copied, store+"/copies/big.vhd")
	})

	c := newClientURL(t, mock.url+"/identity/v2.0/")
	ctx := context.Background()
	measured := timed(func() {
		task, err := c.CreateImportTask(ctx, client.ImportTaskInput{ImageName: "big", ImportFrom: "bench/big.vhd"})
		if err != nil {
			t.Fatal(err)
		}
		if task, err = c.WaitForTask(ctx, task.ID); err != nil {
			t.Fatal(err)
		}
		exp, err := c.CreateExportTask(ctx, task.ResultString("image_id"), "out")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitForTask(ctx, exp.ID); err != nil {
			t.Fatal(err)
		}
	})
	limit := 1.5 * floor.Seconds()
	return []row{{
		scenario: fmt.Sprintf("import task of %s + export of the image", bytesize(sz.importBytes)), unit: "s",
		measured: measured.Seconds(), floor: floor.Seconds(), target: fmt.Sprintf("≤ 1.5 × floor = %.2f s", limit),
		pass: measured.Seconds() <= limit,
	}}
}

func newClient(t *testing.T, srv *mockserver.Server) *client.Client {
	t.Helper()
	return newClientURL(t, srv.IdentityV2URL())
}

func newClientURL(t *testing.T, authURL string) *client.Client {
	t.Helper()
	c, err := client.New(context.Background(), client.Config{AuthURL: authURL, Username: "producer", APIKey: "producer-key", MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// median runs f three times and returns the median time.
func median(f func() time.Duration) time.Duration {
	var ds []time.Duration
	for range 3 {
		ds = append(ds, f())
	}
	for i := range ds {
		for j := i + 1; j < len(ds); j++ {
			if ds[j] < ds[i] {
				ds[i], ds[j] = ds[j], ds[i]
			}
		}
	}
	return ds[len(ds)/2]
}

func bytesize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	default:
		return fmt.Sprintf("%d KiB", n>>10)
	}
}

// machine describes where the numbers were taken.
func machine() string {
	mem := "unknown memory"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "MemTotal:") {
				mem = strings.TrimSpace(strings.TrimPrefix(line, "MemTotal:"))
			}
		}
	}
	tf, _ := exec.Command("terraform", "version").Output()
	return fmt.Sprintf("%d CPUs (nproc), %s memory, %s/%s, %s, %s", runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH,
		runtime.Version(), strings.SplitN(string(tf), "\n", 2)[0])
}
