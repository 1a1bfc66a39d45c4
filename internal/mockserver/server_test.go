package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestStart_Options(t *testing.T) {
	t.Parallel()
	if s, err := Start(Options{Flavor: "nova"}); err == nil {
		s.Close()
		t.Error("flavor nova accepted")
	}
	s := startServer(t, Options{Flavor: "glance"})
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || s.IdentityV2URL() != s.URL()+"/identity/v2.0/" ||
		s.IdentityV3URL() != s.URL()+"/identity/v3/" || s.ImageURL() != s.URL()+"/image/v2" {
		t.Errorf("urls %s %s %s %s", s.URL(), s.IdentityV2URL(), s.IdentityV3URL(), s.ImageURL())
	}
	if accts := DefaultAccounts(); len(accts) != 2 || accts[0].TenantID != producer || accts[1].APIKey != "consumer-key" {
		t.Errorf("default accounts %+v", accts)
	}
}

func TestClose_DataDirAndPendingTransitions(t *testing.T) {
	t.Parallel()
	s, err := Start(Options{Delay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	tmp := s.DataDir()
	activeImageNoWait(t, s)
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("Close waited for the pending transition")
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temp data dir left: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	// A data dir the caller chose is kept.
	mine := t.TempDir()
	s, err = Start(Options{DataDir: mine})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(mine, "images")); err != nil {
		t.Errorf("caller's data dir: %v", err)
	}
}

// activeImageNoWait uploads to an image on a server with a long delay, leaving the
// activation pending.
func activeImageNoWait(t *testing.T, s *Server) {
	t.Helper()
	id := createImage(t, s, producer, map[string]any{"disk_format": "raw", "container_format": "bare"})["id"].(string)
	expect(t, upload(t, s, producer, id, "x", nil), http.StatusNoContent, "")
}

func TestLogf(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var lines []string
	s := startServer(t, Options{Logf: func(format string, args ...any) {
		mu.Lock()
		lines = append(lines, fmt.Sprintf(format, args...))
		mu.Unlock()
	}})
	do(t, s, req{method: "GET", path: "/image/v2/images?limit=1"})
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "GET /image/v2/images?limit=1 401 ") {
		t.Fatalf("log = %q", lines)
	}
}

func TestVersionDocuments(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	cases := []struct {
		path   string
		status int
		check  func(map[string]any) bool
	}{
		{"/identity/", 300, func(m map[string]any) bool {
			vs := m["versions"].(map[string]any)["values"].([]any)
			self := vs[0].(map[string]any)["links"].([]any)[0].(map[string]any)
			return len(vs) == 2 && self["href"] == s.IdentityV3URL() && self["rel"] == "self"
		}},
		{"/identity/v2.0", 200, func(m map[string]any) bool { return m["version"].(map[string]any)["id"] == "v2.0" }},
		{"/identity/v3/", 200, func(m map[string]any) bool { return m["version"].(map[string]any)["id"] == "v3.14" }},
		{"/image/", 300, func(m map[string]any) bool {
			v := m["versions"].([]any)[0].(map[string]any)
			return v["status"] == "CURRENT" && v["links"].([]any)[0].(map[string]any)["href"] == s.URL()+"/image/v2/"
		}},
		{"/image/versions", 200, func(m map[string]any) bool { return len(m["versions"].([]any)) > 1 }},
		{"/image/v2", 200, func(m map[string]any) bool { return m["version"].(map[string]any)["status"] == "CURRENT" }},
		{"/image/v2/", 200, func(m map[string]any) bool { return m["version"] != nil }},
	}
	for _, tc := range cases {
		r := do(t, s, req{method: "GET", path: tc.path})
		if r.status != tc.status || r.header.Get("Content-Type") != "application/json" || !tc.check(r.object(t)) {
			t.Errorf("%s: %d %s", tc.path, r.status, r.body)
		}
	}
}

func TestSchemas(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	for _, name := range []string{"image", "images", "member", "members", "task", "tasks"} {
		r := do(t, s, req{method: "GET", path: "/image/v2/schemas/" + name, token: tok})
		expect(t, r, http.StatusOK, "")
		if m := r.object(t); m["name"] != name || m["properties"] == nil {
			t.Errorf("%s: %s", name, r.body)
		}
	}
	img := do(t, s, req{method: "GET", path: "/image/v2/schemas/image", token: tok}).object(t)
	disk := img["properties"].(map[string]any)["disk_format"].(map[string]any)["enum"].([]any)
	if len(disk) != len(diskFormats)+1 || disk[0] != nil {
		t.Errorf("disk_format enum %v", disk)
	}
	// Members and tasks are served in Glance's minimal form, with Rackspace's task types.
	task := do(t, s, req{method: "GET", path: "/image/v2/schemas/task", token: tok}).object(t)
	if types := task["properties"].(map[string]any)["type"].(map[string]any)["enum"].([]any); len(types) != 2 ||
		types[0] != "import" || types[1] != "export" || task["links"] != nil {
		t.Errorf("task schema %v", task)
	}
	tasksDoc := do(t, s, req{method: "GET", path: "/image/v2/schemas/tasks", token: tok}).object(t)
	stub := tasksDoc["properties"].(map[string]any)["tasks"].(map[string]any)["items"].(map[string]any)["properties"].(map[string]any)
	if _, ok := stub["input"]; ok || stub["expires_at"] == nil || len(tasksDoc["links"].([]any)) != 1 {
		t.Errorf("tasks schema %v", tasksDoc)
	}
	member := do(t, s, req{method: "GET", path: "/image/v2/schemas/member", token: tok}).object(t)
	if len(member) != 2 || len(member["properties"].(map[string]any)) != 6 {
		t.Errorf("member schema %v", member)
	}
}

// TestConcurrentClients exercises the locking under the race detector, as Terraform does
// with parallelism 10.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Delay: time.Millisecond})
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tenant := []string{producer, consumer}[i%2]
			tok := s.IssueToken(tenant)
			r, err := send(s, req{method: "POST", path: "/image/v2/images", token: tok,
				body: map[string]any{"name": fmt.Sprint(i), "disk_format": "raw", "container_format": "bare"}})
			if err != nil || r.status != http.StatusCreated {
				t.Errorf("create: %v %d", err, r.status)
				return
			}
			var img struct{ ID string }
			_ = json.Unmarshal(r.body, &img)
			steps := []req{
				{method: "PUT", path: "/image/v2/images/" + img.ID + "/file", token: tok, body: strings.Repeat("x", 1000*i),
					header: map[string]string{"Content-Type": "application/octet-stream"}},
				{method: "PATCH", path: "/image/v2/images/" + img.ID, token: tok, body: `[{"op":"add","path":"/k","value":"v"}]`,
					header: map[string]string{"Content-Type": patchV21}},
				{method: "GET", path: "/image/v2/images?limit=3", token: tok},
			}
			for _, step := range steps {
				if r, err := send(s, step); err != nil || r.status >= 300 {
					t.Errorf("%s %s: %v %d %s", step.method, step.path, err, r.status, r.body)
				}
			}
			_ = s.Images()
		}()
	}
	wg.Wait()
	waitFor(t, "all active", func() bool {
		for _, rec := range s.Images() {
			if rec.Status != "active" {
				return false
			}
		}
		return true
	})
	if n := len(s.Images()); n != 10 {
		t.Fatalf("%d images", n)
	}
}
