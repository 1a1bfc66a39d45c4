package mockserver

import (
	"encoding/json"
	"net/http"
)

const (
	v2BadBody  = "Invalid request body: unable to parse Auth data. Please review XML or JSON formatting"
	v2BadCreds = "Unable to authenticate user with credentials provided."
)

// v2Auth is the "auth" object of a v2.0 token request: exactly one kind of credentials,
// optionally naming the tenant.
type v2Auth struct {
	Password *struct {
		Username string `json:"username"`
		Password string `json:"password"`
	} `json:"passwordCredentials"`
	APIKey *struct {
		Username string `json:"username"`
		APIKey   string `json:"apiKey"`
	} `json:"RAX-KSKEY:apiKeyCredentials"`
	Token *struct {
		ID string `json:"id"`
	} `json:"token"`
	TenantID   string `json:"tenantId"`
	TenantName string `json:"tenantName"`
}

// v2Tokens is POST /identity/v2.0/tokens: password, Rackspace API key or token credentials.
func (s *Server) v2Tokens(w http.ResponseWriter, r *http.Request, _ *call) {
	var req struct {
		Auth *v2Auth `json:"auth"`
	}
	// Rackspace Identity speaks XML too; the mock only JSON, so anything else is 415.
	if !jsonMediaType(r) {
		raxError(w, http.StatusUnsupportedMediaType, "Content type "+r.Header.Get("Content-Type")+" is not supported; use application/json.")
		return
	}
	body, err := readAuthBody(r)
	if err != nil {
		raxError(w, err.Status, err.Message)
		return
	}
	if json.Unmarshal(body, &req) != nil || req.Auth == nil || !req.Auth.oneCredential() {
		raxError(w, http.StatusBadRequest, v2BadBody)
		return
	}
	a := req.Auth

	s.identity.locked(func() {
		who, by, ok := s.v2Credentials(a)
		if !ok {
			raxError(w, http.StatusUnauthorized, v2BadCreds)
			return
		}
		who = s.asRackspaceAccount(who)
		// Each user owns one tenant: naming another one is an authentication failure.
		if (a.TenantID != "" && a.TenantID != who.TenantID) || (a.TenantName != "" && a.TenantName != who.TenantName) {
			raxError(w, http.StatusUnauthorized, "Token doesn't belong to Tenant with Id/Name: '"+a.TenantID+a.TenantName+"'")
			return
		}
		method := "password" // what a v3 validation of this token reports
		if by == "TOKEN" {
			method = "token"
		}
		t := s.issue(who, []string{method})
		writeJSON(w, http.StatusOK, s.v2Access(t, by))
	})
}

func (a *v2Auth) oneCredential() bool {
	n := 0
	for _, set := range []bool{a.Password != nil, a.APIKey != nil, a.Token != nil} {
		if set {
			n++
		}
	}
	return n == 1
}

// v2Credentials checks the credentials, returning who they identify and how (the value of
// "RAX-AUTH:authenticatedBy"). Inside s.identity.locked.
func (s *Server) v2Credentials(a *v2Auth) (principal, string, bool) {
	switch {
	case a.Password != nil:
		acct, ok := s.findAccount(func(x Account) bool {
			return x.Username == a.Password.Username && x.Password != "" && x.Password == a.Password.Password
		})
		return acct.principal(), "PASSWORD", ok
	case a.APIKey != nil:
		acct, ok := s.findAccount(func(x Account) bool {
			return x.Username == a.APIKey.Username && x.APIKey != "" && x.APIKey == a.APIKey.APIKey
		})
		return acct.principal(), "APIKEY", ok
	}
	t, ok := s.lookupToken(a.Token.ID)
	if !ok {
		return principal{}, "", false
	}
	return t.who, "TOKEN", true
}

func (s *Server) findAccount(match func(Account) bool) (Account, bool) {
	for _, a := range s.accounts {
		if match(a) {
			return a, true
		}
	}
	return Account{}, false
}
