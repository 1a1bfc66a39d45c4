package mockserver

import "net/http"

// Image API versions advertised, newest first. v2.7 is the last one whose features
// (shared/community visibility, os_hidden) the mock has without import or multi-store.
var imageVersions = []string{"v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"}

func (s *Server) imageVersionDoc(id string) map[string]any {
	status := "SUPPORTED"
	if id == imageVersions[0] {
		status = "CURRENT"
	}
	return map[string]any{"id": id, "status": status, "links": []map[string]any{
		{"rel": "self", "href": s.regionURL() + "/image/v2/"},
	}}
}

// imageVersions is Glance's GET / (300) and GET /versions (200): what gophercloud reads to
// confirm an unversioned catalog URL speaks v2.
func (s *Server) imageVersions(status int) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ *call) {
		var vs []map[string]any
		for _, id := range imageVersions {
			vs = append(vs, s.imageVersionDoc(id))
		}
		writeJSON(w, status, map[string]any{"versions": vs})
	}
}

// imageV2Version describes the v2 API itself (GET /image/v2).
func (s *Server) imageV2Version(w http.ResponseWriter, _ *http.Request, _ *call) {
	writeJSON(w, http.StatusOK, map[string]any{"version": s.imageVersionDoc(imageVersions[0])})
}

func (s *Server) identityVersionDoc(v string) map[string]any {
	if v == "v2.0" {
		return map[string]any{
			"id": "v2.0", "status": "stable", "updated": "2014-04-17T00:00:00Z",
			"links": []map[string]any{
				{"rel": "self", "href": s.IdentityV2URL()},
				{"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
			},
			"media-types": []map[string]any{{"base": "application/json", "type": "application/vnd.openstack.identity-v2.0+json"}},
		}
	}
	return map[string]any{
		"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
		"links":       []map[string]any{{"rel": "self", "href": s.IdentityV3URL()}},
		"media-types": []map[string]any{{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}},
	}
}

// identityVersions is Keystone's GET / (300): gophercloud's ChooseVersion reads it when
// given an unversioned identity endpoint.
func (s *Server) identityVersions(w http.ResponseWriter, _ *http.Request, _ *call) {
	writeJSON(w, http.StatusMultipleChoices, map[string]any{"versions": map[string]any{
		"values": []map[string]any{s.identityVersionDoc("v3"), s.identityVersionDoc("v2.0")},
	}})
}

func (s *Server) identityVersion(v string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ *call) {
		writeJSON(w, http.StatusOK, map[string]any{"version": s.identityVersionDoc(v)})
	}
}
