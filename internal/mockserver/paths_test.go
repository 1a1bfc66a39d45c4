package mockserver

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestPaths_NamesNeverReachTheFilesystem throws traversal attempts, encoded slashes, NUL
// and invalid UTF-8 at every place a name enters a URL (account, container, object, image
// id, tag, member id), then lists the disk: data files have names the server made up,
// and nothing was written outside the data dir.
func TestPaths_NamesNeverReachTheFilesystem(t *testing.T) {
	t.Parallel()
	top := t.TempDir()
	s := startServer(t, Options{DataDir: filepath.Join(top, "data")})
	tok := s.IssueToken(producer)
	own := "/object/v1/AUTH_" + producer
	expect(t, do(t, s, req{method: "PUT", path: own + "/c", token: tok}), http.StatusCreated, "")
	img := activeImage(t, s, nil, "image data")

	cases := []struct {
		method, path string
		status       int
		object       string // the object name a 201 stored in container c
		body         string // "" → "data"
	}{
		// Object names are opaque strings, as in Swift: stored in memory, data in a file
		// named by the server.
		{"PUT", own + "/c/../../../../escape", 201, "../../../../escape", ""},
		{"PUT", own + "/c/%2e%2e/%2e%2e/%2e%2e/escape2", 201, "../../../escape2", ""},
		{"PUT", own + "/c/..%2F..%2F..%2Fescape3", 201, "../../../escape3", ""},
		{"PUT", own + "/c//abs/path", 201, "/abs/path", ""},
		{"PUT", own + "/c/a%00b", 412, "", ""},
		{"PUT", own + "/c/%ff%fe", 412, "", ""},
		{"PUT", own + "/%00", 412, "", ""},
		{"PUT", own + "/a%2Fb", 400, "", ""},
		{"PUT", own + "/a%2Fb/o", 404, "", ""},
		{"GET", own + "/c/..", 404, "", ""},
		{"PUT", own + "/..", 201, "", ""}, // a container named "..": a name, not a place
		{"PUT", own + "/../o", 201, "", ""},
		{"PUT", own + "/%2e%2e/%2e%2e", 201, "", ""},
		{"PUT", "/object/v1/AUTH_%2e%2e/c/o", 403, "", ""},
		{"PUT", "/object/v1/AUTH_" + producer + "%2F..%2FAUTH_" + consumer + "/c/o", 403, "", ""},
		// Container "..", object "AUTH_100002/c": still the producer's own account.
		{"PUT", "/object/v1/AUTH_" + producer + "/../AUTH_" + consumer + "/c", 201, "", ""},
		// Image ids only ever name records; a data file is named after the image's own id.
		{"PUT", "/image/v2/images/../file", 404, "", ""},
		{"PUT", "/image/v2/images/%2e%2e/file", 404, "", ""},
		{"PUT", "/image/v2/images/..%2F..%2F..%2Fescape/file", 404, "", ""},
		{"PUT", "/image/v2/images/%00/file", 404, "", ""},
		{"GET", "/image/v2/images/%2e%2e%2F" + img + "/file", 404, "", ""},
		{"PATCH", "/image/v2/images/..", 415, "", ""},
		{"DELETE", "/image/v2/images/%2e%2e", 404, "", ""},
		{"PUT", "/image/v2/images/" + img + "/tags/..%2F..%2Ftag", 204, "", ""},
		{"PUT", "/image/v2/images/" + img + "/members/%00", 403, "", `{"status":"accepted"}`},
		{"POST", "/image/v2/images/" + img + "/members/..", 405, "", "{}"},
		{"POST", "/_mock/images/..%2F%00/kill", 404, "", "{}"},
	}
	for _, tc := range cases {
		body := tc.body
		if body == "" {
			body = "data"
		}
		r := do(t, s, req{method: tc.method, path: tc.path, token: tok, body: body,
			header: map[string]string{"Content-Type": "application/octet-stream"}})
		if tc.method == "GET" || tc.method == "DELETE" {
			r = do(t, s, req{method: tc.method, path: tc.path, token: tok})
		}
		if r.status != tc.status {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, r.status, r.body)
		}
		if tc.object == "" {
			continue
		}
		rec, ok := s.Object(producer, "c", tc.object)
		if !ok {
			t.Errorf("%s: no object %q", tc.path, tc.object)
			continue
		}
		if got := do(t, s, req{method: "GET", path: tc.path, token: tok}); got.status != 200 || string(got.body) != "data" {
			t.Errorf("GET %s: %d %q", tc.path, got.status, got.body)
		}
		if filepath.Dir(rec.DataPath) != filepath.Join(s.DataDir(), "objects") {
			t.Errorf("%q stored at %s", tc.object, rec.DataPath)
		}
	}
	if rec, _ := s.Image(img); len(rec.Tags) != 1 || rec.Tags[0] != "../../tag" {
		t.Errorf("tags %v", rec.Tags)
	}
	if objs := s.Objects(consumer); len(objs) != 0 {
		t.Errorf("reached the consumer's account: %+v", objs)
	}
	checkTree(t, top, s)
}

// checkTree lists everything under top: only the data dir, holding only images/ and
// objects/ with data files named as the server names them.
func checkTree(t *testing.T, top string, s *Server) {
	t.Helper()
	dataFile := regexp.MustCompile(`^(data|data/images|data/objects|data/images/[0-9a-f-]{36}-[0-9]+\.data|data/objects/object-[0-9]+\.data)$`)
	var files int
	err := filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == top {
			return err
		}
		rel, err := filepath.Rel(top, path)
		if err != nil {
			return err
		}
		if !dataFile.MatchString(filepath.ToSlash(rel)) {
			t.Errorf("unexpected on disk: %s", rel)
		}
		if !d.IsDir() {
			files++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(s.Images()) + len(s.Objects(producer)) + len(s.Objects(consumer)); files != want {
		t.Errorf("%d data files for %d images and objects", files, want)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(top), "escape")); !os.IsNotExist(err) {
		t.Errorf("escape above the test dir: %v", err)
	}
}
