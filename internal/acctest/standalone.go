package acctest

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Standalone is the cloudimages-mock program run as users run it: a process
// of its own (so that its memory is its own), on a free loopback port.
type Standalone struct {
	URL string
	Cmd *exec.Cmd
	out *lockedBuffer
}

// Output is what the program printed so far.
func (m *Standalone) Output() string { return m.out.String() }

var (
	mockBuildOnce sync.Once
	mockBinary    string
	mockBuildErr  error
)

// StartStandalone builds cmd/cloudimages-mock (once per test process),
// starts it with env (MOCK_* settings; MOCK_ADDR is chosen here) and waits
// until it answers. When the test ends it is stopped with SIGINT, and the
// test fails if it does not stop cleanly.
func StartStandalone(t *testing.T, env ...string) *Standalone {
	t.Helper()
	mockBuildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			mockBuildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "cloudimages-mock-bin-") //nolint:usetesting // shared by the tests of the process
		if err != nil {
			mockBuildErr = err
			return
		}
		mockBinary = filepath.Join(dir, "cloudimages-mock")
		cmd := exec.Command("go", "build", "-o", mockBinary, "./cmd/cloudimages-mock")
		cmd.Dir = root
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
	cmd.Env = append(append(os.Environ(), env...), "MOCK_ADDR="+addr)
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
	m := &Standalone{URL: "http://" + addr, Cmd: cmd, out: out}
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(m.URL + "/_mock/") //nolint:noctx // a test
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
