package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// listAll lists the images the configured tenant sees; the producer's private
// image in it proves the provider authenticated as the producer.
const listAll = `
data "cloudimages_images" "all" {}
`

func seesImage(id string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.cloudimages_images.all", tfjsonpath.New("ids"),
			knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(id)})),
	}
}

func TestAccProvider_authenticationMethods(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	id := acctest.CreateImageOutOfBand(t, srv, acctest.Producer, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))
	p := acctest.Producer
	token := srv.IssueToken(p.TenantID)

	methods := map[string]string{
		"v2.0 api key": fmt.Sprintf("auth_url = %q\nusername = %q\napi_key = %q", srv.IdentityV2URL(), p.Username, p.APIKey),
		"v2.0 password": fmt.Sprintf("auth_url = %q\nusername = %q\npassword = %q\ntenant_name = %q",
			srv.IdentityV2URL(), p.Username, p.Password, p.TenantName),
		"v2.0 token": fmt.Sprintf("auth_url = %q\ntoken = %q\ntenant_id = %q", srv.IdentityV2URL(), token, p.TenantID),
		"v3 password": fmt.Sprintf("auth_url = %q\nusername = %q\npassword = %q\ntenant_name = %q\nuser_domain_name = \"Default\"",
			srv.IdentityV3URL(), p.Username, p.Password, p.TenantName),
		"v3 token":                       fmt.Sprintf("auth_url = %q\ntoken = %q", srv.IdentityV3URL(), token),
		"endpoint and token":             fmt.Sprintf("endpoint = %q\ntoken = %q", srv.ImageURL(), token),
		"endpoint without /v2 and token": fmt.Sprintf("endpoint = %q\ntoken = %q", srv.URL()+"/image/", token),
	}
	for name, args := range methods {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{{
				Config:            fmt.Sprintf("provider \"cloudimages\" {\n%s\n}\n", args) + listAll,
				ConfigStateChecks: seesImage(id),
			}}})
		})
	}
}

func TestAccProvider_catalogEndpoints(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	for name, form := range map[string]string{"versioned like Rackspace": mockserver.ImageEndpointVersioned, "unversioned like Glance": mockserver.ImageEndpointUnversioned} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := acctest.Mock(t, mockserver.Options{ImageEndpoint: form})
			id := acctest.CreateImageOutOfBand(t, srv, acctest.Producer, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))
			acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{{
				Config:            acctest.ProviderConfig(srv, acctest.Producer) + listAll,
				ConfigStateChecks: seesImage(id),
			}}})
			if n := srv.RequestCount("GET", "/image/v2/v2/images"); n != 0 {
				t.Fatalf("the provider called /v2/v2/images %d times", n)
			}
		})
	}
}

func TestAccProvider_regions(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	withDefault := acctest.Producer
	withDefault.DefaultRegion = "ORD"
	srv := acctest.Mock(t, mockserver.Options{
		Regions:  []string{"DFW", "ORD"},
		Accounts: []mockserver.Account{withDefault, acctest.Consumer},
	})
	// One image in each region: each endpoint sees its own alone.
	data := acctest.WriteImageFile(t, "d.raw", 100, 1)
	inDFW := acctest.CreateImageOutOfBand(t, srv.InRegion("DFW"), withDefault, "mine", data)
	inORD := acctest.CreateImageOutOfBand(t, srv.InRegion("ORD"), withDefault, "mine", data)

	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		{
			// No default region and several in the catalog: the error lists them.
			Config:      acctest.ProviderConfig(srv, acctest.Consumer) + listAll,
			ExpectError: acctest.ErrorLike("region", "DFW, ORD"),
		},
		{
			Config:      acctest.ProviderConfig(srv, withDefault, `region = "SYD"`) + listAll,
			ExpectError: acctest.ErrorLike("region", "SYD", "DFW", "ORD"),
		},
		{Config: acctest.ProviderConfig(srv, withDefault, `region = "DFW"`) + listAll, ConfigStateChecks: seesImage(inDFW)},
		// The user's RAX-AUTH:defaultRegion picks the endpoint.
		{Config: acctest.ProviderConfig(srv, withDefault) + listAll, ConfigStateChecks: seesImage(inORD)},
	}})
}

