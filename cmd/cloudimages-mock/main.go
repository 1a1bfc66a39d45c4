// Command cloudimages-mock runs the mock Cloud Images API (internal/mockserver) standalone,
// for trying the provider by hand (`make mock`) and for tests in any language, which steer
// it through its control path (/_mock/, see README.md). Settings come from the environment
// (DESIGN.md "Standalone settings"); the flags -addr and -delay override it. The producer's
// object store starts with a sample VHD to import (images/sample.vhd) and an empty
// container to export to (exports).
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code (2 for bad settings).
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	opts, err := options(args, getenv, stderr)
	if err != nil {
		complain(stderr, err)
		return 2
	}
	logger := log.New(stderr, "", log.LstdFlags)
	opts.Logf = logger.Printf
	// Listen for signals before announcing anything, so a stop right after the banner is
	// never missed.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	srv, err := mockserver.Start(opts)
	if err != nil {
		complain(stderr, err)
		return 2
	}
	seeded, err := seed(srv)
	if err != nil {
		complain(stderr, "seed:", err)
		_ = srv.Close()
		return 1
	}
	if opts.ClientCerts {
		if err := writeClientCertificate(srv); err != nil {
			complain(stderr, "client certificate:", err)
			_ = srv.Close()
			return 1
		}
	}
	if _, err := io.WriteString(stdout, banner(srv, opts, seeded)); err != nil {
		complain(stderr, err)
	}

	sig := <-stop
	logger.Printf("received %s, shutting down", sig)
	if err := srv.Close(); err != nil {
		complain(stderr, "close:", err)
		return 1
	}
	return 0
}

// complain reports on stderr; if even that fails there is no one left to tell.
func complain(stderr io.Writer, args ...any) {
	_, _ = fmt.Fprintln(stderr, append([]any{"cloudimages-mock:"}, args...)...)
}

// options reads MOCK_* variables, then lets the flags override them.
func options(args []string, getenv func(string) string, stderr io.Writer) (mockserver.Options, error) {
	opts := mockserver.Options{Addr: "127.0.0.1:8788", Delay: time.Second, Flavor: "glance"}
	if v := getenv("MOCK_ADDR"); v != "" {
		opts.Addr = v
	}
	if v := getenv("MOCK_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return opts, fmt.Errorf("MOCK_DELAY: %w", err)
		}
		opts.Delay = d
	}
	if v := getenv("MOCK_FLAVOR"); v != "" {
		opts.Flavor = v
	}
	if v := getenv("MOCK_REGIONS"); v != "" {
		opts.Regions = strings.Split(v, ",")
		for i := range opts.Regions {
			opts.Regions[i] = strings.TrimSpace(opts.Regions[i])
		}
		if err := mockserver.CheckRegions(opts.Regions); err != nil {
			return opts, fmt.Errorf("MOCK_REGIONS=%s: %w", v, err)
		}
	}
	switch v := getenv("MOCK_IMAGE_ENDPOINT"); v {
	case "", mockserver.ImageEndpointVersioned, mockserver.ImageEndpointUnversioned:
		opts.ImageEndpoint = v
	default:
		return opts, fmt.Errorf("MOCK_IMAGE_ENDPOINT=%s: want versioned (…/image/v2) or unversioned (…/image)", v)
	}
	opts.DataDir = getenv("MOCK_DATA_DIR")
	if v := getenv("MOCK_TLS"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return opts, fmt.Errorf("MOCK_TLS=%s: want 1 (serve HTTPS) or 0", v)
		}
		opts.TLS = on
	}
	if v := getenv("MOCK_EXTRA_READONLY_PROPERTIES"); v != "" {
		props, err := readOnlyProperties(v)
		if err != nil {
			return opts, fmt.Errorf("MOCK_EXTRA_READONLY_PROPERTIES: %w", err)
		}
		opts.ExtraReadOnlyProperties = props
	}
	if v := getenv("MOCK_CLIENT_CERTS"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return opts, fmt.Errorf("MOCK_CLIENT_CERTS=%s: want 1 (require client certificates, with MOCK_TLS=1) or 0", v)
		}
		if on && !opts.TLS {
			return opts, fmt.Errorf("MOCK_CLIENT_CERTS=1 needs MOCK_TLS=1")
		}
		opts.ClientCerts = on
	}
	opts.CAFile = getenv("MOCK_CA_FILE")
	if opts.CAFile != "" && !opts.TLS {
		complain(stderr, "MOCK_CA_FILE is ignored: it is only used with MOCK_TLS=1")
		opts.CAFile = ""
	}

	fs := flag.NewFlagSet("cloudimages-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.Addr, "addr", opts.Addr, "listen address (overrides MOCK_ADDR)")
	fs.DurationVar(&opts.Delay, "delay", opts.Delay, "delay of every asynchronous transition (overrides MOCK_DELAY)")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return opts, nil
}

// clientCertFiles are where a client certificate for the mock is written,
// with MOCK_CLIENT_CERTS=1.
func clientCertFiles(srv *mockserver.Server) (cert, key string) {
	return filepath.Join(srv.DataDir(), "client.pem"), filepath.Join(srv.DataDir(), "client-key.pem")
}

