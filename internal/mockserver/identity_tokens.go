package mockserver

import (
	"crypto/rand"
	"encoding/hex"
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

// issue records a new token for who. Callers hold s.mu.
func (s *Server) issue(who principal, methods []string) *token {
	var b [16]byte
	_, _ = rand.Read(b[:])
	now := s.now()
	t := &token{id: hex.EncodeToString(b[:]), who: who, methods: methods, issued: now, expires: now.Add(s.tokenTTL)}
	s.tokens[t.id] = t
	return t
}

// lookupToken returns a live token. Callers hold s.mu.
func (s *Server) lookupToken(id string) (*token, bool) {
	t, ok := s.tokens[id]
	if !ok {
		return nil, false
	}
	if !s.now().Before(t.expires) {
		delete(s.tokens, id)
		return nil, false
	}
	return t, true
}

// authenticate resolves the request's X-Auth-Token to its principal.
func (s *Server) authenticate(r *http.Request) (principal, bool) {
	id := r.Header.Get("X-Auth-Token")
	if id == "" {
		return principal{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.lookupToken(id)
	if !ok {
		return principal{}, false
	}
	return t.who, true
}

// IssueToken returns a valid token scoped to tenantID (for endpoint + token auth in tests).
// A tenant no account owns gets a synthetic user.
func (s *Server) IssueToken(tenantID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issue(s.principalForTenant(tenantID), []string{"token"}).id
}

// defaultTokenTTL is how long tokens live unless Options.TokenTTL or SetTokenTTL says
// otherwise.
const defaultTokenTTL = 24 * time.Hour

// ExpireTokens invalidates every token issued so far at once, as a revocation does: the
// next call with any of them gets 401, and clients must authenticate again.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// SetTokenTTL changes the lifetime of tokens issued from now on; d ≤ 0 restores the
// default, 24h. Tokens already issued keep theirs.
func (s *Server) SetTokenTTL(d time.Duration) {
	if d <= 0 {
		d = defaultTokenTTL
	}
	s.mu.Lock()
	s.tokenTTL = d
	s.mu.Unlock()
}
