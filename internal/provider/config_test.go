package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolve_environmentAlone(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"OS_AUTH_URL": "https://id.example/v3/", "OS_USERNAME": "env-user", "OS_API_KEY": "env-key",
		"OS_PROJECT_ID": "p1", "OS_REGION_NAME": "LON", "OS_INTERFACE": "internal", "OS_CACERT": "/ca.pem", "OS_INSECURE": "true",
		"OS_APPLICATION_CREDENTIAL_ID": "ac", "OS_USER_DOMAIN_ID": "ud", "OS_CERT": "c.pem", "OS_KEY": "k.pem",
	}
	r, err := resolve(settings{values: map[string]string{}}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	c := r.cfg
	if c.AuthURL != "https://id.example/v3/" || c.Username != "env-user" || c.APIKey != "env-key" || c.TenantID != "p1" ||
		c.Region != "LON" || c.Interface != "internal" || c.CACert != "/ca.pem" || !c.Insecure || c.MaxRetries != DefaultMaxRetries ||
		c.ApplicationCredentialID != "ac" || c.UserDomainID != "ud" || c.ClientCert != "c.pem" || c.ClientKey != "k.pem" {
		t.Fatalf("%+v", c)
	}
	if r.origins["api_key"] != "OS_API_KEY" || r.origins["tenant_id"] != "OS_PROJECT_ID" || r.source != "the environment" {
		t.Fatalf("origins %v", r.origins)
	}
}

// A block that sets any credential takes nothing of the environment's
// credentials or scope: the consumer alias beside a producer's OS_*.
func TestResolve_blockCredentialsAreIsolated(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"OS_AUTH_URL": "https://id.example/v2.0/", "OS_USERNAME": "producer", "OS_API_KEY": "producer-key",
		"OS_TENANT_ID": "100001", "OS_PASSWORD": "producer-pass", "OS_REGION_NAME": "DFW", "OS_CLOUD": "producer",
	}
	r, err := resolve(settings{values: map[string]string{"username": "consumer", "password": "consumer-pass"}}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	c := r.cfg
	// auth_url says where, not who: like region, it still comes from OS_AUTH_URL.
	if c.APIKey != "" || c.TenantID != "" || c.AuthURL != "https://id.example/v2.0/" || c.Username != "consumer" || c.Password != "consumer-pass" {
		t.Fatalf("the environment leaked into the block's credentials: %+v", c)
	}
	if c.Region != "DFW" || r.origins["region"] != "OS_REGION_NAME" {
		t.Fatalf("settings other than credentials still fall back: %+v %v", c, r.origins)
	}
	if r.source != fromBlock || r.origins["auth_url"] != "OS_AUTH_URL" {
		t.Fatalf("origins %v", r.origins)
	}
}

func TestResolve_defaults(t *testing.T) {
	t.Parallel()
	r, err := resolve(settings{values: map[string]string{"max_retries": "0"}}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if r.cfg.AuthURL != DefaultAuthURL || r.cfg.MaxRetries != 0 || r.cfg.Insecure || r.cfg.Interface != "public" {
		t.Fatalf("defaults: %+v", r.cfg)
	}
}

func TestResolve_badInsecure(t *testing.T) {
	t.Parallel()
	_, err := resolve(settings{values: map[string]string{}}, envOf(map[string]string{"OS_INSECURE": "maybe"}))
	if err == nil || !strings.Contains(err.Error(), "OS_INSECURE") {
		t.Fatalf("OS_INSECURE=maybe: %v", err)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// clouds.yaml with secure.yaml merged in, a Rackspace entry with an API key,
// and where each value came from.
func TestResolve_cloudsYAML(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clouds := writeFile(t, dir, "clouds.yaml", `clouds:
  devstack:
    auth:
      auth_url: https://keystone.example/identity
      username: demo
      project_name: demo
      user_domain_name: Default
    region_name: RegionOne
    interface: internal
    cacert: /etc/ca.pem
    verify: false
  rackspace:
    auth:
      auth_url: https://identity.api.rackspacecloud.com/v2.0/
      username: rax-user
      api_key: rax-key
    region_name: IAD
`)
	secure := writeFile(t, dir, "secure.yaml", "clouds:\n  devstack:\n    auth:\n      password: s3cret\n")
	env := map[string]string{"OS_CLIENT_CONFIG_FILE": clouds, "OS_CLIENT_SECURE_FILE": secure, "OS_CLOUD": "devstack", "OS_PASSWORD": "env-pass"}

	r, err := resolve(settings{values: map[string]string{}}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	c := r.cfg
	if c.AuthURL != "https://keystone.example/identity" || c.Username != "demo" || c.Password != "s3cret" || c.TenantName != "demo" ||
		c.Region != "RegionOne" || c.Interface != "internal" || c.CACert != "/etc/ca.pem" || !c.Insecure {
		t.Fatalf("devstack: %+v", c)
	}
	if !strings.Contains(r.origins["password"], "secure.yaml") || !strings.Contains(r.origins["username"], "clouds.yaml") || r.origins["cloud"] != "OS_CLOUD" {
		t.Fatalf("origins %v", r.origins)
	}

	r, err = resolve(settings{values: map[string]string{"cloud": "rackspace"}}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if r.cfg.APIKey != "rax-key" || r.cfg.Username != "rax-user" || r.cfg.Password != "" || r.cfg.Region != "IAD" {
		t.Fatalf("rackspace: %+v", r.cfg)
	}

	_, err = resolve(settings{values: map[string]string{"cloud": "nope"}}, envOf(env))
	var ce *client.ConfigError
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("unknown cloud: %v %v", err, ce)
	}
}
