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

// withMemberImage is the members controller's image lookup, with its own 404 message:
// fn runs on an image the caller can see, with the images locked, so that the image
// checks still hold while fn reads or changes its members (memberStore, next in the
// lock order). fn must not change the image.
func (s *Server) withMemberImage(id, tenant string, fn func(img *image) *apiError) *apiError {
	return s.images.with(id, func(img *image) *apiError {
		if img == nil || !s.canSee(img, tenant) {
			return errorf(http.StatusNotFound, "Image %s not found.", id)
		}
		return fn(img)
	})
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
	var view map[string]any
	err = s.withMemberImage(id, tenant, func(img *image) *apiError {
		switch {
		case img.Owner != tenant && s.rackspace():
			// post-create-image-member-images-image-id-members.rst: "If the user making the
			// call is not the image owner, the response is HTTP 404." Glance: 403.
			return errorf(http.StatusNotFound, "Image %s not found.", id)
		case !s.sharable(img) || img.Owner != tenant:
			return errorf(http.StatusForbidden, "Not allowed to create members for image %s.", id)
		}
		m, err := s.members.add(id, memberID, s.now())
		if err == nil {
			view = memberView(&m)
		}
		return err
	})
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
	views := []map[string]any{}
	err := s.withMemberImage(id, tenant, func(img *image) *apiError {
		if !s.sharable(img) {
			return errorf(http.StatusForbidden, "Not allowed to list members for image %s: Only shared images have members.", id)
		}
		for _, m := range s.members.list(id) {
			if img.Owner == tenant || m.MemberID == tenant {
				views = append(views, memberView(&m))
			}
		}
		return nil
	})
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
	var view map[string]any
	err := s.withMemberImage(id, tenant, func(img *image) *apiError {
		m, err := s.visibleMember(img, memberID, tenant)
		if err == nil {
			view = memberView(&m)
		}
		return err
	})
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// visibleMember checks the member exists and the caller may see it: Glance's member
// repository only holds rows of images the caller owns, or the caller's own row.
// Inside withMemberImage.
func (s *Server) visibleMember(img *image, memberID, tenant string) (MemberRecord, *apiError) {
	if !s.sharable(img) {
		return MemberRecord{}, errorf(http.StatusNotFound, "Only shared images have members.")
	}
	m, ok := s.members.get(img.ID, memberID)
	if (img.Owner != tenant && memberID != tenant) || !ok {
		return MemberRecord{}, memberNotFound(memberID, img.ID)
	}
	return m, nil
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
	status, _ := raw.(string)
	var view map[string]any
	err = s.withMemberImage(id, tenant, func(img *image) *apiError {
		if !s.sharable(img) || img.Owner == tenant {
			return errorf(http.StatusForbidden, "Not allowed to update members for image %s.", id)
		}
		if _, err := s.visibleMember(img, memberID, tenant); err != nil {
			return err
		}
		if !slices.Contains(memberStatuses, status) {
			return errorf(http.StatusBadRequest, "%s", badStatusMessage)
		}
		m, ok := s.members.setStatus(id, memberID, status, s.now())
		if !ok { // removed behind the API's back since visibleMember
			return memberNotFound(memberID, id)
		}
		view = memberView(&m)
		return nil
	})
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// deleteMember is DELETE /v2/images/{id}/members/{member_id}: owner only.
func (s *Server) deleteMember(w http.ResponseWriter, r *http.Request, c *call) {
	id, memberID, tenant := c.params["image_id"], c.params["member_id"], c.who.TenantID
	err := s.withMemberImage(id, tenant, func(img *image) *apiError {
		if !s.sharable(img) || img.Owner != tenant {
			return errorf(http.StatusForbidden, "Not allowed to delete members for image %s.", id)
		}
		if !s.members.remove(id, memberID) {
			return memberNotFound(memberID, id)
		}
		return nil
	})
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
