package mockserver

import (
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	tokens3 "github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

// raxAPIKeyAuth is the RAX-KSKEY builder of REFERENCE §5.9, as the provider will write it.
type raxAPIKeyAuth struct{ Username, APIKey, TenantID string }

func (o raxAPIKeyAuth) ToTokenV2CreateMap() (map[string]any, error) {
	auth := map[string]any{"RAX-KSKEY:apiKeyCredentials": map[string]any{"username": o.Username, "apiKey": o.APIKey}}
	if o.TenantID != "" {
		auth["tenantId"] = o.TenantID
	}
	return map[string]any{"auth": auth}, nil
}

func (o raxAPIKeyAuth) CanReauth() bool { return false }

func TestIdentityV2_PasswordWithGophercloud(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{ImageEndpoint: ImageEndpointVersioned})
	ctx := context.Background()
	pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: s.IdentityV2URL(), Username: "producer", Password: "producer-pass", TenantID: producer,
	})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := openstack.NewImageV2(pc, gophercloud.EndpointOpts{Region: "MOCK"})
	if err != nil {
		t.Fatal(err)
	}
	// The Rackspace-style versioned catalog URL trips gophercloud exactly as REFERENCE §5.1 says.
	if want := s.ImageURL() + "/"; sc.Endpoint != want || sc.ResourceBase != want+"v2/" {
		t.Fatalf("endpoint %q resource base %q", sc.Endpoint, sc.ResourceBase)
	}
	sc.ResourceBase = sc.Endpoint
	if _, err := images.Create(ctx, sc, images.CreateOpts{Name: "via-v2"}).Extract(); err != nil {
		t.Fatal(err)
	}
	if n := s.RequestCount("POST", "/image/v2/images"); n != 1 {
		t.Fatalf("creates = %d", n)
	}
}

func TestIdentityV2_APIKeyWithGophercloud(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Regions: []string{"DFW", "ORD"}, ImageEndpoint: ImageEndpointVersioned})
	ctx := context.Background()
	pc, err := openstack.NewClient(s.IdentityV2URL())
	if err != nil {
		t.Fatal(err)
	}
	if err := openstack.AuthenticateV2(ctx, pc, raxAPIKeyAuth{Username: "consumer", APIKey: "consumer-key"}, gophercloud.EndpointOpts{}); err != nil {
		t.Fatal(err)
	}
	sc, err := openstack.NewImageV2(pc, gophercloud.EndpointOpts{Region: "ORD"})
	if err != nil {
		t.Fatal(err)
	}
	sc.ResourceBase = sc.Endpoint
	img, err := images.Create(ctx, sc, images.CreateOpts{Name: "mine"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if img.Owner != consumer {
		t.Fatalf("owner = %q, want the API key's tenant", img.Owner)
	}
}

func TestIdentityV2_TokenCredentials(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	old := s.IssueToken(producer)
	r := do(t, s, req{method: "POST", path: "/identity/v2.0/tokens", body: map[string]any{
		"auth": map[string]any{"token": map[string]any{"id": old}, "tenantName": "producer"},
	}})
	expect(t, r, http.StatusOK, "")
	tok := r.object(t)["access"].(map[string]any)["token"].(map[string]any)
	if tok["id"] == old || tok["tenant"].(map[string]any)["id"] != producer {
		t.Fatalf("token = %v", tok)
	}
}

func TestIdentityV2_CatalogShape(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Regions: []string{"DFW", "ORD"}})
	r := do(t, s, req{method: "POST", path: "/identity/v2.0/tokens", body: map[string]any{
		"auth": map[string]any{"passwordCredentials": map[string]any{"username": "producer", "password": "producer-pass"}},
	}})
	expect(t, r, http.StatusOK, "")
	access := r.object(t)["access"].(map[string]any)
	tok := access["token"].(map[string]any)
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(tok["expires"].(string)) {
		t.Errorf("expires = %v", tok["expires"])
	}
	if tenant := tok["tenant"].(map[string]any); tenant["id"] != producer || tenant["name"] != "producer" {
		t.Errorf("tenant = %v", tenant)
	}
	if by := tok["RAX-AUTH:authenticatedBy"].([]any); len(by) != 1 || by[0] != "PASSWORD" {
		t.Errorf("authenticatedBy = %v", by)
	}
	types := map[string]map[string]any{}
	for _, e := range access["serviceCatalog"].([]any) {
		entry := e.(map[string]any)
		types[entry["type"].(string)] = entry
	}
	if types["identity"]["name"] != "keystone" {
		t.Errorf("identity entry = %v", types["identity"])
	}
	img := types["image"]
	if img["name"] != "cloudImages" {
		t.Errorf("image entry = %v", img)
	}
	eps := img["endpoints"].([]any)
	if len(eps) != 2 {
		t.Fatalf("image endpoints = %v", eps)
	}
	for i, region := range []string{"DFW", "ORD"} {
		ep := eps[i].(map[string]any)
		if ep["region"] != region || ep["publicURL"] != s.URL()+"/"+region+"/image" || ep["tenantId"] != producer {
			t.Errorf("endpoint %d = %v", i, ep)
		}
	}
	user := access["user"].(map[string]any)
	if user["name"] != "producer" || user["id"] == "" || len(user["roles"].([]any)) == 0 {
		t.Errorf("user = %v", user)
	}
	if _, ok := user["RAX-AUTH:defaultRegion"]; ok {
		t.Errorf("defaultRegion present without one configured: %v", user)
	}
}

