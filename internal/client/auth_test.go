package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tokens2 "github.com/gophercloud/gophercloud/v2/openstack/identity/v2/tokens"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func asConfigError(t *testing.T, err error) *ConfigError {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want *ConfigError, got %T: %v", err, err)
	}
	return ce
}

func TestNew_v2APIKeyDefaultRegionVersionedCatalog(t *testing.T) {
	t.Parallel()
	acct := alice
	acct.DefaultRegion = "DFW"
	srv := startMock(t, mockserver.Options{Regions: []string{"IAD", "DFW", "ORD"}, ImageEndpoint: mockserver.ImageEndpointVersioned,
		Accounts: []mockserver.Account{acct}})

	cfg := Config{AuthURL: srv.IdentityV2URL(), Username: acct.Username, APIKey: acct.APIKey, TenantID: acct.TenantID}
	c, err := New(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.Region() != "DFW" {
		t.Errorf("Region() = %q, want DFW (RAX-AUTH:defaultRegion)", c.Region())
	}
	if c.TenantID() != acct.TenantID {
		t.Errorf("TenantID() = %q", c.TenantID())
	}
	dfw := srv.InRegion("DFW")
	if want := dfw.ImageURL() + "/"; c.ImageEndpoint() != want {
		t.Errorf("ImageEndpoint() = %q, want %q", c.ImageEndpoint(), want)
	}
	// The tenant is sent: someone else's is refused.
	other := cfg
	other.TenantID = "100002"
	if _, err := New(testCtx(t), other); !strings.Contains(asConfigError(t, err).Detail, "100002") {
		t.Errorf("another tenant: %v", err)
	}

	id := seedImage(t, dfw, map[string]any{"name": "x"}, nil)
	sent := recordRequests(t, c)
	got, err := c.GetImage(testCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "x" {
		t.Errorf("name %q", got.Name)
	}
	reqs := sent.images()
	if p := reqs[len(reqs)-1].Path; p != "/DFW/image/v2/images/"+got.ID {
		t.Errorf("GET path %q (no /v2/v2/ please)", p)
	}
	if ua := reqs[0].Header.Get("User-Agent"); !strings.Contains(ua, "gophercloud/") {
		t.Errorf("User-Agent %q", ua)
	}
}

func TestNew_v2PasswordUnversionedCatalogOnlyRegion(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{Regions: []string{"LON"}, ImageEndpoint: mockserver.ImageEndpointUnversioned})

	cfg := Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, Password: alice.Password, TenantName: alice.TenantName, UserAgent: "terraform-provider-cloudimages/1.0"}
	c, err := New(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.Region() != "LON" {
		t.Errorf("Region() = %q", c.Region())
	}
	if want := srv.URL() + "/image/v2/"; c.ImageEndpoint() != want {
		t.Errorf("ImageEndpoint() = %q, want %q", c.ImageEndpoint(), want)
	}
	// The tenant name is sent: another one is refused.
	other := cfg
	other.TenantName = "acme"
	if _, err := New(testCtx(t), other); !strings.Contains(asConfigError(t, err).Detail, "acme") {
		t.Errorf("another tenant name: %v", err)
	}
	sent := recordRequests(t, c)
	if _, err := c.ListImages(testCtx(t), ListImagesInput{}); err != nil {
		t.Fatal(err)
	}
	reqs := sent.images()
	if p := reqs[0].Path; p != "/image/v2/images" {
		t.Errorf("list path %q", p)
	}
	if ua := reqs[0].Header.Get("User-Agent"); !strings.HasPrefix(ua, "terraform-provider-cloudimages/1.0 gophercloud/") {
		t.Errorf("User-Agent %q", ua)
	}
}

func TestNew_v2Token(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{Regions: []string{"DFW"}})
	tok := srv.IssueToken(alice.TenantID)

	c, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Token: tok, TenantID: alice.TenantID})
	if err != nil {
		t.Fatal(err)
	}
	if c.TenantID() != alice.TenantID || c.Region() != "DFW" {
		t.Errorf("tenant %q region %q", c.TenantID(), c.Region())
	}
	if n := srv.RequestCount("POST", "/identity/v2.0/tokens"); n != 1 {
		t.Errorf("%d v2.0 token requests, want 1", n)
	}
	// The tenant is sent with the token: someone else's is refused.
	if _, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Token: tok, TenantID: "100002"}); !strings.Contains(asConfigError(t, err).Detail, "100002") {
		t.Errorf("another tenant: %v", err)
	}
}

