package mockserver

import (
	"net/http"
	"sort"
)

// listImages is GET /v2/images: filter, sort, then page after the marker.
func (s *Server) listImages(w http.ResponseWriter, r *http.Request, c *call) {
	params := r.URL.Query()
	filters, extrasMatch := s.extraFilter(params)
	q, err := parseListQuery(filters)
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	q.limit = s.pageLimit(params, q.limit)
	tenant := c.who.TenantID
	views, lastID, badMarker := s.imagePage(tenant, q, extrasMatch)
	if badMarker {
		glanceError(w, r, http.StatusBadRequest, "No image found with ID "+q.marker)
		return
	}

	params.Del("marker")
	body := map[string]any{"images": views, "schema": "/v2/schemas/images", "first": "/v2/images"}
	if enc := params.Encode(); enc != "" {
		body["first"] = "/v2/images?" + enc
	}
	// Like Glance, a full page always gets a next link, even when nothing follows.
	if len(views) > 0 && len(views) == q.limit {
		params.Set("marker", lastID)
		body["next"] = "/v2/images?" + params.Encode()
	}
	writeJSON(w, http.StatusOK, body)
}

// imagePage is one page of the list, as views, with the images locked: the images the
// caller may list that match q (none unless extrasMatch), in q's order, after the
// marker. badMarker when the marker is no image the caller can see.
func (s *Server) imagePage(tenant string, q *listQuery, extrasMatch bool) (views []map[string]any, lastID string, badMarker bool) {
	s.images.scan(func(byID map[string]*image) {
		var found []*image
		for _, img := range byID {
			if extrasMatch && s.listable(img, tenant, q) && q.matches(img) {
				found = append(found, img)
			}
		}
		sort.Slice(found, func(i, j int) bool { return q.less(found[i], found[j]) })
		if q.marker != "" {
			m, ok := byID[q.marker]
			if badMarker = !ok || !s.canSee(m, tenant); badMarker {
				return
			}
			// Everything that sorts after the marker, whether or not the marker itself matches.
			at := sort.Search(len(found), func(i int) bool { return q.less(m, found[i]) })
			found = found[at:]
		}
		page := found[:min(q.limit, len(found))]
		views = make([]map[string]any, 0, len(page))
		for _, img := range page {
			views = append(views, s.imageView(img))
		}
		if len(page) > 0 {
			lastID = page[len(page)-1].ID
		}
	})
	return views, lastID, badMarker
}

// listable applies Glance's visibility rules for a non-admin caller, plus the exclusion of
// killed images and the os_hidden switch.
func (s *Server) listable(img *image, tenant string, q *listQuery) bool {
	if img.Status == statusKilled || img.Hidden != q.hidden {
		return false
	}
	vis := img.Visibility
	switch {
	case img.Owner == tenant, vis == "public":
	case vis == "community":
		if q.visibility == "" {
			return false
		}
	case s.sharable(img):
		st := s.memberStatus(img, tenant)
		if st == "" || (q.memberStatus != "all" && st != q.memberStatus) {
			return false
		}
		// To a member every image it was given is "shared", as Icehouse's
		// visibility=shared filter meant for Rackspace's shared private images.
		vis = "shared"
	default:
		return false
	}
	return q.visibility == "" || q.visibility == "all" || vis == q.visibility
}

func (q *listQuery) matches(img *image) bool {
	for _, f := range q.filters {
		if !f(img) {
			return false
		}
	}
	return true
}
