package mockserver

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

func TestTLS_OwnCAAndCertificate(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{TLS: true})
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") || s.ImageURL() != s.URL()+"/image/v2" {
		t.Fatalf("urls %s %s", s.URL(), s.ImageURL())
	}
	if s.CAFile() != filepath.Join(s.DataDir(), "ca.pem") {
		t.Fatalf("CAFile %q", s.CAFile())
	}
	raw, err := os.ReadFile(s.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	block, rest := pem.Decode(raw)
	if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
		t.Fatalf("PEM %q", raw)
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if key, ok := ca.PublicKey.(*ecdsa.PublicKey); !ok || key.Curve != elliptic.P256() || !ca.IsCA || ca.CheckSignatureFrom(ca) != nil {
		t.Errorf("CA: %T, IsCA %v", ca.PublicKey, ca.IsCA)
	}

	// The server's certificate is signed by that CA, for the loopback names.
	pool, err := caPool(s.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	// Offered HTTP/2, the server still picks HTTP/1.1, which faults can hijack.
	conn, err := tls.Dial("tcp", strings.TrimPrefix(s.URL(), "https://"), &tls.Config{RootCAs: pool, NextProtos: []string{"h2", "http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	state := conn.ConnectionState()
	_ = conn.Close()
	leaf := state.PeerCertificates[0]
	var ips []string
	for _, ip := range leaf.IPAddresses {
		ips = append(ips, ip.String())
	}
	if !equalStrings(ips, []string{"127.0.0.1", "::1"}) || !slices.Equal(leaf.DNSNames, []string{"localhost"}) ||
		leaf.CheckSignatureFrom(ca) != nil || state.NegotiatedProtocol != "http/1.1" {
		t.Errorf("leaf: IPs %v, names %v, protocol %q", ips, leaf.DNSNames, state.NegotiatedProtocol)
	}
	for _, name := range []string{"localhost", "::1"} {
		if err := leaf.VerifyHostname(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}

	// A client that does not trust the CA is refused.
	_, err = http.Get(s.URL() + "/image/v2/")
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("untrusting client: %v", err)
	}
}

// TestTLS_CatalogAndGophercloud: authentication over HTTPS hands out https endpoints, and
// gophercloud works through them.
func TestTLS_CatalogAndGophercloud(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{TLS: true})
	client, err := clientFor(s)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := openstack.NewClient(s.IdentityV3URL())
	if err != nil {
		t.Fatal(err)
	}
	pc.HTTPClient = *client
	ctx := context.Background()
	err = openstack.Authenticate(ctx, pc, gophercloud.AuthOptions{
		IdentityEndpoint: s.IdentityV3URL(), Username: "producer", Password: "producer-pass", DomainID: "default", TenantID: producer,
	})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := openstack.NewImageV2(pc, gophercloud.EndpointOpts{Region: "MOCK"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sc.Endpoint, "https://127.0.0.1:") {
		t.Errorf("image endpoint %s", sc.Endpoint)
	}
	sc.ResourceBase = s.ImageURL() + "/"
	img, err := images.Create(ctx, sc, images.CreateOpts{Name: "over TLS"}).Extract()
	if err != nil || img.Name != "over TLS" {
		t.Fatalf("create over TLS: %v", err)
	}
	r := do(t, s, req{method: "POST", path: "/identity/v2.0/tokens", body: map[string]any{"auth": map[string]any{
		"passwordCredentials": map[string]any{"username": "producer", "password": "producer-pass"}}}})
	for _, svc := range r.object(t)["access"].(map[string]any)["serviceCatalog"].([]any) {
		for _, ep := range svc.(map[string]any)["endpoints"].([]any) {
			if url := ep.(map[string]any)["publicURL"].(string); !strings.HasPrefix(url, "https://") {
				t.Errorf("v2 catalog: %s", url)
			}
		}
	}
}

func TestTLS_CAFileOptionAndPlainHTTP(t *testing.T) {
	t.Parallel()
	if s := startServer(t, Options{}); s.CAFile() != "" || !strings.HasPrefix(s.URL(), "http://") {
		t.Errorf("without TLS: CA %q, URL %s", s.CAFile(), s.URL())
	}
	path := filepath.Join(t.TempDir(), "mock-ca.pem")
	s := startServer(t, Options{TLS: true, CAFile: path})
	if s.CAFile() != path {
		t.Errorf("CAFile %q, want %q", s.CAFile(), path)
	}
	if _, err := os.Stat(filepath.Join(s.DataDir(), "ca.pem")); !os.IsNotExist(err) {
		t.Errorf("a CA file in the data dir too: %v", err)
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: s.IssueToken(producer)}), http.StatusOK, "")

	// A CA file that cannot be written stops Start.
	if bad, err := Start(Options{TLS: true, CAFile: filepath.Join(t.TempDir(), "missing", "ca.pem")}); err == nil {
		bad.Close()
		t.Fatal("Start wrote a CA file into a missing directory")
	} else if !strings.Contains(err.Error(), "mockserver: CA file:") {
		t.Errorf("error %v", err)
	}
}

// TestTLS_FaultsStillCutConnections: hijacking works over TLS (HTTP/1.1 only).
func TestTLS_FaultsStillCutConnections(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{TLS: true})
	client, err := clientFor(s)
	if err != nil {
		t.Fatal(err)
	}
	tok := s.IssueToken(producer)
	fresh := &http.Client{Transport: &http.Transport{TLSClientConfig: client.Transport.(*http.Transport).TLSClientConfig, DisableKeepAlives: true}}
	call := func(method, path string) error {
		hr, _ := http.NewRequest(method, s.URL()+path, strings.NewReader("{}"))
		hr.Header.Set("X-Auth-Token", tok)
		resp, err := fresh.Do(hr)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	s.InjectFault(Fault{Method: "POST", Path: regexp.MustCompile(`^/image/v2/images$`), LoseAnswer: true})
	if err := call("POST", "/image/v2/images"); err == nil || len(s.Images()) != 1 {
		t.Errorf("lose answer over TLS: %v, %d images", err, len(s.Images()))
	}
	s.InjectFault(Fault{Method: "GET", TruncateBody: true})
	if err := call("GET", "/image/v2/images"); err == nil {
		t.Error("truncated answer read whole over TLS")
	}
	s.InjectFault(Fault{Method: "GET", Drop: true})
	if err := call("GET", "/image/v2/images"); err == nil {
		t.Error("dropped request answered over TLS")
	}
}

// With ClientCerts the server takes only clients that present a certificate
// its CA signed.
func TestTLS_ClientCertificates(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{TLS: true, ClientCerts: true})
	pool, err := caPool(s.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	get := func(certs []tls.Certificate) error {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: certs}}}
		resp, err := c.Get(s.URL() + "/image/versions")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errors.New(resp.Status)
		}
		return nil
	}
	if err := get(nil); err == nil {
		t.Fatal("a client without a certificate was served")
	}
	certPEM, keyPEM, err := s.IssueClientCertificate("terraform")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if err := get([]tls.Certificate{pair}); err != nil {
		t.Fatalf("with the issued certificate: %v", err)
	}
	// A certificate of another CA is refused.
	other := startServer(t, Options{TLS: true})
	otherPEM, otherKey, err := other.IssueClientCertificate("stranger")
	if err != nil {
		t.Fatal(err)
	}
	stranger, _ := tls.X509KeyPair(otherPEM, otherKey)
	if err := get([]tls.Certificate{stranger}); err == nil {
		t.Fatal("a certificate of another CA was accepted")
	}
	if _, err := Start(Options{ClientCerts: true}); err == nil {
		t.Fatal("ClientCerts without TLS started")
	}
	if _, _, err := startServer(t, Options{}).IssueClientCertificate("x"); err == nil {
		t.Fatal("a client certificate without TLS")
	}
}
