package examples

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// TestExamples_moduleTesting runs examples/module-testing the way the guide
// "Testing modules with the mock" tells users to: the standalone mock
// binary on a port of its own, the provider pointed at it with OS_*
// variables, then `terraform test`. The test files must pass and leave no
// image behind. A second run with faults armed over the control path shows
// a module's tests survive a flaky API.
func TestExamples_moduleTesting(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	mock := startStandaloneMock(t)
	p := mockserver.DefaultAccounts()[0]
	cli := acctest.NewCLIForDir(t, filepath.Join(examplesDir(t), "module-testing"),
		"OS_AUTH_URL="+mock.url+"/identity/v2.0/", "OS_USERNAME="+p.Username, "OS_API_KEY="+p.APIKey)
	cli.MustRun("init", "-input=false")

	r := cli.MustRun("test")
	if !strings.Contains(r.Stdout, "2 passed, 0 failed") {
		t.Errorf("terraform test did not pass both runs:\n%s", r.Stdout)
	}
	mock.expectNoImages(t)

	// The guide's fault-injection example: the next two image creates get
	// 503 with Retry-After, and one image read is slow.
	mock.control(t, "DELETE", "/_mock/counters", "")
	mock.control(t, "POST", "/_mock/faults", `{"method":"POST","path":"^/image/v2/images$","status":503,"times":2,"retry_after":"1"}`)
	mock.control(t, "POST", "/_mock/faults", `{"method":"GET","path":"^/image/v2/images/","latency_ms":500}`)
	r = cli.MustRun("test")
	if !strings.Contains(r.Stdout, "2 passed, 0 failed") {
		t.Errorf("terraform test under faults did not pass both runs:\n%s", r.Stdout)
	}
	var armed struct {
		Faults []json.RawMessage `json:"faults"`
	}
	if err := json.Unmarshal(mock.control(t, "GET", "/_mock/faults", ""), &armed); err != nil {
		t.Fatal(err)
	}
	if len(armed.Faults) != 0 {
		t.Errorf("faults that never fired: %d", len(armed.Faults))
	}
	var counters map[string]int
	if err := json.Unmarshal(mock.control(t, "GET", "/_mock/counters", ""), &counters); err != nil {
		t.Fatal(err)
	}
	if n := counters["POST /image/v2/images"]; n != 3 {
		t.Errorf("image creates: %d, want 3 (two answered 503, one retried through)", n)
	}
	mock.expectNoImages(t)
}

// standaloneMock is the cloudimages-mock program, as users run it.
type standaloneMock struct {
	url string
	out *lockedBuffer
}

var (
	mockBuildOnce sync.Once
	mockBinary    string
	mockBuildErr  error
)

// startStandaloneMock builds cmd/cloudimages-mock (once per test process),
// starts it on a free loopback port and waits until it answers; it is
// stopped when the test ends.
func startStandaloneMock(t *testing.T) *standaloneMock {
	t.Helper()
	mockBuildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cloudimages-mock-bin-") //nolint:usetesting // shared by the tests of the process
		if err != nil {
			mockBuildErr = err
			return
		}
		mockBinary = filepath.Join(dir, "cloudimages-mock")
		cmd := exec.Command("go", "build", "-o", mockBinary, "./cmd/cloudimages-mock")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			mockBuildErr = fmt.Errorf("go build ./cmd/cloudimages-mock: %v\n%s", err, out)
		}
	})
	if mockBuildErr != nil {
		t.Fatal(mockBuildErr)
	}
	addr := freeAddr(t)
	out := &lockedBuffer{}
	cmd := exec.Command(mockBinary)
	cmd.Env = append(os.Environ(), "MOCK_ADDR="+addr, "MOCK_DELAY=100ms", "MOCK_DATA_DIR="+t.TempDir())
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("cloudimages-mock: %v\n%s", err, out)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("cloudimages-mock did not stop on SIGINT\n%s", out)
		}
	})
	m := &standaloneMock{url: "http://" + addr, out: out}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(m.url + "/_mock/")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("cloudimages-mock exited: %v\n%s", err, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("cloudimages-mock does not answer on %s\n%s", addr, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddr is a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// control calls the mock's control path and returns the answer's body.
func (m *standaloneMock) control(t *testing.T, method, path, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(method, m.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %s %s", method, path, resp.Status, b.String())
	}
	return b.Bytes()
}

// expectNoImages checks through the images API, as each built-in account,
// that no image is left.
func (m *standaloneMock) expectNoImages(t *testing.T) {
	t.Helper()
	for _, acct := range mockserver.DefaultAccounts() {
		token := m.token(t, acct)
		req, err := http.NewRequest("GET", m.url+"/image/v2/images?visibility=all&member_status=all", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var list struct {
			Images []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"images"`
		}
		err = json.NewDecoder(resp.Body).Decode(&list)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatalf("list images as %s: %v", acct.Username, err)
		}
		for _, img := range list.Images {
			t.Errorf("image left after terraform test, seen by %s: %s (%s)", acct.Username, img.ID, img.Name)
		}
	}
}

// token authenticates acct with its API key, as the provider does.
func (m *standaloneMock) token(t *testing.T, acct mockserver.Account) string {
	t.Helper()
	body := fmt.Sprintf(`{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":%q,"apiKey":%q}}}`, acct.Username, acct.APIKey)
	resp, err := http.Post(m.url+"/identity/v2.0/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var access struct {
		Access struct {
			Token struct {
				ID string `json:"id"`
			} `json:"token"`
		} `json:"access"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&access); err != nil || access.Access.Token.ID == "" {
		t.Fatalf("authenticate as %s: %s %v", acct.Username, resp.Status, err)
	}
	return access.Access.Token.ID
}

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