func TestNew_v3Password(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{Regions: []string{"RegionOne"}}) // glance: an unversioned catalog

	cfg := Config{AuthURL: srv.IdentityV3URL(), Username: alice.Username, Password: alice.Password, TenantName: alice.TenantName}
	c, err := New(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.TenantID() != alice.TenantID || c.Region() != "RegionOne" {
		t.Errorf("tenant %q region %q", c.TenantID(), c.Region())
	}
	if want := srv.URL() + "/image/v2/"; c.ImageEndpoint() != want {
		t.Errorf("ImageEndpoint() = %q, want %q", c.ImageEndpoint(), want)
	}
	// The project is scoped by name (in the default domain): another name is refused.
	other := cfg
	other.TenantName = "someone-else"
	if _, err := New(testCtx(t), other); !reflect.DeepEqual(asConfigError(t, err).Attributes, []string{AttrUsername, AttrPassword, AttrTenantName}) {
		t.Errorf("another project: %v", err)
	}
	seedImage(t, srv, map[string]any{"name": "a"}, nil)
	if imgs, err := c.ListImages(testCtx(t), ListImagesInput{}); err != nil || len(imgs) != 1 {
		t.Fatalf("list: %v %v", imgs, err)
	}
}

// A project id and name both set, as Horizon's RC files export them: the
// token is scoped by the id; a name of another project is an error.
func TestNew_v3ProjectIDAndName(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{Regions: []string{"RegionOne"}})
	cfg := Config{AuthURL: srv.IdentityV3URL(), Username: alice.Username, Password: alice.Password, TenantID: alice.TenantID, TenantName: alice.TenantName}
	var logs syncBuffer
	c, err := New(tflogtest.RootLogger(testCtx(t), &logs), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.TenantID() != alice.TenantID {
		t.Errorf("tenant %q", c.TenantID())
	}
	bodies := loggedRequestBodies(t, logs.String(), "/v3/auth/tokens")
	if len(bodies) != 1 {
		t.Fatalf("%d v3 token requests logged, want 1", len(bodies))
	}
	if scope := dig(t, bodies[0], "auth", "scope", "project"); scope["id"] != alice.TenantID || scope["name"] != nil {
		t.Errorf("scope = %v, want the id alone", scope)
	}
	cfg.TenantName = "someone-else"
	_, err = New(testCtx(t), cfg)
	ce := asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{AttrTenantID, AttrTenantName}) || !strings.Contains(ce.Detail, `not "someone-else"`) {
		t.Errorf("disagreeing name: %v %s", ce.Attributes, ce.Detail)
	}
}

func TestNew_v3TokenPassthrough(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{})
	tok := srv.IssueToken(alice.TenantID)

	c, err := New(testCtx(t), Config{AuthURL: srv.IdentityV3URL(), Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.RequestCount("GET", "/identity/v3/auth/tokens"); n != 1 {
		t.Errorf("v3 GET auth/tokens calls = %d, want 1", n)
	}
	if c.TenantID() != alice.TenantID {
		t.Errorf("tenant %q", c.TenantID())
	}
}

func TestNew_identityDiscovery(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{Regions: []string{"DFW"}})
	c, err := New(testCtx(t), Config{AuthURL: srv.URL() + "/identity", Username: alice.Username, Password: alice.Password, TenantID: alice.TenantID})
	if err != nil {
		t.Fatal(err)
	}
	if v3, v2 := srv.RequestCount("POST", "/identity/v3/auth/tokens"), srv.RequestCount("POST", "/identity/v2.0/tokens"); v3 != 1 || v2 != 0 {
		t.Errorf("%d v3 and %d v2.0 token requests after discovery, want a v3 one alone", v3, v2)
	}
	if c.Region() != "DFW" {
		t.Errorf("region %q", c.Region())
	}
}

