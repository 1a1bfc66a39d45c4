package mockserver

import (
	"crypto/ecdsa"
	"crypto/x509"
	"fmt"
	"log"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a mock server. The zero value is a usable Glance-flavoured server on
// a random loopback port with the built-in accounts.
type Options struct {
	Addr    string // "" → "127.0.0.1:0"
	DataDir string // "" → a temp dir created by Start and removed by Close
	// Flavor is "" or "glance" (OpenStack Glance v2: direct create and upload), or
	// "rackspace" (as Rackspace runs it, REFERENCE §1.16: images only from import tasks,
	// no data up- or download, no deactivation, sharing of private images).
	Flavor string
	// Delay is the wait before every transition that is asynchronous in the real
	// service: each step of an interoperable import (web-download, glance-direct) and of
	// a task, and so everything of the rackspace flavour. An upload (PUT .../file) is
	// synchronous, as in Glance: active when the 204 is sent. 0 = at once.
	Delay    time.Duration
	Regions  []string  // regions of the endpoints in the catalog; nil → ["MOCK"]
	Accounts []Account // nil → DefaultAccounts()
	// ImageEndpoint is the form of the catalog's image URL: "" follows the flavour (what
	// the real service advertises), ImageEndpointUnversioned ("unversioned") ends it in
	// "/image" as Glance's does (clients discover /v2 at GET /image/), and
	// ImageEndpointVersioned ("versioned") in "/image/v2" as Rackspace's does.
	ImageEndpoint string
	TokenTTL      time.Duration // 0 → 24h; SetTokenTTL changes it later
	// Now is the clock of timestamps and expiry (tokens, tasks); nil → time.Now. A
	// FakeClock's Now lets tests move it.
	Now  func() time.Time
	Logf func(format string, args ...any) // optional request log

	// TLS serves HTTPS with a certificate for 127.0.0.1, ::1 and localhost, signed by a
	// CA made at Start for this server alone (ECDSA P-256). URL and the catalog then use
	// https.
	TLS bool
	// CAFile is where the CA's PEM is written with TLS; "" → "ca.pem" in the data dir.
	CAFile string
	// ClientCerts, with TLS, requires every client to present a certificate signed by
	// the server's CA (mutual TLS, as some private clouds run their endpoints): a
	// handshake without one fails. IssueClientCertificate makes one.
	ClientCerts bool

	// ExtraReadOnlyProperties are properties the server adds to every image, as a
	// deployment with more than Glance's base attributes does (os_glance_stores, a
	// vendor's x_cloud_region): each image shows them with these values, the image schema
	// lists them read-only, and setting them (create or PATCH) is 403. A key may not be a
	// base attribute nor one of the import's own properties.
	ExtraReadOnlyProperties map[string]string
}

// Server is a running mock. All methods are safe for concurrent use.
//
// Lock order. The API state lives in one store per area, each with its own lock. A lock
// may be taken while another is held only in this order:
//
//	tasks → images → members
//
// (a finishing task stores its image; an image's visibility, the member_status filter
// and a delete read or drop its members; the members handlers check the image). Every
// other lock is a leaf, never held while another is taken: identity, objects, faults,
// counts, ifaceMu, the lifecycle's and a FakeClock's. closeMu is Close's alone. No lock
// is held while image or object data streams: files are opened under a lock and copied
// without it.
type Server struct {
	opts     Options
	accounts []Account
	regions  []string
	now      func() time.Time
	dataDir  string
	ownDir   bool   // dataDir was created by Start and is removed by Close
	caFile   string // the CA's PEM, with TLS
	ca       *x509.Certificate
	caKey    *ecdsa.PrivateKey

	http    *http.Server
	url     string
	router  *router
	control *router // the /_mock/ control path
	life    lifecycle
	done    chan struct{} // closed when Close starts, to end waits in handlers
	closeMu sync.Mutex
	closed  bool

	faults faultTable
	counts counterTable

	ifaceMu     sync.Mutex
	ifaceCounts map[string]int // requests by the catalog interface they came through

	// The API state, one small store per area, each with its own lock (see the lock order
	// above). A store's fields are touched only by its area's files, inside its lock;
	// other areas call its methods.
	identity *identityStore // identity_store.go: tokens, application credentials, token TTL
	images   *imageStore    // images_store.go: images (image data keeps its bookkeeping on them)
	members  *memberStore   // members_store.go: members, by image
	tasks    *taskStore     // tasks_store.go: tasks
	objects  *objectStore   // objectstore_store.go: containers and objects, by tenant
	delay    atomic.Int64   // a time.Duration (Options.Delay, SetDelay): the pace of asynchronous steps

	extraReadOnly map[string]string // Options.ExtraReadOnlyProperties; never changed after Start
}

// Start listens on opts.Addr and serves until Close.
func Start(opts Options) (*Server, error) {
	switch opts.Flavor {
	case "", "glance", "rackspace":
	default:
		return nil, fmt.Errorf("mockserver: unknown flavor %q (want \"glance\" or \"rackspace\")", opts.Flavor)
	}
	if opts.ClientCerts && !opts.TLS {
		return nil, fmt.Errorf("mockserver: ClientCerts needs TLS")
	}
	switch opts.ImageEndpoint {
	case "", ImageEndpointVersioned, ImageEndpointUnversioned:
	default:
		return nil, fmt.Errorf("mockserver: unknown image endpoint %q (want %q or %q)",
			opts.ImageEndpoint, ImageEndpointVersioned, ImageEndpointUnversioned)
	}
	if err := checkExtraReadOnly(opts.ExtraReadOnlyProperties); err != nil {
		return nil, err
	}
	s := &Server{
		opts:     opts,
		accounts: slices.Clone(opts.Accounts), // the caller may reuse its slices
		regions:  slices.Clone(opts.Regions),
		now:      opts.Now,
		done:     make(chan struct{}),
		images:   newImageStore(),
		members:  newMemberStore(),
		tasks:    newTaskStore(),

		ifaceCounts: map[string]int{},

		extraReadOnly: maps.Clone(opts.ExtraReadOnlyProperties), // the caller may reuse its map
	}
	if s.accounts == nil {
		s.accounts = DefaultAccounts()
	}
	if len(s.regions) == 0 {
		s.regions = []string{"MOCK"}
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.delay.Store(int64(opts.Delay))
	s.objects = newObjectStore(s.now())
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
	s.router = s.routes()
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

func (s *Server) openDataDir() error {
	if s.opts.DataDir == "" {
		dir, err := os.MkdirTemp("", "cloudimages-mock-")
		if err != nil {
			return fmt.Errorf("mockserver: data dir: %w", err)
		}
		s.dataDir, s.ownDir = dir, true
	} else {
		// Absolute, so DataPath stays valid whatever the working directory becomes.
		dir, err := filepath.Abs(s.opts.DataDir)
		if err != nil {
			return fmt.Errorf("mockserver: data dir: %w", err)
		}
		s.dataDir = dir
	}
	for _, dir := range []string{s.imageDir(), s.objectDir()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			s.removeDataDir()
			return fmt.Errorf("mockserver: data dir: %w", err)
		}
	}
	return nil
}

func (s *Server) imageDir() string { return filepath.Join(s.dataDir, "images") }

func (s *Server) removeDataDir() {
	if s.ownDir {
		_ = os.RemoveAll(s.dataDir)
	}
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

// URL is the server's root, "http://127.0.0.1:PORT" ("https://…" with Options.TLS).
func (s *Server) URL() string { return s.url }

// IdentityV2URL is the identity v2.0 endpoint (with trailing slash, as clients expect).
func (s *Server) IdentityV2URL() string { return s.url + "/identity/v2.0/" }

// IdentityV3URL is the identity v3 endpoint.
func (s *Server) IdentityV3URL() string { return s.url + "/identity/v3/" }

// ImageURL is the versioned image endpoint, what the catalog shows by default.
func (s *Server) ImageURL() string { return s.url + "/image/v2" }

// DataDir is where data files live: images under "images/", objects under "objects/".
func (s *Server) DataDir() string { return s.dataDir }

// CAFile is the path of the PEM of the CA that signed the server's certificate, for
// clients to trust (OS_CACERT); "" without Options.TLS.
func (s *Server) CAFile() string { return s.caFile }

// The values of Options.ImageEndpoint besides "" (follow the flavour).
const (
	ImageEndpointVersioned   = "versioned"   // the catalog says .../image/v2, as Rackspace's
	ImageEndpointUnversioned = "unversioned" // the catalog says .../image, as Glance's
)

// catalogImageURL is the image URL the identity catalog advertises: unversioned in the
// glance flavour, ending in /v2 in the rackspace flavour, unless Options.ImageEndpoint
// says otherwise.
func (s *Server) catalogImageURL() string {
	unversioned := !s.rackspace()
	switch s.opts.ImageEndpoint {
	case ImageEndpointVersioned:
		unversioned = false
	case ImageEndpointUnversioned:
		unversioned = true
	}
	if unversioned {
		return s.url + "/image"
	}
	return s.ImageURL()
}

// defaultVisibility is what new images get: Glance's shared, or private on Rackspace,
// whose Glance predates shared.
func (s *Server) defaultVisibility() string {
	if s.rackspace() {
		return "private"
	}
	return "shared"
}

// rackspace tells whether the server follows Rackspace's deployment (Options.Flavor).
func (s *Server) rackspace() bool { return s.opts.Flavor == "rackspace" }

// SetDelay changes the delay of asynchronous transitions started from now on.
func (s *Server) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// pace is the delay of the asynchronous transitions starting now.
func (s *Server) pace() time.Duration { return time.Duration(s.delay.Load()) }

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}
