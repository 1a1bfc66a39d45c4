package mockserver

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"
)

// importOutcome is what the importing step came to, applied when the import finishes.
type importOutcome struct {
	data    stored // the image's data, on success
	fetched bool   // data.path was written by this import (web-download): removed if unused
	failure string // why the import failed, for the log; "" on success
}

// discard removes what an import that will never finish fetched.
func (o importOutcome) discard() {
	if o.fetched {
		removeData(o.data.path)
	}
}

// runImageImport moves an accepted import on: d after the request the image enters
// importing and its data is fetched (web-download) or taken from the stage
// (glance-direct); d later it becomes active, or goes back to queued marked with
// failedImportKey. With d ≤ 0 both steps happen at once, still in that order.
func (s *Server) runImageImport(job importJob, d time.Duration) {
	if d <= 0 {
		if out, ok := s.startImport(job); ok {
			s.finishImport(job, out)
		}
		return
	}
	s.life.after(d, func() {
		out, ok := s.startImport(job)
		if !ok {
			return
		}
		if !s.life.afterOr(d, func() { s.finishImport(job, out) }, out.discard) {
			out.discard()
		}
	})
}

// withImporting runs fn, with the images locked, on the image of job if the job still
// holds its import lock; false (fn not run) when it does not.
func (s *Server) withImporting(job importJob, fn func(img *image)) bool {
	err := s.images.with(job.id, func(img *image) *apiError {
		if img == nil || img.Properties[importLockKey] != job.lock {
			return noImage(job.id) // not this job's any more
		}
		fn(img)
		return nil
	})
	return err == nil
}

// startImport enters importing and gets the data, without holding the lock while it
// streams. False means the import is over already: the image is gone, or something
// (an upload, a stage, a test) moved it on meanwhile.
func (s *Server) startImport(job importJob) (importOutcome, bool) {
	from := statusQueued
	if job.method == methodGlanceDirect {
		from = statusUploading
	}
	var staged stored
	var old string
	var failure *apiError
	moved := false
	held := s.withImporting(job, func(img *image) {
		if moved = img.Status != from; moved {
			delete(img.Properties, importLockKey)
			return
		}
		if failure = transition(img, statusImporting); failure != nil {
			// The formats were removed since the import was accepted.
			old = s.failImport(img, job.method)
			return
		}
		img.UpdatedAt = s.now()
		staged = img.staged
	})
	switch {
	case !held || moved:
		return importOutcome{}, false
	case failure != nil:
		removeData(old)
		s.logf("image %s: %s import failed: %s", job.id, job.method, failure.Message)
		return importOutcome{}, false
	}

	if job.method == methodGlanceDirect {
		if _, err := os.Stat(staged.path); staged.path == "" || err != nil {
			return importOutcome{failure: "the staged data is missing"}, true
		}
		return importOutcome{data: staged}, true
	}
	data, err := s.webDownload(job)
	if err != nil {
		return importOutcome{failure: err.Error()}, true
	}
	return importOutcome{data: data, fetched: true}, true
}

// finishImport applies the outcome: importing → active with the data's size and hashes,
// or back to queued.
func (s *Server) finishImport(job importJob, out importOutcome) {
	var old string
	applied := false
	s.withImporting(job, func(img *image) {
		switch {
		case img.Status != statusImporting:
			delete(img.Properties, importLockKey)
		case out.failure != "":
			old, applied = s.failImport(img, job.method), true
		default:
			old, applied = img.DataPath, true
			img.DataPath, img.staged = out.data.path, stored{}
			img.Size, img.VirtualSize = ptr(out.data.size), ptr(out.data.size)
			img.Checksum, img.OSHashAlgo, img.OSHashValue = ptr(out.data.md5), ptr("sha512"), ptr(out.data.sha512)
			_ = transition(img, statusActive) // importing → active needs nothing more
			delete(img.Properties, importLockKey)
			img.UpdatedAt = s.now()
		}
	})
	switch {
	case !applied:
		out.discard()
	case out.failure != "":
		removeData(old)
		s.logf("image %s: %s import failed: %s", job.id, job.method, out.failure)
	case old != out.data.path:
		removeData(old)
	}
}

// failImport puts the image back to queued without data, marked with the failed method,
// as Glance's import flow reverts. It returns the data file to remove once the images are
// unlocked. Inside withImporting.
func (s *Server) failImport(img *image, method string) string {
	old := img.DataPath
	img.DataPath, img.staged = "", stored{}
	if img.Status != statusQueued {
		_ = transition(img, statusQueued) // importing and uploading may always go back
	}
	delete(img.Properties, importLockKey)
	img.Properties[failedImportKey] = method
	img.UpdatedAt = s.now()
	return old
}

// webDownloadClient fetches web-download URIs: a plain client, so loopback test servers
// work (the proxy settings never apply to loopback addresses).
var webDownloadClient = &http.Client{}

// webDownload GETs job.uri into a new data file, hashing on the way. A non-2xx answer is
// a failure, as is the server closing meanwhile.
func (s *Server) webDownload(job importJob) (stored, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, job.uri, nil)
	if err != nil {
		return stored{}, err
	}
	resp, err := webDownloadClient.Do(req)
	if err != nil {
		return stored{}, err
	}
	defer func() { _ = resp.Body.Close() }() // read to the end or abandoned: nothing to report
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return stored{}, fmt.Errorf("GET %s: %s", job.uri, resp.Status)
	}
	return s.storeData(job.id, resp.Body)
}
