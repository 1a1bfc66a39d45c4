package provider_test

import (
	"fmt"
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
