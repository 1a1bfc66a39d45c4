package mockserver

import (
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"time"
)

// copyBuffer is the chunk size data streams through; memory use per upload is constant.
const copyBuffer = 256 << 10

// stored describes data written to the data dir.
type stored struct {
	path        string
	size        int64
	md5, sha512 string
}

// uploadImage is PUT /v2/images/{id}/file (REFERENCE §1.8): queued → saving at once, the
// body streamed to disk through md5 and sha512, then active before the 204, as Glance's
// ImageDataController.upload does (the upload is synchronous; no Delay applies). A
// failed or interrupted upload puts the image back to queued, as Glance v2 does.
func (s *Server) uploadImage(w http.ResponseWriter, r *http.Request, c *call) {
	s.receiveData(w, r, c, dataTarget{status: statusSaving, action: "upload_image", finish: s.finishUpload})
}

// dataTarget is what receiveData does for one data route: the status the image is in
// while the body streams, the Glance policy a 403 names, and what to do with the data
// once it is on disk.
type dataTarget struct {
	status string
	action string
	finish func(id string, attempt uint64, data stored) *apiError
}

// receiveData is the part upload and stage share: octet-stream only, the optional
// x-openstack-image-size check, queued → t.status before the body is read, and back to
// queued if the body cannot be read or stored.
func (s *Server) receiveData(w http.ResponseWriter, r *http.Request, c *call, t dataTarget) {
	if ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ctype != "application/octet-stream" {
		unsupportedMediaType(w, r, "")
		return
	}
	want := int64(-1)
	if h := r.Header.Get("X-Openstack-Image-Size"); h != "" {
		n, err := strconv.ParseInt(h, 10, 64)
		if err != nil || n < 0 {
			glanceError(w, r, http.StatusBadRequest, "x-openstack-image-size must be a non-negative integer, got '"+h+"'")
			return
		}
		want = n
	}
	id := c.params["image_id"]
	var attempt uint64
	err := s.withOwned(id, c.who.TenantID, t.action, func(img *image) *apiError {
		if err := transition(img, t.status); err != nil {
			return err
		}
		img.upload++
		attempt = img.upload
		img.UpdatedAt = s.now()
		return nil
	})
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}

	data, storeErr := s.storeData(id, r.Body)
	var bodyErr *readError
	switch {
	case errors.As(storeErr, &bodyErr):
		s.restoreQueued(id, attempt, t.status)
		glanceError(w, r, http.StatusBadRequest, "Error reading image data: "+bodyErr.err.Error())
		return
	case storeErr != nil:
		s.restoreQueued(id, attempt, t.status)
		glanceError(w, r, http.StatusInternalServerError, "Error storing image data: "+storeErr.Error())
		return
	case want >= 0 && data.size != want:
		removeData(data.path)
		s.restoreQueued(id, attempt, t.status)
		glanceErrors.write(w, r, errorf(http.StatusBadRequest,
			"Image size mismatch: x-openstack-image-size is %d, the request body had %d bytes.", want, data.size))
		return
	}
	if err := t.finish(id, attempt, data); err != nil {
		removeData(data.path)
		glanceErrors.write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// storeData streams body into a new file in the data dir, hashing on the way. A failure to
// read the body (client gone) comes back as *readError, told apart from disk errors; on
// any error the partial file is removed.
func (s *Server) storeData(id string, body io.Reader) (stored, error) {
	f, err := os.CreateTemp(s.imageDir(), id+"-*.data")
	if err != nil {
		return stored{}, err
	}
	src := &bodyReader{r: body}
	md5h, shah := md5.New(), sha512.New()
	n, err := io.CopyBuffer(io.MultiWriter(f, md5h, shah), src, make([]byte, copyBuffer))
	if src.err != nil {
		err = &readError{src.err}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return stored{}, err
	}
	return stored{
		path: f.Name(), size: n,
		md5: hex.EncodeToString(md5h.Sum(nil)), sha512: hex.EncodeToString(shah.Sum(nil)),
	}, nil
}

// readError is a failure to read the request body, as opposed to a failure to store it.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }

// bodyReader remembers the body's read error other than EOF.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.err = err
	}
	return n, err
}

// finishUpload records the stored data on the image and makes it active. The image must
// still be the one this upload started on (not deleted, re-uploaded or killed).
func (s *Server) finishUpload(id string, attempt uint64, data stored) *apiError {
	var old string
	err := s.withAttempt(id, attempt, statusSaving, func(img *image) *apiError {
		old = img.DataPath
		img.DataPath = data.path
		img.Size, img.VirtualSize = ptr(data.size), ptr(data.size)
		img.Checksum, img.OSHashAlgo, img.OSHashValue = ptr(data.md5), ptr("sha512"), ptr(data.sha512)
		img.UpdatedAt = s.now()
		return transition(img, statusActive)
	})
	if old != data.path {
		removeData(old) // "" when the image had none, or the upload was refused
	}
	return err
}

// withAttempt runs fn on the image, with the images locked, if it is still the one the
// upload or stage attempt started on (not deleted, re-uploaded or killed) and in status;
// otherwise the answer is Glance's 410.
func (s *Server) withAttempt(id string, attempt uint64, status string, fn func(img *image) *apiError) *apiError {
	return s.images.with(id, func(img *image) *apiError {
		if img == nil || img.upload != attempt || img.Status != status {
			return errorf(http.StatusGone, "Image %s could not be found after upload. The image may have been deleted during the upload.", id)
		}
		return fn(img)
	})
}

// restoreQueued is Glance v2's _restore after a failed upload or stage: the image goes
// back from status from to queued, if it is still the one this attempt started on.
func (s *Server) restoreQueued(id string, attempt uint64, from string) {
	_ = s.withAttempt(id, attempt, from, func(img *image) *apiError { // gone: nothing to restore
		if transition(img, statusQueued) == nil {
			img.UpdatedAt = s.now()
		}
		return nil
	})
}

// downloadImage is GET /v2/images/{id}/file (REFERENCE §1.9). Ranges are served by
// http.ServeContent (206/416); the file is opened under the lock and streamed without it.
func (s *Server) downloadImage(w http.ResponseWriter, r *http.Request, c *call) {
	var f *os.File
	var checksum *string
	err := s.withVisible(c.params["image_id"], c.who.TenantID, func(img *image) *apiError {
		switch {
		case img.Status == statusDeactivated:
			return errorf(http.StatusForbidden, "The requested image has been deactivated. Image data download is forbidden.")
		case img.Status != statusActive || img.DataPath == "":
			return nil // no data yet
		}
		var openErr error
		if f, openErr = os.Open(img.DataPath); openErr != nil {
			return errorf(http.StatusInternalServerError, "Image data is unavailable: %v", openErr)
		}
		checksum = clonePtr(img.Checksum)
		return nil
	})
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	if f == nil {
		w.WriteHeader(http.StatusNoContent) // no data yet
		return
	}
	defer func() { _ = f.Close() }() // read-only: nothing to flush
	w.Header().Set("Content-Type", "application/octet-stream")
	if checksum != nil && r.Header.Get("Range") == "" {
		w.Header().Set("Content-MD5", *checksum)
	}
	http.ServeContent(w, r, "", time.Time{}, f)
}
