package mockserver

import (
	"fmt"
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
	Delay time.Duration
	// Regions are the server's regions, each with its own images, members, tasks and
	// object store, and its image and object-store endpoints in the catalog; identity is
	// global. nil or empty → [DefaultRegion] ("MOCK"), served without a path prefix; with
	// several, each region's API is under "/<region>" ("/ORD/image/v2/..."). CheckRegions
	// says which names are allowed.
	Regions  []string
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

// The values of Options.ImageEndpoint besides "" (follow the flavour).
const (
	ImageEndpointVersioned   = "versioned"   // the catalog says .../image/v2, as Rackspace's
	ImageEndpointUnversioned = "unversioned" // the catalog says .../image, as Glance's
)

// check refuses options Start cannot honour, before anything is made.
func (o Options) check() error {
	switch o.Flavor {
	case "", "glance", "rackspace":
	default:
		return fmt.Errorf("mockserver: unknown flavor %q (want \"glance\" or \"rackspace\")", o.Flavor)
	}
	if o.ClientCerts && !o.TLS {
		return fmt.Errorf("mockserver: ClientCerts needs TLS")
	}
	switch o.ImageEndpoint {
	case "", ImageEndpointVersioned, ImageEndpointUnversioned:
	default:
		return fmt.Errorf("mockserver: unknown image endpoint %q (want %q or %q)",
			o.ImageEndpoint, ImageEndpointVersioned, ImageEndpointUnversioned)
	}
	if err := CheckRegions(o.Regions); err != nil {
		return fmt.Errorf("mockserver: Regions: %w", err)
	}
	return checkExtraReadOnly(o.ExtraReadOnlyProperties)
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
