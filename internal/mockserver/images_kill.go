package mockserver

import "fmt"

// KillImage forces an image to killed whatever its status, as a failing store does to an
// upload (Rackspace's docs: "An error occurred during the image upload process"), for
// tests of a client waiting on it. A pending activation then finds nothing to do. Glance
// has no field to carry reason, so it goes to the request log.
func (s *Server) KillImage(id, reason string) error {
	s.mu.Lock()
	img, ok := s.images[id]
	if ok {
		img.Status, img.UpdatedAt = statusKilled, s.now()
	}
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("mockserver: no image %s", id)
	}
	s.logf("image %s killed: %s", id, reason)
	return nil
}