func TestNew_regionSelection(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{Regions: []string{"IAD", "DFW", "ORD"}})
	cfg := func(region string) Config {
		return Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: alice.APIKey, Region: region}
	}

	c, err := New(testCtx(t), cfg("ORD"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Region() != "ORD" || c.ImageEndpoint() != srv.InRegion("ORD").ImageURL()+"/" {
		t.Errorf("region %q endpoint %q", c.Region(), c.ImageEndpoint())
	}

	c, err = New(testCtx(t), cfg("iad"))
	if err != nil || c.Region() != "IAD" {
		t.Errorf("case-insensitive region: %v %v", c, err)
	}

	_, err = New(testCtx(t), cfg("SYD"))
	ce := asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"region"}) || !strings.Contains(ce.Detail, "DFW, IAD, ORD") || !strings.Contains(ce.Detail, `"SYD"`) {
		t.Errorf("region not found: %+v", ce)
	}

	// several regions, no default region, none configured
	_, err = New(testCtx(t), cfg(""))
	ce = asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"region"}) || !strings.Contains(ce.Detail, "DFW, IAD, ORD") {
		t.Errorf("ambiguous region: %+v", ce)
	}
}

// A token whose catalog has no image service (a v2.0 answer as Rackspace's,
// with the object store alone) is a configuration error pointing at endpoint.
// No mock offers such a catalog, so the answer is read here directly.
func TestReadAuthResult_noImageService(t *testing.T) {
	t.Parallel()
	var res tokens2.CreateResult
	if err := json.Unmarshal([]byte(`{"access":{
		"token":{"id":"t","expires":"2030-01-01T00:00:00.000Z","tenant":{"id":"100001","name":"100001"}},
		"serviceCatalog":[{"name":"cloudFiles","type":"object-store","endpoints":[{"region":"DFW","tenantId":"100001","publicURL":"https://storage.example/v1/AUTH_100001"}]}],
		"user":{"id":"172157","name":"alice","RAX-AUTH:defaultRegion":"DFW"}}}`), &res.Body); err != nil {
		t.Fatal(err)
	}
	info, err := readAuthResult(res, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = info.chooseRegion("")
	if ce := asConfigError(t, err); ce.Attributes[0] != "endpoint" {
		t.Errorf("%+v", ce)
	}
}

func TestNew_endpointAndTokenSkipIdentity(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{})
	tok := srv.IssueToken(alice.TenantID)
	for _, ep := range []string{
		srv.URL() + "/image",
		srv.URL() + "/image/",
		srv.URL() + "/image/v2",
		srv.URL() + "/image/v2/",
	} {
		c, err := New(testCtx(t), Config{Endpoint: ep, Token: tok, Region: "X", AuthURL: "http://127.0.0.1:1/unused/v2.0/"})
		if err != nil {
			t.Fatal(err)
		}
		if want := srv.URL() + "/image/v2/"; c.ImageEndpoint() != want {
			t.Errorf("%s: ImageEndpoint() = %q, want %q", ep, c.ImageEndpoint(), want)
		}
		if c.TenantID() != "" || c.Region() != "X" {
			t.Errorf("tenant %q region %q", c.TenantID(), c.Region())
		}
		sent := recordRequests(t, c)
		if _, err := c.ListImages(testCtx(t), ListImagesInput{}); err != nil {
			t.Fatal(err)
		}
		for _, r := range sent.all() {
			if r.Header.Get("X-Auth-Token") != tok || r.Path != "/image/v2/images" {
				t.Errorf("%s: request %s %s token %q", ep, r.Method, r.Path, r.Header.Get("X-Auth-Token"))
			}
		}
	}
	for route, n := range srv.RequestCounts() {
		if strings.Contains(route, "/identity") && n > 0 {
			t.Errorf("identity called: %s %d times", route, n)
		}
	}
}

