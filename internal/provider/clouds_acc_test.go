package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// listAllOutput lists the images the configured tenant sees, as an output
// the CLI tests read.
const listAllOutput = `
data "cloudimages_images" "all" {}
output "ids" { value = data.cloudimages_images.all.ids }
`

// writeFiles writes name → content into dir (clouds.yaml, secure.yaml).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// outputIDs is the "ids" output of the last apply.
func outputIDs(t *testing.T, cli *acctest.CLI) []string {
	t.Helper()
	r := cli.MustRun("output", "-json", "ids")
	var ids []string
	if err := json.Unmarshal([]byte(r.Stdout), &ids); err != nil {
		t.Fatalf("output ids: %v: %q", err, r.Stdout)
	}
	return ids
}

// clouds.yaml in the working directory with the password in secure.yaml
// beside it, as the openstack CLI reads them, through the real terraform and
// provider binary: chosen by `cloud = "…"` in the block, or by OS_CLOUD with
// an empty block. The producer's OS_USERNAME and OS_PASSWORD exported at the
// same time are not mixed in: the entry is the credential set.
func TestAccProvider_cloudsYAMLWithSecureYAML(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	c := acctest.Consumer
	theirs := acctest.CreateImageOutOfBand(t, srv, c, "consumer's", acctest.WriteImageFile(t, "c.raw", 100, 2))
	files := map[string]string{
		"clouds.yaml": fmt.Sprintf(`clouds:
  mock:
    auth:
      auth_url: %s
      username: %s
      project_name: %s
      user_domain_name: Default
      project_domain_name: Default
    region_name: MOCK
    interface: public
    identity_api_version: 3
`, srv.IdentityV3URL(), c.Username, c.TenantName),
		"secure.yaml": fmt.Sprintf("clouds:\n  mock:\n    auth:\n      password: %s\n", c.Password),
	}
	producerEnv := []string{"OS_USERNAME=" + acctest.Producer.Username, "OS_PASSWORD=" + acctest.Producer.Password}
	for name, tc := range map[string]struct {
		block string
		env   []string
	}{
		"cloud argument": {`provider "cloudimages" { cloud = "mock" }`, producerEnv},
		"OS_CLOUD":       {`provider "cloudimages" {}`, append([]string{"OS_CLOUD=mock"}, producerEnv...)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cli := acctest.NewCLI(t, tc.block+listAllOutput, tc.env...)
			writeFiles(t, cli.Dir(), files)
			cli.MustRun("init", "-input=false")
			cli.MustRun("apply", "-auto-approve", "-input=false")
			if ids := outputIDs(t, cli); !slices.Equal(ids, []string{theirs}) {
				t.Fatalf("the cloud's tenant sees %v, want the consumer's image %s", ids, theirs)
			}
		})
	}

	// A wrong password in secure.yaml: the error says which file holds it.
	t.Run("wrong password", func(t *testing.T) {
		t.Parallel()
		cli := acctest.NewCLI(t, `provider "cloudimages" { cloud = "mock" }`+listAllOutput)
		writeFiles(t, cli.Dir(), map[string]string{
			"clouds.yaml": files["clouds.yaml"],
			"secure.yaml": "clouds:\n  mock:\n    auth:\n      password: wrong\n",
		})
		cli.MustRun("init", "-input=false")
		r := cli.Run("apply", "-auto-approve", "-input=false")
		out := strings.Join(strings.Fields(r.Stdout+r.Stderr), " ")
		want := fmt.Sprintf(`password (in cloud "mock" in %s)`, filepath.Join(cli.Dir(), "secure.yaml"))
		if r.Err == nil || !strings.Contains(out, "Authentication failed") || !strings.Contains(out, want) {
			t.Fatalf("apply with a wrong password in secure.yaml: %v\n%s\nwant %q", r.Err, out, want)
		}
	})
}

