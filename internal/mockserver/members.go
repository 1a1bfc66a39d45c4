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

// maxMembers is Glance's image_member_quota.
const maxMembers = 128

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

// findMember returns the stored member, or nil. Callers hold s.mu.
func (s *Server) findMember(imageID, memberID string) *MemberRecord {
	i := slices.IndexFunc(s.members[imageID], func(m *MemberRecord) bool { return m.MemberID == memberID })
	if i < 0 {
		return nil
	}
	return s.members[imageID][i]
}

// memberStatus is the caller's membership status on an image that can have members (""
// when not a member). Callers hold s.mu.
func (s *Server) memberStatus(img *image, tenant string) string {
	if !s.sharable(img) {
		return ""
	}
	if m := s.findMember(img.ID, tenant); m != nil {
		return m.Status
	}
	return ""
}

// Members returns copies of an image's members, in the order they were added.
func (s *Server) Members(imageID string) []MemberRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]MemberRecord, 0, len(s.members[imageID]))
	for _, m := range s.members[imageID] {
		out = append(out, *m)
	}
	return out
}

// SetMemberStatus changes a member's status behind the API's back (drift tests).
func (s *Server) SetMemberStatus(imageID, memberID, status string) error {
	if !slices.Contains(memberStatuses, status) {
		return fmt.Errorf("mockserver: member status %q is not one of %v", status, memberStatuses)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.findMember(imageID, memberID)
	if m == nil {
		return fmt.Errorf("mockserver: %s is not a member of image %s", memberID, imageID)
	}
	m.Status, m.UpdatedAt = status, s.now()
	return nil
}

// DeleteMember removes a member behind the API's back (drift tests).
func (s *Server) DeleteMember(imageID, memberID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.removeMember(imageID, memberID) {
		return fmt.Errorf("mockserver: %s is not a member of image %s", memberID, imageID)
	}
	return nil
}

// removeMember deletes one membership; false when there was none. Callers hold s.mu.
func (s *Server) removeMember(imageID, memberID string) bool {
	list := s.members[imageID]
	i := slices.IndexFunc(list, func(m *MemberRecord) bool { return m.MemberID == memberID })
	if i < 0 {
		return false
	}
	list = slices.Delete(list, i, i+1)
	if len(list) == 0 {
		delete(s.members, imageID)
	} else {
		s.members[imageID] = list
	}
	return true
}
