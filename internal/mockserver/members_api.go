package mockserver

import (
	"net/http"
	"slices"
)

// The image members API (REFERENCE §2), with the checks in the order Glance's
// ImageMembersController makes them: body, image lookup (404), visibility and ownership
// (403), member lookup (404), then the value itself.

const (
	memberFormMessage = `Expected a member in the form: {"member": "image_id"}`
	statusFormMessage = `Expected a status in the form: {"status": "status"}`
	badStatusMessage  = `Incorrect request: Status must be "pending", "accepted" or "rejected".`
)

// memberImage is the members controller's image lookup, with its own 404 message.
func (s *Server) memberImage(id, tenant string) (*image, *apiError) {
	img, ok := s.images[id]
	if !ok || !s.canSee(img, tenant) {
		return nil, errorf(http.StatusNotFound, "Image %s not found.", id)
	}
	return img, nil
}

func memberNotFound(memberID, imageID string) *apiError {
	return errorf(http.StatusNotFound, "%s not found in the member list of the image %s.", memberID, imageID)
}

// readObject reads a JSON body that must be an object; form is the message for any other
// JSON value.
func readObject(r *http.Request, form string) (map[string]any, *apiError) {
	body, err := readJSON(r)
	if err != nil {
		return nil, err
	}
	obj, ok := body.(map[string]any)
	if !ok {
		return nil, errorf(http.StatusBadRequest, "%s", form)
	}
	return obj, nil
}

// createMember is POST /v2/images/{id}/members: 200 (not 201) with the new pending member.
func (s *Server) createMember(w http.ResponseWriter, r *http.Request, c *call) {
	if !s.requireJSON(w, r) {
		return
	}
	obj, err := readObject(r, memberFormMessage)
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	raw, has := obj["member"]
	memberID, isString := raw.(string)
	switch {
	case !has:
		err = errorf(http.StatusBadRequest, "Member to be added not specified")
	case raw == nil, isString && memberID == "":
		err = errorf(http.StatusBadRequest, "Member can't be empty")
	case !isString:
		err = errorf(http.StatusBadRequest, "%s", memberFormMessage)
	}
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	id, tenant := c.params["image_id"], c.who.TenantID
	s.mu.Lock()
	img, err := s.memberImage(id, tenant)
	var view map[string]any
	switch {
	case err != nil:
	case img.Owner != tenant && s.rackspace():
		// post-create-image-member-images-image-id-members.rst: "If the user making the
		// call is not the image owner, the response is HTTP 404." Glance: 403.
		err = errorf(http.StatusNotFound, "Image %s not found.", id)
	case !s.sharable(img) || img.Owner != tenant:
		err = errorf(http.StatusForbidden, "Not allowed to create members for image %s.", id)
	case len(s.members[id])+1 > maxMembers: // Glance's quota layer checks before the duplicate
		err = errorf(http.StatusRequestEntityTooLarge,
			"Image member limit exceeded for image %s: The limit has been exceeded on the number of allowed image members for this image. Attempted: %d, Maximum: %d:",
			id, len(s.members[id])+1, maxMembers)
	case s.findMember(id, memberID) != nil:
		err = errorf(http.StatusConflict, "Member %s is duplicated for image %s", memberID, id)
	default:
		now := s.now()
		m := &MemberRecord{ImageID: id, MemberID: memberID, Status: "pending", CreatedAt: now, UpdatedAt: now}
		s.members[id] = append(s.members[id], m)
		view = memberView(m)
	}
	s.mu.Unlock()
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// listMembers is GET /v2/images/{id}/members: the owner sees every member, a member only
// itself.
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, c *call) {
	id, tenant := c.params["image_id"], c.who.TenantID
	s.mu.Lock()
	img, err := s.memberImage(id, tenant)
	views := []map[string]any{}
	if err == nil && !s.sharable(img) {
		err = errorf(http.StatusForbidden, "Not allowed to list members for image %s: Only shared images have members.", id)
	}
	if err == nil {
		for _, m := range s.members[id] {
			if img.Owner == tenant || m.MemberID == tenant {
				views = append(views, memberView(m))
			}
		}
	}
	s.mu.Unlock()
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": views, "schema": "/v2/schemas/members"})
}

// getMember is GET /v2/images/{id}/members/{member_id}: the owner or that member; every
// refusal is a 404, so nothing leaks.
func (s *Server) getMember(w http.ResponseWriter, r *http.Request, c *call) {
	id, memberID, tenant := c.params["image_id"], c.params["member_id"], c.who.TenantID
	s.mu.Lock()
	img, err := s.memberImage(id, tenant)
	var view map[string]any
	if err == nil {
		err = s.visibleMember(img, memberID, tenant)
	}
	if err == nil {
		view = memberView(s.findMember(id, memberID))
	}
	s.mu.Unlock()
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// visibleMember checks the member exists and the caller may see it: Glance's member
// repository only holds rows of images the caller owns, or the caller's own row.
// Callers hold s.mu.
func (s *Server) visibleMember(img *image, memberID, tenant string) *apiError {
	if !s.sharable(img) {
		return errorf(http.StatusNotFound, "Only shared images have members.")
	}
	if (img.Owner != tenant && memberID != tenant) || s.findMember(img.ID, memberID) == nil {
		return memberNotFound(memberID, img.ID)
	}
	return nil
}

// updateMember is PUT /v2/images/{id}/members/{member_id}: only the member itself may
// change its status; the owner gets 403, anyone else 404.
func (s *Server) updateMember(w http.ResponseWriter, r *http.Request, c *call) {
	if !s.requireJSON(w, r) {
		return
	}
	obj, err := readObject(r, statusFormMessage)
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	raw, has := obj["status"]
	if !has {
		glanceError(w, r, http.StatusBadRequest, "Status not specified")
		return
	}
	id, memberID, tenant := c.params["image_id"], c.params["member_id"], c.who.TenantID
	s.mu.Lock()
	img, err := s.memberImage(id, tenant)
	var view map[string]any
	if err == nil && (!s.sharable(img) || img.Owner == tenant) {
		err = errorf(http.StatusForbidden, "Not allowed to update members for image %s.", id)
	}
	if err == nil {
		err = s.visibleMember(img, memberID, tenant)
	}
	status, _ := raw.(string)
	if err == nil && !slices.Contains(memberStatuses, status) {
		err = errorf(http.StatusBadRequest, "%s", badStatusMessage)
	}
	if err == nil {
		m := s.findMember(id, memberID)
		m.Status, m.UpdatedAt = status, s.now()
		view = memberView(m)
	}
	s.mu.Unlock()
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// deleteMember is DELETE /v2/images/{id}/members/{member_id}: owner only.
func (s *Server) deleteMember(w http.ResponseWriter, r *http.Request, c *call) {
	id, memberID, tenant := c.params["image_id"], c.params["member_id"], c.who.TenantID
	s.mu.Lock()
	img, err := s.memberImage(id, tenant)
	if err == nil && (!s.sharable(img) || img.Owner != tenant) {
		err = errorf(http.StatusForbidden, "Not allowed to delete members for image %s.", id)
	}
	if err == nil && !s.removeMember(id, memberID) {
		err = memberNotFound(memberID, id)
	}
	s.mu.Unlock()
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
