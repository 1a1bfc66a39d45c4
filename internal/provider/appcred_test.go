package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/applicationcredentials"
	tokens3 "github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// appCred is an application credential made on the mock.
type appCred struct{ ID, Name, Secret, UserID string }

// makeAppCredential makes an application credential for acct the way a user
// does (`openstack application credential create`): a v3 password token,
// then Keystone's own API.
func makeAppCredential(t *testing.T, srv *mockserver.Server, acct mockserver.Account, name string) appCred {
	t.Helper()
	ctx := context.Background()
	pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: srv.IdentityV3URL(), Username: acct.Username, Password: acct.Password, DomainName: "Default",
	})
	if err != nil {
		t.Fatal(err)
	}
	ic, err := openstack.NewIdentityV3(pc, gophercloud.EndpointOpts{})
	if err != nil {
		t.Fatal(err)
	}
	user, err := tokens3.Get(ctx, ic, pc.Token()).ExtractUser()
	if err != nil {
		t.Fatal(err)
	}
	made, err := applicationcredentials.Create(ctx, ic, user.ID, applicationcredentials.CreateOpts{Name: name}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	return appCred{ID: made.ID, Name: made.Name, Secret: made.Secret, UserID: user.ID}
}

// An application credential made on the mock authenticates a provider block
// by id, by name + user id and by name + user name, on a v3 or an
// unversioned identity URL; the token is the credential's project's. A wrong
// secret names the arguments to fix and where their values came from.
func TestAccProvider_applicationCredential(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	id := acctest.CreateImageOutOfBand(t, srv, acctest.Producer, "mine", acctest.WriteImageFile(t, "d.raw", 100, 1))
	ac := makeAppCredential(t, srv, acctest.Producer, "terraform")
	v3, unversioned := srv.IdentityV3URL(), srv.URL()+"/identity/"
	block := func(lines string) string { return "provider \"cloudimages\" {\n" + lines + "\n}\n" + listAll }

	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		{
			Config: block(fmt.Sprintf("auth_url = %q\napplication_credential_id = %q\napplication_credential_secret = \"wrong\"", v3, ac.ID)),
			ExpectError: acctest.ErrorLike("Authentication failed", "rejected the application credential", "401",
				"application_credential_id (in the provider block)", "application_credential_secret (in the provider block)"),
		},
		{
			Config:            block(fmt.Sprintf("auth_url = %q\napplication_credential_id = %q\napplication_credential_secret = %q", v3, ac.ID, ac.Secret)),
			ConfigStateChecks: seesImage(id),
		},
		{
			Config:            block(fmt.Sprintf("auth_url = %q\napplication_credential_name = %q\nuser_id = %q\napplication_credential_secret = %q", unversioned, ac.Name, ac.UserID, ac.Secret)),
			ConfigStateChecks: seesImage(id),
		},
		{
			Config:            block(fmt.Sprintf("auth_url = %q\napplication_credential_name = %q\nusername = %q\napplication_credential_secret = %q", v3, ac.Name, acctest.Producer.Username, ac.Secret)),
			ConfigStateChecks: seesImage(id),
		},
	}})
	if n := srv.RequestCount("POST", "/identity/v3/auth/tokens"); n < 4 {
		t.Errorf("identity v3 used %d times, want every step there", n)
	}
}

// The values come from OS_APPLICATION_CREDENTIAL_*: a wrong secret says so.
// A consumer alias with its own application credential in its block, beside
// the producer's exported OS_*, acts as its own tenant.
func TestAccProvider_applicationCredentialEnvironment(t *testing.T) {
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	p, c := acctest.Producer, acctest.Consumer
	mine := acctest.CreateImageOutOfBand(t, srv, p, "producer's", acctest.WriteImageFile(t, "p.raw", 100, 1))
	theirs := acctest.CreateImageOutOfBand(t, srv, c, "consumer's", acctest.WriteImageFile(t, "c.raw", 100, 2))
	pac, cac := makeAppCredential(t, srv, p, "producer-ci"), makeAppCredential(t, srv, c, "consumer-ci")
	t.Setenv("OS_AUTH_URL", srv.IdentityV3URL())
	t.Setenv("OS_APPLICATION_CREDENTIAL_ID", pac.ID)
	t.Setenv("OS_APPLICATION_CREDENTIAL_SECRET", "wrong")
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{{
		Config: `provider "cloudimages" {}` + listAll,
		ExpectError: acctest.ErrorLike("Authentication failed", "application_credential_secret (from the environment variable OS_APPLICATION_CREDENTIAL_SECRET)",
			"Credentials come from the environment"),
	}}})

	// The producer's v3 password and project exported instead: the consumer's
	// block takes none of them (a project would be a scope, which an
	// application credential may not ask for), and each alias is its own tenant.
	t.Setenv("OS_APPLICATION_CREDENTIAL_ID", "")
	t.Setenv("OS_APPLICATION_CREDENTIAL_SECRET", "")
	t.Setenv("OS_USERNAME", p.Username)
	t.Setenv("OS_PASSWORD", p.Password)
	t.Setenv("OS_PROJECT_ID", p.TenantID)
	acctest.Test(t, resource.TestCase{Steps: []resource.TestStep{
		eachAliasItsOwnTenant(fmt.Sprintf(`  auth_url                      = %q
  application_credential_id     = %q
  application_credential_secret = %q`, srv.IdentityV3URL(), cac.ID, cac.Secret), mine, theirs),
	}})
}
