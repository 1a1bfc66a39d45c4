// Package acctest is the harness of the acceptance tests: every test runs the
// real terraform binary against its own in-process mock server (or, with
// CLOUDIMAGES_LIVE=1, against the endpoint the OS_* variables name).
package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/provider"
)

// ProviderFactories serves the provider in-process to terraform, twice:
// as "cloudimages" and as "consumer". Terraform sends every configuration of
// one in-process provider to the same server, where the last configure wins;
// a second server gives the consumer's credentials a provider of their own,
// as two plugin processes would outside tests (see ProducerAndConsumer).
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"cloudimages": providerserver.NewProtocol6WithError(provider.New("test")()),
	"consumer":    providerserver.NewProtocol6WithError(provider.New("test")()),
}

// Producer and Consumer are the mock's built-in accounts.
var (
	Producer = mockserver.DefaultAccounts()[0]
	Consumer = mockserver.DefaultAccounts()[1]
)

// Live reports whether the tests run against a real endpoint
// (make testacc-live) instead of the mock.
func Live() bool {
	return os.Getenv("CLOUDIMAGES_LIVE") == "1"
}

// Test runs an acceptance test. It fails (never skips) when terraform cannot
// be found, and fills in the provider factories.
func Test(t *testing.T, tc resource.TestCase) {
	t.Helper()
	requireTerraform(t)
	if tc.ProtoV6ProviderFactories == nil {
		tc.ProtoV6ProviderFactories = ProviderFactories
	}
	// UnitTest: these tests need no TF_ACC, they only need terraform.
	resource.UnitTest(t, tc)
}

func requireTerraform(t *testing.T) {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v", p, err)
		}
		return
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("terraform not found in PATH: the acceptance tests run the real terraform binary. " +
			"Install terraform (1.11 is tested) or set TF_ACC_TERRAFORM_PATH.")
	}
}

// SkipIfLive skips a test that needs the mock's controls (drift made behind
// Terraform's back, injected faults) when running against a real endpoint.
func SkipIfLive(t *testing.T) {
	t.Helper()
	if Live() {
		t.Skip("needs the mock server's controls; not run against a live endpoint")
	}
}

// Mock starts a mock server for one test and stops it when the test ends.
func Mock(t *testing.T, opts mockserver.Options) *mockserver.Server {
	t.Helper()
	srv, err := mockserver.Start(opts)
	if err != nil {
		t.Fatalf("start mock server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("stop mock server: %v", err)
		}
	})
	return srv
}

// ProviderConfig is a provider block that authenticates as acct with its API
// key through identity v2.0, the Rackspace way; extra lines are added inside
// the block. Against a live endpoint it is a block that reads OS_*.
func ProviderConfig(srv *mockserver.Server, acct mockserver.Account, extra ...string) string {
	if Live() || srv == nil {
		return fmt.Sprintf("provider \"cloudimages\" {\n%s\n}\n", strings.Join(extra, "\n"))
	}
	return fmt.Sprintf(`provider "cloudimages" {
  auth_url = %q
  username = %q
  api_key  = %q
%s
}
`, srv.IdentityV2URL(), acct.Username, acct.APIKey, strings.Join(extra, "\n"))
}

// NoImagesLeft is a CheckDestroy: the mock holds no image of the tenant, in any region.
func NoImagesLeft(srv *mockserver.Server, tenantID string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if srv == nil {
			return nil
		}
		var left []string
		for _, name := range srv.Regions() {
			for _, img := range srv.InRegion(name).Images() {
				if img.Owner == tenantID {
					left = append(left, name+"/"+img.ID+" ("+img.Status+")")
				}
			}
		}
		if len(left) > 0 {
			return fmt.Errorf("images left after destroy: %s", strings.Join(left, ", "))
		}
		return nil
	}
}

// ProducerAndConsumer configures both sides of image sharing in one
// configuration: cloudimages.producer authenticates as the producer, and the
// provider named consumer (the same provider, served separately; see
// ProviderFactories) as the consumer. Resources pick a side with
// provider = cloudimages.producer or provider = consumer.
// Extra lines go into both blocks.
func ProducerAndConsumer(srv *mockserver.Server, extra ...string) string {
	consumer := strings.Replace(ProviderConfig(srv, Consumer, extra...), `provider "cloudimages"`, `provider "consumer"`, 1)
	return `terraform {
  required_providers {
    cloudimages = { source = "hashicorp/cloudimages" }
    consumer    = { source = "hashicorp/consumer" }
  }
}
` + ProviderConfig(srv, Producer, append([]string{`  alias = "producer"`}, extra...)...) + consumer
}
