package mockserver

import "net/http"

// canSee is Glance's visibility rule for a non-admin caller: own images, public and
// community ones, and ones the caller is a member of (any member status). Callers hold
// the images' lock; the members are asked through memberStore, next in the lock order.
func (s *Server) canSee(img *image, tenant string) bool {
	switch {
	case img.Owner == tenant, img.Visibility == "public", img.Visibility == "community":
		return true
	}
	return s.memberStatus(img, tenant) != ""
}

// checkVisible is Glance's 404 for an image (nil: none has that id) the caller cannot see.
func (s *Server) checkVisible(img *image, id, tenant string) *apiError {
	if img == nil || !s.canSee(img, tenant) {
		return errorf(http.StatusNotFound, "No image found with ID %s", id)
	}
	return nil
}

// checkOwned is whether the caller may change the image: 404 when invisible, 403 when
// visible but owned by someone else (action names the Glance policy, e.g. "modify_image").
func (s *Server) checkOwned(img *image, id, tenant, action string) *apiError {
	if err := s.checkVisible(img, id, tenant); err != nil {
		return err
	}
	if img.Owner != tenant {
		return errorf(http.StatusForbidden, "You are not authorized to complete %s action.", action)
	}
	return nil
}

// withVisible runs fn, with the images locked, on an image the caller can see.
func (s *Server) withVisible(id, tenant string, fn func(img *image) *apiError) *apiError {
	return s.images.with(id, func(img *image) *apiError {
		if err := s.checkVisible(img, id, tenant); err != nil {
			return err
		}
		return fn(img)
	})
}

// withOwned runs fn, with the images locked, on an image the caller may change.
func (s *Server) withOwned(id, tenant, action string, fn func(img *image) *apiError) *apiError {
	return s.images.with(id, func(img *image) *apiError {
		if err := s.checkOwned(img, id, tenant, action); err != nil {
			return err
		}
		return fn(img)
	})
}
