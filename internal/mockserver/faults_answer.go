package mockserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// The faults that let a request through and spoil its answer: the handler writes to a
// heldAnswer instead of the connection, and the fault decides what, if anything, the
// client then gets.

// spoil runs next with its answer held back, then loses it, truncates it, or (after a
// killed upload) closes the connection, as f says.
func (s *Server) spoil(rec *recorder, r *http.Request, f Fault, next func(http.ResponseWriter, *http.Request)) {
	held := &heldAnswer{header: rec.Header(), keep: !f.LoseAnswer}
	var body *killingBody
	if f.KillUploadAfter > 0 {
		body = &killingBody{ReadCloser: r.Body, left: f.KillUploadAfter}
		r = r.WithContext(r.Context()) // a copy: the server's request keeps its own body
		r.Body = body
	}
	next(held, r)
	rec.status = held.statusCode()
	switch {
	case body != nil && body.killed:
		s.faults.count("kill_upload_after")
		rec.note = fmt.Sprintf("upload killed after %d bytes", f.KillUploadAfter)
		cut(rec)
	case f.LoseAnswer:
		s.faults.count("lose_answer")
		rec.note = "answer lost"
		cut(rec)
	case f.TruncateBody:
		s.faults.count("truncate_body")
		rec.note = "answer truncated"
		held.truncate(rec, r.Method)
	default: // the body was no longer than KillUploadAfter: nothing to spoil
		held.deliver(rec)
	}
}

// heldAnswer is a ResponseWriter that keeps the answer instead of sending it. Headers go
// to the real writer's map, so they are ready if the answer is delivered after all.
type heldAnswer struct {
	header http.Header
	status int
	keep   bool // false: the body is thrown away as it comes (a lost answer needs none)
	body   bytes.Buffer
}

func (h *heldAnswer) Header() http.Header { return h.header }

func (h *heldAnswer) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *heldAnswer) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	if !h.keep {
		return len(b), nil
	}
	return h.body.Write(b)
}

func (h *heldAnswer) statusCode() int {
	if h.status == 0 {
		return http.StatusOK
	}
	return h.status
}

// deliver sends the held answer as it is.
func (h *heldAnswer) deliver(w http.ResponseWriter) {
	w.WriteHeader(h.statusCode())
	_, _ = w.Write(h.body.Bytes())
}

// truncate writes the status line, the headers announcing the whole body and half of the
// body straight to the connection, then closes it. A HEAD answer keeps its headers as
// they are: its Content-Length is that of the body it never has.
func (h *heldAnswer) truncate(w http.ResponseWriter, method string) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer func() { _ = conn.Close() }() // the point is to end it here
	status := h.statusCode()
	if method != http.MethodHead && h.body.Len() > 0 {
		h.header.Set("Content-Length", strconv.Itoa(h.body.Len()))
	}
	_, _ = fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	_ = h.header.Write(buf)
	_, _ = buf.WriteString("\r\n")
	_, _ = buf.Write(h.body.Bytes()[:h.body.Len()/2])
	_ = buf.Flush()
}

// errUploadKilled is what a handler reads once KillUploadAfter has cut the body.
var errUploadKilled = errors.New("connection closed by an injected fault")

// killingBody gives a handler the first left bytes of a request body, then fails as a
// connection cut mid-upload does. The cut comes only if there is more to read.
type killingBody struct {
	io.ReadCloser
	left   int64
	killed bool
}

func (b *killingBody) Read(p []byte) (int, error) {
	if b.killed {
		return 0, errUploadKilled
	}
	if b.left == 0 {
		var one [1]byte
		if n, err := io.ReadFull(b.ReadCloser, one[:]); n == 0 && errors.Is(err, io.EOF) {
			return 0, io.EOF // exactly left bytes: the body is whole
		}
		b.killed = true
		return 0, errUploadKilled
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
