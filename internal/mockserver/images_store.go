package mockserver

import (
	"sort"
	"sync"
)

// imageStore holds the images of every owner. In the lock order (see Server) it comes
// after taskStore and before memberStore: while it is held only memberStore's methods and
// leaf locks may be taken. Files are opened or removed under it, never copied.
type imageStore struct {
	mu   sync.Mutex
	byID map[string]*image
}

func newImageStore() *imageStore { return &imageStore{byID: map[string]*image{}} }

// with runs fn on the image of that id (nil when there is none) with the images locked,
// so that what fn checks still holds when it changes the image.
func (st *imageStore) with(id string, fn func(img *image) *apiError) *apiError {
	st.mu.Lock()
	defer st.mu.Unlock()
	return fn(st.byID[id])
}

// scan runs fn with the images locked, for lists: fn may read any image, and must not
// change the map.
func (st *imageStore) scan(fn func(byID map[string]*image)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	fn(st.byID)
}

// add stores a new image; false when one with that id exists already.
func (st *imageStore) add(img *image) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, dup := st.byID[img.ID]; dup {
		return false
	}
	st.byID[img.ID] = img
	return true
}

// remove deletes the image of that id if allow, called with the images locked and the
// image (nil when there is none), says nothing against it. It returns the image removed.
func (st *imageStore) remove(id string, allow func(img *image) *apiError) (*image, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	img := st.byID[id]
	if err := allow(img); err != nil {
		return nil, err
	}
	delete(st.byID, id)
	return img, nil
}

// records returns copies of every image, oldest first.
func (st *imageStore) records() []ImageRecord {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]ImageRecord, 0, len(st.byID))
	for _, img := range st.byID {
		out = append(out, img.clone())
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}