func TestAccProvider_badCredentials(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	v2 := srv.IdentityV2URL()
	cases := map[string]struct {
		args string
		want []string
	}{
		"wrong api key": {fmt.Sprintf("auth_url = %q\nusername = \"producer\"\napi_key = \"wrong\"", v2),
			[]string{"401", "Unable to authenticate user with credentials provided"}},
		"api key and password": {fmt.Sprintf("auth_url = %q\nusername = \"producer\"\napi_key = \"a\"\npassword = \"b\"", v2),
			[]string{"Invalid Attribute Combination", "cannot be configured together", "[password,api_key]"}},
		"application credential and token": {fmt.Sprintf("auth_url = %q\ntoken = \"t\"\napplication_credential_id = \"i\"\napplication_credential_secret = \"s\"", v2),
			[]string{"Invalid Attribute Combination", "cannot be configured together", "[token,application_credential_secret]"}},
		"no secret":       {fmt.Sprintf("auth_url = %q\nusername = \"producer\"", v2), []string{"api_key", "password"}},
		"no credentials":  {fmt.Sprintf("auth_url = %q", v2), []string{"username", "api_key", "token"}},
		"bad max_retries": {fmt.Sprintf("auth_url = %q\nmax_retries = -1", v2), []string{"max_retries", "between 0 and 50"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{{
				Config:      fmt.Sprintf("provider \"cloudimages\" {\n%s\n}\n", tc.args) + listAll,
				ExpectError: acctest.ErrorLike(tc.want...),
			}}})
		})
	}
}

// The environment is the only source here: no argument in the block.
func TestAccProvider_environment(t *testing.T) {
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	id := acctest.CreateImageOutOfBand(t, srv, acctest.Producer, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))
	t.Setenv("OS_AUTH_URL", srv.IdentityV2URL())
	t.Setenv("OS_USERNAME", acctest.Producer.Username)
	t.Setenv("OS_API_KEY", acctest.Producer.APIKey)
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{{
		Config:            `provider "cloudimages" {}` + listAll,
		ConfigStateChecks: seesImage(id),
	}}})
}

