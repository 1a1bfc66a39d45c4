package client

import (
	"crypto/md5" //nolint:gosec // test of Glance's md5 checksum
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeCloud is a small identity (v2.0 and v3) + Glance v2 emulation on one
// httptest server. Tests tweak its fields before the first request.
type fakeCloud struct {
	t   *testing.T
	srv *httptest.Server

	mu sync.Mutex

	// identity
	user, password, apiKey string
	tenantID, tenantName   string
	regions                []string // regions of the image service
	defaultRegion          string   // RAX-AUTH:defaultRegion ("" = absent)
	unversionedCatalog     bool     // catalog image URLs without /v2
	noImageService         bool
	expireFirstToken       bool // the first token issued is rejected by the image API
	tokenSeq               int
	valid                  map[string]bool
	identityCalls          int
	identityBodies         []map[string]any
	v3GetCalls             int

	// image API
	images      map[string]map[string]any
	order       []string
	statusSeq   map[string][]string // successive GETs of an image pop a status
	requests    []fakeRequest
	uploads     map[string][]byte
	override    func(w http.ResponseWriter, r *http.Request) bool // return true when handled
	nextPrefix  string                                            // prefix of "next" links; default "/v2"
	imageCalls  int
	seq         int
	uploadCount int
}

type fakeRequest struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
	ContentLength          int64
	TransferEncoding       []string
}

func newFakeCloud(t *testing.T) *fakeCloud {
	t.Helper()
	f := &fakeCloud{
		t:          t,
		user:       "alice",
		password:   "alice-secret-password",
		apiKey:     "alice-secret-apikey-0123456789",
		tenantID:   "100001",
		tenantName: "tenant-one",
		regions:    []string{"DFW"},
		valid:      map[string]bool{},
		images:     map[string]map[string]any{},
		statusSeq:  map[string][]string{},
		uploads:    map[string][]byte{},
		nextPrefix: "/v2",
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeCloud) v2URL() string { return f.srv.URL + "/identity/v2.0/" }
func (f *fakeCloud) v3URL() string { return f.srv.URL + "/identity/v3/" }

// imageURL is the catalog URL of a region.
func (f *fakeCloud) imageURL(region string) string {
	u := f.srv.URL + "/r/" + region + "/image"
	if !f.unversionedCatalog {
		u += "/v2"
	}
	return u
}

func (f *fakeCloud) issueToken() string {
	f.tokenSeq++
	tok := fmt.Sprintf("issued-token-%d-%d", f.tokenSeq, time.Now().UnixNano())
	f.valid[tok] = !f.expireFirstToken || f.tokenSeq != 1
	return tok
}

func (f *fakeCloud) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.URL.Path == "/identity/v2.0/tokens":
		f.identityCalls++
		f.identityV2(w, body)
	case r.URL.Path == "/identity/v3/auth/tokens":
		f.identityCalls++
		f.identityV3(w, r, body)
	case r.URL.Path == "/identity/" || r.URL.Path == "/identity":
		writeJSON(w, http.StatusMultipleChoices, map[string]any{"versions": map[string]any{"values": []any{
			map[string]any{"id": "v3.14", "status": "stable", "links": []any{map[string]any{"rel": "self", "href": f.srv.URL + "/identity/v3/"}}},
		}}})
	case strings.HasPrefix(r.URL.Path, "/r/"):
		f.imageCalls++
		f.requests = append(f.requests, fakeRequest{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, ContentLength: r.ContentLength, TransferEncoding: r.TransferEncoding})
		if f.override != nil && f.override(w, r) {
			return
		}
		if !f.valid[r.Header.Get("X-Auth-Token")] {
			w.Header().Set("WWW-Authenticate", `Keystone uri="`+f.srv.URL+`/identity"`)
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
			return
		}
		f.imageAPI(w, r, body)
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func glanceError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{
		"message": msg + "<br /><br />\n\n\n",
		"code":    fmt.Sprintf("%d %s", status, http.StatusText(status)),
		"title":   http.StatusText(status),
	})
}

