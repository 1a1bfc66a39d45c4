package mockserver

import (
	"maps"
	"sync"
)

// counterTable counts requests per "METHOD /route/{template}", so tests can assert how many
// calls a Terraform run made.
type counterTable struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counterTable) add(key string) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[key]++
	c.mu.Unlock()
}

// RequestCount is how many requests matched the route template with that method,
// e.g. RequestCount("GET", "/image/v2/images/{image_id}"). Faulted requests count too.
func (s *Server) RequestCount(method, route string) int {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	return s.counts.n[method+" "+route]
}

// RequestCounts returns a copy of all counters, keyed "METHOD /route/{template}".
func (s *Server) RequestCounts() map[string]int {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	out := maps.Clone(s.counts.n)
	if out == nil {
		out = map[string]int{}
	}
	return out
}

// ResetCounters sets every counter back to zero, e.g. between the steps of a test: the
// request counters and the faults fired (FaultsFired).
func (s *Server) ResetCounters() {
	s.counts.mu.Lock()
	s.counts.n = nil
	s.counts.mu.Unlock()
	s.faults.mu.Lock()
	s.faults.fired = nil
	s.faults.mu.Unlock()
}
