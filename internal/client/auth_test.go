package client

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
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
	f := newFakeCloud(t)
	f.regions = []string{"IAD", "DFW", "ORD"}
	f.defaultRegion = "DFW"

	c, err := New(testCtx(t), Config{AuthURL: f.v2URL(), Username: f.user, APIKey: f.apiKey, TenantID: f.tenantID})
	if err != nil {
		t.Fatal(err)
	}
	if c.Region() != "DFW" {
		t.Errorf("Region() = %q, want DFW (RAX-AUTH:defaultRegion)", c.Region())
	}
	if c.TenantID() != f.tenantID {
		t.Errorf("TenantID() = %q", c.TenantID())
	}
	want := f.srv.URL + "/r/DFW/image/v2/"
	if c.ImageEndpoint() != want {
		t.Errorf("ImageEndpoint() = %q, want %q", c.ImageEndpoint(), want)
	}
	auth := dig(t, f.identityBodies[0], "auth")
	creds := dig(t, auth, "RAX-KSKEY:apiKeyCredentials")
	if creds["username"] != f.user || creds["apiKey"] != f.apiKey || auth["tenantId"] != f.tenantID {
		t.Errorf("identity request = %v", f.identityBodies[0])
	}

	var id string
	f.locked(func() { id = f.newImageID(map[string]any{"name": "x"}) })
	got, err := c.GetImage(testCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "x" {
		t.Errorf("name %q", got.Name)
	}
	reqs := f.imageRequests()
	if p := reqs[len(reqs)-1].Path; p != "/r/DFW/image/v2/images/"+got.ID {
		t.Errorf("GET path %q (no /v2/v2/ please)", p)
	}
	if ua := reqs[0].Header.Get("User-Agent"); !strings.Contains(ua, "gophercloud/") {
		t.Errorf("User-Agent %q", ua)
	}
}

