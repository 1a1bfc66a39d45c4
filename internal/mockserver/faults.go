package mockserver

import (
	"net/http"
	"regexp"
	"sync"
	"time"
)

// Fault answers matching requests with an error instead of processing them.
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
}

type faultTable struct {
	mu     sync.Mutex
	faults []*armedFault
}

type armedFault struct {
	Fault
	left int // < 0: unlimited
}

// InjectFault arms f for the next f.Times matching requests. Faults are checked in the
// order they were injected; the first match wins.
func (s *Server) InjectFault(f Fault) {
	left := f.Times
	if left == 0 {
		left = 1
	}
	s.faults.mu.Lock()
	s.faults.faults = append(s.faults.faults, &armedFault{Fault: f, left: left})
	s.faults.mu.Unlock()
}

// ClearFaults disarms every injected fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.faults = nil
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
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				t.faults = append(t.faults[:i:i], t.faults[i+1:]...)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

// applyFault answers r from a matching fault; false means process the request normally.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, style errStyle) bool {
	f, ok := s.faults.take(r)
	if !ok {
		return false
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		case <-s.done:
			return true
		}
	}
	if f.Drop {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
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
