package mockserver

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"sort"
	"time"
)

// ImageRecord is an image as the server stores it. Image and Images return deep copies.
type ImageRecord struct {
	ID                          string
	Name                        *string
	Status                      string
	Visibility                  string
	Protected, Hidden           bool // Hidden is os_hidden
	Owner                       string
	DiskFormat, ContainerFormat *string
	MinDisk, MinRAM             int
	Size, VirtualSize           *int64
	Checksum, OSHashAlgo        *string
	OSHashValue                 *string
	Tags                        []string
	Properties                  map[string]string // custom (extra) properties
	CreatedAt, UpdatedAt        time.Time
	DataPath                    string // file holding the image data; "" when none
}

// image is the stored record plus bookkeeping the API needs but tests do not.
type image struct {
	ImageRecord
	// upload counts upload and stage attempts, so a finishing upload or a delayed
	// transition can tell whether the image it started on is still the one in the store.
	upload uint64
	// staged is the data PUT /stage left in DataPath, hashed on the way, for a
	// glance-direct import to make the image's own; zero when nothing is staged.
	staged stored
}

// draft is a copy to change and commit only if every change succeeds.
func (img *image) draft() *image {
	d := *img
	d.ImageRecord = img.clone()
	return &d
}

func (r ImageRecord) clone() ImageRecord {
	c := r
	c.Name = clonePtr(r.Name)
	c.DiskFormat = clonePtr(r.DiskFormat)
	c.ContainerFormat = clonePtr(r.ContainerFormat)
	c.Size = clonePtr(r.Size)
	c.VirtualSize = clonePtr(r.VirtualSize)
	c.Checksum = clonePtr(r.Checksum)
	c.OSHashAlgo = clonePtr(r.OSHashAlgo)
	c.OSHashValue = clonePtr(r.OSHashValue)
	c.Tags = slices.Clone(r.Tags)
	if c.Tags == nil {
		c.Tags = []string{}
	}
	c.Properties = maps.Clone(r.Properties)
	if c.Properties == nil {
		c.Properties = map[string]string{}
	}
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func ptr[T any](v T) *T { return &v }

// Image returns a copy of the image with that id (any owner).
func (s *Server) Image(id string) (ImageRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	img, ok := s.images[id]
	if !ok {
		return ImageRecord{}, false
	}
	return img.clone(), true
}

// Images returns copies of all images of every owner, oldest first.
func (s *Server) Images() []ImageRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ImageRecord, 0, len(s.images))
	for _, img := range s.images {
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

// UpdateImage changes an image behind the API's back (drift tests). fn gets a copy; the
// ID cannot change and UpdatedAt is set to now afterwards.
func (s *Server) UpdateImage(id string, fn func(*ImageRecord)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	img, ok := s.images[id]
	if !ok {
		return fmt.Errorf("mockserver: no image %s", id)
	}
	c := img.clone()
	fn(&c)
	c.ID = id
	c.UpdatedAt = s.now()
	img.ImageRecord = c
	return nil
}

// DeleteImage removes an image behind the API's back, ignoring protection.
func (s *Server) DeleteImage(id string) error {
	s.mu.Lock()
	img, ok := s.images[id]
	s.forgetImage(id)
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("mockserver: no image %s", id)
	}
	removeData(img.DataPath)
	return nil
}

// forgetImage removes an image and its members from the store. Callers hold s.mu.
func (s *Server) forgetImage(id string) {
	delete(s.images, id)
	delete(s.members, id)
}

// removeData deletes an image's data file; called without s.mu held.
func removeData(path string) {
	if path != "" {
		_ = os.Remove(path)
	}
}

// canSee is Glance's visibility rule for a non-admin caller: own images, public and
// community ones, and ones the caller is a member of (any member status).
func (s *Server) canSee(img *image, tenant string) bool {
	switch {
	case img.Owner == tenant, img.Visibility == "public", img.Visibility == "community":
		return true
	}
	return s.memberStatus(img, tenant) != ""
}

// visibleImage finds an image the caller can see; otherwise Glance's 404.
func (s *Server) visibleImage(id, tenant string) (*image, *apiError) {
	img, ok := s.images[id]
	if !ok || !s.canSee(img, tenant) {
		return nil, errorf(http.StatusNotFound, "No image found with ID %s", id)
	}
	return img, nil
}

// ownedImage finds an image the caller may change: 404 when invisible, 403 when visible
// but owned by someone else (action names the Glance policy, e.g. "modify_image").
func (s *Server) ownedImage(id, tenant, action string) (*image, *apiError) {
	img, err := s.visibleImage(id, tenant)
	if err != nil {
		return nil, err
	}
	if img.Owner != tenant {
		return nil, errorf(http.StatusForbidden, "You are not authorized to complete %s action.", action)
	}
	return img, nil
}
