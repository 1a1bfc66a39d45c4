package mockserver

import (
	"net/http"
	"time"
)

// token is an issued identity token, scoped to one tenant.
type token struct {
	id      string
	who     principal
	methods []string       // v3 "methods" (password, token, application_credential)
	appCred *appCredential // the application credential that issued it, if one did
	issued  time.Time
	expires time.Time
}

// issue records a new token for who. Inside s.identity.locked.
func (s *Server) issue(who principal, methods []string) *token {
	return s.identity.issue(who, methods, s.now())
}

// lookupToken returns a live token. Inside s.identity.locked.
func (s *Server) lookupToken(id string) (*token, bool) {
	return s.identity.lookup(id, s.now())
}

// authenticate resolves the request's X-Auth-Token to its principal.
func (s *Server) authenticate(r *http.Request) (principal, bool) {
	id := r.Header.Get("X-Auth-Token")
	if id == "" {
		return principal{}, false
	}
	var who principal
	var ok bool
	s.identity.locked(func() {
		var t *token
		if t, ok = s.lookupToken(id); ok {
			who = t.who
		}
	})
	return who, ok
}

// IssueToken returns a valid token scoped to tenantID (for endpoint + token auth in tests).
// A tenant no account owns gets a synthetic user.
func (s *Server) IssueToken(tenantID string) string {
	var id string
	s.identity.locked(func() { id = s.issue(s.principalForTenant(tenantID), []string{"token"}).id })
	return id
}

// ExpireTokens invalidates every token issued so far at once, as a revocation does: the
// next call with any of them gets 401, and clients must authenticate again.
func (s *Server) ExpireTokens() { s.identity.expireAll() }

// SetTokenTTL changes the lifetime of tokens issued from now on; d ≤ 0 restores the
// default, 24h. Tokens already issued keep theirs.
func (s *Server) SetTokenTTL(d time.Duration) { s.setTokenTTL(d) }

// setTokenTTL is SetTokenTTL, telling the lifetime it set (the control path shows it).
func (s *Server) setTokenTTL(d time.Duration) time.Duration {
	if d <= 0 {
		d = defaultTokenTTL
	}
	return s.identity.setTTL(d)
}
