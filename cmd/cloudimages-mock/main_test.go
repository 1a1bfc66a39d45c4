package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestOptions_DefaultsEnvAndFlags(t *testing.T) {
	t.Parallel()
	opts, err := options(nil, env(nil), io.Discard)
	if err != nil || opts.Addr != "127.0.0.1:8788" || opts.Delay != time.Second || opts.Flavor != "glance" || opts.DataDir != "" {
		t.Fatalf("defaults = %+v, %v", opts, err)
	}
	vars := map[string]string{"MOCK_ADDR": "127.0.0.1:9000", "MOCK_DELAY": "250ms", "MOCK_FLAVOR": "glance", "MOCK_DATA_DIR": "/tmp/x"}
	opts, err = options(nil, env(vars), io.Discard)
	if err != nil || opts.Addr != "127.0.0.1:9000" || opts.Delay != 250*time.Millisecond || opts.DataDir != "/tmp/x" {
		t.Fatalf("env = %+v, %v", opts, err)
	}
	opts, err = options([]string{"-addr", "127.0.0.1:9001", "-delay", "0s"}, env(vars), io.Discard)
	if err != nil || opts.Addr != "127.0.0.1:9001" || opts.Delay != 0 {
		t.Fatalf("flags = %+v, %v", opts, err)
	}
}

func TestOptions_ExtraReadOnlyProperties(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"MOCK_EXTRA_READONLY_PROPERTIES": "x_cloud_region=MOCK-1, os_glance_stores=default,empty="}
	opts, err := options(nil, env(vars), io.Discard)
	want := map[string]string{"x_cloud_region": "MOCK-1", "os_glance_stores": "default", "empty": ""}
	if err != nil || len(opts.ExtraReadOnlyProperties) != len(want) {
		t.Fatalf("%+v, %v", opts.ExtraReadOnlyProperties, err)
	}
	for k, v := range want {
		if got, ok := opts.ExtraReadOnlyProperties[k]; !ok || got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := formatProperties(want); got != "empty=,os_glance_stores=default,x_cloud_region=MOCK-1" {
		t.Errorf("banner form %q", got)
	}
}

func TestOptions_TLS(t *testing.T) {
	t.Parallel()
	opts, err := options(nil, env(map[string]string{"MOCK_TLS": "1", "MOCK_CA_FILE": "/tmp/ca.pem"}), io.Discard)
	if err != nil || !opts.TLS || opts.CAFile != "/tmp/ca.pem" {
		t.Fatalf("MOCK_TLS=1: %+v, %v", opts, err)
	}
	var stderr bytes.Buffer
	opts, err = options(nil, env(map[string]string{"MOCK_TLS": "0", "MOCK_CA_FILE": "/tmp/ca.pem"}), &stderr)
	if err != nil || opts.TLS || opts.CAFile != "" || !strings.Contains(stderr.String(), "MOCK_CA_FILE is ignored") {
		t.Fatalf("MOCK_TLS=0: %+v, %v, %q", opts, err, stderr.String())
	}
}

