package mockserver

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"time"
)

// recorder remembers the status for the request log. Unwrap lets http.ResponseController
// reach the real writer (Flush, Hijack for dropped-connection faults).
type recorder struct {
	http.ResponseWriter
	s      *Server
	r      *http.Request
	start  time.Time
	status int
	note   string // what a fault did to the answer, for the log
}

func (s *Server) record(w http.ResponseWriter, r *http.Request) *recorder {
	w.Header().Set("X-Openstack-Request-Id", "req-"+newUUID())
	return &recorder{ResponseWriter: w, s: s, r: r, start: time.Now()}
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.ResponseWriter.Write(b)
}

func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

func (rec *recorder) done() {
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	note := ""
	if rec.note != "" {
		note = " (" + rec.note + ")"
	}
	rec.s.logf("%s %s %d %s%s", rec.r.Method, rec.r.URL.RequestURI(), status, time.Since(rec.start).Round(time.Microsecond), note)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
