package mockserver

import (
	"strings"
	"time"
)

// v2 identity timestamps carry milliseconds, as Rackspace Identity's do.
const v2TimeLayout = "2006-01-02T15:04:05.000Z"

// v3 timestamps carry microseconds, as Keystone's do.
const v3TimeLayout = "2006-01-02T15:04:05.000000Z"

// v2Catalog is the serviceCatalog of a v2.0 access document: Keystone itself, the image
// service and the object store, one endpoint per region with that region's URL
// (Rackspace style: publicURL plus tenantId), each with its internalURL (Rackspace's
// ServiceNet) and, outside the rackspace flavour, the adminURL Keystone v2 lists.
func (s *Server) v2Catalog(who principal) []map[string]any {
	endpoints := func(urlOf func(v *Server) string) []map[string]any {
		var eps []map[string]any
		for _, v := range s.views {
			url := urlOf(v)
			ep := map[string]any{
				"region": v.name, "tenantId": who.TenantID,
				"publicURL": url, "internalURL": s.interfaceURL("internal", url),
			}
			if !s.rackspace() {
				ep["adminURL"] = s.interfaceURL("admin", url)
			}
			eps = append(eps, ep)
		}
		return eps
	}
	return []map[string]any{
		{"name": "keystone", "type": "identity", "endpoints": []map[string]any{{
			"region": s.regions[0].name, "publicURL": s.url + "/identity/v2.0",
		}}},
		{"name": "cloudImages", "type": "image", "endpoints": endpoints((*Server).catalogImageURL)},
		{"name": "cloudFiles", "type": "object-store", "endpoints": endpoints(objectStoreOf(who))},
	}
}

// Interfaces are the catalog's endpoint interfaces, Keystone's three.
var Interfaces = []string{"public", "internal", "admin"}

// interfaceURL is the URL of an endpoint under iface. The public endpoints are
// the server's own paths; the internal and admin ones are the same API under
// the prefix /internal or /admin (where a cloud would use another host or
// port), so a test can tell which interface a client chose
// (InterfaceRequests).
func (s *Server) interfaceURL(iface, url string) string {
	if iface == "public" {
		return url
	}
	return s.url + "/" + iface + strings.TrimPrefix(url, s.url)
}

// v3Catalog is the catalog of a v3 token: every endpoint under the three interfaces,
// in every region with that region's URL (Keystone style: one endpoint per region and
// interface). Identity is global: each region lists the same one.
func (s *Server) v3Catalog(who principal) []map[string]any {
	entry := func(name, typ string, urlOf func(v *Server) string) map[string]any {
		var eps []map[string]any
		for _, v := range s.views {
			url := urlOf(v)
			for _, iface := range Interfaces {
				eps = append(eps, map[string]any{
					"id": stableID(typ + "/" + v.name + "/" + iface), "interface": iface,
					"region": v.name, "region_id": v.name, "url": s.interfaceURL(iface, url),
				})
			}
		}
		return map[string]any{"id": stableID(typ), "name": name, "type": typ, "endpoints": eps}
	}
	return []map[string]any{
		entry("keystone", "identity", func(*Server) string { return s.url + "/identity" }),
		entry("glance", "image", (*Server).catalogImageURL),
		entry("cloudFiles", "object-store", objectStoreOf(who)),
	}
}

// objectStoreOf is who's object store account in a region, for the catalogs.
func objectStoreOf(who principal) func(v *Server) string {
	return func(v *Server) string { return v.ObjectStoreURL(who.TenantID) }
}

// stableID is a Keystone-looking id that stays the same for the life of the process.
func stableID(name string) string { return userID("catalog:" + name) }

// v2Access is the body of a v2.0 token response (REFERENCE §4.3).
func (s *Server) v2Access(t *token, authenticatedBy string) map[string]any {
	user := map[string]any{
		"id": t.who.UserID, "name": t.who.Username,
		"roles": []map[string]any{{"id": "3", "name": "identity:user-admin", "description": "User Admin Role."}},
	}
	if t.who.DefaultRegion != "" {
		user["RAX-AUTH:defaultRegion"] = t.who.DefaultRegion
	}
	return map[string]any{"access": map[string]any{
		"token": map[string]any{
			"id": t.id, "expires": t.expires.UTC().Format(v2TimeLayout),
			"tenant":                   map[string]any{"id": t.who.TenantID, "name": t.who.TenantName},
			"RAX-AUTH:authenticatedBy": []string{authenticatedBy},
		},
		"serviceCatalog": s.v2Catalog(t.who),
		"user":           user,
	}}
}

// v3Token is the body of a v3 token response (REFERENCE §4.2).
func (s *Server) v3Token(t *token) map[string]any {
	domain := map[string]any{"id": "default", "name": "Default"}
	body := map[string]any{
		"methods":    t.methods,
		"audit_ids":  []string{stableID(t.id)[:22]},
		"expires_at": v3Time(t.expires),
		"issued_at":  v3Time(t.issued),
		"is_domain":  false,
		"user":       map[string]any{"domain": domain, "id": t.who.UserID, "name": t.who.Username, "password_expires_at": nil},
		"project":    map[string]any{"domain": domain, "id": t.who.TenantID, "name": t.who.TenantName},
		"roles":      tokenRoles(false),
		"catalog":    s.v3Catalog(t.who),
	}
	if a := t.appCred; a != nil {
		body["application_credential"] = map[string]any{"id": a.id, "name": a.name, "restricted": !a.unrestricted}
	}
	return map[string]any{"token": body}
}

func v3Time(t time.Time) string { return t.UTC().Format(v3TimeLayout) }
