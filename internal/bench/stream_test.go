package bench

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
)

// pipeUpload is the floor of a streamed upload: producer (a command that
// writes the image data to its standard output) piped into curl -T - to a
// fresh image of the mock. The image is deleted after, untimed.
func (m *standalone) pipeUpload(t *testing.T, token string, producer ...string) time.Duration {
	t.Helper()
	id := m.createImage(t, token)
	syscall.Sync()
	script := `set -o pipefail; "${@:3}" | curl -sS -f -X PUT -T - -H "X-Auth-Token: $1" -H "Content-Type: application/octet-stream" "$2"`
	args := append([]string{"-c", script, "bash", token, m.url + m.prefix + "/image/v2/images/" + id + "/file"}, producer...)
	d := timed(func() {
		if out, err := exec.Command("bash", args...).CombinedOutput(); err != nil {
			t.Fatalf("%v | curl -T -: %v\n%s", producer, err, out)
		}
	})
	m.deleteImage(t, token, id)
	return d
}

// streamConfig is one cloudimages_image against the mock, with attrs (its
// source) added to the resource.
func (m *standalone) streamConfig(attrs string) string {
	return fmt.Sprintf(`
provider "cloudimages" {
  auth_url = %q
  username = "producer"
  api_key  = "producer-key"
}

resource "cloudimages_image" "data" {
  name             = "data"
  disk_format      = "raw"
  container_format = "bare"
%s}
`, m.url+"/identity/v2.0/", attrs)
}

// streamRuns are the timed runs of a streamed upload against its floor.
type streamRuns struct {
	floor1, floor2, apply1, apply2, tiny time.Duration
	proc                                 procSample // of both applies: the highest of each
}

// floorTime and uploadTime are the faster run of each side; the apply's own
// cost, measured on the tiny image, is not upload time.
func (r streamRuns) floorTime() time.Duration  { return min(r.floor1, r.floor2) }
func (r streamRuns) uploadTime() time.Duration { return min(r.apply1, r.apply2) - r.tiny }

func (r streamRuns) String() string {
	return fmt.Sprintf("runs: floor %.2f s, %.2f s; apply %.2f s, %.2f s, minus %.2f s for a 1 KiB apply",
		r.floor1.Seconds(), r.floor2.Seconds(), r.apply1.Seconds(), r.apply2.Seconds(), r.tiny.Seconds())
}

// runStreams times the floor and the provider's apply of big in the order
// floor, apply, apply, floor (each apply destroyed after, untimed; see
// benchUploadAndPlan for why), and the apply of tiny once (it stays applied),
// watching the provider processes during the big applies.
func runStreams(floor func() time.Duration, big, tiny *acctest.CLI) streamRuns {
	big.MustRun("init", "-input=false")
	tiny.MustRun("init", "-input=false")
	var r streamRuns
	syscall.Sync()
	r.tiny = timed(func() { tiny.MustRun("apply", "-auto-approve", "-input=false") })
	apply := func() time.Duration {
		syscall.Sync()
		var s procSample
		d := timed(func() {
			stop := sampleProcess(big.Dir())
			big.MustRun("apply", "-auto-approve", "-input=false")
			s = stop()
		})
		r.proc.peakRSS = max(r.proc.peakRSS, s.peakRSS)
		r.proc.pids += s.pids
		if s.writeBytes < 0 || r.proc.writeBytes < 0 {
			r.proc.writeBytes = -1
		} else {
			r.proc.writeBytes = max(r.proc.writeBytes, s.writeBytes)
		}
		big.MustRun("destroy", "-auto-approve", "-input=false")
		return d
	}
	r.floor1 = floor()
	r.apply1 = apply()
	r.apply2 = apply()
	r.floor2 = floor()
	return r
}

// throughputRow compares the provider's rate with the floor's, over n bytes
// (of image data, as stored).
func throughputRow(scenario string, n int64, r streamRuns, note string) row {
	if note != "" {
		note += "; "
	}
	return rateRow(scenario, n, r.uploadTime(), r.floorTime(), "≥ 80 % of the floor", note+r.String())
}

