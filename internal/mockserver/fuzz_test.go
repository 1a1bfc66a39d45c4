package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets' seeds live in testdata/fuzz/<FuzzName>/, inputs taken from the other
// tests; `go test` runs them as ordinary tests, `go test -fuzz FuzzJSONPatch` explores.

// putImage stores rec as it is, behind the API.
func putImage(s *Server, rec ImageRecord) {
	s.images.mu.Lock()
	s.images.byID[rec.ID] = &image{ImageRecord: rec.clone()}
	s.images.mu.Unlock()
}

// patchBase is the image every patch input starts from: custom properties and tags to
// replace and remove, formats to change while queued.
func patchBase(status string) ImageRecord {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return ImageRecord{
		ID: "5e1c3b2a-0000-4000-8000-000000000001", Name: ptr("base"), Status: status, Visibility: "shared",
		Owner: producer, DiskFormat: ptr("raw"), ContainerFormat: ptr("bare"), MinDisk: 1,
		Tags: []string{"a", "b"}, Properties: map[string]string{"os_distro": "ubuntu", "x~y/z": "odd"},
		CreatedAt: at, UpdatedAt: at,
	}
}

// FuzzJSONPatch feeds the PATCH parser and applier any body, in both media types, on a
// queued and an active image: it never panics, a refusal is a 4xx that leaves the image
// as it was, and an accepted patch leaves an image the schema allows.
func FuzzJSONPatch(f *testing.F) {
	s := startServer(f, Options{Now: newClock().Now})
	f.Fuzz(func(t *testing.T, body []byte, draft4, active bool) {
		status := statusQueued
		if active {
			status = statusActive
		}
		base := patchBase(status)
		putImage(s, base)
		r := httptest.NewRequestWithContext(context.Background(), "PATCH", "/", bytes.NewReader(body))
		ops, err := s.parsePatch(r, draft4)
		var view map[string]any
		if err == nil {
			view, err = s.applyPatch(base.ID, producer, ops, draft4)
		}
		got, _ := s.Image(base.ID)
		if err != nil {
			if err.Status < 400 || err.Status > 499 || err.Message == "" {
				t.Fatalf("refusal %d %q", err.Status, err.Message)
			}
			if !reflect.DeepEqual(got, base.clone()) {
				t.Fatalf("a refused patch changed the image:\n%+v\n%+v", got, base)
			}
			return
		}
		if problem := invalidImage(got, base); problem != "" {
			t.Fatalf("accepted patch %q left an invalid image: %s\n%+v", body, problem, got)
		}
		if _, err := json.Marshal(view); err != nil || view["id"] != base.ID {
			t.Fatalf("view %v: %v", view, err)
		}
	})
}

// invalidImage says what about rec the image schema and the patch rules forbid, or "".
func invalidImage(rec, base ImageRecord) string {
	enumOK := func(v *string, enum []string) bool { return v == nil || slices.Contains(enum, *v) }
	switch {
	case rec.ID != base.ID || rec.Owner != base.Owner || rec.Status != base.Status || !rec.CreatedAt.Equal(base.CreatedAt):
		return "a read-only attribute changed"
	case rec.Name != nil && utf8.RuneCountInString(*rec.Name) > maxStringLen:
		return "name too long"
	case !slices.Contains(visibilities, rec.Visibility) || rec.Visibility == "public":
		return "visibility " + rec.Visibility
	case !enumOK(rec.DiskFormat, diskFormats) || !enumOK(rec.ContainerFormat, containerFormats):
		return "format outside its enum"
	case rec.Status != statusQueued && (!reflect.DeepEqual(rec.DiskFormat, base.DiskFormat) || !reflect.DeepEqual(rec.ContainerFormat, base.ContainerFormat)):
		return "format changed after queued"
	case rec.MinDisk < 0 || rec.MinRAM < 0 || rec.MinDisk > math.MaxInt32 || rec.MinRAM > math.MaxInt32:
		return "min_disk or min_ram out of range"
	case len(rec.Tags) > maxTags || len(rec.Properties) > maxProperties:
		return "over quota"
	}
	for i, tag := range rec.Tags {
		if utf8.RuneCountInString(tag) > maxStringLen || slices.Contains(rec.Tags[:i], tag) {
			return fmt.Sprintf("tag %q", tag)
		}
	}
	for k := range rec.Properties {
		if k == "" || len(k) > maxStringLen || slices.Contains(writableBase, k) || slices.Contains(patchReadOnly, k) || isReserved(k) || k == "locations" {
			return fmt.Sprintf("property %q", k)
		}
	}
	return ""
}

