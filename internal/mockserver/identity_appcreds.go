package mockserver

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// appCredential is a Keystone v3 application credential
// (keystone/api/users.py UserAppCredListCreateResource): owned by a user,
// scoped to the project of the token that made it. Only the secret's hash is
// kept, so the secret is shown once, in the create answer.
type appCredential struct {
	id, name, description string
	secretHash            [32]byte
	owner                 principal // user and project
	expires               *time.Time
	unrestricted          bool
	created               time.Time
}

// keystone's ForbiddenAction message (keystone/exception.py).
func forbiddenAction(action string) *apiError {
	return errorf(http.StatusForbidden, "You are not authorized to perform the requested action: %s.", action)
}

// appCredTimeLayout is how Keystone renders an application credential's expires_at.
const appCredTimeLayout = "2006-01-02T15:04:05.000000"

// generateAppCredSecret is Keystone's _generate_secret: 64 random bytes,
// URL-safe base64 without padding.
func generateAppCredSecret() string {
	var b [64]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (a *appCredential) view(base string) map[string]any {
	var expires any
	if a.expires != nil {
		expires = a.expires.UTC().Format(appCredTimeLayout)
	}
	var desc any
	if a.description != "" {
		desc = a.description
	}
	return map[string]any{
		"id": a.id, "name": a.name, "description": desc,
		"project_id": a.owner.TenantID, "expires_at": expires, "unrestricted": a.unrestricted,
		"roles":        tokenRoles(true),
		"access_rules": []any{},
		"links":        map[string]any{"self": base + "/identity/v3/users/" + a.owner.UserID + "/application_credentials/" + a.id},
	}
}

// tokenRoles are the roles every mock token carries; withDomain adds the
// domain_id Keystone shows on roles outside tokens.
func tokenRoles(withDomain bool) []map[string]any {
	roles := []map[string]any{
		{"id": stableID("role:member"), "name": "member"},
		{"id": stableID("role:reader"), "name": "reader"},
	}
	if withDomain {
		for _, r := range roles {
			r["domain_id"] = nil
		}
	}
	return roles
}

// checkAppCredManager is Keystone's policy for creating, listing and deleting
// a user's application credentials: only that user, and not with a token that
// a restricted application credential issued
// (_check_unrestricted_application_credential). Inside s.identity.locked.
func (s *Server) checkAppCredManager(r *http.Request, c *call, action string, userID string, managing bool) *apiError {
	if managing {
		if t, ok := s.lookupToken(r.Header.Get("X-Auth-Token")); ok && t.appCred != nil && !t.appCred.unrestricted {
			return forbiddenAction("Using method 'application_credential' is not allowed for managing additional application credentials")
		}
	}
	if c.who.UserID != userID {
		return forbiddenAction(action)
	}
	return nil
}

// createAppCredential is POST /identity/v3/users/{user_id}/application_credentials.
func (s *Server) createAppCredential(w http.ResponseWriter, r *http.Request, c *call) {
	if !jsonMediaType(r) {
		keystoneError(w, http.StatusBadRequest, keystoneBadRequest("Expecting to find application/json in Content-Type header."))
		return
	}
	body, apiErr := readAuthBody(r)
	if apiErr != nil {
		keystoneError(w, apiErr.Status, apiErr.Message)
		return
	}
	var req struct {
		AppCred *struct {
			Name         *string `json:"name"`
			Description  *string `json:"description"`
			Secret       *string `json:"secret"`
			ExpiresAt    *string `json:"expires_at"`
			Unrestricted *bool   `json:"unrestricted"`
		} `json:"application_credential"`
	}
	if json.Unmarshal(body, &req) != nil {
		keystoneError(w, http.StatusBadRequest, keystoneBadRequest("Expecting to find valid JSON in request body."))
		return
	}
	in := req.AppCred
	if in == nil || in.Name == nil {
		keystoneError(w, http.StatusBadRequest, "'name' is a required property")
		return
	}
	if n := len(*in.Name); n < 1 || n > 255 {
		keystoneError(w, http.StatusBadRequest, "Invalid input for field 'name': the name must be 1 to 255 characters.")
		return
	}
	userID := c.params["user_id"]
	s.identity.locked(func() {
		if e := s.checkAppCredManager(r, c, "Cannot create an application credential for another user.", userID, true); e != nil {
			keystoneError(w, e.Status, e.Message)
			return
		}
		a := &appCredential{id: newKeystoneID(), name: *in.Name, owner: c.who, created: s.now()}
		if in.Description != nil {
			a.description = *in.Description
		}
		if in.Unrestricted != nil {
			a.unrestricted = *in.Unrestricted
		}
		if in.ExpiresAt != nil && *in.ExpiresAt != "" {
			t, ok := parseKeystoneTime(*in.ExpiresAt)
			if !ok {
				keystoneError(w, http.StatusBadRequest, "Invalid input for field 'expires_at': '"+*in.ExpiresAt+"' is not a 'date-time'")
				return
			}
			a.expires = &t
		}
		for _, other := range s.identity.appCreds {
			if other.owner.UserID == userID && other.name == a.name {
				keystoneError(w, http.StatusConflict, "Conflict occurred attempting to store application_credential - Duplicate name, "+a.name+".")
				return
			}
		}
		secret := generateAppCredSecret()
		if in.Secret != nil && *in.Secret != "" {
			secret = *in.Secret
		}
		a.secretHash = sha256.Sum256([]byte(secret))
		s.identity.appCreds[a.id] = a
		view := a.view(s.url)
		view["secret"] = secret // shown this once
		writeJSON(w, http.StatusCreated, map[string]any{"application_credential": view})
	})
}

// listAppCredentials is GET /identity/v3/users/{user_id}/application_credentials,
// with Keystone's one filter, ?name=.
func (s *Server) listAppCredentials(w http.ResponseWriter, r *http.Request, c *call) {
	userID := c.params["user_id"]
	s.identity.locked(func() {
		if e := s.checkAppCredManager(r, c, "identity:list_application_credentials", userID, false); e != nil {
			keystoneError(w, e.Status, e.Message)
			return
		}
		name, byName := r.URL.Query()["name"]
		var mine []*appCredential
		for _, a := range s.identity.appCreds {
			if a.owner.UserID == userID && (!byName || a.name == name[0]) {
				mine = append(mine, a)
			}
		}
		slices.SortFunc(mine, func(a, b *appCredential) int { return a.created.Compare(b.created) })
		out := make([]map[string]any, 0, len(mine))
		for _, a := range mine {
			out = append(out, a.view(s.url))
		}
		self := s.url + "/identity/v3/users/" + userID + "/application_credentials"
		if r.URL.RawQuery != "" {
			self += "?" + r.URL.RawQuery
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"links":                   map[string]any{"self": self, "previous": nil, "next": nil},
			"application_credentials": out,
		})
	})
}

