package mockserver

import (
	"fmt"
	"slices"
	"time"
)

// MemberRecord is an image member (a tenant the image is shared with) as the server
// stores it. Members returns copies.
type MemberRecord struct {
	ImageID, MemberID, Status string
	CreatedAt, UpdatedAt      time.Time
}

// Member statuses (REFERENCE §2.1); new members start pending.
var memberStatuses = []string{"pending", "accepted", "rejected"}

func memberView(m *MemberRecord) map[string]any {
	return map[string]any{
		"image_id": m.ImageID, "member_id": m.MemberID, "status": m.Status,
		"created_at": isoTime(m.CreatedAt), "updated_at": isoTime(m.UpdatedAt),
		"schema": "/v2/schemas/member",
	}
}

// sharable tells whether an image can have members: shared ones in Glance, and private
// ones too in the Rackspace flavour, whose Glance predates the shared visibility.
func (s *Server) sharable(img *image) bool {
	return img.Visibility == "shared" || (s.rackspace() && img.Visibility == "private")
}

// memberStatus is the caller's membership status on an image that can have members (""
// when not a member). Callers hold the images' lock (memberStore comes after it).
func (s *Server) memberStatus(img *image, tenant string) string {
	if !s.sharable(img) {
		return ""
	}
	if m, ok := s.members.get(img.ID, tenant); ok {
		return m.Status
	}
	return ""
}

// Members returns copies of an image's members, in the order they were added.
func (s *Server) Members(imageID string) []MemberRecord { return s.members.list(imageID) }

// SetMemberStatus changes a member's status behind the API's back (drift tests).
func (s *Server) SetMemberStatus(imageID, memberID, status string) error {
	if !slices.Contains(memberStatuses, status) {
		return fmt.Errorf("mockserver: member status %q is not one of %v", status, memberStatuses)
	}
	if _, ok := s.members.setStatus(imageID, memberID, status, s.now()); !ok {
		return fmt.Errorf("mockserver: %s is not a member of image %s", memberID, imageID)
	}
	return nil
}

// DeleteMember removes a member behind the API's back (drift tests).
func (s *Server) DeleteMember(imageID, memberID string) error {
	if !s.members.remove(imageID, memberID) {
		return fmt.Errorf("mockserver: %s is not a member of image %s", memberID, imageID)
	}
	return nil
}