// A token that expires in the middle of an apply is renewed once, and the
// apply goes on.
func TestAccProvider_expiredTokenIsRenewed(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{TokenTTL: time.Second, Delay: 1500 * time.Millisecond})
	file := acctest.WriteImageFile(t, "d.raw", 4096, 9)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{{
			Config: acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image" "slow" {
  name             = "slow"
  file             = %q
  disk_format      = "raw"
  container_format = "bare"
}
`, file.Path),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("cloudimages_image.slow", tfjsonpath.New("status"), knownvalue.StringExact("active")),
			},
			Check: func(*terraform.State) error {
				if n := srv.RequestCount("POST", "/identity/v2.0/tokens"); n < 2 {
					return fmt.Errorf("the token was never renewed: %d authentications", n)
				}
				return nil
			},
		}},
	})
}

// The producer's OS_* are exported while the consumer alias authenticates
// with its own password in its block: nothing of the environment (OS_API_KEY,
// OS_TENANT_ID) is mixed in, and each alias acts as its own tenant.
func TestAccProvider_aliasIsolation(t *testing.T) {
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	p, c := acctest.Producer, acctest.Consumer
	mine := acctest.CreateImageOutOfBand(t, srv, p, "producer's", acctest.WriteImageFile(t, "p.raw", 100, 1))
	theirs := acctest.CreateImageOutOfBand(t, srv, c, "consumer's", acctest.WriteImageFile(t, "c.raw", 100, 2))
	t.Setenv("OS_AUTH_URL", srv.IdentityV2URL())
	t.Setenv("OS_USERNAME", p.Username)
	t.Setenv("OS_API_KEY", p.APIKey)
	t.Setenv("OS_TENANT_ID", p.TenantID)
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		eachAliasItsOwnTenant(fmt.Sprintf(`  auth_url = %q
  username = %q
  password = %q`, srv.IdentityV2URL(), c.Username, c.Password), mine, theirs),
	}})
}

// Identity discovery tells the truth: an unversioned identity URL with an API
// key picks v2.0 (which the mock offers beside v3); one with a password picks
// v3; a URL ending in /tokens, pasted from curl, is used without it; an API
// key against a v3 URL says it needs v2.0.
func TestAccProvider_identityDiscovery(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	id := acctest.CreateImageOutOfBand(t, srv, acctest.Producer, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))
	p := acctest.Producer
	block := func(url, secret string) string {
		return fmt.Sprintf("provider \"cloudimages\" {\nauth_url = %q\nusername = %q\n%s\n}\n", url, p.Username, secret) + listAll
	}
	apiKey, password := fmt.Sprintf("api_key = %q", p.APIKey), fmt.Sprintf("password = %q\ntenant_name = %q", p.Password, p.TenantName)
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		{Config: block(srv.IdentityV3URL(), apiKey), ExpectError: acctest.ErrorLike("api_key needs identity v2.0", "v3 endpoint")},
		{Config: block(srv.URL()+"/identity/", apiKey), ConfigStateChecks: seesImage(id)},
		{Config: block(srv.URL()+"/identity", password), ConfigStateChecks: seesImage(id)},
		{Config: block(srv.IdentityV2URL()+"tokens", apiKey), ConfigStateChecks: seesImage(id)},
		{Config: block(srv.URL()+"/identity/v3/auth/tokens", password), ConfigStateChecks: seesImage(id)},
	}})
	if n := srv.RequestCount("POST", "/identity/v2.0/tokens"); n < 2 {
		t.Errorf("identity v2.0 used %d times, want the api key steps there", n)
	}
	if n := srv.RequestCount("POST", "/identity/v3/auth/tokens"); n < 2 {
		t.Errorf("identity v3 used %d times, want the password steps there", n)
	}
}

// endpoint_type / interface (or OS_INTERFACE, OS_ENDPOINT_TYPE) picks the
// catalog's endpoint of that interface, on identity v2.0 and v3: every image
// call goes through it and none through the others.
func TestAccProvider_endpointInterface(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	p := acctest.Producer
	cases := map[string]struct{ iface, args string }{
		"v2.0 default":                {"public", ""},
		"v2.0 endpoint_type internal": {"internal", `endpoint_type = "internal"`},
		"v2.0 endpoint_type adminURL": {"admin", `endpoint_type = "adminURL"`},
		"v3 internal":                 {"internal", `endpoint_type = "internal"`},
		"v3 admin":                    {"admin", `endpoint_type = "admin"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := acctest.Mock(t, mockserver.Options{})
			id := acctest.CreateImageOutOfBand(t, srv, p, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))
			block := acctest.ProviderConfig(srv, p, tc.args)
			if strings.HasPrefix(name, "v3") {
				block = fmt.Sprintf("provider \"cloudimages\" {\nauth_url = %q\nusername = %q\npassword = %q\n%s\n}\n", srv.IdentityV3URL(), p.Username, p.Password, tc.args)
			}
			before := map[string]int{}
			for _, i := range mockserver.Interfaces {
				before[i] = srv.InterfaceRequests(i)
			}
			acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{{Config: block + listAll, ConfigStateChecks: seesImage(id)}}})
			for _, i := range mockserver.Interfaces {
				n := srv.InterfaceRequests(i) - before[i]
				if i == tc.iface && n == 0 {
					t.Errorf("no request through the %s endpoints", i)
				}
				if i != tc.iface && i != "public" && n != 0 {
					t.Errorf("%d requests through the %s endpoints, want all through %s", n, i, tc.iface)
				}
			}
		})
	}
}

// OS_INTERFACE and OS_ENDPOINT_TYPE choose the interface when the block does not.
func TestAccProvider_endpointInterfaceEnvironment(t *testing.T) {
	acctest.SkipIfLive(t)
	p := acctest.Producer
	for _, env := range []string{"OS_INTERFACE", "OS_ENDPOINT_TYPE"} {
		srv := acctest.Mock(t, mockserver.Options{})
		id := acctest.CreateImageOutOfBand(t, srv, p, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))
		t.Setenv(env, "internal")
		acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{{Config: acctest.ProviderConfig(srv, p) + listAll, ConfigStateChecks: seesImage(id)}}})
		t.Setenv(env, "")
		if srv.InterfaceRequests("internal") == 0 || srv.InterfaceRequests("admin") != 0 {
			t.Errorf("%s=internal: %d internal and %d admin requests", env, srv.InterfaceRequests("internal"), srv.InterfaceRequests("admin"))
		}
	}
}

