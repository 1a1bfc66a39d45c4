package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// maxJSONBody bounds metadata request bodies; image data never goes through here.
const maxJSONBody = 1 << 20

// writeJSON always sets Content-Type: application/json (gophercloud's pagination only
// parses bodies carrying it). HTML is not escaped, so Glance's "<br />" reads as Python's
// json.dumps writes it.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// readJSON decodes the request body keeping numbers as json.Number, so integer fields can
// be told apart from floats. Glance's messages for the failure modes; bodies past
// maxJSONBody get webob's 413. The Content-Type is not looked at, as in Glance
// (REFERENCE §1.15).
func readJSON(r *http.Request) (any, *apiError) {
	tooLarge := errorf(http.StatusRequestEntityTooLarge, "%s", defaultExplanation(http.StatusRequestEntityTooLarge))
	if r.ContentLength > maxJSONBody {
		return nil, tooLarge // known from the headers: no need to read it
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "Error reading request body: %v", err)
	}
	if len(raw) > maxJSONBody {
		return nil, tooLarge
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errorf(http.StatusBadRequest, "Body expected in request.")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errorf(http.StatusBadRequest, "Malformed JSON in request body.")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errorf(http.StatusBadRequest, "Malformed JSON in request body.")
	}
	switch v.(type) {
	case map[string]any, []any:
		return v, nil
	}
	return nil, errorf(http.StatusBadRequest, "Unexpected body type. Expected list/dict.")
}

// isoTime is Glance's timestamp layout (timeutils.isotime): UTC, no fraction.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