// appCredential is GET / DELETE /identity/v3/users/{user_id}/application_credentials/{id}:
// 404 for an id nobody has, 403 for another user's.
func (s *Server) appCredential(w http.ResponseWriter, r *http.Request, c *call) {
	id := c.params["application_credential_id"]
	s.identity.locked(func() {
		a, ok := s.identity.appCreds[id]
		if !ok {
			keystoneError(w, http.StatusNotFound, "Could not find Application Credential: "+id+".")
			return
		}
		action := "identity:get_application_credential"
		if r.Method == http.MethodDelete {
			action = "identity:delete_application_credential"
		}
		if e := s.checkAppCredManager(r, c, action, a.owner.UserID, r.Method == http.MethodDelete); e != nil {
			keystoneError(w, e.Status, e.Message)
			return
		}
		if r.Method == http.MethodDelete {
			s.identity.revokeAppCred(a) // and, as in Keystone, the tokens it issued
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"application_credential": a.view(s.url)})
	})
}

// v3AppCredIdentity is the "application_credential" method's payload: id and
// secret, or name, secret and the owner (user id, or name in a domain).
type v3AppCredIdentity struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Secret string `json:"secret"`
	User   *struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Domain *v3Ref `json:"domain"`
	} `json:"user"`
}

var errAppCredScope = &apiError{Status: http.StatusUnauthorized,
	Message: "Error authenticating with application credential: Application credentials cannot request a scope."}

// v3AuthenticateAppCred checks an application credential (keystone
// AppCredInfo and the application_credential auth plugin): malformed payloads
// are 400, an unknown credential, a wrong secret or an expired credential 401.
// Inside s.identity.locked.
func (s *Server) v3AuthenticateAppCred(in *v3AppCredIdentity) (*appCredential, *apiError) {
	missing := func(attr string) *apiError {
		return &apiError{Status: http.StatusBadRequest, Message: keystoneBadRequest("Expecting to find " + attr + " in application_credential.")}
	}
	switch {
	case in.Secret == "":
		return nil, missing("secret")
	case in.ID == "" && in.Name == "":
		return nil, missing("id or name")
	case in.ID == "" && in.User == nil:
		return nil, missing("user")
	case in.ID == "" && in.User.ID == "" && in.User.Name == "":
		return nil, &apiError{Status: http.StatusBadRequest, Message: keystoneBadRequest("Expecting to find id or name in user.")}
	case in.ID == "" && in.User.ID == "" && in.User.Domain == nil:
		return nil, &apiError{Status: http.StatusBadRequest, Message: keystoneBadRequest("Expecting to find domain in user.")}
	}
	var found *appCredential
	for _, a := range s.identity.appCreds {
		switch {
		case in.ID != "":
			if a.id == in.ID {
				found = a
			}
		case in.User.ID != "":
			if a.name == in.Name && a.owner.UserID == in.User.ID {
				found = a
			}
		default:
			if a.name == in.Name && a.owner.Username == in.User.Name && isDefaultDomain(in.User.Domain) {
				found = a
			}
		}
	}
	if found == nil {
		return nil, errV3Unauthorized
	}
	sum := sha256.Sum256([]byte(in.Secret))
	if subtle.ConstantTimeCompare(sum[:], found.secretHash[:]) != 1 {
		return nil, errV3Unauthorized
	}
	if found.expires != nil && !s.now().Before(*found.expires) {
		return nil, errV3Unauthorized
	}
	return found, nil
}

// newKeystoneID is a random 32-hex id, as Keystone's uuid4().hex.
func newKeystoneID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// parseKeystoneTime reads an ISO 8601 time as Keystone's parse_expiration_date
// does: with or without fraction and zone (no zone is UTC).
func parseKeystoneTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02T15:04:05.999999Z0700"} {
		if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
