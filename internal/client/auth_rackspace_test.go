package client

import (
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// Against the rackspace flavour of the mock, whose identity v2.0 answers as
// Rackspace's does (RAX-AUTH:defaultRegion on every user, tenant name = id),
// a client without a region uses the user's default region among several.
func TestNew_rackspaceDefaultRegion(t *testing.T) {
	t.Parallel()
	withDefault := mockserver.DefaultAccounts()[0]
	withDefault.DefaultRegion = "ORD"
	plain := mockserver.DefaultAccounts()[1]
	srv := startMock(t, mockserver.Options{Flavor: "rackspace", Regions: []string{"DFW", "ORD", "IAD"},
		Accounts: []mockserver.Account{withDefault, plain}})
	for _, tc := range []struct {
		acct   mockserver.Account
		region string
	}{{withDefault, "ORD"}, {plain, "DFW"}} {
		c, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Username: tc.acct.Username, APIKey: tc.acct.APIKey})
		if err != nil {
			t.Fatal(err)
		}
		if c.Region() != tc.region || c.TenantID() != tc.acct.TenantID {
			t.Errorf("%s: region %q tenant %q, want %q %q", tc.acct.Username, c.Region(), c.TenantID(), tc.region, tc.acct.TenantID)
		}
		// The tenant's name is its id, as on Rackspace: scoping by it works.
		if _, err := New(testCtx(t), Config{AuthURL: srv.IdentityV2URL(), Username: tc.acct.Username, APIKey: tc.acct.APIKey, TenantName: tc.acct.TenantID}); err != nil {
			t.Errorf("%s: tenant name = id refused: %v", tc.acct.Username, err)
		}
	}
}
