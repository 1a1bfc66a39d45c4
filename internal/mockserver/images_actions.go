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
	s.mu.Lock()
	img, err := s.ownedImage(c.params["image_id"], c.who.TenantID, action)
	if err == nil && img.Status != to {
		if img.Status != from {
			err = errorf(http.StatusForbidden, "Not allowed to %s image in status '%s'", action, img.Status)
		} else if err = transition(img, to); err == nil {
			img.UpdatedAt = s.now()
		}
	}
	s.mu.Unlock()
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
		s.mu.Lock()
		_, err := s.visibleImage(c.params["image_id"], c.who.TenantID)
		s.mu.Unlock()
		if err == nil {
			err = errorf(http.StatusForbidden, "You are not authorized to complete %s action.", action)
		}
		glanceErrors.write(w, r, err)
	}
}