// FuzzImageListQuery feeds GET /v2/images any query string: never a panic, never an
// answer other than 200 or 400, and a 200 is a page no longer than its limit.
func FuzzImageListQuery(f *testing.F) {
	s := startServer(f, Options{Now: newClock().Now})
	for i, owner := range []string{producer, producer, consumer} {
		rec := patchBase(statusActive)
		rec.ID = fmt.Sprintf("5e1c3b2a-0000-4000-8000-00000000000%d", i)
		rec.Owner, rec.Name, rec.Size = owner, ptr(fmt.Sprintf("image-%d", i)), ptr(int64(100*i))
		rec.CreatedAt = rec.CreatedAt.Add(time.Duration(i) * time.Minute)
		putImage(s, rec)
	}
	tok := s.IssueToken(producer)
	f.Fuzz(func(t *testing.T, query string) {
		q, err := parseListQuery(parseQuery(query))
		if err != nil && (err.Status != http.StatusBadRequest || err.Message == "") {
			t.Fatalf("parse refusal %d %q", err.Status, err.Message)
		}
		if err == nil && (q.limit < 0 || q.limit > maxLimit || len(q.sort) < 2) {
			t.Fatalf("parsed %+v", q)
		}
		r := (&http.Request{
			Method: "GET", URL: &url.URL{Path: "/image/v2/images", RawQuery: query}, RequestURI: "/image/v2/images?" + query,
			Header: http.Header{"X-Auth-Token": {tok}, "Accept": {"application/json"}}, Body: http.NoBody,
		}).WithContext(context.Background())
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK:
			var page struct {
				Images []map[string]any `json:"images"`
				Next   string           `json:"next"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || q == nil || len(page.Images) > q.limit {
				t.Fatalf("page %s: %v", w.Body.Bytes(), err)
			}
			if page.Next != "" && !strings.HasPrefix(page.Next, "/v2/images?") {
				t.Fatalf("next %q", page.Next)
			}
		case http.StatusBadRequest:
		default:
			t.Fatalf("%d %s", w.Code, w.Body.Bytes())
		}
	})
}

// parseQuery is url.Values as a handler sees them: pairs that do not parse are dropped.
func parseQuery(raw string) url.Values {
	v, _ := url.ParseQuery(raw)
	return v
}

// FuzzObjectPath puts, reads and deletes at any path below the producer's account (a
// container or an object, as the router parses it): only Swift's documented codes come
// back, a stored object reads back whole, and nothing but server-named data files ever
// appears on disk.
func FuzzObjectPath(f *testing.F) {
	top := f.TempDir()
	s := startServer(f, Options{DataDir: filepath.Join(top, "data")})
	tok := s.IssueToken(producer)
	if err := s.CreateContainer(producer, "c"); err != nil {
		f.Fatal(err)
	}
	allowed := map[int]bool{200: true, 201: true, 202: true, 204: true, 400: true, 403: true, 404: true, 405: true, 409: true, 412: true}
	f.Fuzz(func(t *testing.T, path string) {
		u, err := url.ParseRequestURI("/object/v1/AUTH_" + producer + "/" + path)
		if err != nil || u.RawQuery != "" || u.Fragment != "" {
			t.Skip("not a request target net/http would pass on")
		}
		call := func(method, body string) *httptest.ResponseRecorder {
			r := (&http.Request{
				Method: method, URL: u, RequestURI: u.RequestURI(), ContentLength: int64(len(body)),
				Header: http.Header{"X-Auth-Token": {tok}}, Body: io.NopCloser(strings.NewReader(body)),
			}).WithContext(context.Background())
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if !allowed[w.Code] {
				t.Fatalf("%s %s: %d %s", method, u.RequestURI(), w.Code, w.Body.Bytes())
			}
			return w
		}
		_, params := s.router.match(u.EscapedPath())
		if call("PUT", "fuzz").Code == http.StatusCreated && params["object"] != "" {
			if w := call("GET", ""); w.Code != http.StatusOK || w.Body.String() != "fuzz" {
				t.Fatalf("read back %d %q", w.Code, w.Body.Bytes())
			}
		}
		call("DELETE", "")
		checkTree(t, top, s)
	})
}
