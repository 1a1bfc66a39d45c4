package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
)

// row is one line of the report.
type row struct {
	scenario string
	unit     string
	measured float64
	floor    float64
	target   string
	pass     bool
	note     string
	// reference rows have no target: they put another row in context
	reference bool
	// zeroOK rows may measure 0 (a count that should be zero)
	zeroOK bool
	// skipped rows could not be measured; note says why
	skipped bool
}

func render(mode string, rows []row, loadBefore, loadAfter string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n%s run of `make bench` on %s.\nMachine: %s.\n", mode, time.Now().UTC().Format("2006-01-02"), machine())
	fmt.Fprintf(&b, "Load average (1, 5, 15 min) when the run started: %s; when it ended: %s.\n\n", loadBefore, loadAfter)
	b.WriteString("Every time is compared with a floor measured in the same run: these machines are shared and absolute times vary.\n\n")
	b.WriteString("| scenario | measured | floor | ratio | target | pass |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		ratio := "—"
		if r.floor > 0 {
			ratio = fmt.Sprintf("%.2f", r.measured/r.floor)
		}
		pass := "yes"
		switch {
		case r.reference:
			pass = "—"
		case !r.pass:
			pass = "**no**"
		}
		note := ""
		if r.note != "" {
			note = " (" + r.note + ")"
		}
		if r.skipped {
			fmt.Fprintf(&b, "| %s | —%s | — | — | %s | skipped |\n", r.scenario, note, r.target)
			continue
		}
		fmt.Fprintf(&b, "| %s | %.3g %s%s | %.3g %s | %s | %s | %s |\n", r.scenario, r.measured, r.unit, note, r.floor, r.unit, ratio, r.target, pass)
	}
	return b.String()
}

// standalone is the mock run as its own process, so that its memory is its own.
type standalone struct {
	url    string
	prefix string // "/<region>" on a mock of several regions (in), else ""
	cmd    *exec.Cmd
}

// in is the mock as seen from one of its regions (MOCK_REGIONS): the image
// API's calls go to that region's paths.
func (m *standalone) in(region string) *standalone {
	v := *m
	v.prefix = "/" + region
	return &v
}

func startStandalone(t *testing.T) *standalone {
	t.Helper()
	return startStandaloneIn(t, t.TempDir())
}

// startStandaloneIn starts the mock with its data (every upload) in dataDir,
// and env added to its environment.
func startStandaloneIn(t *testing.T, dataDir string, env ...string) *standalone {
	t.Helper()
	m := acctest.StartStandalone(t, append([]string{"MOCK_DELAY=0s", "MOCK_DATA_DIR=" + dataDir}, env...)...)
	return &standalone{url: m.URL, cmd: m.Cmd}
}

// memoryDir is a fresh directory in memory (/dev/shm) when it has room for
// need bytes, else on disk (the test's TempDir). Uploads stored there do not
// wait on disk writeback, whose cost depends on what earlier scenarios wrote.
func memoryDir(t *testing.T, need int64) string {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &st); err != nil || int64(st.Bavail)*st.Bsize < need { //nolint:gosec // block counts fit
		return t.TempDir()
	}
	dir, err := os.MkdirTemp("/dev/shm", "cloudimages-bench-") //nolint:usetesting // in memory on purpose
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// deleteImage deletes an image (and so its data) as the producer.
func (m *standalone) deleteImage(t *testing.T, token, id string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, m.url+m.prefix+"/image/v2/images/"+id, nil) //nolint:noctx // a test
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete image %s: %s", id, resp.Status)
	}
}

