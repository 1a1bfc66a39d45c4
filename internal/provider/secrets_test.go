package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// A whole apply and destroy at TF_LOG=TRACE, with the real provider binary
// as users run it, for every way to authenticate: neither the log file nor
// what terraform printed holds the password, the API key or any token the
// identity service issued.
func TestAccProvider_secretsNeverLogged(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	p := acctest.Producer
	methods := map[string]func(srv *mockserver.Server) (args string, secrets []string){
		"v2.0 api key": func(srv *mockserver.Server) (string, []string) {
			return fmt.Sprintf("auth_url = %q\nusername = %q\napi_key = %q", srv.IdentityV2URL(), p.Username, p.APIKey), []string{p.APIKey}
		},
		"v2.0 password": func(srv *mockserver.Server) (string, []string) {
			return fmt.Sprintf("auth_url = %q\nusername = %q\npassword = %q", srv.IdentityV2URL(), p.Username, p.Password), []string{p.Password}
		},
		"v2.0 token": func(srv *mockserver.Server) (string, []string) {
			tok := srv.IssueToken(p.TenantID)
			return fmt.Sprintf("auth_url = %q\ntoken = %q\ntenant_id = %q", srv.IdentityV2URL(), tok, p.TenantID), []string{tok}
		},
		"v3 password": func(srv *mockserver.Server) (string, []string) {
			return fmt.Sprintf("auth_url = %q\nusername = %q\npassword = %q\ntenant_name = %q", srv.IdentityV3URL(), p.Username, p.Password, p.TenantName), []string{p.Password}
		},
		"v3 token": func(srv *mockserver.Server) (string, []string) {
			tok := srv.IssueToken(p.TenantID)
			return fmt.Sprintf("auth_url = %q\ntoken = %q", srv.IdentityV3URL(), tok), []string{tok}
		},
		"endpoint and token": func(srv *mockserver.Server) (string, []string) {
			tok := srv.IssueToken(p.TenantID)
			return fmt.Sprintf("endpoint = %q\ntoken = %q", srv.ImageURL(), tok), []string{tok}
		},
	}
	for name, method := range methods {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := acctest.Mock(t, mockserver.Options{})
			args, secrets := method(srv)
			file := acctest.WriteImageFile(t, "d.raw", 4096, 1)
			logPath := filepath.Join(t.TempDir(), "terraform.log")
			cli := acctest.NewCLI(t, fmt.Sprintf(`
provider "cloudimages" {
%s
}

resource "cloudimages_image" "logged" {
  name             = "logged"
  file             = %q
  disk_format      = "raw"
  container_format = "bare"
  properties       = { purpose = "secrets test" }
}

data "cloudimages_images" "all" {
  depends_on = [cloudimages_image.logged]
}
`, args, file.Path), "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)

			var printed strings.Builder
			for _, cmd := range [][]string{{"init", "-input=false"}, {"apply", "-auto-approve", "-input=false"}, {"destroy", "-auto-approve", "-input=false"}} {
				r := cli.MustRun(cmd...)
				printed.WriteString(r.Stdout + r.Stderr)
			}
			log, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			// The provider's request logs are there, with the token header
			// masked: without them the test would prove nothing.
			if !strings.Contains(string(log), "/image/v2/images") || !strings.Contains(string(log), "X-Auth-Token: ***") {
				t.Fatalf("the TRACE log holds no masked request logs of the provider (%d bytes)", len(log))
			}
			secrets = append(secrets, srv.IssuedTokens()...)
			for _, s := range secrets {
				if strings.Contains(string(log), s) {
					t.Errorf("the TRACE log contains the secret %q", s[:4]+"…")
				}
				if strings.Contains(printed.String(), s) {
					t.Errorf("terraform's output contains the secret %q", s[:4]+"…")
				}
			}
			if len(srv.Images()) != 0 {
				t.Errorf("images left after destroy")
			}
		})
	}
}
