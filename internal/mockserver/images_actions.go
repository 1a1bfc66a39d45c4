package mockserver

import "net/http"

// deactivateImage is POST /v2/images/{id}/actions/deactivate (REFERENCE §1.10).
func (s *Server) deactivateImage(w http.ResponseWriter, r *http.Request, c *call) {
	s.imageAction(w, r, c, "deactivate", statusActive, statusDeactivated)
}

// reactivateImage is POST /v2/images/{id}/actions/reactivate.
func (s *Server) reactivateImage(w http.ResponseWriter, r *http.Request, c *call) {
	s.imageAction(w, r, c, "reactivate", statusDeactivated, statusActive)
}

// imageAction moves the caller's image from → to; already being in to is a no-op 204,
// any other status is 403.
func (s *Server) imageAction(w http.ResponseWriter, r *http.Request, c *call, action, from, to string) {
	err := s.withOwned(c.params["image_id"], c.who.TenantID, action, func(img *image) *apiError {
		switch {
		case img.Status == to:
			return nil
		case img.Status != from:
			return errorf(http.StatusForbidden, "Not allowed to %s image in status '%s'", action, img.Status)
		}
		if err := transition(img, to); err != nil {
			return err
		}
		img.UpdatedAt = s.now()
		return nil
	})
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// refuseAction is deactivate or reactivate on Rackspace, where only its admins may: a user
// who can see the image gets 403.
func (s *Server) refuseAction(action string) handler {
	return func(w http.ResponseWriter, r *http.Request, c *call) {
		err := s.withVisible(c.params["image_id"], c.who.TenantID, func(*image) *apiError { return nil })
		if err == nil {
			err = errorf(http.StatusForbidden, "You are not authorized to complete %s action.", action)
		}
		glanceErrors.write(w, r, err)
	}
}