// An OpenStack RC file as Horizon and devstack write it (an unversioned
// identity URL, project id and name, domains, interface, identity version)
// authenticates with an empty block, as the migration guide promises.
func TestAccProvider_openstackRCFile(t *testing.T) {
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	p := acctest.Producer
	id := acctest.CreateImageOutOfBand(t, srv, p, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))
	for k, v := range map[string]string{
		"OS_AUTH_URL": srv.URL() + "/identity", "OS_IDENTITY_API_VERSION": "3",
		"OS_USERNAME": p.Username, "OS_PASSWORD": p.Password,
		"OS_PROJECT_ID": p.TenantID, "OS_PROJECT_NAME": p.TenantName,
		"OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_ID": "default",
		"OS_REGION_NAME": "MOCK", "OS_INTERFACE": "public",
	} {
		t.Setenv(k, v)
	}
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{{
		Config:            `provider "cloudimages" {}` + listAll,
		ConfigStateChecks: seesImage(id),
	}}})
	if n := srv.RequestCount("POST", "/identity/v3/auth/tokens"); n == 0 {
		t.Error("identity v3 was never used")
	}
}

// Two secrets from the environment are refused by Configure, which says
// where each came from.
func TestAccProvider_conflictingEnvironment(t *testing.T) {
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	t.Setenv("OS_AUTH_URL", srv.IdentityV2URL())
	t.Setenv("OS_USERNAME", acctest.Producer.Username)
	t.Setenv("OS_API_KEY", acctest.Producer.APIKey)
	t.Setenv("OS_PASSWORD", acctest.Producer.Password)
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{{
		Config:      `provider "cloudimages" {}` + listAll,
		ExpectError: acctest.ErrorLike("Conflicting credentials", "api_key (from the environment variable OS_API_KEY)", "password (from the environment variable OS_PASSWORD)"),
	}}})
}

// The other way round from TestAccProvider_aliasIsolation: the producer
// exports a password and its tenant id, the consumer alias sets its own API
// key; neither OS_PASSWORD ("Conflicting credentials") nor OS_TENANT_ID
// (another tenant's scope) reaches it.
func TestAccProvider_aliasIsolationAPIKey(t *testing.T) {
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	p, c := acctest.Producer, acctest.Consumer
	mine := acctest.CreateImageOutOfBand(t, srv, p, "producer's", acctest.WriteImageFile(t, "p.raw", 100, 1))
	theirs := acctest.CreateImageOutOfBand(t, srv, c, "consumer's", acctest.WriteImageFile(t, "c.raw", 100, 2))
	t.Setenv("OS_AUTH_URL", srv.IdentityV2URL())
	t.Setenv("OS_USERNAME", p.Username)
	t.Setenv("OS_PASSWORD", p.Password)
	t.Setenv("OS_TENANT_ID", p.TenantID)
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		eachAliasItsOwnTenant(fmt.Sprintf(`  username = %q
  api_key  = %q`, c.Username, c.APIKey), mine, theirs),
	}})
}

// endpoint_overrides replaces the catalog's image endpoint (here by the
// mock's internal one, which the catalog's public entry never names), and an
// unknown service is refused on the argument.
func TestAccProvider_endpointOverrides(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	p := acctest.Producer
	id := acctest.CreateImageOutOfBand(t, srv, p, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))
	internalImage := strings.Replace(srv.ImageURL(), srv.URL(), srv.URL()+"/internal", 1)
	before := srv.InterfaceRequests("internal")
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		{
			Config:      acctest.ProviderConfig(srv, p, `endpoint_overrides = { compute = "http://127.0.0.1:1/" }`) + listAll,
			PlanOnly:    true,
			ExpectError: acctest.ErrorLike(`endpoint_overrides["compute"]`, `"image"`, `"object-store"`),
		},
		{
			Config:            acctest.ProviderConfig(srv, p, fmt.Sprintf("endpoint_overrides = { image = %q }", internalImage)) + listAll,
			ConfigStateChecks: seesImage(id),
		},
	}})
	if n := srv.InterfaceRequests("internal") - before; n == 0 {
		t.Errorf("no request went to the overriding endpoint %s", internalImage)
	}
}
