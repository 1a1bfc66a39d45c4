package mockserver

import (
	"fmt"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The Swift API of the object store: accounts, containers and objects, with Swift's codes
// (201/202 on PUT, 204 on HEAD and DELETE, 409 for a container that is not empty, 422 for
// an ETag mismatch).

// objectTenant is the caller's tenant if the URL names its own account ("AUTH_<tenant>");
// a token may not reach into another account. Before that, as Swift's proxy does, a path
// that is not valid UTF-8 or holds a NUL is refused (412).
func objectTenant(c *call) (string, *apiError) {
	for _, p := range c.params {
		if !utf8.ValidString(p) || strings.ContainsRune(p, 0) {
			return "", errorf(http.StatusPreconditionFailed, "Invalid UTF8 or contains NULL")
		}
	}
	if c.params["account"] != "AUTH_"+c.who.TenantID {
		return "", errorf(http.StatusForbidden, "Access was denied to this resource.")
	}
	return c.who.TenantID, nil
}

// xTimestamp is Swift's X-Timestamp: seconds since the epoch with five decimals.
func xTimestamp(t time.Time) string {
	return fmt.Sprintf("%d.%05d", t.Unix(), t.Nanosecond()/10000)
}

func guessContentType(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// getAccount is GET/HEAD on the account: its totals, and on GET the container listing.
func (s *Server) getAccount(w http.ResponseWriter, r *http.Request, c *call) {
	tenant, err := objectTenant(c)
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	q, err := parseListing(r)
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	s.mu.Lock()
	var objects, bytes int64
	var entries []listEntry
	for name, ct := range s.containers[tenant] {
		objects += int64(len(ct.objects))
		n := ct.bytes()
		bytes += n
		entries = append(entries, listEntry{name: name, fields: map[string]any{
			"name": name, "count": len(ct.objects), "bytes": n, "last_modified": listingTime(ct.created),
		}})
	}
	h := w.Header()
	h.Set("X-Account-Container-Count", strconv.Itoa(len(s.containers[tenant])))
	h.Set("X-Account-Object-Count", strconv.FormatInt(objects, 10))
	h.Set("X-Account-Bytes-Used", strconv.FormatInt(bytes, 10))
	s.mu.Unlock()
	h.Set("X-Timestamp", xTimestamp(s.started))
	writeListing(w, r, q, entries)
}

// putContainer is PUT /{container}: 201 when created, 202 when it already existed.
func (s *Server) putContainer(w http.ResponseWriter, r *http.Request, c *call) {
	tenant, err := objectTenant(c)
	if err == nil {
		err = containerNameError(c.params["container"])
	}
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	s.mu.Lock()
	created := s.ensureContainer(tenant, c.params["container"])
	s.mu.Unlock()
	status := http.StatusAccepted
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
}

// getContainer is GET/HEAD /{container}: its totals, and on GET the object listing.
func (s *Server) getContainer(w http.ResponseWriter, r *http.Request, c *call) {
	tenant, err := objectTenant(c)
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	q, err := parseListing(r)
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	s.mu.Lock()
	ct := s.findContainer(tenant, c.params["container"])
	var entries []listEntry
	if ct != nil {
		for name, o := range ct.objects {
			entries = append(entries, listEntry{name: name, fields: map[string]any{
				"name": name, "bytes": o.Size, "hash": o.ETag, "content_type": o.contentType,
				"last_modified": listingTime(o.modified),
			}})
		}
		h := w.Header()
		h.Set("X-Container-Object-Count", strconv.Itoa(len(ct.objects)))
		h.Set("X-Container-Bytes-Used", strconv.FormatInt(ct.bytes(), 10))
		h.Set("X-Timestamp", xTimestamp(ct.created))
	}
	s.mu.Unlock()
	if ct == nil {
		swiftErrors.write(w, r, errorf(http.StatusNotFound, "The resource could not be found."))
		return
	}
	writeListing(w, r, q, entries)
}

// deleteContainer is DELETE /{container}: only an empty one (409 otherwise).
func (s *Server) deleteContainer(w http.ResponseWriter, r *http.Request, c *call) {
	tenant, err := objectTenant(c)
	if err == nil {
		s.mu.Lock()
		name := c.params["container"]
		switch ct := s.findContainer(tenant, name); {
		case ct == nil:
			err = errorf(http.StatusNotFound, "The resource could not be found.")
		case len(ct.objects) > 0:
			err = errorf(http.StatusConflict, "There was a conflict when trying to complete your request.")
		default:
			delete(s.containers[tenant], name)
		}
		s.mu.Unlock()
	}
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// putObject is PUT /{container}/{object}: the body streamed to disk through md5, checked
// against a client-sent ETag.
func (s *Server) putObject(w http.ResponseWriter, r *http.Request, c *call) {
	tenant, err := objectTenant(c)
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	obj, err := s.storeObject(tenant, c.params["container"], c.params["object"], r.Body, putOptions{
		contentType: r.Header.Get("Content-Type"), etag: r.Header.Get("ETag"),
	})
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Etag", obj.ETag)
	h.Set("Last-Modified", obj.modified.UTC().Format(http.TimeFormat))
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusCreated)
}

// getObject is GET/HEAD /{container}/{object}; ranges and conditional requests are
// http.ServeContent's.
func (s *Server) getObject(w http.ResponseWriter, r *http.Request, c *call) {
	tenant, err := objectTenant(c)
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	s.mu.Lock()
	var f *os.File
	var meta storedObject
	if ct := s.findContainer(tenant, c.params["container"]); ct != nil && ct.objects[c.params["object"]] != nil {
		meta = *ct.objects[c.params["object"]]
		var openErr error
		if f, openErr = os.Open(meta.DataPath); openErr != nil {
			err = errorf(http.StatusInternalServerError, "Object data is unavailable: %v", openErr)
		}
	} else {
		err = errorf(http.StatusNotFound, "The resource could not be found.")
	}
	s.mu.Unlock()
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	defer func() { _ = f.Close() }() // read-only: nothing to flush
	h := w.Header()
	h.Set("Etag", meta.ETag)
	h.Set("Content-Type", meta.contentType)
	h.Set("X-Timestamp", xTimestamp(meta.modified))
	http.ServeContent(w, r, "", meta.modified, f)
}

// deleteObject is DELETE /{container}/{object}.
func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request, c *call) {
	tenant, err := objectTenant(c)
	var gone string
	if err == nil {
		s.mu.Lock()
		ct := s.findContainer(tenant, c.params["container"])
		if ct != nil && ct.objects[c.params["object"]] != nil {
			gone = ct.objects[c.params["object"]].DataPath
			delete(ct.objects, c.params["object"])
		} else {
			err = errorf(http.StatusNotFound, "The resource could not be found.")
		}
		s.mu.Unlock()
	}
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	removeData(gone)
	w.WriteHeader(http.StatusNoContent)
}
