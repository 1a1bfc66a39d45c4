package mockserver

// KillImage forces an image to killed whatever its status, as a failing store does to an
// upload (Rackspace's docs: "An error occurred during the image upload process"), for
// tests of a client waiting on it. A pending activation then finds nothing to do. Glance
// has no field to carry reason, so it goes to the request log.
func (s *Server) KillImage(id, reason string) error {
	err := s.images.with(id, func(img *image) *apiError {
		if img == nil {
			return noImage(id)
		}
		img.Status, img.UpdatedAt = statusKilled, s.now()
		return nil
	})
	if err != nil {
		return goError(err)
	}
	s.logf("image %s killed: %s", id, reason)
	return nil
}
