package mockserver

import (
	"encoding/json"
	"net/http"
	"slices"
)

type v3Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type v3AuthRequest struct {
	Auth *struct {
		Identity *v3Identity `json:"identity"`
		Scope    *v3Scope    `json:"scope"`
	} `json:"auth"`
}

type v3Identity struct {
	Methods  []string `json:"methods"`
	Password *struct {
		User *struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			Password string `json:"password"`
			Domain   *v3Ref `json:"domain"`
		} `json:"user"`
	} `json:"password"`
	Token *struct {
		ID string `json:"id"`
	} `json:"token"`
	ApplicationCredential *v3AppCredIdentity `json:"application_credential"`
}

type v3Scope struct {
	Project *struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Domain *v3Ref `json:"domain"`
	} `json:"project"`
	Domain *v3Ref `json:"domain"`
	System any    `json:"system"`
}

// isDefaultDomain: the mock has one domain, Keystone's "default".
func isDefaultDomain(d *v3Ref) bool {
	return d != nil && (d.ID == "default" || (d.ID == "" && d.Name == "Default"))
}

// v3CreateToken is POST /identity/v3/auth/tokens. Without a scope the token is scoped to
// the user's own project, as Keystone does for users with a default project.
func (s *Server) v3CreateToken(w http.ResponseWriter, r *http.Request, _ *call) {
	// Keystone's json_body check first: the media type, then a JSON object.
	if !jsonMediaType(r) {
		keystoneError(w, http.StatusBadRequest, keystoneBadRequest("Expecting to find application/json in Content-Type header."))
		return
	}
	body, apiErr := readAuthBody(r)
	if apiErr != nil {
		keystoneError(w, apiErr.Status, apiErr.Message)
		return
	}
	var req v3AuthRequest
	var obj map[string]any
	if len(body) > 0 && json.Unmarshal(body, &obj) != nil { // an empty body is the resource's to refuse
		keystoneError(w, http.StatusBadRequest, keystoneBadRequest("Expecting to find valid JSON in request body."))
		return
	}
	if json.Unmarshal(body, &req) != nil || req.Auth == nil || req.Auth.Identity == nil {
		keystoneError(w, http.StatusBadRequest, keystoneBadRequest("Expecting to find identity in auth."))
		return
	}
	s.identity.locked(func() {
		var who principal
		var fail *apiError
		var appCred *appCredential
		if id := req.Auth.Identity; len(id.Methods) == 1 && id.Methods[0] == "application_credential" && id.ApplicationCredential != nil {
			// Scoped to the credential's project; asking for a scope is refused.
			if appCred, fail = s.v3AuthenticateAppCred(id.ApplicationCredential); fail == nil {
				who = appCred.owner
				if req.Auth.Scope != nil {
					fail = errAppCredScope
				}
			}
		} else {
			who, fail = s.v3Authenticate(req.Auth.Identity)
			if fail == nil {
				fail = v3CheckScope(req.Auth.Scope, who)
			}
			// A token made from an application credential's token is still that
			// credential's, with its restrictions, as in Keystone.
			if id := req.Auth.Identity; fail == nil && id.Methods[0] == "token" {
				if src, ok := s.lookupToken(id.Token.ID); ok {
					appCred = src.appCred
				}
			}
		}
		switch {
		case fail == nil:
		case fail.Status == http.StatusUnauthorized:
			w.Header().Set("WWW-Authenticate", `Keystone uri="`+s.url+`/identity"`)
			keystoneError(w, fail.Status, fail.Message)
			return
		default:
			keystoneError(w, fail.Status, fail.Message)
			return
		}
		t := s.issue(who, slices.Clone(req.Auth.Identity.Methods))
		t.appCred = appCred
		w.Header().Set("X-Subject-Token", t.id)
		writeJSON(w, http.StatusCreated, s.v3Token(t))
	})
}

func keystoneBadRequest(what string) string {
	return what + " The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."
}

var errV3Unauthorized = &apiError{Status: http.StatusUnauthorized, Message: unauthorizedMessage}

// v3Authenticate checks one password (user by id, or by name in the default domain) or token
// method. Inside s.identity.locked.
func (s *Server) v3Authenticate(id *v3Identity) (principal, *apiError) {
	switch {
	case len(id.Methods) != 1:
		return principal{}, errV3Unauthorized
	case id.Methods[0] == "password" && id.Password != nil && id.Password.User != nil:
		u := id.Password.User
		if u.ID == "" && !isDefaultDomain(u.Domain) {
			return principal{}, &apiError{Status: http.StatusBadRequest, Message: keystoneBadRequest("Expecting to find domain in user.")}
		}
		acct, ok := s.findAccount(func(a Account) bool {
			byID := u.ID != "" && userID(a.Username) == u.ID
			return (byID || (u.ID == "" && a.Username == u.Name)) && a.Password != "" && a.Password == u.Password
		})
		if !ok {
			return principal{}, errV3Unauthorized
		}
		return acct.principal(), nil
	case id.Methods[0] == "token" && id.Token != nil:
		t, ok := s.lookupToken(id.Token.ID)
		if !ok {
			return principal{}, errV3Unauthorized
		}
		return t.who, nil
	}
	return principal{}, errV3Unauthorized
}

// v3CheckScope allows only the user's own project (by id, or by name in the default domain).
func v3CheckScope(sc *v3Scope, who principal) *apiError {
	if sc == nil {
		return nil
	}
	p := sc.Project
	if p == nil || sc.Domain != nil || sc.System != nil {
		return errV3Unauthorized
	}
	if p.ID != "" && p.ID == who.TenantID {
		return nil
	}
	if p.ID == "" && p.Name == who.TenantName && isDefaultDomain(p.Domain) {
		return nil
	}
	return errV3Unauthorized
}

// v3TokenInfo is GET/HEAD/DELETE /identity/v3/auth/tokens: validate or revoke the
// X-Subject-Token with a valid X-Auth-Token.
func (s *Server) v3TokenInfo(w http.ResponseWriter, r *http.Request, _ *call) {
	s.identity.locked(func() {
		if _, ok := s.lookupToken(r.Header.Get("X-Auth-Token")); !ok {
			s.unauthorized(w)
			return
		}
		subject := r.Header.Get("X-Subject-Token")
		t, ok := s.lookupToken(subject)
		if !ok {
			keystoneError(w, http.StatusNotFound, "Could not find token: "+subject+".")
			return
		}
		switch r.Method {
		case http.MethodDelete:
			s.identity.revoke(subject)
			w.WriteHeader(http.StatusNoContent)
		case http.MethodHead:
			w.Header().Set("X-Subject-Token", subject)
			w.WriteHeader(http.StatusOK)
		default:
			w.Header().Set("X-Subject-Token", subject)
			writeJSON(w, http.StatusOK, s.v3Token(t))
		}
	})
}