// benchSourceURL: apply an image whose source_url is a file served from
// loopback (by this process) against curl URL | curl -T -, to the same route
// of the same standalone mock; the provider's peak memory and the bytes it
// wrote to local disk (it should stage nothing).
func benchSourceURL(t *testing.T, sz sizes) []row {
	mock := startStandaloneIn(t, memoryDir(t, 3*sz.sourceURL))
	big := acctest.WriteImageFile(t, "big.raw", sz.sourceURL, 4)
	tiny := acctest.WriteImageFile(t, "tiny.raw", 1024, 5)
	files := map[string]string{"/big.raw": big.Path, "/tiny.raw": tiny.Path}
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, path)
	}))
	t.Cleanup(web.Close)

	token := mock.token(t)
	floor := func() time.Duration { return mock.pipeUpload(t, token, "curl", "-sS", "-f", web.URL+"/big.raw") }
	source := func(name string) string { return fmt.Sprintf("  source_url       = %q\n", web.URL+"/"+name) }
	// go-plugin makes the provider's socket in $TMPDIR (a file created,
	// removed, then bound): a page written per provider process, whatever
	// the image. In memory, what is left is what the provider stages.
	sockets := memoryDir(t, 1<<20)
	env := "PLUGIN_UNIX_SOCKET_DIR=" + sockets
	runs := runStreams(floor, acctest.NewCLI(t, mock.streamConfig(source("big.raw")), env), acctest.NewCLI(t, mock.streamConfig(source("tiny.raw")), env))

	name := fmt.Sprintf("source_url of %s served from loopback", bytesize(sz.sourceURL))
	return append([]row{throughputRow(name+": throughput vs curl URL \\| curl -T -", sz.sourceURL, runs, "")}, memoryRows(name, runs.proc, sockets)...)
}

// memoryRows are the provider's peak RSS and the bytes it wrote to local
// disk during the applies of a streamed scenario: under 64 MiB and none (it
// stages nothing). The plugin socket is in sockets (PLUGIN_UNIX_SOCKET_DIR,
// in memory).
func memoryRows(name string, proc procSample, sockets string) []row {
	rss := row{
		scenario: name + ": provider peak RSS", unit: "MiB",
		measured: float64(proc.peakRSS) / (1 << 20), floor: 64, target: "< 64 MiB", pass: proc.peakRSS < 64<<20,
	}
	disk := row{
		scenario: name + ": bytes the provider wrote to local disk", unit: "bytes",
		measured: float64(proc.writeBytes), target: "0 bytes", pass: proc.writeBytes == 0, zeroOK: true,
		note: fmt.Sprintf("write_bytes of /proc/<pid>/io, the most of the two applies, sampled every 20 ms over %d process(es); "+
			"the plugin socket in %s (PLUGIN_UNIX_SOCKET_DIR): in $TMPDIR it costs about 4 KiB per provider process", proc.pids, sockets),
	}
	if proc.writeBytes < 0 {
		disk.measured, disk.pass, disk.reference = 0, false, true
		disk.note = "not measured: /proc/<pid>/io of the provider process could not be read"
	}
	return []row{rss, disk}
}

// benchDecompress: apply an image of an xz file with decompress = true
// against xz -dc file | curl -T -, to the same route of the same standalone
// mock. The data is half zeros, half random (alternate MiB), so that it
// compresses and xz -1 is quick enough.
func benchDecompress(t *testing.T, sz sizes) []row {
	mock := startStandaloneIn(t, memoryDir(t, 3*sz.xz))
	big, compress := xzFile(t, "big.raw", sz.xz, 6)
	tiny, _ := xzFile(t, "tiny.raw", 1024, 7)
	info, err := os.Stat(big)
	if err != nil {
		t.Fatal(err)
	}

	token := mock.token(t)
	floor := func() time.Duration { return mock.pipeUpload(t, token, "xz", "-dc", big) }
	source := func(path string) string {
		return fmt.Sprintf("  file             = %q\n  decompress       = true\n", path)
	}
	runs := runStreams(floor, acctest.NewCLI(t, mock.streamConfig(source(big))), acctest.NewCLI(t, mock.streamConfig(source(tiny))))

	note := fmt.Sprintf("%s decompressed, %.0f MB compressed by xz -T0 -1 in %.1f s; rate of decompressed bytes",
		bytesize(sz.xz), float64(info.Size())/1e6, compress.Seconds())
	return []row{
		throughputRow(fmt.Sprintf("%s xz file with decompress: throughput vs xz -dc \\| curl -T -", bytesize(sz.xz)), sz.xz, runs, note),
	}
}

// xzFile writes size bytes, alternate MiB of zeros and of random data
// derived from seed, compresses them with xz -T0 -1 and returns the path of
// the .xz file and how long xz took. The uncompressed file is removed.
func xzFile(t *testing.T, name string, size int64, seed uint64) (string, time.Duration) {
	t.Helper()
	dir := t.TempDir()
	raw := filepath.Join(dir, name)
	f, err := os.Create(raw)
	if err != nil {
		t.Fatal(err)
	}
	var key [32]byte
	key[0] = byte(seed)
	random := rand.NewChaCha8(key)
	zeros := make([]byte, 1<<20)
	for i, left := 0, size; left > 0; i++ {
		n := min(left, 1<<20)
		src := io.LimitReader(random, n)
		if i%2 == 0 {
			src = bytes.NewReader(zeros[:n])
		}
		if _, err := io.Copy(f, src); err != nil {
			t.Fatal(err)
		}
		left -= n
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(raw + ".xz")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command("xz", "-T0", "-1", "-c", raw)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &stderr
	d := timed(func() {
		if err := cmd.Run(); err != nil {
			t.Fatalf("xz: %v\n%s", err, stderr.String())
		}
	})
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(raw)
	return raw + ".xz", d
}