// An endpoint given with credentials replaces the catalog's: here the mock's
// internal one, which the catalog offers only under endpoint_type internal.
func TestNew_endpointOverrideWithCredentials(t *testing.T) {
	t.Parallel()
	acct := alice
	acct.DefaultRegion = "ORD"
	srv := startMock(t, mockserver.Options{Regions: []string{"DFW", "ORD"}, Accounts: []mockserver.Account{acct}})
	c, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Username: acct.Username, APIKey: acct.APIKey, Endpoint: srv.URL() + "/internal/ORD/image/v2"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ImageEndpoint() != srv.URL()+"/internal/ORD/image/v2/" || c.TenantID() != acct.TenantID || c.Region() != "ORD" {
		t.Errorf("endpoint %q tenant %q region %q", c.ImageEndpoint(), c.TenantID(), c.Region())
	}
	if _, err := c.ListImages(testCtx(t), ListImagesInput{}); err != nil {
		t.Fatal(err)
	}
	if n := srv.InterfaceRequests("internal"); n != 1 {
		t.Errorf("%d requests reached the given endpoint, want 1", n)
	}
}

func TestNew_rejectedCredentials(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{})
	_, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: "wrong-key"})
	ce := asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"username", "api_key"}) {
		t.Errorf("attributes %v", ce.Attributes)
	}
	if !strings.Contains(ce.Detail, "Unable to authenticate user with credentials provided.") || !strings.Contains(ce.Detail, "401") {
		t.Errorf("detail %q", ce.Detail)
	}

	_, err = New(testCtx(t), Config{AuthURL: srv.IdentityV3URL(), Username: alice.Username, Password: "nope", TenantID: "1"})
	ce = asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"username", "password", "tenant_id"}) ||
		!strings.Contains(ce.Detail, "The request you have made requires authentication.") {
		t.Errorf("v3: %+v", ce)
	}
}

// A URL whose scheme the server does not speak says which scheme it speaks,
// on auth_url, once: not a verdict on the credentials, nor the URL thrice.
func TestNew_schemeTheServerDoesNotSpeak(t *testing.T) {
	t.Parallel()
	plain := startMock(t, mockserver.Options{})
	secure := startMock(t, mockserver.Options{TLS: true})
	cases := map[string]struct{ url, want string }{
		"https to plain HTTP": {strings.Replace(plain.IdentityV2URL(), "http://", "https://", 1), "answers in plain HTTP, not HTTPS"},
		"http to HTTPS":       {strings.Replace(secure.IdentityV2URL(), "https://", "http://", 1), "answers only HTTPS: start auth_url with https://"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := New(testCtx(t), Config{AuthURL: tc.url, Username: alice.Username, APIKey: alice.APIKey, MaxRetries: 1})
			ce := asConfigError(t, err)
			if ce.Summary != "Cannot reach the identity service" || !reflect.DeepEqual(ce.Attributes, []string{"auth_url"}) {
				t.Errorf("summary %q on %v", ce.Summary, ce.Attributes)
			}
			if !strings.Contains(ce.Detail, tc.want) || strings.Count(ce.Detail, "127.0.0.1") != 1 {
				t.Errorf("detail %q", ce.Detail)
			}
		})
	}
}