func TestIdentityV2_DefaultRegionAndUnversionedCatalog(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{
		Accounts:      []Account{{Username: "u", APIKey: "k", TenantID: "777", TenantName: "t", DefaultRegion: "DFW"}},
		ImageEndpoint: ImageEndpointUnversioned,
	})
	r := do(t, s, req{method: "POST", path: "/identity/v2.0/tokens", body: map[string]any{
		"auth": map[string]any{"RAX-KSKEY:apiKeyCredentials": map[string]any{"username": "u", "apiKey": "k"}},
	}})
	expect(t, r, http.StatusOK, "")
	access := r.object(t)["access"].(map[string]any)
	if got := access["user"].(map[string]any)["RAX-AUTH:defaultRegion"]; got != "DFW" {
		t.Errorf("defaultRegion = %v", got)
	}
	for _, e := range access["serviceCatalog"].([]any) {
		entry := e.(map[string]any)
		if entry["type"] == "image" {
			if url := entry["endpoints"].([]any)[0].(map[string]any)["publicURL"]; url != s.URL()+"/image" {
				t.Errorf("unversioned publicURL = %v", url)
			}
		}
	}
}

func TestIdentityV2_Errors(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	unauthorized := `{"unauthorized":{"code":401,"message":"Unable to authenticate user with credentials provided."}}`
	badRequest := `{"badRequest":{"code":400,"message":"Invalid request body: unable to parse Auth data. Please review XML or JSON formatting"}}`
	cases := []struct {
		name   string
		body   any
		status int
		want   string
	}{
		{"wrong password", map[string]any{"auth": map[string]any{"passwordCredentials": map[string]any{"username": "producer", "password": "nope"}}}, 401, unauthorized},
		{"password as api key", map[string]any{"auth": map[string]any{"RAX-KSKEY:apiKeyCredentials": map[string]any{"username": "producer", "apiKey": "producer-pass"}}}, 401, unauthorized},
		{"unknown user", map[string]any{"auth": map[string]any{"passwordCredentials": map[string]any{"username": "x", "password": "y"}}}, 401, unauthorized},
		{"unknown token", map[string]any{"auth": map[string]any{"token": map[string]any{"id": "nope"}}}, 401, unauthorized},
		{"malformed", "{not json", 400, badRequest},
		{"no credentials", map[string]any{"auth": map[string]any{"tenantId": producer}}, 400, badRequest},
		{"two credentials", map[string]any{"auth": map[string]any{
			"passwordCredentials":         map[string]any{"username": "producer", "password": "producer-pass"},
			"RAX-KSKEY:apiKeyCredentials": map[string]any{"username": "producer", "apiKey": "producer-key"},
		}}, 400, badRequest},
		{"foreign tenant", map[string]any{"auth": map[string]any{
			"passwordCredentials": map[string]any{"username": "producer", "password": "producer-pass"}, "tenantId": consumer,
		}}, 401, ""},
	}
	for _, tc := range cases {
		r := do(t, s, req{method: "POST", path: "/identity/v2.0/tokens", body: tc.body})
		if r.status != tc.status || (tc.want != "" && string(r.body) != tc.want) {
			t.Errorf("%s: %d %s", tc.name, r.status, r.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", tc.name, ct)
		}
	}
}

func TestIdentityV3_RawResponse(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	r := do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": "producer", "domain": map[string]any{"name": "Default"}, "password": "producer-pass"}}},
		"scope": map[string]any{"project": map[string]any{"name": "producer", "domain": map[string]any{"id": "default"}}},
	}}})
	expect(t, r, http.StatusCreated, "")
	subject := r.header.Get("X-Subject-Token")
	if subject == "" {
		t.Fatal("no X-Subject-Token")
	}
	tok := r.object(t)["token"].(map[string]any)
	if tok["project"].(map[string]any)["id"] != producer {
		t.Errorf("project = %v", tok["project"])
	}
	interfaces := map[string]bool{}
	for _, e := range tok["catalog"].([]any) {
		entry := e.(map[string]any)
		if entry["type"] != "image" {
			continue
		}
		for _, ep := range entry["endpoints"].([]any) {
			ep := ep.(map[string]any)
			iface := ep["interface"].(string)
			want := map[string]string{"public": s.URL() + "/image", "internal": s.URL() + "/internal/image", "admin": s.URL() + "/admin/image"}[iface]
			if ep["region"] != "MOCK" || ep["region_id"] != "MOCK" || ep["url"] != want {
				t.Errorf("endpoint = %v, want url %s", ep, want)
			}
			interfaces[iface] = true
		}
	}
	if len(interfaces) != 3 {
		t.Errorf("interfaces = %v", interfaces)
	}

	// Validation, as clients do it: X-Auth-Token (any valid) + X-Subject-Token.
	check := do(t, s, req{method: "GET", path: "/identity/v3/auth/tokens", token: s.IssueToken(consumer),
		header: map[string]string{"X-Subject-Token": subject}})
	expect(t, check, http.StatusOK, "")
	if check.object(t)["token"].(map[string]any)["user"].(map[string]any)["name"] != "producer" {
		t.Errorf("validated token = %s", check.body)
	}
	revoke := do(t, s, req{method: "DELETE", path: "/identity/v3/auth/tokens", token: subject,
		header: map[string]string{"X-Subject-Token": subject}})
	expect(t, revoke, http.StatusNoContent, "")
	gone := do(t, s, req{method: "GET", path: "/image/v2/images", token: subject})
	expect(t, gone, http.StatusUnauthorized, "")
}