func (f *fakeCloud) identityV2(w http.ResponseWriter, body []byte) {
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"badRequest": map[string]any{"code": 400, "message": "Invalid request body: unable to parse Auth data. Please review XML or JSON formatting"}})
		return
	}
	f.identityBodies = append(f.identityBodies, req)
	auth, _ := req["auth"].(map[string]any)
	ok := false
	if pc, has := auth["passwordCredentials"].(map[string]any); has {
		ok = pc["username"] == f.user && pc["password"] == f.password
	}
	if kc, has := auth["RAX-KSKEY:apiKeyCredentials"].(map[string]any); has {
		ok = kc["username"] == f.user && kc["apiKey"] == f.apiKey
	}
	if tc, has := auth["token"].(map[string]any); has {
		id, _ := tc["id"].(string)
		ok = f.valid[id]
	}
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"unauthorized": map[string]any{"code": 401, "message": "Unable to authenticate user with credentials provided."}})
		return
	}
	var endpoints []any
	for _, reg := range f.regions {
		endpoints = append(endpoints, map[string]any{"region": reg, "tenantId": f.tenantID, "publicURL": f.imageURL(reg)})
	}
	catalog := []any{
		map[string]any{"name": "cloudFiles", "type": "object-store", "endpoints": []any{map[string]any{"region": "DFW", "publicURL": f.srv.URL + "/object/v1/AUTH_" + f.tenantID}}},
	}
	if !f.noImageService {
		catalog = append(catalog, map[string]any{"name": "cloudImages", "type": "image", "endpoints": endpoints})
	}
	var tok string
	if tc, has := auth["token"].(map[string]any); has {
		tok, _ = tc["id"].(string) // a v2 token request returns the same token
		f.valid[tok] = true
	} else {
		tok = f.issueToken()
	}
	user := map[string]any{"id": "172157", "name": f.user, "roles": []any{map[string]any{"id": "3", "name": "identity:user-admin"}}}
	if f.defaultRegion != "" {
		user["RAX-AUTH:defaultRegion"] = f.defaultRegion
	}
	writeJSON(w, http.StatusOK, map[string]any{"access": map[string]any{
		"token": map[string]any{
			"id": tok, "expires": time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"),
			"tenant": map[string]any{"id": f.tenantID, "name": f.tenantID},
		},
		"serviceCatalog": catalog,
		"user":           user,
	}})
}

func (f *fakeCloud) v3Catalog() []any {
	var endpoints []any
	for i, reg := range f.regions {
		for _, iface := range []string{"internal", "public", "admin"} {
			endpoints = append(endpoints, map[string]any{"id": fmt.Sprintf("ep-%d-%s", i, iface), "region": reg, "region_id": reg, "interface": iface, "url": f.imageURL(reg)})
		}
	}
	if f.noImageService {
		return []any{}
	}
	return []any{map[string]any{"type": "image", "name": "glance", "id": "svc-image", "endpoints": endpoints}}
}