func TestOptions_Refusals(t *testing.T) {
	t.Parallel()
	for name, vars := range map[string]map[string]string{
		"bad delay": {"MOCK_DELAY": "soon"},
		"bad tls":   {"MOCK_TLS": "yes please"},
		"no value":  {"MOCK_EXTRA_READONLY_PROPERTIES": "x_cloud_region"},
		"no key":    {"MOCK_EXTRA_READONLY_PROPERTIES": "=MOCK"},
		"twice":     {"MOCK_EXTRA_READONLY_PROPERTIES": "a=1,a=2"},
	} {
		if _, err := options(nil, env(vars), io.Discard); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	var stderr bytes.Buffer
	if code := run(nil, env(map[string]string{"MOCK_TLS": "maybe"}), io.Discard, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "MOCK_TLS=maybe: want 1 (serve HTTPS) or 0") {
		t.Errorf("MOCK_TLS=maybe: exit %d, %q", code, stderr.String())
	}
	if code := run(nil, env(map[string]string{"MOCK_FLAVOR": "nova", "MOCK_ADDR": "127.0.0.1:0"}), io.Discard, io.Discard); code != 2 {
		t.Errorf("unknown flavor: exit %d", code)
	}
	vars := map[string]string{"MOCK_EXTRA_READONLY_PROPERTIES": "status=active", "MOCK_ADDR": "127.0.0.1:0"}
	stderr.Reset()
	if code := run(nil, env(vars), io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), `"status" is a base attribute`) {
		t.Errorf("base attribute as extra: exit %d, %q", code, stderr.String())
	}
	if code := run([]string{"extra"}, env(nil), io.Discard, io.Discard); code != 2 {
		t.Errorf("extra argument: exit %d", code)
	}
}

