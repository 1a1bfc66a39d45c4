package mockserver

import (
	"crypto/sha256"
	"encoding/hex"
)

// Account is a user of the mock identity service. Each user owns exactly one tenant
// (project), as Rackspace accounts do.
type Account struct {
	Username, Password, APIKey string
	TenantID, TenantName       string
	// DefaultRegion is reported as the v2.0 user's "RAX-AUTH:defaultRegion"; "" omits it.
	DefaultRegion string
}

// DefaultAccounts returns the built-in producer and consumer accounts (DESIGN.md).
func DefaultAccounts() []Account {
	return []Account{
		{Username: "producer", Password: "producer-pass", APIKey: "producer-key", TenantID: "100001", TenantName: "producer"},
		{Username: "consumer", Password: "consumer-pass", APIKey: "consumer-key", TenantID: "100002", TenantName: "consumer"},
	}
}

// principal is who a token speaks for: a user and the one tenant the token is scoped to.
type principal struct {
	UserID, Username     string
	TenantID, TenantName string
	DefaultRegion        string
}

// UserID is the account's Keystone v3 user id (what application credentials
// are made under: POST /identity/v3/users/{user_id}/application_credentials).
func (a Account) UserID() string { return userID(a.Username) }

func (a Account) principal() principal {
	return principal{
		UserID: userID(a.Username), Username: a.Username,
		TenantID: a.TenantID, TenantName: a.TenantName,
		DefaultRegion: a.DefaultRegion,
	}
}

// userID derives a stable Keystone-looking id (32 hex) from the user name, so v3 clients
// can authenticate by user id without the Account carrying one.
func userID(username string) string {
	sum := sha256.Sum256([]byte("user:" + username))
	return hex.EncodeToString(sum[:16])
}

// principalForTenant finds the account owning tenantID; unknown tenants get a synthetic
// user so tests can act as any third party.
func (s *Server) principalForTenant(tenantID string) principal {
	for _, a := range s.accounts {
		if a.TenantID == tenantID {
			return a.principal()
		}
	}
	name := "tenant-" + tenantID
	return principal{UserID: userID(name), Username: name, TenantID: tenantID, TenantName: tenantID}
}

// asRackspaceAccount is who as Rackspace Identity v2.0 describes a cloud
// account (auth-using-curl.rst and its samples): the tenant's name is its id,
// and the user always carries RAX-AUTH:defaultRegion (the account's, else the
// first region). Other flavours keep who as it is.
func (s *Server) asRackspaceAccount(who principal) principal {
	if !s.rackspace() {
		return who
	}
	who.TenantName = who.TenantID
	if who.DefaultRegion == "" {
		who.DefaultRegion = s.regions[0].name
	}
	return who
}
