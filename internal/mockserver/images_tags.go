package mockserver

import (
	"net/http"
	"slices"
)

// putTag is PUT /v2/images/{id}/tags/{tag}: idempotent, owner only.
func (s *Server) putTag(w http.ResponseWriter, r *http.Request, c *call) {
	s.changeTags(w, r, c, func(img *image, tag string) *apiError {
		if _, err := validTag(tag); err != nil {
			return err
		}
		if !slices.Contains(img.Tags, tag) {
			img.Tags = append(img.Tags, tag)
		}
		return checkQuotas(&img.ImageRecord)
	})
}

// deleteTag is DELETE /v2/images/{id}/tags/{tag}: 404 when the image lacks the tag.
func (s *Server) deleteTag(w http.ResponseWriter, r *http.Request, c *call) {
	s.changeTags(w, r, c, func(img *image, tag string) *apiError {
		i := slices.Index(img.Tags, tag)
		if i < 0 {
			return errorf(http.StatusNotFound, "Tag %s not found.", tag)
		}
		img.Tags = slices.Delete(img.Tags, i, i+1)
		return nil
	})
}

// changeTags applies change to a copy of the caller's image and commits it on success.
func (s *Server) changeTags(w http.ResponseWriter, r *http.Request, c *call, change func(*image, string) *apiError) {
	err := s.withOwned(c.params["image_id"], c.who.TenantID, "modify_image", func(img *image) *apiError {
		draft := img.draft()
		if err := change(draft, c.params["tag"]); err != nil {
			return err
		}
		draft.UpdatedAt = s.now()
		*img = *draft
		return nil
	})
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