// TestBanner_TLS: with TLS the banner shows https URLs, the CA file and OS_CACERT.
func TestBanner_TLS(t *testing.T) {
	t.Parallel()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	opts, err := options(nil, env(map[string]string{"MOCK_ADDR": "127.0.0.1:0", "MOCK_TLS": "1", "MOCK_CA_FILE": caFile}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	banner := banner(srv, opts, "nothing")
	for _, want := range []string{"listening on https://127.0.0.1:", "CA certificate " + caFile, "export OS_CACERT=" + caFile,
		"export OS_AUTH_URL=https://127.0.0.1:", "control        https://127.0.0.1:"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	if _, err := os.Stat(caFile); err != nil {
		t.Error(err)
	}
}

// syncBuffer lets the test read what run prints while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRun_BannerAndCleanStop(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	done := make(chan int)
	vars := map[string]string{"MOCK_ADDR": "127.0.0.1:0", "MOCK_FLAVOR": "rackspace", "MOCK_DELAY": "0s",
		"MOCK_EXTRA_READONLY_PROPERTIES": "x_cloud_region=MOCK-1"}
	go func() { done <- run(nil, env(vars), &out, io.Discard) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl-C") {
		if time.Now().After(deadline) {
			t.Fatalf("no banner: %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	banner := out.String()
	for _, want := range []string{"/identity/v2.0/", "/identity/v3/", "/image/v2", "producer-key", "consumer-pass",
		"export OS_AUTH_URL=http://127.0.0.1:", "export OS_USERNAME=producer", "flavor rackspace",
		"/object/v1/AUTH_100001", "images/sample.vhd", "exports", "/_mock/ (faults, tokens, counters", "read-only      x_cloud_region=MOCK-1 (on every image)"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	dir := regexp.MustCompile(`data dir\s+(\S+)`).FindStringSubmatch(banner)
	if dir == nil {
		t.Fatalf("no data dir in banner:\n%s", banner)
	}
	if strings.Contains(banner, "OS_CACERT") || strings.Contains(banner, "CA certificate") {
		t.Errorf("CA lines without TLS:\n%s", banner)
	}
	root := regexp.MustCompile(`listening on (\S+)`).FindStringSubmatch(banner)[1]
	checkSeed(t, root)
	checkControl(t, root)
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
	if _, err := os.Stat(dir[1]); !os.IsNotExist(err) {
		t.Errorf("temp data dir %s left behind: %v", dir[1], err)
	}
}

// checkSeed finds the sample VHD in the producer's object store and imports it.
func checkSeed(t *testing.T, root string) {
	t.Helper()
	call := func(method, path, token, body string) (*http.Response, map[string]any) {
		t.Helper()
		req, err := http.NewRequestWithContext(context.Background(), method, root+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json") // the rackspace flavour answers 415 without it
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var doc map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&doc)
		return resp, doc
	}
	_, doc := call("POST", "/identity/v2.0/tokens", "",
		`{"auth":{"passwordCredentials":{"username":"producer","password":"producer-pass"}}}`)
	token := doc["access"].(map[string]any)["token"].(map[string]any)["id"].(string)
	resp, _ := call("HEAD", "/object/v1/AUTH_100001/images/sample.vhd", token, "")
	if resp.StatusCode != http.StatusOK || resp.ContentLength != 1<<20+512 {
		t.Errorf("sample: %d, %d bytes", resp.StatusCode, resp.ContentLength)
	}
	if resp, _ := call("HEAD", "/object/v1/AUTH_100001/exports", token, ""); resp.StatusCode != http.StatusNoContent ||
		resp.Header.Get("X-Container-Object-Count") != "0" {
		t.Errorf("exports: %d %v", resp.StatusCode, resp.Header)
	}
	_, task := call("POST", "/image/v2/tasks", token,
		`{"type":"import","input":{"image_properties":{"name":"sample"},"import_from":"images/sample.vhd"}}`)
	_, task = call("GET", "/image/v2/tasks/"+task["id"].(string), token, "")
	if task["status"] != "success" {
		t.Errorf("import of the sample: %v", task)
	}
}

// checkControl uses the control path the banner points at, as a script would.
func checkControl(t *testing.T, root string) {
	t.Helper()
	resp, err := http.Post(root+"/_mock/faults", "application/json", strings.NewReader(`{"path":"^/image/v2/images$","status":503}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("arm a fault: %d", resp.StatusCode)
	}
	resp, err = http.Get(root + "/image/v2/images")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("faulted list: %d", resp.StatusCode)
	}
}

// TestBanner_matchesDocs: the variables the banner tells users to export are
// exactly those of the testing guide and of README.md, for the default
// address.
func TestBanner_matchesDocs(t *testing.T) {
	t.Parallel()
	srv, err := mockserver.Start(mockserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	b := strings.ReplaceAll(banner(srv, mockserver.Options{Flavor: "glance"}, "nothing"), srv.URL(), "http://127.0.0.1:8788")
	assignment := regexp.MustCompile(`\bOS_[A-Z_]+=\S+`)
	var printed []string
	for _, line := range strings.Split(b, "\n") {
		if strings.HasPrefix(line, "export ") {
			printed = append(printed, assignment.FindAllString(line, -1)...)
		}
	}
	if len(printed) == 0 {
		t.Fatalf("the banner exports nothing:\n%s", b)
	}
	docs := map[string]string{
		// The guide's "Point the provider at it" block.
		"templates/guides/testing-modules-with-the-mock.md.tmpl": "## Point the provider at it",
		// README.md's "Point terraform at it" under the mock's section.
		"README.md": "Point terraform at it",
	}
	for file, heading := range docs {
		raw, err := os.ReadFile(filepath.Join("..", "..", file))
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		i := strings.Index(text, heading)
		if i < 0 {
			t.Fatalf("%s has no %q", file, heading)
		}
		block := text[i:]
		start := strings.Index(block, "```shell\n")
		end := strings.Index(block[start+9:], "```")
		if start < 0 || end < 0 {
			t.Fatalf("%s: no shell block after %q", file, heading)
		}
		var documented []string
		for _, line := range strings.Split(block[start+9:start+9+end], "\n") {
			if strings.HasPrefix(line, "export ") {
				documented = append(documented, assignment.FindAllString(line, -1)...)
			}
		}
		if strings.Join(documented, " ") != strings.Join(printed, " ") {
			t.Errorf("%s exports %v, the banner %v", file, documented, printed)
		}
	}
	// The module-testing example says the same in its comments.
	const tftest = "examples/module-testing/tests/sharing.tftest.hcl"
	raw, err := os.ReadFile(filepath.Join("..", "..", tftest))
	if err != nil {
		t.Fatal(err)
	}
	var commented []string
	for _, line := range strings.Split(string(raw), "\n") {
		if l := strings.TrimSpace(strings.TrimPrefix(line, "#")); strings.HasPrefix(line, "#") && strings.HasPrefix(l, "export ") {
			commented = append(commented, assignment.FindAllString(l, -1)...)
		}
	}
	if strings.Join(commented, " ") != strings.Join(printed, " ") {
		t.Errorf("%s exports %v, the banner %v", tftest, commented, printed)
	}
}

// TestBanner_clientCertificates: MOCK_CLIENT_CERTS=1 writes a client
// certificate the mock trusts, and the banner exports it as OS_CERT/OS_KEY.
func TestBanner_clientCertificates(t *testing.T) {
	t.Parallel()
	if _, err := options(nil, env(map[string]string{"MOCK_CLIENT_CERTS": "1"}), io.Discard); err == nil {
		t.Fatal("MOCK_CLIENT_CERTS=1 without MOCK_TLS accepted")
	}
	opts, err := options(nil, env(map[string]string{"MOCK_ADDR": "127.0.0.1:0", "MOCK_TLS": "1", "MOCK_CLIENT_CERTS": "1"}), io.Discard)
	if err != nil || !opts.ClientCerts {
		t.Fatalf("%+v, %v", opts, err)
	}
	srv, err := mockserver.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if err := writeClientCertificate(srv); err != nil {
		t.Fatal(err)
	}
	b := banner(srv, opts, "nothing")
	cert, key := clientCertFiles(srv)
	for _, want := range []string{"export OS_CERT=" + cert, "export OS_KEY=" + key, "client cert    " + cert} {
		if !strings.Contains(b, want) {
			t.Errorf("banner lacks %q:\n%s", want, b)
		}
	}
	// The files are a pair the server accepts.
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(srv.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}}}
	resp, err := c.Get(srv.URL() + "/image/versions")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("with the written certificate: %s", resp.Status)
	}
}

// TestRegions_envBannerAndSeed: MOCK_REGIONS gives a server of those regions,
// each listed in the banner with its endpoints and seeded with the sample, and
// the banner's exports name the first region as the provider's; a bad list
// is refused before anything starts.
func TestRegions_envBannerAndSeed(t *testing.T) {
	t.Parallel()
	opts, err := options(nil, env(map[string]string{"MOCK_REGIONS": "DFW, ORD,IAD"}), io.Discard)
	if err != nil || strings.Join(opts.Regions, ",") != "DFW,ORD,IAD" {
		t.Fatalf("MOCK_REGIONS: %q, %v", opts.Regions, err)
	}
	for _, bad := range []string{"DFW,DFW", "DFW,,ORD", "image"} {
		if _, err := options(nil, env(map[string]string{"MOCK_REGIONS": bad}), io.Discard); err == nil ||
			!strings.Contains(err.Error(), "MOCK_REGIONS="+bad) {
			t.Errorf("MOCK_REGIONS=%s: %v", bad, err)
		}
	}

	opts.Addr, opts.Delay = "127.0.0.1:0", 0
	srv, err := mockserver.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	seeded, err := seed(srv)
	if err != nil || !strings.Contains(seeded, "in each of the 3 regions") {
		t.Fatalf("seed: %q, %v", seeded, err)
	}
	for _, region := range srv.Regions() {
		if _, ok := srv.InRegion(region).Object("100001", "images", "sample.vhd"); !ok {
			t.Errorf("no sample in %s", region)
		}
	}
	b := banner(srv, opts, seeded)
	for _, want := range []string{"region ORD", srv.URL() + "/ORD/image/v2", srv.URL() + "/IAD/object/v1/AUTH_100001", "export OS_AUTH_URL="} {
		if !strings.Contains(b, want) {
			t.Errorf("banner lacks %q:\n%s", want, b)
		}
	}
	if !strings.Contains(b, "OS_REGION_NAME=DFW") {
		t.Errorf("banner does not name the default region:\n%s", b)
	}
}