func TestNew_v2PasswordUnversionedCatalogOnlyRegion(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.unversionedCatalog = true
	f.regions = []string{"LON"}

	c, err := New(testCtx(t), Config{AuthURL: f.v2URL(), Username: f.user, Password: f.password, TenantName: "acme", UserAgent: "terraform-provider-cloudimages/1.0"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Region() != "LON" {
		t.Errorf("Region() = %q", c.Region())
	}
	if want := f.srv.URL + "/r/LON/image/v2/"; c.ImageEndpoint() != want {
		t.Errorf("ImageEndpoint() = %q, want %q", c.ImageEndpoint(), want)
	}
	auth := dig(t, f.identityBodies[0], "auth")
	pc := dig(t, auth, "passwordCredentials")
	if pc["username"] != f.user || pc["password"] != f.password || auth["tenantName"] != "acme" {
		t.Errorf("identity request = %v", auth)
	}
	if _, err := c.ListImages(testCtx(t), ListImagesInput{}); err != nil {
		t.Fatal(err)
	}
	reqs := f.imageRequests()
	if p := reqs[0].Path; p != "/r/LON/image/v2/images" {
		t.Errorf("list path %q", p)
	}
	if ua := reqs[0].Header.Get("User-Agent"); !strings.HasPrefix(ua, "terraform-provider-cloudimages/1.0 gophercloud/") {
		t.Errorf("User-Agent %q", ua)
	}
}

func TestNew_v2Token(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	const tok = "preissued-token-abcdef"
	f.locked(func() { f.valid[tok] = true })

	c, err := New(testCtx(t), Config{AuthURL: f.v2URL(), Token: tok, TenantID: f.tenantID})
	if err != nil {
		t.Fatal(err)
	}
	auth := dig(t, f.identityBodies[0], "auth")
	if dig(t, auth, "token")["id"] != tok || auth["tenantId"] != f.tenantID {
		t.Errorf("identity request = %v", auth)
	}
	if c.TenantID() != f.tenantID || c.Region() != "DFW" {
		t.Errorf("tenant %q region %q", c.TenantID(), c.Region())
	}
}

func TestNew_v3Password(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.unversionedCatalog = true
	f.regions = []string{"RegionOne"}

	c, err := New(testCtx(t), Config{AuthURL: f.v3URL(), Username: f.user, Password: f.password, TenantName: f.tenantName})
	if err != nil {
		t.Fatal(err)
	}
	if c.TenantID() != f.tenantID || c.Region() != "RegionOne" {
		t.Errorf("tenant %q region %q", c.TenantID(), c.Region())
	}
	if want := f.srv.URL + "/r/RegionOne/image/v2/"; c.ImageEndpoint() != want {
		t.Errorf("ImageEndpoint() = %q, want %q", c.ImageEndpoint(), want)
	}
	scope := dig(t, f.identityBodies[0], "auth", "scope", "project")
	if scope["name"] != f.tenantName || dig(t, scope, "domain")["name"] != "Default" {
		t.Errorf("scope = %v", scope)
	}
	f.locked(func() { f.newImage(map[string]any{"name": "a"}) })
	if imgs, err := c.ListImages(testCtx(t), ListImagesInput{}); err != nil || len(imgs) != 1 {
		t.Fatalf("list: %v %v", imgs, err)
	}
}

// A project id and name both set, as Horizon's RC files export them: the
// token is scoped by the id; a name of another project is an error.
func TestNew_v3ProjectIDAndName(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.regions = []string{"RegionOne"}
	cfg := Config{AuthURL: f.v3URL(), Username: f.user, Password: f.password, TenantID: f.tenantID, TenantName: f.tenantName}
	c, err := New(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.TenantID() != f.tenantID {
		t.Errorf("tenant %q", c.TenantID())
	}
	if scope := dig(t, f.identityBodies[0], "auth", "scope", "project"); scope["id"] != f.tenantID || scope["name"] != nil {
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
	f := newFakeCloud(t)
	const tok = "v3-preissued-token-xyz"
	f.locked(func() { f.valid[tok] = true })

	c, err := New(testCtx(t), Config{AuthURL: f.v3URL(), Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	if f.v3GetCalls != 1 {
		t.Errorf("v3 GET auth/tokens calls = %d, want 1", f.v3GetCalls)
	}
	if c.TenantID() != f.tenantID {
		t.Errorf("tenant %q", c.TenantID())
	}
}

func TestNew_identityDiscovery(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	c, err := New(testCtx(t), Config{AuthURL: f.srv.URL + "/identity", Username: f.user, Password: f.password, TenantID: f.tenantID})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := dig(t, f.identityBodies[0], "auth")["identity"]; !ok {
		t.Errorf("expected a v3 request after discovery, got %v", f.identityBodies[0])
	}
	if c.Region() != "DFW" {
		t.Errorf("region %q", c.Region())
	}
}

func TestNew_regionSelection(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.regions = []string{"IAD", "DFW", "ORD"}

	c, err := New(testCtx(t), Config{AuthURL: f.v2URL(), Username: f.user, APIKey: f.apiKey, Region: "ORD"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Region() != "ORD" || !strings.Contains(c.ImageEndpoint(), "/r/ORD/") {
		t.Errorf("region %q endpoint %q", c.Region(), c.ImageEndpoint())
	}

	c, err = New(testCtx(t), Config{AuthURL: f.v2URL(), Username: f.user, APIKey: f.apiKey, Region: "iad"})
	if err != nil || c.Region() != "IAD" {
		t.Errorf("case-insensitive region: %v %v", c, err)
	}

	_, err = New(testCtx(t), Config{AuthURL: f.v2URL(), Username: f.user, APIKey: f.apiKey, Region: "SYD"})
	ce := asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"region"}) || !strings.Contains(ce.Detail, "DFW, IAD, ORD") || !strings.Contains(ce.Detail, `"SYD"`) {
		t.Errorf("region not found: %+v", ce)
	}

	// several regions, no default region, none configured
	_, err = New(testCtx(t), Config{AuthURL: f.v2URL(), Username: f.user, APIKey: f.apiKey})
	ce = asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"region"}) || !strings.Contains(ce.Detail, "DFW, IAD, ORD") {
		t.Errorf("ambiguous region: %+v", ce)
	}
}

func TestNew_noImageService(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.noImageService = true
	_, err := New(testCtx(t), Config{AuthURL: f.v2URL(), Username: f.user, APIKey: f.apiKey})
	ce := asConfigError(t, err)
	if ce.Attributes[0] != "endpoint" {
		t.Errorf("%+v", ce)
	}
}

func TestNew_endpointAndTokenSkipIdentity(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	const tok = "endpoint-only-token"
	f.locked(func() { f.valid[tok] = true })
	for _, ep := range []string{
		f.srv.URL + "/r/X/image",
		f.srv.URL + "/r/X/image/",
		f.srv.URL + "/r/X/image/v2",
		f.srv.URL + "/r/X/image/v2/",
	} {
		c, err := New(testCtx(t), Config{Endpoint: ep, Token: tok, Region: "X", AuthURL: "http://127.0.0.1:1/unused/v2.0/"})
		if err != nil {
			t.Fatal(err)
		}
		if want := f.srv.URL + "/r/X/image/v2/"; c.ImageEndpoint() != want {
			t.Errorf("%s: ImageEndpoint() = %q, want %q", ep, c.ImageEndpoint(), want)
		}
		if c.TenantID() != "" || c.Region() != "X" {
			t.Errorf("tenant %q region %q", c.TenantID(), c.Region())
		}
		if _, err := c.ListImages(testCtx(t), ListImagesInput{}); err != nil {
			t.Fatal(err)
		}
	}
	if f.identityCalls != 0 {
		t.Errorf("identity called %d times", f.identityCalls)
	}
	for _, r := range f.imageRequests() {
		if r.Header.Get("X-Auth-Token") != tok || r.Path != "/r/X/image/v2/images" {
			t.Errorf("request %s %s token %q", r.Method, r.Path, r.Header.Get("X-Auth-Token"))
		}
	}
}

func TestNew_endpointOverrideWithCredentials(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	f.regions = []string{"DFW", "ORD"}
	f.defaultRegion = "ORD"
	c, err := New(testCtx(t), Config{AuthURL: f.v2URL(), Username: f.user, APIKey: f.apiKey, Endpoint: f.srv.URL + "/r/custom/image/v2"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ImageEndpoint() != f.srv.URL+"/r/custom/image/v2/" || c.TenantID() != f.tenantID || c.Region() != "ORD" {
		t.Errorf("endpoint %q tenant %q region %q", c.ImageEndpoint(), c.TenantID(), c.Region())
	}
}

func TestNew_rejectedCredentials(t *testing.T) {
	t.Parallel()
	f := newFakeCloud(t)
	_, err := New(testCtx(t), Config{AuthURL: f.v2URL(), Username: f.user, APIKey: "wrong-key"})
	ce := asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"username", "api_key"}) {
		t.Errorf("attributes %v", ce.Attributes)
	}
	if !strings.Contains(ce.Detail, "Unable to authenticate user with credentials provided.") || !strings.Contains(ce.Detail, "401") {
		t.Errorf("detail %q", ce.Detail)
	}

	_, err = New(testCtx(t), Config{AuthURL: f.v3URL(), Username: f.user, Password: "nope", TenantID: "1"})
	ce = asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"username", "password", "tenant_id"}) ||
		!strings.Contains(ce.Detail, "The request you have made requires authentication.") {
		t.Errorf("v3: %+v", ce)
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
		cfg  func(f *fakeCloud) Config
	}{
		{"v2 api key", func(f *fakeCloud) Config {
			return Config{AuthURL: f.v2URL(), Username: f.user, APIKey: f.apiKey}
		}},
		{"v2 password", func(f *fakeCloud) Config {
			return Config{AuthURL: f.v2URL(), Username: f.user, Password: f.password}
		}},
		{"v3 password", func(f *fakeCloud) Config {
			return Config{AuthURL: f.v3URL(), Username: f.user, Password: f.password, TenantID: f.tenantID}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeCloud(t)
			f.expireFirstToken = true
			c, err := New(testCtx(t), tc.cfg(f))
			if err != nil {
				t.Fatal(err)
			}
			var id string
			f.locked(func() { id = f.newImageID(map[string]any{"name": "n"}) })
			img, err := c.GetImage(testCtx(t), id)
			if err != nil {
				t.Fatalf("GetImage after token expiry: %v", err)
			}
			if img.ID != id {
				t.Errorf("id %q", img.ID)
			}
			if f.identityCalls != 2 {
				t.Errorf("identity calls = %d, want 2 (auth + one reauth)", f.identityCalls)
			}
			reqs := f.imageRequests()
			if len(reqs) != 2 || reqs[0].Header.Get("X-Auth-Token") == reqs[1].Header.Get("X-Auth-Token") {
				t.Errorf("want a 401 then a retry with a new token, got %d requests", len(reqs))
			}
		})
	}
}

func TestNew_TLS(t *testing.T) {
	t.Parallel()
	f := &fakeCloud{t: t, user: "alice", password: "pw-123456", apiKey: "key-123456", tenantID: "1", regions: []string{"DFW"},
		valid: map[string]bool{}, images: map[string]map[string]any{}, statusSeq: map[string][]string{}, uploads: map[string][]byte{}, nextPrefix: "/v2"}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)

	base := Config{AuthURL: f.v2URL(), Username: f.user, APIKey: f.apiKey, MaxRetries: 3}

	_, err := New(testCtx(t), base)
	if err == nil {
		t.Fatal("self-signed certificate accepted without cacert_file or insecure")
	}
	ce := asConfigError(t, err)
	if !reflect.DeepEqual(ce.Attributes, []string{"auth_url", "cacert_file", "insecure", "cert"}) {
		t.Errorf("TLS failure: %+v", ce)
	}
	if f.identityCalls != 0 {
		t.Errorf("identity reached %d times", f.identityCalls)
	}

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	withCA := base
	withCA.CACert = caFile
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