func TestIdentityV3_WithGophercloud(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{ImageEndpoint: ImageEndpointUnversioned})
	ctx := context.Background()
	for name, opts := range map[string]gophercloud.AuthOptions{
		"user name":       {Username: "producer", DomainName: "Default", Password: "producer-pass", TenantName: "producer"},
		"user id":         {UserID: userID("producer"), Password: "producer-pass", TenantID: producer},
		"no scope":        {Username: "producer", DomainID: "default", Password: "producer-pass"},
		"unversioned url": {Username: "producer", DomainName: "Default", Password: "producer-pass"},
	} {
		opts.IdentityEndpoint = s.IdentityV3URL()
		if name == "unversioned url" {
			opts.IdentityEndpoint = s.URL() + "/identity/" // version chosen from Keystone's document
		}
		pc, err := openstack.AuthenticatedClient(ctx, opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sc, err := openstack.NewImageV2(pc, gophercloud.EndpointOpts{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img, err := images.Create(ctx, sc, images.CreateOpts{Name: name}).Extract()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if img.Owner != producer {
			t.Errorf("%s: owner %q", name, img.Owner)
		}
	}
	if n := s.RequestCount("GET", "/identity/"); n != 1 {
		t.Errorf("version document fetched %d times", n)
	}

	// Token method: trade a token for a new one.
	pc, err := openstack.NewClient(s.IdentityV3URL())
	if err != nil {
		t.Fatal(err)
	}
	if err := openstack.AuthenticateV3(ctx, pc, &tokens3.AuthOptions{TokenID: s.IssueToken(consumer)}, gophercloud.EndpointOpts{}); err != nil {
		t.Fatal(err)
	}
	if pc.Token() == "" {
		t.Fatal("no token")
	}
}

func TestIdentityV3_Errors(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	auth := func(user map[string]any, scope any) map[string]any {
		a := map[string]any{"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": user}}}
		if scope != nil {
			a["scope"] = scope
		}
		return map[string]any{"auth": a}
	}
	def := map[string]any{"id": "default"}
	cases := []struct {
		name   string
		body   any
		status int
	}{
		{"wrong password", auth(map[string]any{"name": "producer", "domain": def, "password": "x"}, nil), 401},
		{"other domain", auth(map[string]any{"name": "producer", "domain": map[string]any{"id": "other"}, "password": "producer-pass"}, nil), 400},
		{"foreign project", auth(map[string]any{"name": "producer", "domain": def, "password": "producer-pass"},
			map[string]any{"project": map[string]any{"id": consumer}}), 401},
		{"domain scope", auth(map[string]any{"name": "producer", "domain": def, "password": "producer-pass"},
			map[string]any{"domain": def}), 401},
		{"malformed", "[]", 400},
	}
	for _, tc := range cases {
		r := do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: tc.body})
		if r.status != tc.status {
			t.Errorf("%s: %d %s", tc.name, r.status, r.body)
		}
		if e, ok := r.object(t)["error"].(map[string]any); !ok || e["code"] != float64(tc.status) {
			t.Errorf("%s: body %s", tc.name, r.body)
		}
		if tc.status == 401 && r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: no WWW-Authenticate", tc.name)
		}
	}
}

