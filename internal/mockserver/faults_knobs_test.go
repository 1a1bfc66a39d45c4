package mockserver

import (
	"net/http"
	"testing"
	"time"
)

// TestKillImage_DuringTheWait kills an image while a web-download import is under way,
// the wait that is asynchronous in Glance (an upload is not).
func TestKillImage_DuringTheWait(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Delay: 100 * time.Millisecond})
	tok := s.IssueToken(producer)
	srv, _ := dataServer(t, []byte("data"))
	id := readyImage(t, s)
	expect(t, importCall(t, s, producer, id, webDownload(srv.URL+"/disk.img")), http.StatusAccepted, "")
	if err := s.KillImage(id, "injected: the store failed"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the pending import to find nothing to do", s.life.idle)
	r := do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok})
	if expect(t, r, http.StatusOK, ""); r.object(t)["status"] != "killed" {
		t.Fatalf("status %v", r.object(t)["status"])
	}
	if names := listNames(t, s, producer, ""); len(names) != 0 {
		t.Errorf("killed image listed: %v", names)
	}
	expect(t, upload(t, s, producer, id, "again", nil), http.StatusConflict, "Image status transition from killed to saving is not allowed")
	expect(t, do(t, s, req{method: "DELETE", path: "/image/v2/images/" + id, token: tok}), http.StatusNoContent, "")
	if err := s.KillImage(id, "gone"); err == nil {
		t.Error("killing a deleted image succeeded")
	}
}

func TestFailTasks_TypesTimesAndClear(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	seedObject(t, s, producer, "images", "disk.vhd", vhdBytes(t, 4096))
	seedObject(t, s, producer, "exports", "keep", []byte("x"))
	imp := func() map[string]any { return finished(t, s, producer, "import", importInput("i", "images/disk.vhd")) }

	s.FailTasks(TaskFault{Type: "export", Message: "not for imports"})
	s.FailTasks(TaskFault{Type: "import", Message: "injected failure", Times: 2})
	for range 2 {
		if task := imp(); task["status"] != "failure" || task["message"] != "injected failure" || task["result"] != nil {
			t.Fatalf("faulted import: %v", task)
		}
	}
	if len(s.Images()) != 0 {
		t.Fatal("a failed import left an image")
	}
	task := imp()
	if task["status"] != "success" {
		t.Fatalf("third import: %v", task)
	}
	imageID := task["result"].(map[string]any)["image_id"].(string)
	export := finished(t, s, producer, "export", map[string]any{"image_uuid": imageID, "receiving_swift_container": "exports"})
	if export["status"] != "failure" || export["message"] != "not for imports" {
		t.Fatalf("faulted export: %v", export)
	}
	if objs := s.Objects(producer); len(objs) != 2 {
		t.Errorf("a failed export wrote: %+v", objs)
	}

	s.FailTasks(TaskFault{Times: -1})
	for range 3 {
		if task := imp(); task["status"] != "failure" || task["message"] != "Task failed due to Internal Error" {
			t.Fatalf("unlimited fault: %v", task)
		}
	}
	s.ClearFaults()
	if task := imp(); task["status"] != "success" {
		t.Fatalf("after ClearFaults: %v", task)
	}
}

// TestFailTasks_StepsKeepTheirDelays: a faulted task still goes pending → processing →
// failure, one delay apart.
func TestFailTasks_StepsKeepTheirDelays(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Delay: 250 * time.Millisecond}) // each status lasts long enough to be seen
	s.FailTasks(TaskFault{Message: "boom"})
	id := postTask(t, s, producer, "import", importInput("i", "images/none.vhd"))["id"].(string)
	var seen []string
	waitFor(t, "failure", func() bool {
		task, _ := s.Task(id)
		if len(seen) == 0 || seen[len(seen)-1] != task.Status {
			seen = append(seen, task.Status)
		}
		return task.Status == "failure"
	})
	if !equalStrings(seen, []string{"pending", "processing", "failure"}) {
		t.Errorf("statuses %v", seen)
	}
	if task, _ := s.Task(id); task.Message != "boom" || task.ExpiresAt == nil {
		t.Errorf("task %+v", task)
	}
}

func TestTokens_ExpireAllAtOnce(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	issued := []string{s.IssueToken(producer), s.IssueToken(consumer)}
	r := do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": map[string]any{
			"name": "producer", "domain": map[string]any{"id": "default"}, "password": "producer-pass"}}}}}})
	expect(t, r, http.StatusCreated, "")
	issued = append(issued, r.header.Get("X-Subject-Token"))
	for _, tok := range issued {
		expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusOK, "")
	}
	s.ExpireTokens()
	for _, tok := range issued {
		expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusUnauthorized, "")
		expect(t, do(t, s, req{method: "HEAD", path: "/object/v1/AUTH_" + producer, token: tok}), http.StatusUnauthorized, "")
	}
	// Renewing by token fails too; a new authentication works.
	r = do(t, s, req{method: "POST", path: "/identity/v2.0/tokens", body: map[string]any{"auth": map[string]any{"token": map[string]any{"id": issued[0]}}}})
	expect(t, r, http.StatusUnauthorized, "")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: s.IssueToken(producer)}), http.StatusOK, "")
}

func TestTokens_SetTokenTTL(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	before := s.IssueToken(producer)
	s.SetTokenTTL(time.Minute)
	short := s.IssueToken(producer)
	r := do(t, s, req{method: "POST", path: "/identity/v2.0/tokens", body: map[string]any{"auth": map[string]any{
		"passwordCredentials": map[string]any{"username": "producer", "password": "producer-pass"}}}})
	access := r.object(t)["access"].(map[string]any)
	if exp := access["token"].(map[string]any)["expires"]; exp != "2026-03-01T12:01:00.000Z" {
		t.Errorf("expires %v", exp)
	}
	clock.Advance(time.Minute)
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: short}), http.StatusUnauthorized, "")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: before}), http.StatusOK, "")
	s.SetTokenTTL(0) // back to 24h
	long := s.IssueToken(producer)
	clock.Advance(23 * time.Hour)
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: long}), http.StatusOK, "")
}