func TestNew_configErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		cfg   Config
		attrs []string
		text  string
	}{
		{"nothing", Config{}, []string{"username", "api_key", "password", "token", "application_credential_id"}, "no credentials"},
		{"key and password", Config{Username: "u", APIKey: "k", Password: "p"}, []string{"api_key", "password"}, "exactly one"},
		{"token and password", Config{Token: "t", Password: "p", Username: "u"}, []string{"password", "token"}, "token"},
		{"token and username", Config{Token: "t", Username: "u"}, []string{"username", "token"}, "token"},
		{"username alone", Config{Username: "u"}, []string{"api_key", "password"}, "password"},
		{"key alone", Config{APIKey: "k"}, []string{"username"}, "user"},
		{"no auth url", Config{Username: "u", APIKey: "k"}, []string{"auth_url"}, "not set"},
		{"bad auth url", Config{Username: "u", APIKey: "k", AuthURL: "ftp://x"}, []string{"auth_url"}, "ftp://x"},
		{"bad endpoint", Config{Token: "t", Endpoint: "not a url"}, []string{"endpoint"}, "not a url"},
		{"endpoint v1", Config{Token: "t", Endpoint: "https://h/v1"}, []string{"endpoint"}, "v1"},
		{"api key on v3", Config{Username: "u", APIKey: "k", AuthURL: "https://h/v3/"}, []string{"api_key", "auth_url"}, "v2.0"},
		{"user id on v2", Config{UserID: "u", Password: "p", AuthURL: "https://h/v2.0/"}, []string{"user_id", "auth_url"}, "v3"},
		{"app cred on v2", Config{ApplicationCredentialID: "i", ApplicationCredentialSecret: "s", AuthURL: "https://h/v2.0/"}, []string{"application_credential_secret", "auth_url"}, "v3"},
		{"app cred without secret", Config{ApplicationCredentialID: "i", AuthURL: "https://h/v3/"}, []string{"application_credential_secret"}, "secret"},
		{"app cred name alone", Config{ApplicationCredentialName: "n", ApplicationCredentialSecret: "s", AuthURL: "https://h/v3/"}, []string{"application_credential_id", "application_credential_name", "username", "user_id"}, "name and its user"},
		{"app cred and project", Config{ApplicationCredentialID: "i", ApplicationCredentialSecret: "s", TenantID: "p", AuthURL: "https://h/v3/"}, []string{"tenant_id", "tenant_name"}, "bound"},
		{"app cred and password", Config{ApplicationCredentialID: "i", ApplicationCredentialSecret: "s", Username: "u", Password: "p", AuthURL: "https://h/v3/"}, []string{"application_credential_secret", "password"}, "exactly one"},
		{"bad interface", Config{Username: "u", APIKey: "k", AuthURL: "https://h/v2.0/", Interface: "private"}, []string{"endpoint_type"}, "private"},
		{"cert without key", Config{Username: "u", APIKey: "k", AuthURL: "https://h/v2.0/", ClientCert: "c.pem"}, []string{"cert", "key"}, "both"},
		{"cacert missing", Config{Username: "u", APIKey: "k", AuthURL: "https://h/v2.0/", CACert: filepath.Join(dir, "missing.pem")}, []string{"cacert_file"}, "missing.pem"},
		{"cacert invalid", Config{Username: "u", APIKey: "k", AuthURL: "https://h/v2.0/", CACert: notPEM}, []string{"cacert_file"}, "PEM"},
		{"cacert inline invalid", Config{Username: "u", APIKey: "k", AuthURL: "https://h/v2.0/", CACert: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"}, []string{"cacert_file"}, "inline"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(testCtx(t), tc.cfg)
			ce := asConfigError(t, err)
			if !reflect.DeepEqual(ce.Attributes, tc.attrs) {
				t.Errorf("attributes %v, want %v", ce.Attributes, tc.attrs)
			}
			if !strings.Contains(ce.Error(), tc.text) {
				t.Errorf("error %q does not mention %q", ce.Error(), tc.text)
			}
		})
	}
}

