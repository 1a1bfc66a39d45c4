package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestStores_CrossAreaStepsTogether runs at once, many times, every step that crosses
// areas (a task storing its image and reading an object, an export reading an image, a
// delete dropping members, the members handlers checking their image, visibility and the
// member_status filter reading members) next to the Go API that changes each store
// behind them. Under -race it proves the stores share nothing unlocked; the deadline
// proves the lock order holds (tasks → images → members); the checks at the end prove
// the steps stayed whole: no member outlives its image, and every task that succeeded
// has its image.
func TestStores_CrossAreaStepsTogether(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	seedObject(t, s, producer, "images", "disk.vhd", vhdBytes(t, 4<<10))
	if err := s.CreateContainer(producer, "exports"); err != nil {
		t.Fatal(err)
	}
	prod, cons := s.IssueToken(producer), s.IssueToken(consumer)
	const rounds = 50

	var mu sync.Mutex
	var deleted []string // images the sharing loop deleted
	var errs []error
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	call := func(method, path, token string, body any, want ...int) map[string]any {
		r, err := send(s, req{method: method, path: path, token: token, body: body})
		if err != nil {
			fail(fmt.Errorf("%s %s: %w", method, path, err))
			return nil
		}
		for _, w := range want {
			if r.status == w {
				var m map[string]any
				_ = json.Unmarshal(r.body, &m) // a 204 has no body
				return m
			}
		}
		fail(fmt.Errorf("%s %s: %d, want %v: %s", method, path, r.status, want, r.body))
		return nil
	}

	var wg sync.WaitGroup
	loop := func(fn func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				fn(i)
			}
		}()
	}
	// Tasks: imports store images with the tasks locked; exports read an image's data.
	loop(func(i int) {
		task := call("POST", "/image/v2/tasks", prod, map[string]any{"type": "import", "input": importInput(fmt.Sprint("imp", i), "images/disk.vhd")}, http.StatusCreated)
		if task == nil {
			return
		}
		id, _ := task["id"].(string)
		if rec, ok := s.Task(id); ok && rec.Status == taskSuccess {
			imageID, _ := rec.Result["image_id"].(string)
			if _, ok := s.Image(imageID); !ok {
				fail(fmt.Errorf("task %s succeeded without its image %s", id, imageID))
			} else {
				call("POST", "/image/v2/tasks", prod, map[string]any{"type": "export", "input": map[string]any{
					"image_uuid": imageID, "receiving_swift_container": "exports"}}, http.StatusCreated)
			}
		}
	})
	// Sharing: create, upload, share, then delete while the other loops look.
	loop(func(i int) {
		img := call("POST", "/image/v2/images", prod, map[string]any{"visibility": "shared", "disk_format": "raw", "container_format": "bare"}, http.StatusCreated)
		if img == nil {
			return
		}
		id, _ := img["id"].(string)
		r, err := send(s, req{method: "PUT", path: "/image/v2/images/" + id + "/file", token: prod, body: []byte("data"),
			header: map[string]string{"Content-Type": "application/octet-stream"}})
		if err != nil || r.status != http.StatusNoContent {
			fail(fmt.Errorf("upload %s: %v %d", id, err, r.status))
		}
		call("POST", "/image/v2/images/"+id+"/members", prod, map[string]any{"member": consumer}, http.StatusOK)
		call("PUT", "/image/v2/images/"+id+"/members/"+consumer, cons, map[string]any{"status": "accepted"}, http.StatusOK, http.StatusNotFound)
		call("DELETE", "/image/v2/images/"+id, prod, nil, http.StatusNoContent)
		mu.Lock()
		deleted = append(deleted, id)
		mu.Unlock()
	})
	// The consumer's view: visibility and the member_status filter read members.
	loop(func(int) {
		call("GET", "/image/v2/images?member_status=all&visibility=shared", cons, nil, http.StatusOK)
		call("GET", "/image/v2/images?member_status=accepted", cons, nil, http.StatusOK)
	})
	// Behind the API: the Go API on every store.
	loop(func(int) {
		for _, img := range s.Images() {
			_ = s.SetMemberStatus(img.ID, consumer, "rejected") // may be gone meanwhile
			_ = s.Members(img.ID)
		}
		_ = s.Tasks()
		_ = s.Objects(producer)
		_ = s.IssueToken(producer)
		_ = s.IssuedTokens()
	})

	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(2 * time.Minute):
		t.Fatal("the loops did not finish: a lock taken out of order?")
	}
	for _, err := range errs {
		t.Error(err)
	}
	for _, id := range deleted {
		if m := s.Members(id); len(m) > 0 {
			t.Errorf("deleted image %s still has members %v", id, m)
		}
	}
}
