package mockserver

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/applicationcredentials"
	tokens3 "github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

// identityV3As authenticates with a v3 password and returns the identity
// client and the user's id.
func identityV3As(t *testing.T, s *Server, user, password string) (*gophercloud.ServiceClient, string) {
	t.Helper()
	ctx := context.Background()
	pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: s.IdentityV3URL(), Username: user, Password: password, DomainName: "Default",
	})
	if err != nil {
		t.Fatal(err)
	}
	ic, err := openstack.NewIdentityV3(pc, gophercloud.EndpointOpts{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := tokens3.Get(ctx, ic, pc.Token()).ExtractUser()
	if err != nil {
		t.Fatal(err)
	}
	return ic, u.ID
}

// The whole life of an application credential through gophercloud's own
// package: create (secret shown once), list, show, authenticate by id and by
// name + user, delete.
func TestAppCredentials_LifeWithGophercloud(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	ic, uid := identityV3As(t, s, "producer", "producer-pass")

	made, err := applicationcredentials.Create(ctx, ic, uid, applicationcredentials.CreateOpts{Name: "ci", Description: "for CI"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if len(made.ID) != 32 || len(made.Secret) < 80 || made.ProjectID != producer || made.Unrestricted {
		t.Fatalf("created %+v", made)
	}
	given, err := applicationcredentials.Create(ctx, ic, uid, applicationcredentials.CreateOpts{Name: "given", Secret: "my-secret"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if given.Secret != "my-secret" {
		t.Fatalf("the given secret came back as %q", given.Secret)
	}
	if _, err := applicationcredentials.Create(ctx, ic, uid, applicationcredentials.CreateOpts{Name: "ci"}).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusConflict) {
		t.Fatalf("a second credential named ci: %v, want 409", err)
	}

	pages, err := applicationcredentials.List(ic, uid, applicationcredentials.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := applicationcredentials.ExtractApplicationCredentials(pages)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Name != "ci" || all[1].Name != "given" || all[0].Secret != "" {
		t.Fatalf("listed %+v", all)
	}
	pages, _ = applicationcredentials.List(ic, uid, applicationcredentials.ListOpts{Name: "given"}).AllPages(ctx)
	if named, _ := applicationcredentials.ExtractApplicationCredentials(pages); len(named) != 1 || named[0].ID != given.ID {
		t.Fatalf("?name=given listed %+v", named)
	}
	got, err := applicationcredentials.Get(ctx, ic, uid, made.ID).Extract()
	if err != nil || got.Name != "ci" || got.Secret != "" || got.Description != "for CI" {
		t.Fatalf("show: %+v, %v", got, err)
	}

	// Authenticate as every client does: by id, by name + user id, by name + user name and domain.
	auths := map[string]*tokens3.AuthOptions{
		"by id":        {ApplicationCredentialID: made.ID, ApplicationCredentialSecret: made.Secret},
		"by user id":   {ApplicationCredentialName: "ci", UserID: uid, ApplicationCredentialSecret: made.Secret},
		"by user name": {ApplicationCredentialName: "given", Username: "producer", DomainName: "Default", ApplicationCredentialSecret: "my-secret"},
	}
	for name, opts := range auths {
		pc, err := openstack.NewClient(s.IdentityV3URL())
		if err != nil {
			t.Fatal(err)
		}
		if err := openstack.AuthenticateV3(ctx, pc, opts, gophercloud.EndpointOpts{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tok := pc.GetAuthResult().(tokens3.CreateResult)
		project, _ := tok.ExtractProject()
		var body struct {
			Methods []string `json:"methods"`
		}
		_ = tok.ExtractInto(&body)
		methods := body.Methods
		if project == nil || project.ID != producer || len(methods) != 1 || methods[0] != "application_credential" {
			t.Fatalf("%s: project %+v, methods %v", name, project, methods)
		}
		// The token works on the images API as the credential's project.
		if r := do(t, s, req{method: "GET", path: "/image/v2/images", token: pc.Token()}); r.status != http.StatusOK {
			t.Fatalf("%s: images with the token: %d", name, r.status)
		}
	}

	if err := applicationcredentials.Delete(ctx, ic, uid, made.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if _, err := applicationcredentials.Get(ctx, ic, uid, made.ID).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Fatalf("show after delete: %v, want 404", err)
	}
	r := do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: appCredAuth(made.ID, made.Secret, nil)})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("a deleted credential authenticated: %d", r.status)
	}
}

func appCredAuth(id, secret string, scope map[string]any) map[string]any {
	auth := map[string]any{"identity": map[string]any{
		"methods":                []string{"application_credential"},
		"application_credential": map[string]any{"id": id, "secret": secret},
	}}
	if scope != nil {
		auth["scope"] = scope
	}
	return map[string]any{"auth": auth}
}

func keystoneMessage(t *testing.T, r response) string {
	t.Helper()
	e, _ := r.object(t)["error"].(map[string]any)
	if e == nil || e["code"] != float64(r.status) || e["title"] != http.StatusText(r.status) {
		t.Fatalf("not a Keystone error body: %s", r.body)
	}
	msg, _ := e["message"].(string)
	return msg
}

// What Keystone refuses, with its codes and bodies.
func TestAppCredentials_Refusals(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	ic, uid := identityV3As(t, s, "producer", "producer-pass")
	cic, consumerID := identityV3As(t, s, "consumer", "consumer-pass")
	made, err := applicationcredentials.Create(ctx, ic, uid, applicationcredentials.CreateOpts{Name: "ci"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	producerToken := ic.Token()

	// A wrong secret: 401 with Keystone's body and WWW-Authenticate.
	r := do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: appCredAuth(made.ID, "wrong", nil)})
	if r.status != http.StatusUnauthorized || keystoneMessage(t, r) != unauthorizedMessage || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Keystone uri=") {
		t.Fatalf("wrong secret: %d %s %v", r.status, r.body, r.header)
	}
	// A scope, even the credential's own project: 401.
	r = do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: appCredAuth(made.ID, made.Secret, map[string]any{"project": map[string]any{"id": producer}})})
	if r.status != http.StatusUnauthorized || !strings.Contains(keystoneMessage(t, r), "cannot request a scope") {
		t.Fatalf("scoped: %d %s", r.status, r.body)
	}
	// Malformed payloads: 400.
	r = do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: appCredAuth(made.ID, "", nil)})
	if r.status != http.StatusBadRequest || !strings.Contains(keystoneMessage(t, r), "Expecting to find secret in application_credential") {
		t.Fatalf("no secret: %d %s", r.status, r.body)
	}
	byName := map[string]any{"auth": map[string]any{"identity": map[string]any{
		"methods": []string{"application_credential"}, "application_credential": map[string]any{"name": "ci", "secret": made.Secret},
	}}}
	r = do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: byName})
	if r.status != http.StatusBadRequest || !strings.Contains(keystoneMessage(t, r), "Expecting to find user in application_credential") {
		t.Fatalf("name without user: %d %s", r.status, r.body)
	}
	// The name belongs to the producer, not to the consumer.
	r = do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: map[string]any{"auth": map[string]any{"identity": map[string]any{
		"methods": []string{"application_credential"}, "application_credential": map[string]any{"name": "ci", "secret": made.Secret, "user": map[string]any{"id": consumerID}},
	}}}})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("another user's name: %d %s", r.status, r.body)
	}

	// Another user's credentials: 403 to make, list, show or delete them.
	path := "/identity/v3/users/" + uid + "/application_credentials"
	for _, rq := range []req{
		{method: "POST", path: path, token: cic.Token(), body: map[string]any{"application_credential": map[string]any{"name": "x"}}},
		{method: "GET", path: path, token: cic.Token()},
		{method: "GET", path: path + "/" + made.ID, token: cic.Token()},
		{method: "DELETE", path: path + "/" + made.ID, token: cic.Token()},
	} {
		r := do(t, s, rq)
		if r.status != http.StatusForbidden || !strings.HasPrefix(keystoneMessage(t, r), "You are not authorized to perform the requested action") {
			t.Fatalf("%s %s as the consumer: %d %s", rq.method, rq.path, r.status, r.body)
		}
	}
	// No name, an unknown id, no token.
	r = do(t, s, req{method: "POST", path: path, token: producerToken, body: map[string]any{"application_credential": map[string]any{}}})
	if r.status != http.StatusBadRequest || !strings.Contains(keystoneMessage(t, r), "'name' is a required property") {
		t.Fatalf("no name: %d %s", r.status, r.body)
	}
	r = do(t, s, req{method: "GET", path: path + "/nope", token: producerToken})
	if r.status != http.StatusNotFound || keystoneMessage(t, r) != "Could not find Application Credential: nope." {
		t.Fatalf("unknown id: %d %s", r.status, r.body)
	}
	if r := do(t, s, req{method: "GET", path: path}); r.status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", r.status)
	}

	// A token a restricted credential issued cannot make or delete credentials.
	r = do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: appCredAuth(made.ID, made.Secret, nil)})
	if r.status != http.StatusCreated {
		t.Fatalf("auth: %d %s", r.status, r.body)
	}
	acTok := r.header.Get("X-Subject-Token")
	if ac, _ := r.object(t)["token"].(map[string]any)["application_credential"].(map[string]any); ac["id"] != made.ID || ac["restricted"] != true {
		t.Fatalf("token's application_credential: %v", ac)
	}
	r = do(t, s, req{method: "POST", path: path, token: acTok, body: map[string]any{"application_credential": map[string]any{"name": "more"}}})
	if r.status != http.StatusForbidden || !strings.Contains(keystoneMessage(t, r), "not allowed for managing additional application credentials") {
		t.Fatalf("create with an app-cred token: %d %s", r.status, r.body)
	}
	// Nor can a token made from that token.
	r = do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: map[string]any{"auth": map[string]any{"identity": map[string]any{
		"methods": []string{"token"}, "token": map[string]any{"id": acTok}}}}})
	if r.status != http.StatusCreated {
		t.Fatalf("token from the app-cred token: %d %s", r.status, r.body)
	}
	r = do(t, s, req{method: "POST", path: path, token: r.header.Get("X-Subject-Token"), body: map[string]any{"application_credential": map[string]any{"name": "more"}}})
	if r.status != http.StatusForbidden {
		t.Fatalf("create with a token made from an app-cred token: %d %s", r.status, r.body)
	}
	// Deleting the credential revokes the tokens it issued.
	if r := do(t, s, req{method: "DELETE", path: path + "/" + made.ID, token: producerToken}); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := do(t, s, req{method: "GET", path: "/image/v2/images", token: acTok}); r.status != http.StatusUnauthorized {
		t.Fatalf("the deleted credential's token still works: %d", r.status)
	}
}

// An expired credential no longer authenticates.
func TestAppCredentials_Expiry(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	ic, uid := identityV3As(t, s, "producer", "producer-pass")
	expires := clock.Now().Add(time.Hour).UTC().Format(appCredTimeLayout)
	r := do(t, s, req{method: "POST", path: "/identity/v3/users/" + uid + "/application_credentials", token: ic.Token(),
		body: map[string]any{"application_credential": map[string]any{"name": "short", "expires_at": expires}}})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	ac := r.object(t)["application_credential"].(map[string]any)
	if ac["expires_at"] != expires {
		t.Fatalf("expires_at %v, want %s", ac["expires_at"], expires)
	}
	id, secret := ac["id"].(string), ac["secret"].(string)
	if r := do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: appCredAuth(id, secret, nil)}); r.status != http.StatusCreated {
		t.Fatalf("before expiry: %d", r.status)
	}
	clock.Advance(time.Hour)
	if r := do(t, s, req{method: "POST", path: "/identity/v3/auth/tokens", body: appCredAuth(id, secret, nil)}); r.status != http.StatusUnauthorized {
		t.Fatalf("after expiry: %d", r.status)
	}
}