func TestNew_reauthOnExpiredToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  func(srv *mockserver.Server) Config
	}{
		{"v2 api key", func(srv *mockserver.Server) Config {
			return Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: alice.APIKey}
		}},
		{"v2 password", func(srv *mockserver.Server) Config {
			return Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, Password: alice.Password}
		}},
		{"v3 password", func(srv *mockserver.Server) Config {
			return Config{AuthURL: srv.IdentityV3URL(), Username: alice.Username, Password: alice.Password, TenantID: alice.TenantID}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startMock(t, mockserver.Options{})
			c, err := New(testCtx(t), tc.cfg(srv))
			if err != nil {
				t.Fatal(err)
			}
			id := seedImage(t, srv, map[string]any{"name": "n"}, nil)
			sent := recordRequests(t, c)
			srv.ExpireTokens()
			img, err := c.GetImage(testCtx(t), id)
			if err != nil {
				t.Fatalf("GetImage after token expiry: %v", err)
			}
			if img.ID != id {
				t.Errorf("id %q", img.ID)
			}
			if n := identityLogins(srv); n != 2 {
				t.Errorf("identity calls = %d, want 2 (auth + one reauth)", n)
			}
			reqs := sent.images()
			if len(reqs) != 2 || reqs[0].Status != http.StatusUnauthorized || reqs[1].Status != http.StatusOK ||
				reqs[0].Header.Get("X-Auth-Token") == reqs[1].Header.Get("X-Auth-Token") {
				t.Errorf("want a 401 then a retry with a new token, got %+v", reqs)
			}
		})
	}
}

func TestNew_TLS(t *testing.T) {
	t.Parallel()
	srv := startMock(t, mockserver.Options{TLS: true})
	base := Config{AuthURL: srv.IdentityV2URL(), Username: alice.Username, APIKey: alice.APIKey, MaxRetries: 3}

	_, err := New(testCtx(t), base)
	if err == nil {
		t.Fatal("self-signed certificate accepted without cacert_file or insecure")
	}
	ce := asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"auth_url", "cacert_file", "insecure", "cert"}) {
		t.Errorf("TLS failure: %+v", ce)
	}
	if n := identityLogins(srv); n != 0 {
		t.Errorf("identity reached %d times", n)
	}

	withCA := base
	withCA.CACert = srv.CAFile()
	c, err := New(testCtx(t), withCA)
	if err != nil {
		t.Fatalf("with cacert_file: %v", err)
	}
	if _, err := c.ListImages(testCtx(t), ListImagesInput{}); err != nil {
		t.Fatalf("list over TLS: %v", err)
	}

	insecure := base
	insecure.Insecure = true
	if _, err := New(testCtx(t), insecure); err != nil {
		t.Fatalf("with insecure: %v", err)
	}
}

func TestNormalizeImageEndpoint(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://dfw.images.api.rackspacecloud.com/v2":  "https://dfw.images.api.rackspacecloud.com/v2/",
		"https://dfw.images.api.rackspacecloud.com/v2/": "https://dfw.images.api.rackspacecloud.com/v2/",
		"https://dfw.images.api.rackspacecloud.com":     "https://dfw.images.api.rackspacecloud.com/v2/",
		"http://h:9292/":        "http://h:9292/v2/",
		"http://h/image":        "http://h/image/v2/",
		"http://h/image/v2.1":   "http://h/image/v2/",
		"http://h/image/v2?x=1": "http://h/image/v2/",
	} {
		got, err := normalizeImageEndpoint(in)
		if err != nil || got != want {
			t.Errorf("normalizeImageEndpoint(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestIdentityVersionOf(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]identityVersion{
		"/v2.0/": identityV2, "/v2.0": identityV2, "/identity/v3": identityV3, "/v3/": identityV3,
		"/": identityUnknown, "/identity": identityUnknown, "/v2": identityUnknown,
	} {
		if got := identityVersionOf(path); got != want {
			t.Errorf("%q → %v, want %v", path, got, want)
		}
	}
}

func TestConfig_normalized(t *testing.T) {
	t.Parallel()
	if got := (Config{MaxRetries: -1}).normalized().MaxRetries; got != 0 {
		t.Errorf("negative MaxRetries → %d", got)
	}
	if got := (Config{Interface: " internalURL "}).normalized().Interface; got != "internal" {
		t.Errorf("internalURL → %q", got)
	}
}
