package mockserver

import (
	"net/http"
	"strings"
)

// The regions on the control path: GET /_mock/regions lists them, and the routes about
// one region's state take ?region= (the first region when absent).

// controlRegion is the view a control request's ?region= names, the first region's
// without one.
func (s *Server) controlRegion(r *http.Request) (*Server, *apiError) {
	q := r.URL.Query()
	if !q.Has("region") {
		return s.views[0], nil
	}
	name := q.Get("region")
	if v := s.view(name); v != nil {
		return v, nil
	}
	return nil, errorf(http.StatusNotFound, "no region %q (the server has %s)", name, strings.Join(s.Regions(), ", "))
}

// inRegion is " in region ORD" for messages of a server of several regions, "" with one.
func (s *Server) inRegion() string {
	if len(s.regions) == 1 {
		return ""
	}
	return " in region " + s.name
}

func (s *Server) listRegions(w http.ResponseWriter, _ *http.Request, _ *call) {
	out := []map[string]string{}
	for _, v := range s.views {
		out = append(out, map[string]string{
			"name": v.name, "image_url": v.ImageURL(), "object_store_url": v.ObjectStoreURL("{tenant_id}"),
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"regions": out})
}
