package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// The mock serves HTTPS with a CA of its own: refused by default, with an
// error that says how to trust it; trusted with cacert_file; accepted with
// insecure, with a warning.
func TestAccProvider_tls(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{TLS: true})
	if !strings.HasPrefix(srv.URL(), "https://") || srv.CAFile() == "" {
		t.Fatalf("the mock does not serve TLS: %s, CA %q", srv.URL(), srv.CAFile())
	}
	id := acctest.CreateImageOutOfBand(t, srv, acctest.Producer, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))

	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		{
			Config:      acctest.ProviderConfig(srv, acctest.Producer) + listAll,
			ExpectError: acctest.ErrorLike("certificate", "cacert_file", "insecure"),
		},
		{
			Config:            acctest.ProviderConfig(srv, acctest.Producer, fmt.Sprintf("  cacert_file = %q", srv.CAFile())) + listAll,
			ConfigStateChecks: seesImage(id),
		},
		{
			// The PEM itself, as the OpenStack provider takes it.
			Config:            acctest.ProviderConfig(srv, acctest.Producer, fmt.Sprintf("  cacert_file = %q", readFile(t, srv.CAFile()))) + listAll,
			ConfigStateChecks: seesImage(id),
		},
		{
			Config:            acctest.ProviderConfig(srv, acctest.Producer, "  insecure = true") + listAll,
			ConfigStateChecks: seesImage(id),
		},
	}})

	// The warning, as a user sees it.
	cli := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Producer, "  insecure = true")+listAll)
	cli.MustRun("init", "-input=false")
	r := cli.MustRun("plan", "-input=false")
	if out := r.Stdout + r.Stderr; !strings.Contains(out, "TLS certificates are not verified") {
		t.Fatalf("no warning for insecure = true:\n%s", out)
	}
}

// A mock that requires client certificates (mutual TLS): refused without one,
// with an error naming cert; accepted with cert and key as file paths, or as
// the PEM itself, or from OS_CERT / OS_KEY.
func TestAccProvider_clientCertificate(t *testing.T) {
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{TLS: true, ClientCerts: true})
	certPEM, keyPEM, err := srv.IssueClientCertificate("terraform")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	ca := fmt.Sprintf("  cacert_file = %q", srv.CAFile())
	strangerCert, strangerKey, err := acctest.Mock(t, mockserver.Options{TLS: true}).IssueClientCertificate("stranger")
	if err != nil {
		t.Fatal(err)
	}
	unversioned := fmt.Sprintf("provider \"cloudimages\" {\n  auth_url = %q\n  username = %q\n  api_key = %q\n%s\n}\n",
		srv.URL()+"/identity/", acctest.Producer.Username, acctest.Producer.APIKey, ca)
	// The api key is part of the credential set, so cert and key go beside it.
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		{
			Config:      acctest.ProviderConfig(srv, acctest.Producer, ca) + listAll,
			ExpectError: acctest.ErrorLike("The server requires a client certificate", "certificate required", "set cert and key", "Check cert (not set"),
		},
		{
			// The same found while discovering the identity version.
			Config:      unversioned + listAll,
			ExpectError: acctest.ErrorLike("The server requires a client certificate", "/identity/"),
		},
		{
			Config:      acctest.ProviderConfig(srv, acctest.Producer, ca, fmt.Sprintf("  cert = %q\n  key = %q", string(strangerCert), string(strangerKey))) + listAll,
			ExpectError: acctest.ErrorLike("The server refused the client certificate", "signed by a CA the server trusts", "Check cert (in the provider block)"),
		},
		{
			Config: acctest.ProviderConfig(srv, acctest.Producer, ca, fmt.Sprintf("  cert = %q\n  key = %q", certFile, keyFile)) + listAll,
		},
		{
			Config: acctest.ProviderConfig(srv, acctest.Producer, ca, fmt.Sprintf("  cert = %q\n  key = %q", string(certPEM), string(keyPEM))) + listAll,
		},
	}})
	if n := srv.RequestCount("GET", "/image/v2/images"); n == 0 {
		t.Fatal("no image call got through")
	}

	// From the environment, with the rest of the credential set.
	t.Setenv("OS_AUTH_URL", srv.IdentityV2URL())
	t.Setenv("OS_USERNAME", acctest.Producer.Username)
	t.Setenv("OS_API_KEY", acctest.Producer.APIKey)
	t.Setenv("OS_CACERT", srv.CAFile())
	t.Setenv("OS_CERT", certFile)
	t.Setenv("OS_KEY", keyFile)
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{{Config: `provider "cloudimages" {}` + listAll}}})
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
