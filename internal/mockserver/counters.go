package mockserver

import (
	"maps"
	"sync"
)

// counterTable counts requests per "METHOD /route/{template}", so tests can assert how many
// calls a Terraform run made; on a server of several regions, a request to a region's API
// also counts per "METHOD /<REGION>/route/{template}".
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
//
// On a server of several regions the route without a region adds up every region's
// requests, and the route prefixed with a region counts that region's alone:
// RequestCount("POST", "/ORD/image/v2/tasks"). Identity is not regional and counts only
// without a prefix; with one region nothing is prefixed, and there are no such keys.
func (s *Server) RequestCount(method, route string) int {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	return s.counts.n[method+" "+route]
}

// RequestCounts returns a copy of all counters, keyed "METHOD /route/{template}"; with
// several regions also "METHOD /<REGION>/route/{template}" (RequestCount), so a sum over
// every key counts a regional request twice.
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