// A Rackspace-style clouds.yaml entry (username + api_key, identity v2.0),
// chosen with OS_CLOUD, against the rackspace flavour; the API key is in
// secure.yaml.
func TestAccProvider_cloudsYAMLRackspace(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Flavor: "rackspace"})
	p := acctest.Producer
	acctest.SeedVHD(t, srv, p.TenantID, "images", "base.vhd", 4096)
	_, id := acctest.RunSeedImportTask(t, srv, p, "base", "images/base.vhd")
	cli := acctest.NewCLI(t, `provider "cloudimages" {}`+listAllOutput, "OS_CLOUD=rackspace")
	writeFiles(t, cli.Dir(), map[string]string{
		"clouds.yaml": fmt.Sprintf(`clouds:
  rackspace:
    auth:
      auth_url: %s
      username: %s
    region_name: MOCK
`, srv.IdentityV2URL(), p.Username),
		"secure.yaml": fmt.Sprintf("clouds:\n  rackspace:\n    auth:\n      api_key: %s\n", p.APIKey),
	})
	cli.MustRun("init", "-input=false")
	cli.MustRun("apply", "-auto-approve", "-input=false")
	if ids := outputIDs(t, cli); !slices.Equal(ids, []string{id}) {
		t.Fatalf("the Rackspace cloud's tenant sees %v, want the producer's image %s", ids, id)
	}
	if n := srv.RequestCount("POST", "/identity/v2.0/tokens"); n == 0 {
		t.Fatal("identity v2.0 was never used")
	}
}

// The docs' clouds.yaml and secure.yaml (examples/provider), with the mock's
// URLs, region and accounts put in: every entry authenticates, chosen by
// `cloud = "…"`.
func TestAccProvider_cloudsYAMLExample(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	p := acctest.Producer
	mine := acctest.CreateImageOutOfBand(t, srv, p, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))
	ac := makeAppCredential(t, srv, p, "example")
	mock := strings.NewReplacer(
		"https://identity.api.rackspacecloud.com/v2.0/", srv.IdentityV2URL(),
		"https://keystone.example.com/v3/", srv.IdentityV3URL(),
		"DFW", "MOCK", "RegionOne", "MOCK",
		"my-user", p.Username, "my-project", p.TenantName,
		"my-api-key", p.APIKey, "my-password", p.Password,
		"6c2e7b9a0f1d4e3b8a5c4d2e1f0a9b8c", ac.ID, "my-credential-secret", ac.Secret,
	)
	files := map[string]string{}
	for _, name := range []string{"clouds.yaml", "secure.yaml"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "provider", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = mock.Replace(string(raw))
	}
	for _, cloud := range []string{"rackspace", "mycloud", "ci"} {
		t.Run(cloud, func(t *testing.T) {
			t.Parallel()
			cli := acctest.NewCLI(t, fmt.Sprintf("provider \"cloudimages\" {\n  cloud = %q\n}\n", cloud)+listAllOutput)
			writeFiles(t, cli.Dir(), files)
			cli.MustRun("init", "-input=false")
			cli.MustRun("apply", "-auto-approve", "-input=false")
			if ids := outputIDs(t, cli); !slices.Equal(ids, []string{mine}) {
				t.Fatalf("cloud %s sees %v, want the producer's image %s", cloud, ids, mine)
			}
		})
	}
}

// A clouds.yaml entry's TLS and endpoint settings reach the client: cacert
// (the mock's own CA), cert and key (a mock that requires client
// certificates), and interface: internal picks the catalog's internal
// endpoints.
func TestAccProvider_cloudsYAMLTLSAndInterface(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{TLS: true, ClientCerts: true})
	p := acctest.Producer
	certPEM, keyPEM, err := srv.IssueClientCertificate("clouds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t, `provider "cloudimages" { cloud = "tls" }`+listAllOutput)
	writeFiles(t, cli.Dir(), map[string]string{
		"client.pem": string(certPEM), "client-key.pem": string(keyPEM),
		"clouds.yaml": fmt.Sprintf(`clouds:
  tls:
    auth:
      auth_url: %s
      username: %s
      api_key: %s
    cacert: %s
    cert: %s
    key: %s
    interface: internal
`, srv.IdentityV2URL(), p.Username, p.APIKey, srv.CAFile(), filepath.Join(cli.Dir(), "client.pem"), filepath.Join(cli.Dir(), "client-key.pem")),
	})
	cli.MustRun("init", "-input=false")
	cli.MustRun("apply", "-auto-approve", "-input=false")
	if ids := outputIDs(t, cli); len(ids) != 0 {
		t.Fatalf("ids %v, want none", ids)
	}
	if srv.InterfaceRequests("internal") == 0 || srv.RequestCount("GET", "/image/v2/images") == 0 {
		t.Fatalf("the image list did not go through the internal endpoint (%d internal requests)", srv.InterfaceRequests("internal"))
	}
}
