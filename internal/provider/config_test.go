package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

func TestClientConfig_environmentAndPrecedence(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"OS_AUTH_URL": "https://id.example/v3/", "OS_USERNAME": "env-user", "OS_API_KEY": "env-key",
		"OS_PROJECT_ID": "p1", "OS_PROJECT_NAME": "pn", "OS_REGION_NAME": "LON", "CLOUDIMAGES_ENDPOINT": "https://img.example/v2",
		"OS_CACERT": "/ca.pem", "OS_INSECURE": "true", "OS_USER_DOMAIN_NAME": "ud", "OS_PROJECT_DOMAIN_NAME": "pd",
	}
	cfg := providerModel{Username: types.StringValue("config-user"), MaxRetries: types.Int64Null()}
	got, err := clientConfig(cfg, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := client.Config{
		AuthURL: "https://id.example/v3/", Username: "config-user", APIKey: "env-key", TenantID: "p1", TenantName: "pn",
		UserDomainName: "ud", ProjectDomainName: "pd", Region: "LON", Endpoint: "https://img.example/v2",
		Insecure: true, CACertFile: "/ca.pem", MaxRetries: DefaultMaxRetries,
	}
	if got != want {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestClientConfig_defaults(t *testing.T) {
	t.Parallel()
	got, err := clientConfig(providerModel{MaxRetries: types.Int64Value(0)}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if got.AuthURL != client.DefaultAuthURL || got.MaxRetries != 0 || got.Insecure {
		t.Fatalf("defaults: %+v", got)
	}
}

func TestClientConfig_badInsecure(t *testing.T) {
	t.Parallel()
	_, err := clientConfig(providerModel{}, func(k string) string {
		if k == "OS_INSECURE" {
			return "maybe"
		}
		return ""
	})
	if err == nil {
		t.Fatal("OS_INSECURE=maybe accepted")
	}
}
