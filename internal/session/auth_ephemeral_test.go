package session_test

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// The session's token reads a private Cloud Files object into an image
// (through write-only headers), and it is in neither the plan nor the
// state (Terraform 1.11 and later: ephemeral resources and write-only
// arguments).
func TestAccAuth_tokenReadsAPrivateObject(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	file := acctest.WriteImageFile(t, "disk.raw", 32<<10, 61)
	if err := srv.CreateContainer(acctest.Producer.TenantID, "images"); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := srv.PutObject(acctest.Producer.TenantID, "images", "disk.raw", f); err != nil {
		t.Fatal(err)
	}
	objectURL := srv.ObjectStoreURL(acctest.Producer.TenantID) + "/images/disk.raw"
	if resp, err := http.Get(objectURL); err != nil || resp.StatusCode != http.StatusUnauthorized { //nolint:noctx // a test
		t.Fatalf("the object without a token: %v %v, want 401 (else the token proves nothing)", resp, err)
	} else {
		_ = resp.Body.Close()
	}
	config := acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
ephemeral "cloudimages_auth" "session" {}

resource "cloudimages_image" "test" {
  name              = "from-cloud-files"
  source_url        = %q
  source_headers_wo = { "X-Auth-Token" = ephemeral.cloudimages_auth.session.token }
  disk_format       = "raw"
  container_format  = "bare"
}
`, objectURL)
	noToken := func(s *terraform.State) error {
		for _, token := range srv.IssuedTokens() {
			for _, rs := range s.RootModule().Resources {
				for k, v := range rs.Primary.Attributes {
					if v == token {
						return fmt.Errorf("the state holds a token in %s", k)
					}
				}
			}
		}
		return nil
	}
	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:           acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("cloudimages_image.test", tfjsonpath.New("checksum"), knownvalue.StringExact(file.MD5)),
			},
			Check: noToken,
		}},
	})
}