func TestTokens_ExpireWithTheClock(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now, TokenTTL: time.Hour})
	tok := s.IssueToken(producer)
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusOK, "")
	clock.Advance(time.Hour)
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusUnauthorized, "")
}

// The catalog's internal and admin endpoints are distinct URLs that serve the
// same API, and the server tells which one a client used.
func TestCatalog_InterfacesAreDistinctAndServed(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	for _, iface := range []string{"internal", "admin"} {
		pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
			IdentityEndpoint: s.IdentityV2URL(), Username: "producer", Password: "producer-pass",
		})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := openstack.NewImageV2(pc, gophercloud.EndpointOpts{Region: "MOCK", Availability: gophercloud.Availability(iface)})
		if err != nil {
			t.Fatal(err)
		}
		if want := s.URL() + "/" + iface + "/image/"; sc.Endpoint != want {
			t.Fatalf("%s endpoint %q, want %q", iface, sc.Endpoint, want)
		}
		before := s.InterfaceRequests(iface)
		if _, err := images.List(sc, images.ListOpts{}).AllPages(ctx); err != nil {
			t.Fatalf("listing through the %s endpoint: %v", iface, err)
		}
		if s.InterfaceRequests(iface) == before {
			t.Fatalf("no request counted under %s", iface)
		}
		// Counted under the API's own route, as any other call.
		if n := s.RequestCount("GET", "/image/v2/images"); n == 0 {
			t.Fatal("the list was not counted as GET /image/v2/images")
		}
	}
	// The rackspace flavour has publicURL and internalURL (ServiceNet) only.
	rs := startServer(t, Options{Flavor: "rackspace"})
	r := do(t, rs, req{method: "POST", path: "/identity/v2.0/tokens", body: map[string]any{"auth": map[string]any{
		"passwordCredentials": map[string]any{"username": "producer", "password": "producer-pass"}}}})
	expect(t, r, http.StatusOK, "")
	for _, e := range r.object(t)["access"].(map[string]any)["serviceCatalog"].([]any) {
		entry := e.(map[string]any)
		if entry["type"] != "image" {
			continue
		}
		ep := entry["endpoints"].([]any)[0].(map[string]any)
		if ep["internalURL"] != rs.URL()+"/internal/image/v2" || ep["adminURL"] != nil {
			t.Fatalf("rackspace image endpoint %v", ep)
		}
	}
}
