package mockserver

import (
	"crypto/ecdsa"
	"crypto/x509"
	"fmt"
	"log"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a running mock, as seen from one of its regions: the methods of the image
// API's state (Image, UpdateImage, Members, Task, PutObject, ImageURL, ...) act on that
// region, the rest (identity, faults, counters, the clock, Close) on the whole server.
// Start returns the first region's; InRegion gives the others. All methods are safe for
// concurrent use.
//
// Lock order. The API state lives in one store per area, each with its own lock, and a
// region is one set of those stores (server_regions.go). A lock may be taken while
// another is held only in this order, within one region:
//
//	tasks → images → members
//
// (a finishing task stores its image; an image's visibility, the member_status filter
// and a delete read or drop its members; the members handlers check the image). No lock
// of one region is taken while another region's is held. Every other lock is a leaf,
// never held while another is taken: identity, objects, faults, counts, ifaceMu, the
// lifecycle's and a FakeClock's. closeMu is Close's alone. No lock is held while image
// or object data streams: files are opened under a lock and copied without it.
type Server struct {
	*shared // the whole server: identity, the listener, faults, counters, the regions
	*region // the region this view addresses: its images, members, tasks and objects
}

// shared is what every region of a server shares.
type shared struct {
	opts     Options
	accounts []Account
	regions  []*region // Options.Regions, in their order; the first is the default
	views    []*Server // one per region, made at Start: views[i] addresses regions[i]
	now      func() time.Time
	dataDir  string
	ownDir   bool   // dataDir was created by Start and is removed by Close
	caFile   string // the CA's PEM, with TLS
	ca       *x509.Certificate
	caKey    *ecdsa.PrivateKey

	http    *http.Server
	url     string
	control *router // the /_mock/ control path
	life    lifecycle
	done    chan struct{} // closed when Close starts, to end waits in handlers
	closeMu sync.Mutex
	closed  bool

	faults faultTable
	counts counterTable // by route template, every region together

	ifaceMu     sync.Mutex
	ifaceCounts map[string]int // requests by the catalog interface they came through

	// Identity is global, as Keystone is: one store for every region (identity_store.go:
	// tokens, application credentials, token TTL). A region's stores are on its region.
	identity *identityStore
	delay    atomic.Int64 // a time.Duration (Options.Delay, SetDelay): the pace of asynchronous steps

	extraReadOnly map[string]string // Options.ExtraReadOnlyProperties; never changed after Start
}

// Start listens on opts.Addr and serves until Close.
func Start(opts Options) (*Server, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	sh := &shared{
		opts:     opts,
		accounts: slices.Clone(opts.Accounts), // the caller may reuse its slices
		now:      opts.Now,
		done:     make(chan struct{}),

		ifaceCounts: map[string]int{},

		extraReadOnly: maps.Clone(opts.ExtraReadOnlyProperties), // the caller may reuse its map
	}
	if sh.accounts == nil {
		sh.accounts = DefaultAccounts()
	}
	if sh.now == nil {
		sh.now = time.Now
	}
	s := sh.addRegions(opts.Regions) // the first region's view
	s.delay.Store(int64(opts.Delay))
	s.identity = newIdentityStore(opts.TokenTTL)
	if err := s.openDataDir(); err != nil {
		return nil, err
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.removeDataDir()
		return nil, fmt.Errorf("mockserver: listen: %w", err)
	}
	scheme := "http://"
	if opts.TLS {
		tlsLn, err := s.listenTLS(ln)
		if err != nil {
			_ = ln.Close() // never served: nothing to lose
			s.removeDataDir()
			return nil, err
		}
		ln, scheme = tlsLn, "https://"
	}
	s.url = scheme + ln.Addr().String()
	for _, v := range s.views {
		v.router = v.routes() // each region's handlers act on its stores
	}
	s.control = s.controlRoutes()
	// net/http's own complaints (TLS handshakes a client refused, ...) go to the request
	// log, not to stderr.
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(logWriter(s.logf), "", 0)}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// logWriter sends what a log.Logger writes to Logf.
type logWriter func(format string, args ...any)

func (l logWriter) Write(p []byte) (int, error) {
	l("%s", strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// Close stops the listener, waits for in-flight requests and pending transitions to end,
// and removes the data dir if Start created it. Calling it twice is harmless.
func (s *Server) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.done)
	err := s.http.Close()
	s.life.shutdown()
	s.removeDataDir()
	return err
}

// SetDelay changes the delay of asynchronous transitions started from now on.
func (s *Server) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// pace is the delay of the asynchronous transitions starting now.
func (s *Server) pace() time.Duration { return time.Duration(s.delay.Load()) }

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}
