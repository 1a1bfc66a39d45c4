package mockserver

import (
	"sync"
	"time"
)

// identityStore is the identity area's state: the tokens it issued, the application
// credentials users made, and the lifetime of the next tokens. Its lock is a leaf (see
// Server): the identity handlers hold it for a whole check-and-issue, and call no other
// store meanwhile.
type identityStore struct {
	mu       sync.Mutex
	tokens   map[string]*token
	appCreds map[string]*appCredential // Keystone v3 application credentials, by id
	ttl      time.Duration             // of the tokens issued from now on
}

// defaultTokenTTL is how long tokens live unless Options.TokenTTL or SetTokenTTL says
// otherwise.
const defaultTokenTTL = 24 * time.Hour

func newIdentityStore(ttl time.Duration) *identityStore {
	if ttl <= 0 {
		ttl = defaultTokenTTL
	}
	return &identityStore{tokens: map[string]*token{}, appCreds: map[string]*appCredential{}, ttl: ttl}
}

// locked runs fn with the store locked. The methods below without their own locking
// (issue, lookup, revoke, revokeAppCred) and the fields are for use inside it.
func (st *identityStore) locked(fn func()) {
	st.mu.Lock()
	defer st.mu.Unlock()
	fn()
}

// issue records a new token for who, living ttl from now. Inside locked.
func (st *identityStore) issue(who principal, methods []string, now time.Time) *token {
	t := &token{id: newKeystoneID(), who: who, methods: methods, issued: now, expires: now.Add(st.ttl)}
	st.tokens[t.id] = t
	return t
}

// lookup returns a live token; an expired one is forgotten. Inside locked.
func (st *identityStore) lookup(id string, now time.Time) (*token, bool) {
	t, ok := st.tokens[id]
	if !ok {
		return nil, false
	}
	if !now.Before(t.expires) {
		delete(st.tokens, id)
		return nil, false
	}
	return t, true
}

// revoke forgets one token. Inside locked.
func (st *identityStore) revoke(id string) { delete(st.tokens, id) }

// revokeAppCred deletes an application credential and, as Keystone does, the tokens it
// issued. Inside locked.
func (st *identityStore) revokeAppCred(a *appCredential) {
	delete(st.appCreds, a.id)
	for id, t := range st.tokens {
		if t.appCred == a {
			delete(st.tokens, id)
		}
	}
}

// expireAll forgets every token at once.
func (st *identityStore) expireAll() {
	st.mu.Lock()
	clear(st.tokens)
	st.mu.Unlock()
}

// setTTL sets the lifetime of the tokens issued from now on and returns it.
func (st *identityStore) setTTL(d time.Duration) time.Duration {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.ttl = d
	return st.ttl
}

// tokenIDs are the ids of the tokens the store still holds (expired ones not yet looked
// up included).
func (st *identityStore) tokenIDs() []string {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]string, 0, len(st.tokens))
	for id := range st.tokens {
		out = append(out, id)
	}
	return out
}