// writeClientCertificate writes a client certificate the mock trusts, for
// OS_CERT and OS_KEY.
func writeClientCertificate(srv *mockserver.Server) error {
	certPEM, keyPEM, err := srv.IssueClientCertificate("cloudimages-mock client")
	if err != nil {
		return err
	}
	cert, key := clientCertFiles(srv)
	if err := os.WriteFile(cert, certPEM, 0o644); err != nil {
		return err
	}
	return os.WriteFile(key, keyPEM, 0o600)
}

// exports are the variables that point the provider at the mock as the
// producer, exactly as the docs write them.
func exports(srv *mockserver.Server, opts mockserver.Options) []string {
	a := mockserver.DefaultAccounts()[0]
	out := []string{"OS_AUTH_URL=" + srv.IdentityV2URL(), "OS_USERNAME=" + a.Username, "OS_API_KEY=" + a.APIKey}
	if regions := srv.Regions(); len(regions) > 1 {
		out = append(out, "OS_REGION_NAME="+regions[0]) // the provider's default; each resource may set its own
	}
	if srv.CAFile() != "" {
		out = append(out, "OS_CACERT="+srv.CAFile())
	}
	if cert, key := clientCertFiles(srv); opts.ClientCerts {
		out = append(out, "OS_CERT="+cert, "OS_KEY="+key)
	}
	return out
}

// banner tells a user where everything is and how to point clients at it.
func banner(srv *mockserver.Server, opts mockserver.Options, seeded string) string {
	var b strings.Builder
	accounts := mockserver.DefaultAccounts()
	fmt.Fprintf(&b, "Cloud Images mock listening on %s (flavor %s, delay %s)\n\n", srv.URL(), opts.Flavor, opts.Delay)
	fmt.Fprintf(&b, "  identity v2.0  %s\n", srv.IdentityV2URL())
	fmt.Fprintf(&b, "  identity v3    %s\n", srv.IdentityV3URL())
	for _, name := range srv.Regions() {
		v := srv.InRegion(name)
		if len(srv.Regions()) > 1 {
			fmt.Fprintf(&b, "  region %s\n", name)
		}
		fmt.Fprintf(&b, "  image          %s\n", v.ImageURL())
		fmt.Fprintf(&b, "  object store   %s (producer; others: AUTH_<tenant id>)\n", v.ObjectStoreURL(accounts[0].TenantID))
	}
	fmt.Fprintf(&b, "  data dir       %s\n", srv.DataDir())
	if len(opts.ExtraReadOnlyProperties) > 0 {
		fmt.Fprintf(&b, "  read-only      %s (on every image)\n", formatProperties(opts.ExtraReadOnlyProperties))
	}
	if srv.CAFile() != "" {
		fmt.Fprintf(&b, "  CA certificate %s\n", srv.CAFile())
	}
	if cert, key := clientCertFiles(srv); opts.ClientCerts {
		fmt.Fprintf(&b, "  client cert    %s, key %s (required: mutual TLS)\n", cert, key)
	}
	fmt.Fprintf(&b, "  control        %s/_mock/ (faults, tokens, counters; see cmd/cloudimages-mock/README.md)\n\n", srv.URL())
	fmt.Fprintf(&b, "Seeded for %s: %s.\n", accounts[0].Username, seeded)
	fmt.Fprintf(&b, "  import it: POST %s/tasks {\"type\":\"import\",\"input\":{\"image_properties\":{\"name\":\"sample\"},\"import_from\":\"images/sample.vhd\"}}\n\n", srv.ImageURL())

	const row = "  %-10s %-15s %-14s %-10s %s\n"
	fmt.Fprintf(&b, row, "USER", "PASSWORD", "API KEY", "TENANT ID", "TENANT NAME")
	for _, a := range accounts {
		fmt.Fprintf(&b, row, a.Username, a.Password, a.APIKey, a.TenantID, a.TenantName)
	}

	// The variables the docs use (the testing guide, README.md); main_test.go
	// holds them to each other. Only the producer's credentials: a consumer
	// alias sets its own in its block and takes none of these but OS_AUTH_URL.
	a, c := accounts[0], accounts[1]
	fmt.Fprintf(&b, "\n# Point the provider at it (identity v2.0, Rackspace style), as %s:\n", a.Username)
	for _, line := range exports(srv, opts) {
		fmt.Fprintf(&b, "export %s\n", line)
	}
	fmt.Fprintf(&b, "# A second provider block for %s sets its own username and api_key (or password);\n", c.Username)
	b.WriteString("# a block that sets credentials takes none of OS_USERNAME and OS_API_KEY (OS_AUTH_URL still applies).\n")
	fmt.Fprintf(&b, "# Identity v3: OS_AUTH_URL=%s OS_USERNAME=%s OS_PASSWORD=%s (without OS_API_KEY),\n", srv.IdentityV3URL(), a.Username, a.Password)
	fmt.Fprintf(&b, "# or an application credential: POST %susers/%s/application_credentials, then\n", srv.IdentityV3URL(), a.UserID())
	b.WriteString("# OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET.\n")
	b.WriteString("\nPress Ctrl-C to stop.\n")
	return b.String()
}
