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

// secretsCase is one way to authenticate: the provider block's lines, files
// to write beside the configuration (clouds.yaml, secure.yaml), environment
// variables, and the secrets that must never be printed or logged.
type secretsCase struct {
	args    string
	files   map[string]string
	env     []string
	secrets []string
}

// A whole apply and destroy at TF_LOG=TRACE, with the real provider binary
// as users run it, for every way to authenticate: neither the log file nor
// what terraform printed holds the password, the API key, the application
// credential's secret (from the block, OS_* or clouds.yaml) or any token the
// identity service issued.
func TestAccProvider_secretsNeverLogged(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	p := acctest.Producer
	methods := map[string]func(t *testing.T, srv *mockserver.Server) secretsCase{
		"v2.0 api key": func(_ *testing.T, srv *mockserver.Server) secretsCase {
			return secretsCase{args: fmt.Sprintf("auth_url = %q\nusername = %q\napi_key = %q", srv.IdentityV2URL(), p.Username, p.APIKey), secrets: []string{p.APIKey}}
		},
		"v2.0 password": func(_ *testing.T, srv *mockserver.Server) secretsCase {
			return secretsCase{args: fmt.Sprintf("auth_url = %q\nusername = %q\npassword = %q", srv.IdentityV2URL(), p.Username, p.Password), secrets: []string{p.Password}}
		},
		"v2.0 token": func(_ *testing.T, srv *mockserver.Server) secretsCase {
			tok := srv.IssueToken(p.TenantID)
			return secretsCase{args: fmt.Sprintf("auth_url = %q\ntoken = %q\ntenant_id = %q", srv.IdentityV2URL(), tok, p.TenantID), secrets: []string{tok}}
		},
		"v3 password": func(_ *testing.T, srv *mockserver.Server) secretsCase {
			return secretsCase{args: fmt.Sprintf("auth_url = %q\nusername = %q\npassword = %q\ntenant_name = %q", srv.IdentityV3URL(), p.Username, p.Password, p.TenantName), secrets: []string{p.Password}}
		},
		"v3 token": func(_ *testing.T, srv *mockserver.Server) secretsCase {
			tok := srv.IssueToken(p.TenantID)
			return secretsCase{args: fmt.Sprintf("auth_url = %q\ntoken = %q", srv.IdentityV3URL(), tok), secrets: []string{tok}}
		},
		"endpoint and token": func(_ *testing.T, srv *mockserver.Server) secretsCase {
			tok := srv.IssueToken(p.TenantID)
			return secretsCase{args: fmt.Sprintf("endpoint = %q\ntoken = %q", srv.ImageURL(), tok), secrets: []string{tok}}
		},
		"v3 application credential by id": func(t *testing.T, srv *mockserver.Server) secretsCase {
			ac := makeAppCredential(t, srv, p, "logged")
			return secretsCase{args: fmt.Sprintf("auth_url = %q\napplication_credential_id = %q\napplication_credential_secret = %q", srv.IdentityV3URL(), ac.ID, ac.Secret),
				secrets: []string{ac.Secret, p.Password}}
		},
		"v3 application credential by name from OS_*": func(t *testing.T, srv *mockserver.Server) secretsCase {
			ac := makeAppCredential(t, srv, p, "logged")
			return secretsCase{
				env: []string{"OS_AUTH_URL=" + srv.IdentityV3URL(), "OS_APPLICATION_CREDENTIAL_NAME=" + ac.Name,
					"OS_USER_ID=" + ac.UserID, "OS_APPLICATION_CREDENTIAL_SECRET=" + ac.Secret},
				secrets: []string{ac.Secret, p.Password},
			}
		},
		"clouds.yaml password in secure.yaml": func(_ *testing.T, srv *mockserver.Server) secretsCase {
			return secretsCase{
				args: `cloud = "mock"`,
				files: map[string]string{
					"clouds.yaml": fmt.Sprintf("clouds:\n  mock:\n    auth:\n      auth_url: %s\n      username: %s\n      project_name: %s\n", srv.IdentityV3URL(), p.Username, p.TenantName),
					"secure.yaml": fmt.Sprintf("clouds:\n  mock:\n    auth:\n      password: %s\n", p.Password),
				},
				secrets: []string{p.Password},
			}
		},
		"clouds.yaml api_key via OS_CLOUD": func(_ *testing.T, srv *mockserver.Server) secretsCase {
			return secretsCase{
				env: []string{"OS_CLOUD=rax"},
				files: map[string]string{
					"clouds.yaml": fmt.Sprintf("clouds:\n  rax:\n    auth:\n      auth_url: %s\n      username: %s\n      api_key: %s\n", srv.IdentityV2URL(), p.Username, p.APIKey),
				},
				secrets: []string{p.APIKey},
			}
		},
		"clouds.yaml application credential": func(t *testing.T, srv *mockserver.Server) secretsCase {
			ac := makeAppCredential(t, srv, p, "logged")
			return secretsCase{
				args: `cloud = "ac"`,
				files: map[string]string{
					"clouds.yaml": fmt.Sprintf("clouds:\n  ac:\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: %s\n      application_credential_id: %s\n      application_credential_secret: %s\n", srv.IdentityV3URL(), ac.ID, ac.Secret),
				},
				secrets: []string{ac.Secret, p.Password},
			}
		},
	}
	for name, method := range methods {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := acctest.Mock(t, mockserver.Options{})
			tc := method(t, srv)
			secrets := tc.secrets
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
`, tc.args, file.Path), append([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath}, tc.env...)...)
			writeFiles(t, cli.Dir(), tc.files)

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
			// Every method but a fixed endpoint and token logs its identity request.
			if !strings.Contains(tc.args, "endpoint =") && !strings.Contains(string(log), "/tokens") {
				t.Fatalf("the TRACE log holds no identity request: the credentials were never logged, masked or not")
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
