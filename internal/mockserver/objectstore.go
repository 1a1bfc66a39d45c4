package mockserver

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The object store is the Cloud Files (Swift) subset tasks import from and export to: per
// tenant, containers of objects whose data lives in files under the data dir's "objects/".

// ObjectRecord is a stored object as tests see it. Object and Objects return copies.
type ObjectRecord struct {
	Container, Name string
	Size            int64
	ETag            string // md5 of the data, hex
	DataPath        string // the file holding the data
}

type storedObject struct {
	ObjectRecord
	contentType string
	modified    time.Time
}

type container struct {
	name    string
	created time.Time
	objects map[string]*storedObject
}

// bytes is the container's total object size.
func (c *container) bytes() int64 {
	var n int64
	for _, o := range c.objects {
		n += o.Size
	}
	return n
}

// Swift's name limits.
const (
	maxContainerName = 256
	maxObjectName    = 1024
)

func (s *Server) objectDir() string { return filepath.Join(s.dataDir, "objects") }

// ObjectStoreURL is the tenant's object store account in the view's region, what the
// catalog advertises: "…/object/v1/AUTH_<tenant>", "…/ORD/object/v1/AUTH_<tenant>" with
// several regions.
func (s *Server) ObjectStoreURL(tenantID string) string {
	return s.regionURL() + "/object/v1/AUTH_" + tenantID
}

func containerNameError(name string) *apiError {
	switch {
	case name == "" || strings.Contains(name, "/"):
		return errorf(http.StatusBadRequest, "Invalid container name %q", name)
	case len(name) > maxContainerName:
		return errorf(http.StatusBadRequest, "Container name length of %d longer than %d", len(name), maxContainerName)
	}
	return nil
}

// CreateContainer creates a container in the tenant's object store; an existing one is
// left as it is.
func (s *Server) CreateContainer(tenantID, name string) error {
	if err := containerNameError(name); err != nil {
		return fmt.Errorf("mockserver: %s", err.Message)
	}
	s.objects.ensure(tenantID, name, s.now())
	return nil
}

// PutObject stores r as container/name in the tenant's object store, replacing any object
// of that name. The container must exist.
func (s *Server) PutObject(tenantID, containerName, name string, r io.Reader) error {
	if _, err := s.storeObject(tenantID, containerName, name, r, putOptions{}); err != nil {
		return fmt.Errorf("mockserver: put %s/%s: %s", containerName, name, err.Message)
	}
	return nil
}

// Object returns a copy of one object of the tenant's.
func (s *Server) Object(tenantID, containerName, name string) (ObjectRecord, bool) {
	var rec ObjectRecord
	var ok bool
	s.objects.withContainer(tenantID, containerName, func(c *container) {
		if c != nil && c.objects[name] != nil {
			rec, ok = c.objects[name].ObjectRecord, true
		}
	})
	return rec, ok
}

// Objects returns copies of all the tenant's objects, by container then name.
func (s *Server) Objects(tenantID string) []ObjectRecord {
	var out []ObjectRecord
	s.objects.account(tenantID, func(containers map[string]*container) {
		for _, c := range containers {
			for _, o := range c.objects {
				out = append(out, o.ObjectRecord)
			}
		}
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Container != out[j].Container {
			return out[i].Container < out[j].Container
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// putOptions are what a PUT may ask of storeObject.
type putOptions struct {
	contentType string // "" → guessed from the name
	etag        string // the client's md5; "" → no check
	noReplace   bool   // an existing object is a conflict (exports never overwrite)
}

// errObjectExists is storeObject's answer to noReplace.
var errObjectExists = errorf(http.StatusConflict, "There was a conflict when trying to complete your request.")

// storeObject streams r into a new data file, hashing it on the way, and commits it as
// container/name. The lock is held only to check and to commit, never while data flows.
func (s *Server) storeObject(tenant, containerName, name string, r io.Reader, opts putOptions) (*storedObject, *apiError) {
	if len(name) > maxObjectName {
		return nil, errorf(http.StatusBadRequest, "Object name length of %d longer than %d", len(name), maxObjectName)
	}
	var c *container
	var exists bool
	s.objects.withContainer(tenant, containerName, func(found *container) {
		c, exists = found, found != nil && found.objects[name] != nil
	})
	if c == nil {
		return nil, errorf(http.StatusNotFound, "The resource could not be found.")
	}
	if exists && opts.noReplace {
		return nil, errObjectExists
	}
	path, size, sum, err := s.writeObjectFile(r)
	if err != nil {
		var rerr *readError
		if errors.As(err, &rerr) {
			return nil, errorf(http.StatusRequestTimeout, "Your request timed out.")
		}
		return nil, errorf(http.StatusInternalServerError, "Error storing object: %v", err)
	}
	if want := strings.Trim(opts.etag, `"`); want != "" && !strings.EqualFold(want, sum) {
		removeData(path)
		return nil, errorf(http.StatusUnprocessableEntity, "Unable to process the contained instructions")
	}
	ctype := opts.contentType
	if ctype == "" {
		ctype = guessContentType(name)
	}
	obj := &storedObject{
		ObjectRecord: ObjectRecord{Container: containerName, Name: name, Size: size, ETag: sum, DataPath: path},
		contentType:  ctype,
	}

	var old *storedObject
	var apiErr *apiError
	s.objects.withContainer(tenant, containerName, func(c *container) { // it may have gone while the data flowed
		switch {
		case c == nil:
			apiErr = errorf(http.StatusNotFound, "The resource could not be found.")
		case c.objects[name] != nil && opts.noReplace:
			apiErr = errObjectExists
		default:
			old = c.objects[name]
			obj.modified = s.now()
			c.objects[name] = obj
		}
	})
	if apiErr != nil {
		removeData(path)
		return nil, apiErr
	}
	if old != nil {
		removeData(old.DataPath)
	}
	return obj, nil
}

// writeObjectFile streams r into a new file under objects/, returning its md5. A failure
// to read r comes back as *readError; the partial file is removed on any error.
func (s *Server) writeObjectFile(r io.Reader) (path string, size int64, md5hex string, err error) {
	f, err := os.CreateTemp(s.objectDir(), "object-*.data")
	if err != nil {
		return "", 0, "", err
	}
	src := &bodyReader{r: r}
	h := md5.New()
	size, err = io.CopyBuffer(io.MultiWriter(f, h), src, make([]byte, copyBuffer))
	if src.err != nil {
		err = &readError{src.err}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", 0, "", err
	}
	return f.Name(), size, hex.EncodeToString(h.Sum(nil)), nil
}

// openObject opens an object's data for reading; the file stays readable even if the
// object is replaced or deleted meanwhile.
func (s *Server) openObject(tenant, containerName, name string) (*os.File, int64, bool) {
	var f *os.File
	var size int64
	s.objects.withContainer(tenant, containerName, func(c *container) {
		if c == nil || c.objects[name] == nil {
			return
		}
		o := c.objects[name]
		var err error
		if f, err = os.Open(o.DataPath); err == nil {
			size = o.Size
		}
	})
	return f, size, f != nil
}
