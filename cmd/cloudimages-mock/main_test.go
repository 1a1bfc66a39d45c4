package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestOptions_DefaultsEnvAndFlags(t *testing.T) {
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

func TestOptions_Refusals(t *testing.T) {
	for name, vars := range map[string]map[string]string{
		"bad delay": {"MOCK_DELAY": "soon"},
		"tls":       {"MOCK_TLS": "1"},
	} {
		if _, err := options(nil, env(vars), io.Discard); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	var stderr bytes.Buffer
	if code := run(nil, env(map[string]string{"MOCK_TLS": "1"}), io.Discard, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "TLS is not implemented yet") {
		t.Errorf("MOCK_TLS=1: exit %d, %q", code, stderr.String())
	}
	if code := run(nil, env(map[string]string{"MOCK_FLAVOR": "nova", "MOCK_ADDR": "127.0.0.1:0"}), io.Discard, io.Discard); code != 2 {
		t.Errorf("unknown flavor: exit %d", code)
	}
	if code := run([]string{"extra"}, env(nil), io.Discard, io.Discard); code != 2 {
		t.Errorf("extra argument: exit %d", code)
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
	var out syncBuffer
	done := make(chan int)
	vars := map[string]string{"MOCK_ADDR": "127.0.0.1:0", "MOCK_FLAVOR": "rackspace", "MOCK_DELAY": "0s"}
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
		"/object/v1/AUTH_100001", "images/sample.vhd", "exports"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	dir := regexp.MustCompile(`data dir\s+(\S+)`).FindStringSubmatch(banner)
	if dir == nil {
		t.Fatalf("no data dir in banner:\n%s", banner)
	}
	checkSeed(t, regexp.MustCompile(`listening on (\S+)`).FindStringSubmatch(banner)[1])
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
