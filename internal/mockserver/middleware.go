package mockserver

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"time"
)

// bodyHook, when set, sees every answer the server sent through the recorder, with its
// route template ("" when no route matched). The package's tests set it in TestMain to
// check every body against the schemas the server serves; it is nil otherwise, and then
// nothing is copied.
var bodyHook func(s *Server, route string, r *http.Request, status int, header http.Header, body []byte)

// recorder remembers the status for the request log. Unwrap lets http.ResponseController
// reach the real writer (Flush, Hijack for dropped-connection faults).
type recorder struct {
	http.ResponseWriter
	s      *Server
	r      *http.Request
	start  time.Time
	status int
	note   string        // what a fault did to the answer, for the log
	route  string        // the matched route's template, for bodyHook
	body   *bytes.Buffer // a copy of the answer, only with bodyHook
}

func (s *Server) record(w http.ResponseWriter, r *http.Request) *recorder {
	w.Header().Set("X-Openstack-Request-Id", "req-"+newUUID())
	rec := &recorder{ResponseWriter: w, s: s, r: r, start: time.Now()}
	if bodyHook != nil {
		rec.body = &bytes.Buffer{}
	}
	return rec
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
	if rec.body != nil {
		rec.body.Write(b)
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
	if rec.body != nil && rec.note == "" { // a spoiled answer is not the server's body
		bodyHook(rec.s, rec.route, rec.r, status, rec.Header(), rec.body.Bytes())
	}
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
