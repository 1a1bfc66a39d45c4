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
	var objects, bytes int64
	var entries []listEntry
	h := w.Header()
	s.objects.account(tenant, func(containers map[string]*container) {
		for name, ct := range containers {
			objects += int64(len(ct.objects))
			n := ct.bytes()
			bytes += n
			entries = append(entries, listEntry{name: name, fields: map[string]any{
				"name": name, "count": len(ct.objects), "bytes": n, "last_modified": listingTime(ct.created),
			}})
		}
		h.Set("X-Account-Container-Count", strconv.Itoa(len(containers)))
	})
	h.Set("X-Account-Object-Count", strconv.FormatInt(objects, 10))
	h.Set("X-Account-Bytes-Used", strconv.FormatInt(bytes, 10))
	h.Set("X-Timestamp", xTimestamp(s.objects.opened))
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
	created := s.objects.ensure(tenant, c.params["container"], s.now())
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
	var entries []listEntry
	found := false
	s.objects.withContainer(tenant, c.params["container"], func(ct *container) {
		if found = ct != nil; !found {
			return
		}
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
	})
	if !found {
		swiftErrors.write(w, r, errorf(http.StatusNotFound, "The resource could not be found."))
		return
	}
	writeListing(w, r, q, entries)
}

// deleteContainer is DELETE /{container}: only an empty one (409 otherwise).
func (s *Server) deleteContainer(w http.ResponseWriter, r *http.Request, c *call) {
	tenant, err := objectTenant(c)
	if err == nil {
		name := c.params["container"]
		s.objects.account(tenant, func(containers map[string]*container) {
			switch ct := containers[name]; {
			case ct == nil:
				err = errorf(http.StatusNotFound, "The resource could not be found.")
			case len(ct.objects) > 0:
				err = errorf(http.StatusConflict, "There was a conflict when trying to complete your request.")
			default:
				delete(containers, name)
			}
		})
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
	var f *os.File
	var meta storedObject
	s.objects.withContainer(tenant, c.params["container"], func(ct *container) {
		if ct == nil || ct.objects[c.params["object"]] == nil {
			err = errorf(http.StatusNotFound, "The resource could not be found.")
			return
		}
		meta = *ct.objects[c.params["object"]]
		var openErr error
		if f, openErr = os.Open(meta.DataPath); openErr != nil {
			err = errorf(http.StatusInternalServerError, "Object data is unavailable: %v", openErr)
		}
	})
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
		s.objects.withContainer(tenant, c.params["container"], func(ct *container) {
			if ct == nil || ct.objects[c.params["object"]] == nil {
				err = errorf(http.StatusNotFound, "The resource could not be found.")
				return
			}
			gone = ct.objects[c.params["object"]].DataPath
			delete(ct.objects, c.params["object"])
		})
	}
	if err != nil {
		swiftErrors.write(w, r, err)
		return
	}
	removeData(gone)
	w.WriteHeader(http.StatusNoContent)
}
