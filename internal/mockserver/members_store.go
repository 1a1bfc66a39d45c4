package mockserver

import (
	"net/http"
	"slices"
	"sync"
	"time"
)

// memberStore holds the members of every image, in the order they were added. It is
// last in the lock order (see Server): its methods may be called with the images locked
// (visibility, the member_status filter, deleting an image, the members handlers' image
// checks), as well as bare by the Go API, and call nothing else. Each method is one step;
// none hands out a pointer.
type memberStore struct {
	mu      sync.Mutex
	byImage map[string][]*MemberRecord
}

// maxMembers is Glance's image_member_quota.
const maxMembers = 128

func newMemberStore() *memberStore { return &memberStore{byImage: map[string][]*MemberRecord{}} }

// find returns the stored member, or nil. Callers hold st.mu.
func (st *memberStore) find(imageID, memberID string) *MemberRecord {
	i := slices.IndexFunc(st.byImage[imageID], func(m *MemberRecord) bool { return m.MemberID == memberID })
	if i < 0 {
		return nil
	}
	return st.byImage[imageID][i]
}

// get returns a copy of one member.
func (st *memberStore) get(imageID, memberID string) (MemberRecord, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if m := st.find(imageID, memberID); m != nil {
		return *m, true
	}
	return MemberRecord{}, false
}

// list returns copies of an image's members.
func (st *memberStore) list(imageID string) []MemberRecord {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]MemberRecord, 0, len(st.byImage[imageID]))
	for _, m := range st.byImage[imageID] {
		out = append(out, *m)
	}
	return out
}

// add makes memberID a pending member of the image, checking Glance's quota before the
// duplicate (413, then 409) as its quota layer does.
func (st *memberStore) add(imageID, memberID string, now time.Time) (MemberRecord, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if n := len(st.byImage[imageID]) + 1; n > maxMembers {
		return MemberRecord{}, errorf(http.StatusRequestEntityTooLarge,
			"Image member limit exceeded for image %s: The limit has been exceeded on the number of allowed image members for this image. Attempted: %d, Maximum: %d:",
			imageID, n, maxMembers)
	}
	if st.find(imageID, memberID) != nil {
		return MemberRecord{}, errorf(http.StatusConflict, "Member %s is duplicated for image %s", memberID, imageID)
	}
	m := &MemberRecord{ImageID: imageID, MemberID: memberID, Status: "pending", CreatedAt: now, UpdatedAt: now}
	st.byImage[imageID] = append(st.byImage[imageID], m)
	return *m, nil
}

// setStatus changes a member's status; false when there is no such member.
func (st *memberStore) setStatus(imageID, memberID, status string, now time.Time) (MemberRecord, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	m := st.find(imageID, memberID)
	if m == nil {
		return MemberRecord{}, false
	}
	m.Status, m.UpdatedAt = status, now
	return *m, true
}

// remove deletes one membership; false when there was none.
func (st *memberStore) remove(imageID, memberID string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	list := st.byImage[imageID]
	i := slices.IndexFunc(list, func(m *MemberRecord) bool { return m.MemberID == memberID })
	if i < 0 {
		return false
	}
	list = slices.Delete(list, i, i+1)
	if len(list) == 0 {
		delete(st.byImage, imageID)
	} else {
		st.byImage[imageID] = list
	}
	return true
}

// forget removes every member of an image, as deleting it does.
func (st *memberStore) forget(imageID string) {
	st.mu.Lock()
	delete(st.byImage, imageID)
	st.mu.Unlock()
}