// token authenticates as the producer.
func (m *standalone) token(t *testing.T) string {
	t.Helper()
	body := `{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"producer","apiKey":"producer-key"}}}`
	resp, err := http.Post(m.url+"/identity/v2.0/tokens", "application/json", strings.NewReader(body)) //nolint:noctx // a test
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Access struct {
			Token struct {
				ID string `json:"id"`
			} `json:"token"`
		} `json:"access"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc.Access.Token.ID == "" {
		t.Fatalf("authenticate: %v", err)
	}
	return doc.Access.Token.ID
}

func (m *standalone) createImage(t *testing.T, token string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, m.url+m.prefix+"/image/v2/images", strings.NewReader(`{"name":"curl","disk_format":"raw","container_format":"bare"}`)) //nolint:noctx // a test
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var img struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&img); err != nil || img.ID == "" {
		t.Fatalf("create image: %v (%s)", err, resp.Status)
	}
	return img.ID
}

// peakRSS is a process's peak resident memory (VmHWM), in bytes.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// loadAverage is the machine's load average over 1, 5 and 15 minutes
// (/proc/loadavg), to judge how busy the machine was during a run.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}

// miniWideAttributes is how many attributes mini_wide has besides id and
// name (wideAttributes in ./miniprovider/wide.go).
const miniWideAttributes = 36

// miniCLI runs terraform in a working directory of its own with the minimal
// framework provider (./miniprovider), built once per test process, as a
// development override (no init needed).
type miniCLI struct {
	t   *testing.T
	dir string
	env []string
}

var (
	miniBuild    sync.Once
	miniDir      string
	miniBuildErr error
)

func newMiniCLI(t *testing.T, config string) *miniCLI {
	t.Helper()
	miniBuild.Do(func() {
		miniDir, miniBuildErr = os.MkdirTemp("", "cloudimages-bench-mini-") //nolint:usetesting // shared by every scenario of the process
		if miniBuildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(miniDir, "terraform-provider-mini"), "./miniprovider").CombinedOutput()
		if err != nil {
			miniBuildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if miniBuildErr != nil {
		t.Fatalf("build the minimal provider: %v", miniBuildErr)
	}
	dir := t.TempDir()
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"bench/mini\" = %q\n  }\n  direct {}\n}\n", miniDir)
	tf := "terraform {\n  required_providers {\n    mini = { source = \"bench/mini\" }\n  }\n}\n" + config
	for name, content := range map[string]string{".terraformrc": rc, "main.tf": tf} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "TOFU_") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+filepath.Join(dir, ".terraformrc"), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	return &miniCLI{t: t, dir: dir, env: env}
}

func (c *miniCLI) mustRun(args ...string) {
	c.t.Helper()
	cmd := exec.Command("terraform", append(args, "-no-color")...)
	cmd.Dir, cmd.Env = c.dir, c.env
	if out, err := cmd.CombinedOutput(); err != nil {
		c.t.Fatalf("terraform %s (minimal provider): %v\n%s", strings.Join(args, " "), err, out)
	}
}

// procSample is what sampleProcess saw of the processes it watched.
type procSample struct {
	peakRSS int64 // the highest VmHWM of any of them, in bytes
	// writeBytes is the sum over the processes of the last write_bytes
	// (/proc/<pid>/io: bytes the process caused to be written to storage)
	// read while each lived; -1 when /proc/<pid>/io could not be read.
	writeBytes int64
	pids       int
}

// writeBytes is a process's write_bytes from /proc/<pid>/io, or -1.
func writeBytes(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// sampleProcess watches, every 20 ms, the provider processes of the
// terraform commands run in dir (those of other tests on the machine are
// not theirs) and keeps the highest peak RSS and the last write_bytes of
// each, until stop is called; stop returns what was seen. The bytes a
// process writes in its last 20 ms may be missed.
func sampleProcess(dir string) (stop func() procSample) {
	done := make(chan struct{})
	finished := make(chan struct{})
	var s procSample
	writes := map[int]int64{}
	go func() {
		defer close(finished)
		for {
			entries, _ := os.ReadDir("/proc")
			for _, e := range entries {
				pid, err := strconv.Atoi(e.Name())
				if err != nil {
					continue
				}
				if !providerOf(pid, dir) {
					continue
				}
				if rss := peakRSS(pid); rss > s.peakRSS {
					s.peakRSS = rss
				}
				w := writeBytes(pid)
				if old, seen := writes[pid]; !seen || w > old {
					writes[pid] = w
				}
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() procSample {
		close(done)
		<-finished
		s.pids = len(writes)
		if s.pids == 0 {
			s.writeBytes = -1
		}
		for _, w := range writes {
			if w < 0 {
				s.writeBytes = -1
				break
			}
			s.writeBytes += w
		}
		return s
	}
}

// rateRow compares the rate of moving n bytes in transfer with the rate of
// the floor. transfer is an apply's time minus a tiny apply's: with the small
// sizes of a smoke run it is within the noise of an apply and may come out at
// or below zero, a time too small to measure, reported as such (not as a rate
// and not as a failure).
func rateRow(scenario string, n int64, transfer, floor time.Duration, target, note string) row {
	r := row{scenario: scenario, unit: "MB/s", floor: float64(n) / 1e6 / floor.Seconds(), target: target, note: note}
	if transfer <= 0 {
		r.reference, r.zeroOK = true, true
		r.note = "too small to measure: the transfer took less than the run-to-run noise of an apply; " + note
		return r
	}
	r.measured = float64(n) / 1e6 / transfer.Seconds()
	r.pass = floor.Seconds()/transfer.Seconds() >= 0.8
	return r
}

// providerOf says whether pid is this provider run by a terraform whose
// working directory is dir.
func providerOf(pid int, dir string) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !bytes.Contains(cmdline, []byte("terraform-provider-cloudimages")) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ppid ...: comm may hold spaces and parentheses.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 2 {
		return false
	}
	cwd, err := os.Readlink("/proc/" + fields[1] + "/cwd")
	return err == nil && cwd == dir
}

// profilePlan runs one more, untimed, plan in cli's directory with the
// provider writing pprof profiles (CLOUDIMAGES_PROFILE_DIR, see profile.go
// at the module root) into $CLOUDIMAGES_BENCH_PROFILE/name, when
// CLOUDIMAGES_BENCH_PROFILE is set; `go tool pprof DIR/cpu-*.pprof` reads
// them.
func profilePlan(t *testing.T, cli *acctest.CLI, name string) {
	t.Helper()
	base := os.Getenv("CLOUDIMAGES_BENCH_PROFILE")
	if base == "" {
		return
	}
	dir, err := filepath.Abs(filepath.Join(base, name))
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	cli.WithEnv("CLOUDIMAGES_PROFILE_DIR="+dir).MustRun("plan", "-input=false")
	t.Logf("profiles of the provider during a plan of %s: %s", name, dir)
}