func (f *fakeCloud) identityV3(w http.ResponseWriter, r *http.Request, body []byte) {
	project := map[string]any{"id": f.tenantID, "name": f.tenantName, "domain": map[string]any{"id": "default", "name": "Default"}}
	if r.Method == http.MethodGet { // token passthrough: validate X-Subject-Token
		f.v3GetCalls++
		sub := r.Header.Get("X-Subject-Token")
		if !f.valid[sub] {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"code": 404, "title": "Not Found", "message": "Could not find token."}})
			return
		}
		w.Header().Set("X-Subject-Token", sub)
		f.valid[sub] = true
		writeJSON(w, http.StatusOK, map[string]any{"token": map[string]any{"methods": []any{"token"}, "project": project, "catalog": f.v3Catalog(),
			"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano)}})
		return
	}
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"code": 400, "message": "malformed"}})
		return
	}
	f.identityBodies = append(f.identityBodies, req)
	auth, _ := req["auth"].(map[string]any)
	identity, _ := auth["identity"].(map[string]any)
	ok := false
	if pw, has := identity["password"].(map[string]any); has {
		u, _ := pw["user"].(map[string]any)
		dom, _ := u["domain"].(map[string]any)
		ok = u["name"] == f.user && u["password"] == f.password && dom["name"] == "Default"
	}
	if tk, has := identity["token"].(map[string]any); has {
		id, _ := tk["id"].(string)
		ok = f.valid[id]
	}
	if !ok {
		w.Header().Set("WWW-Authenticate", `Keystone uri="`+f.srv.URL+`/identity"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
		return
	}
	tok := f.issueToken()
	w.Header().Set("X-Subject-Token", tok)
	writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
		"methods": []any{"password"}, "project": project, "catalog": f.v3Catalog(),
		"user":       map[string]any{"id": "u1", "name": f.user, "domain": map[string]any{"id": "default", "name": "Default"}},
		"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano),
	}})
}

// ---- image API ----

func (f *fakeCloud) newImage(fields map[string]any) map[string]any {
	f.seq++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", f.seq)
	if v, ok := fields["id"].(string); ok {
		id = v
	}
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(f.seq) * time.Second).Format(time.RFC3339)
	img := map[string]any{
		"id": id, "name": nil, "status": "queued", "visibility": "shared", "owner": f.tenantID,
		"disk_format": nil, "container_format": nil, "checksum": nil, "os_hash_algo": nil, "os_hash_value": nil,
		"size": nil, "virtual_size": nil, "protected": false, "os_hidden": false, "min_disk": 0, "min_ram": 0,
		"tags": []any{}, "created_at": now, "updated_at": now,
		"self": "/v2/images/" + id, "file": "/v2/images/" + id + "/file", "schema": "/v2/schemas/image",
	}
	for k, v := range fields {
		img[k] = v
	}
	f.images[id] = img
	f.order = append(f.order, id)
	return img
}

// newImageID stores a new image and returns its id (call with f.mu held).
func (f *fakeCloud) newImageID(fields map[string]any) string {
	id, _ := f.newImage(fields)["id"].(string)
	return id
}

// dig walks nested JSON objects, failing the test when one is missing.
func dig(t *testing.T, v any, keys ...string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not a JSON object: %v", v)
	}
	for _, k := range keys {
		if m, ok = m[k].(map[string]any); !ok {
			t.Fatalf("no object at %q in %v", k, v)
		}
	}
	return m
}

func (f *fakeCloud) imageAPI(w http.ResponseWriter, r *http.Request, body []byte) {
	i := strings.Index(r.URL.Path, "/v2/")
	if i < 0 {
		http.NotFound(w, r)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path[i+len("/v2/"):], "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "images" && r.Method == http.MethodPost:
		var fields map[string]any
		if err := json.Unmarshal(body, &fields); err != nil {
			glanceError(w, 400, "Malformed JSON in request body.")
			return
		}
		writeJSON(w, http.StatusCreated, f.newImage(fields))
	case len(parts) == 1 && parts[0] == "images" && r.Method == http.MethodGet:
		f.list(w, r)
	case len(parts) == 2 && parts[0] == "images":
		img, ok := f.images[parts[1]]
		if !ok {
			glanceError(w, 404, "No image found with ID "+parts[1])
			return
		}
		switch r.Method {
		case http.MethodGet:
			if seq := f.statusSeq[parts[1]]; len(seq) > 0 {
				img["status"] = seq[0]
				if len(seq) > 1 {
					f.statusSeq[parts[1]] = seq[1:]
				}
				if seq[0] == "gone" {
					delete(f.images, parts[1])
					glanceError(w, 404, "No image found with ID "+parts[1])
					return
				}
			}
			writeJSON(w, http.StatusOK, img)
		case http.MethodPatch:
			if r.Header.Get("Content-Type") != "application/openstack-images-v2.1-json-patch" {
				w.Header().Set("Accept-Patch", "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch")
				glanceError(w, 415, "The request media type "+r.Header.Get("Content-Type")+" is not supported by this server.")
				return
			}
			var ops []map[string]any
			if err := json.Unmarshal(body, &ops); err != nil {
				glanceError(w, 400, "Request body must be a JSON array of operation objects.")
				return
			}
			for _, op := range ops {
				path, _ := op["path"].(string)
				tok := strings.TrimPrefix(path, "/")
				if strings.Contains(tok, "/") {
					glanceError(w, 400, fmt.Sprintf("Invalid JSON pointer for this resource: '%s'", path))
					return
				}
				key := strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
				if key == "status" {
					glanceError(w, 403, "Attribute 'status' is read-only.")
					return
				}
				switch op["op"] {
				case "add", "replace":
					img[key] = op["value"]
				case "remove":
					delete(img, key)
				}
			}
			writeJSON(w, http.StatusOK, img)
		case http.MethodDelete:
			if img["protected"] == true {
				glanceError(w, 403, "Image "+parts[1]+" is protected and cannot be deleted.")
				return
			}
			delete(f.images, parts[1])
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	case len(parts) == 3 && parts[0] == "images" && parts[2] == "file" && r.Method == http.MethodPut:
		img, ok := f.images[parts[1]]
		if !ok {
			glanceError(w, 404, "No image found with ID "+parts[1])
			return
		}
		if r.Header.Get("Content-Type") != "application/octet-stream" {
			glanceError(w, 415, "bad media type")
			return
		}
		f.uploadCount++
		f.uploads[parts[1]] = body
		m := md5.Sum(body) //nolint:gosec // Glance checksum
		s := sha512.Sum512(body)
		img["checksum"] = hex.EncodeToString(m[:])
		img["os_hash_algo"] = "sha512"
		img["os_hash_value"] = hex.EncodeToString(s[:])
		img["size"] = len(body)
		img["virtual_size"] = len(body)
		img["status"] = "active"
		w.WriteHeader(http.StatusNoContent)
	case len(parts) == 4 && parts[0] == "images" && parts[2] == "actions" && r.Method == http.MethodPost:
		img, ok := f.images[parts[1]]
		if !ok {
			glanceError(w, 404, "No image found with ID "+parts[1])
			return
		}
		switch parts[3] {
		case "deactivate":
			img["status"] = "deactivated"
		case "reactivate":
			img["status"] = "active"
		default:
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeCloud) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 25
	if l := q.Get("limit"); l != "" {
		limit, _ = strconv.Atoi(l)
	}
	ids := append([]string(nil), f.order...)
	sort.Strings(ids)
	start := 0
	if m := q.Get("marker"); m != "" {
		start = -1
		for i, id := range ids {
			if id == m {
				start = i + 1
			}
		}
		if start < 0 {
			glanceError(w, 400, "marker not found")
			return
		}
	}
	var page []any
	last := ""
	for _, id := range ids[start:] {
		img, ok := f.images[id]
		if !ok {
			continue
		}
		if n := q.Get("name"); n != "" && img["name"] != n {
			continue
		}
		if len(page) == limit {
			break
		}
		page = append(page, img)
		last = id
	}
	q.Del("marker")
	out := map[string]any{"images": append([]any{}, page...), "schema": "/v2/schemas/images", "first": f.nextPrefix + "/images?" + q.Encode()}
	if len(page) == limit && limit > 0 {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = v
		}
		q2.Set("marker", last)
		out["next"] = f.nextPrefix + "/images?" + q2.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

// imageRequests returns the recorded image API requests.
func (f *fakeCloud) imageRequests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.requests...)
}

func (f *fakeCloud) locked(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}
