package mockserver

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// Fault changes how matching requests are answered. Status and Drop answer instead of
// processing the request; LoseAnswer, TruncateBody and KillUploadAfter let it through and
// spoil the answer, so tests can prove that a create whose answer never arrived is not
// made twice. Status and Drop take precedence over the three.
type Fault struct {
	Method string         // "" matches any method
	Path   *regexp.Regexp // matched against the request path; nil matches any path
	Status int            // the answer (rendered in the route's error dialect); 0 = process normally after Latency
	// Times is how many matching requests the fault answers: 0 means once, a negative
	// value every matching request until ClearFaults.
	Times      int
	RetryAfter string // optional Retry-After header value

	// Latency delays the answer (or, with Status 0, the normal processing).
	Latency time.Duration
	// Drop closes the connection without answering (after Latency).
	Drop bool

	// LoseAnswer processes the request fully, then closes the connection without a word:
	// the client sees a connection error although the image, member or task exists.
	LoseAnswer bool
	// TruncateBody processes the request, sends the status line and headers with the full
	// Content-Length and half of the body, then closes the connection.
	TruncateBody bool
	// KillUploadAfter lets the handler read that many bytes of the request body, then
	// fails the read and closes the connection without answering, as a client dying
	// mid-upload does: an image upload goes back to queued, an object is not stored. It
	// matches only requests with a body; a body no longer than that arrives whole and is
	// answered normally.
	KillUploadAfter int64

	// Share, when above 0, makes the fault random: each matching request gets it with that
	// probability (at most 1), drawn from a generator seeded by Seed, so a run that sends
	// the same requests in the same order meets the same faults. A request the draw spares
	// goes on to the next armed fault. Times counts the requests that got the fault.
	Share float64
	Seed  uint64
}

// kind names what f does, for the fired counters: the status code ("503"), "drop",
// "lose_answer", "truncate_body", "kill_upload_after" or, with nothing else, "latency".
func (f Fault) kind() string {
	switch {
	case f.Status != 0:
		return strconv.Itoa(f.Status)
	case f.Drop:
		return "drop"
	case f.LoseAnswer:
		return "lose_answer"
	case f.TruncateBody:
		return "truncate_body"
	case f.KillUploadAfter > 0:
		return "kill_upload_after"
	}
	return "latency"
}

// spoilsAnswer tells whether f lets the request through and then spoils its answer.
func (f Fault) spoilsAnswer() bool {
	return f.Status == 0 && !f.Drop && (f.LoseAnswer || f.TruncateBody || f.KillUploadAfter > 0)
}

// faultTable holds the armed request and task faults; ClearFaults empties both. fired
// counts the faults that reached a request, by kind; it outlives ClearFaults (a soak
// disarms between applies and adds up at the end) and ResetCounters empties it.
type faultTable struct {
	mu     sync.Mutex
	faults []*armedFault
	tasks  []*armedTaskFault
	fired  map[string]int
}

type armedFault struct {
	Fault
	left int        // < 0: unlimited
	rng  *rand.Rand // with Share: the fault's own draws, so faults armed together do not shift each other's
}

// answers is how many matching requests a fault with that Times answers (< 0: unlimited).
func answers(times int) int {
	if times == 0 {
		return 1
	}
	return times
}

// InjectFault arms f for the next f.Times matching requests. Faults are checked in the
// order they were injected; the first match wins.
func (s *Server) InjectFault(f Fault) {
	s.faults.mu.Lock()
	a := &armedFault{Fault: f, left: answers(f.Times)}
	if f.Share > 0 {
		a.rng = rand.New(rand.NewPCG(f.Seed, 0x9e3779b97f4a7c15)) //nolint:gosec // reproducible on purpose
	}
	s.faults.faults = append(s.faults.faults, a)
	s.faults.mu.Unlock()
}

// ClearFaults disarms every injected fault, task faults included.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.faults, s.faults.tasks = nil, nil
	s.faults.mu.Unlock()
}

// take returns the first fault matching r and uses up one of its answers.
func (t *faultTable) take(r *http.Request) (Fault, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, f := range t.faults {
		if f.Method != "" && f.Method != r.Method {
			continue
		}
		if f.Path != nil && !f.Path.MatchString(r.URL.Path) {
			continue
		}
		if f.KillUploadAfter > 0 && r.ContentLength == 0 {
			continue // nothing to cut: keep it for the upload it is meant for
		}
		if f.rng != nil && f.rng.Float64() >= f.Share {
			continue // spared by the draw
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				t.faults = append(t.faults[:i:i], t.faults[i+1:]...)
			}
		}
		if !f.spoilsAnswer() { // those count in spoil, by what they did
			t.countLocked(f.kind())
		}
		return f.Fault, true
	}
	return Fault{}, false
}

func (t *faultTable) countLocked(kind string) {
	if t.fired == nil {
		t.fired = map[string]int{}
	}
	t.fired[kind]++
}

func (t *faultTable) count(kind string) {
	t.mu.Lock()
	t.countLocked(kind)
	t.mu.Unlock()
}

// FaultsFired is how many times each kind of fault reached a request since the start or
// the last ResetCounters, keyed as Fault.kind says: "503", "429", "drop", "lose_answer",
// "truncate_body", "kill_upload_after" (only uploads it did cut), "latency". A fault
// with Status or Drop counts as that, whatever its Latency.
func (s *Server) FaultsFired() map[string]int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	out := make(map[string]int, len(s.faults.fired))
	for k, v := range s.faults.fired {
		out[k] = v
	}
	return out
}

// snapshot copies the armed faults for the control path.
func (t *faultTable) snapshot() ([]armedFault, []armedTaskFault) {
	t.mu.Lock()
	defer t.mu.Unlock()
	faults := make([]armedFault, 0, len(t.faults))
	for _, f := range t.faults {
		faults = append(faults, *f)
	}
	tasks := make([]armedTaskFault, 0, len(t.tasks))
	for _, f := range t.tasks {
		tasks = append(tasks, *f)
	}
	return faults, tasks
}

// applyFault does what f says before the request is processed: wait, drop, or answer
// with an error. True means the request has been dealt with.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, style errStyle, f Fault) bool {
	if f.Latency > 0 {
		holdBody(r)
		t := time.NewTimer(f.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			if rec, ok := w.(*recorder); ok {
				rec.note = "client gone during the injected latency" // the log tells where an interruption landed
			}
			return true
		case <-s.done:
			return true
		}
	}
	if f.Drop {
		cut(w)
		return true
	}
	if f.Status == 0 {
		return false
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	style.write(w, r, errorf(f.Status, "%s", defaultExplanation(f.Status)))
	return true
}

// maxHeldBody bounds what holdBody keeps in memory.
const maxHeldBody = 16 << 20

// holdBody reads the request body (up to maxHeldBody) into memory before a latency:
// net/http notices a client that goes away only once the body has been read, and a test
// that interrupts a held upload or create must see the request end then, not be
// processed after the client gave up. The handler reads the same bytes afterwards.
func holdBody(r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxHeldBody))
	rest := r.Body
	if err != nil {
		rest = io.NopCloser(errReader{err})
	}
	r.Body = readCloser{io.MultiReader(bytes.NewReader(data), rest), r.Body}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type readCloser struct {
	io.Reader
	io.Closer
}

// cut closes the client's connection without a word.
func cut(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
	}
}
