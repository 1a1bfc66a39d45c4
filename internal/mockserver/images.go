package mockserver

import (
	"net/http"
	"slices"
	"sort"
)

// createImage is POST /v2/images (REFERENCE §1.3).
func (s *Server) createImage(w http.ResponseWriter, r *http.Request, c *call) {
	img, err := s.newImage(r, c.who.TenantID)
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	view := s.imageView(img) // before add: from then on img is the store's
	if !s.images.add(img) {
		glanceError(w, r, http.StatusConflict, "Image with identifier "+img.ID+" already exists!")
		return
	}
	w.Header().Set("Location", "/v2/images/"+img.ID)
	s.setImportMethods(w)
	writeJSON(w, http.StatusCreated, view)
}

// newImage builds a queued image from a create body, in Glance's order of checks:
// disallowed keys (403), schema (400), reserved and read-only keys (403), policy (403),
// quotas (413).
func (s *Server) newImage(r *http.Request, tenant string) (*image, *apiError) {
	body, err := readJSON(r)
	if err != nil {
		return nil, err
	}
	obj, ok := body.(map[string]any)
	if !ok {
		return nil, schemaError("%s is not of type 'object'", pyRepr(body))
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if slices.Contains(disallowedKeys, k) {
			return nil, readOnlyError(k)
		}
	}
	now := s.now()
	img := &image{ImageRecord: ImageRecord{
		ID: newUUID(), Status: statusQueued, Visibility: s.defaultVisibility(), Owner: tenant,
		Tags: []string{}, Properties: map[string]string{}, CreatedAt: now, UpdatedAt: now,
	}}
	for _, k := range keys {
		if isReserved(k) || s.readOnly(k) {
			continue
		}
		if err := setField(&img.ImageRecord, k, obj[k]); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		if _, extra := s.extraReadOnly[k]; extra {
			return nil, readOnlyError(k) // even in os_glance: the server sets it
		}
		if isReserved(k) {
			return nil, reservedError(k)
		}
		if s.readOnly(k) {
			return nil, readOnlyError(k)
		}
	}
	if img.Owner == "" {
		img.Owner = tenant
	}
	if img.Visibility == "public" {
		return nil, errorf(http.StatusForbidden, "You are not authorized to complete publicize_image action.")
	}
	if img.Owner != tenant {
		return nil, errorf(http.StatusForbidden, "You are not permitted to create images owned by '%s'.", img.Owner)
	}
	if err := checkQuotas(&img.ImageRecord); err != nil {
		return nil, err
	}
	return img, nil
}

// getImage is GET /v2/images/{id}; invisible images are 404 like missing ones.
func (s *Server) getImage(w http.ResponseWriter, r *http.Request, c *call) {
	var view map[string]any
	err := s.withVisible(c.params["image_id"], c.who.TenantID, func(img *image) *apiError {
		view = s.imageView(img)
		return nil
	})
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	s.setImportMethods(w)
	writeJSON(w, http.StatusOK, view)
}

// deleteImage is DELETE /v2/images/{id}: owner only, never a protected image.
func (s *Server) deleteImage(w http.ResponseWriter, r *http.Request, c *call) {
	id := c.params["image_id"]
	img, err := s.removeImage(id, func(img *image) *apiError {
		return s.checkDelete(img, id, c.who.TenantID)
	})
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	removeData(img.DataPath)
	w.WriteHeader(http.StatusNoContent)
}

// checkDelete is whether the caller may delete img: owner only, never a protected image.
func (s *Server) checkDelete(img *image, id, tenant string) *apiError {
	if err := s.checkOwned(img, id, tenant, "delete_image"); err != nil {
		return err
	}
	if img.Protected {
		return errorf(http.StatusForbidden, "Image %s is protected and cannot be deleted.", id)
	}
	return nil
}
