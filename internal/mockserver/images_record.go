package mockserver

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
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
	var rec ImageRecord
	err := s.images.with(id, func(img *image) *apiError {
		if img == nil {
			return noImage(id)
		}
		rec = img.clone()
		return nil
	})
	return rec, err == nil
}

// Images returns copies of all images of every owner, oldest first.
func (s *Server) Images() []ImageRecord { return s.images.records() }

// UpdateImage changes an image behind the API's back (drift tests). fn gets a copy; the
// ID cannot change and UpdatedAt is set to now afterwards.
func (s *Server) UpdateImage(id string, fn func(*ImageRecord)) error {
	err := s.images.with(id, func(img *image) *apiError {
		if img == nil {
			return noImage(id)
		}
		c := img.clone()
		fn(&c)
		c.ID = id
		c.UpdatedAt = s.now()
		img.ImageRecord = c
		return nil
	})
	if err != nil {
		return goError(err)
	}
	return nil
}

// DeleteImage removes an image behind the API's back, ignoring protection.
func (s *Server) DeleteImage(id string) error {
	img, err := s.removeImage(id, func(img *image) *apiError {
		if img == nil {
			return noImage(id)
		}
		return nil
	})
	if err != nil {
		return goError(err)
	}
	removeData(img.DataPath)
	return nil
}

// noImage is the Go API's refusal for an id no image has.
func noImage(id string) *apiError { return errorf(http.StatusNotFound, "no image %s", id) }

// goError is a refusal as the Go API reports it.
func goError(err *apiError) error { return fmt.Errorf("mockserver: %s", err.Message) }

// removeImage deletes the image if allow lets it, and its members with it, through
// memberStore while the images are locked, so that no one sees one without the other.
func (s *Server) removeImage(id string, allow func(img *image) *apiError) (*image, *apiError) {
	return s.images.remove(id, func(img *image) *apiError {
		if err := allow(img); err != nil {
			return err
		}
		s.members.forget(id)
		return nil
	})
}

// removeData deletes an image's data file; called with no lock held.
func removeData(path string) {
	if path != "" {
		_ = os.Remove(path)
	}
}
