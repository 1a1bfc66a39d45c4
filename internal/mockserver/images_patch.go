package mockserver

import (
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

const (
	patchV20 = "application/openstack-images-v2.0-json-patch" // draft 4: {"replace": "/name", "value": …}
	patchV21 = "application/openstack-images-v2.1-json-patch" // draft 10: {"op": "replace", "path": "/name", …}
)

var patchOps = []string{"add", "remove", "replace"}

// patchReadOnly are the roots a PATCH may never touch (Glance's _readonly_properties).
var patchReadOnly = append(slices.Clone(readOnlyKeys), "id", "direct_url", "self", "file", "schema", "stores")

type patchOp struct {
	op    string
	path  []string // decoded JSON pointer tokens
	value any
}

// patchImage is PATCH /v2/images/{id} (REFERENCE §1.6). All operations are validated
// first, then applied to a copy that replaces the image only if every one succeeds.
func (s *Server) patchImage(w http.ResponseWriter, r *http.Request, c *call) {
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ctype != patchV20 && ctype != patchV21 {
		w.Header().Set("Accept-Patch", patchV20+", "+patchV21)
		unsupportedMediaType(w, r, "Image PATCH expects Content-Type one of: "+patchV20+", "+patchV21)
		return
	}
	ops, err := s.parsePatch(r, ctype == patchV20)
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	view, err := s.applyPatch(c.params["image_id"], c.who.TenantID, ops, ctype == patchV20)
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// applyPatch runs ops against a copy of the image and commits it, with the images locked;
// no operations is a read, which the caller need not own.
func (s *Server) applyPatch(id, tenant string, ops []patchOp, draft4 bool) (map[string]any, *apiError) {
	var view map[string]any
	err := s.withVisible(id, tenant, func(img *image) *apiError {
		if len(ops) == 0 {
			view = s.imageView(img)
			return nil
		}
		if img.Owner != tenant {
			return errorf(http.StatusForbidden, "You are not authorized to complete modify_image action.")
		}
		draft := img.draft()
		for _, op := range ops {
			if err := applyOp(draft, op, draft4, s.rackspace()); err != nil {
				return err
			}
		}
		if err := checkQuotas(&draft.ImageRecord); err != nil {
			return err
		}
		draft.UpdatedAt = s.now()
		*img = *draft
		view = s.imageView(img)
		return nil
	})
	return view, err
}

// applyOp is Glance's _do_add/_do_replace/_do_remove for one validated operation.
// formatsAnyTime lifts Glance's queued-only rule on the formats, as Rackspace documents
// them replaceable (patch-update-image-images-image-id.rst: "changing this may render
// your image unusable"); its images are never queued.
func applyOp(img *image, op patchOp, draft4, formatsAnyTime bool) *apiError {
	key := op.path[0]
	if key == "locations" {
		return errorf(http.StatusForbidden, "It's not allowed to %s locations if locations are invisible.", op.op)
	}
	base := slices.Contains(writableBase, key)
	_, exists := img.Properties[key]
	switch {
	case op.op == "remove" && base:
		return errorf(http.StatusForbidden, "Property %s may not be removed.", key)
	case op.op == "remove" && !exists:
		return errorf(http.StatusConflict, "Property %s does not exist.", key)
	case op.op == "remove":
		delete(img.Properties, key)
		return nil
	case op.op == "replace" && !base && !exists:
		return errorf(http.StatusConflict, "Property %s does not exist.", key)
	case op.op == "add" && !base && exists && draft4:
		return errorf(http.StatusConflict, "Property %s already present.", key)
	}
	switch key {
	case "owner":
		return errorf(http.StatusForbidden, "Owner can't be updated by non admin.")
	case "visibility":
		if op.value == "public" {
			return errorf(http.StatusForbidden, "You are not authorized to complete publicize_image action.")
		}
	case "disk_format", "container_format":
		if !formatsAnyTime && img.Status != statusQueued && img.Status != statusImporting {
			return errorf(http.StatusForbidden, "Attribute %s can be only replaced for a queued image.", key)
		}
	}
	return setField(&img.ImageRecord, key, op.value)
}

// parsePatch is Glance's RequestDeserializer.update: shape, operation names, JSON pointers,
// read-only and reserved roots, and the schema of each value.
func (s *Server) parsePatch(r *http.Request, draft4 bool) ([]patchOp, *apiError) {
	body, err := readJSON(r)
	if err != nil {
		return nil, err
	}
	raw, ok := body.([]any)
	if !ok {
		return nil, errorf(http.StatusBadRequest, "Request body must be a JSON array of operation objects.")
	}
	ops := make([]patchOp, 0, len(raw))
	for _, item := range raw {
		change, ok := item.(map[string]any)
		if !ok {
			return nil, errorf(http.StatusBadRequest, "Operations must be JSON objects.")
		}
		op, pointer, err := opAndPath(change, draft4)
		if err != nil {
			return nil, err
		}
		path, err := decodePointer(pointer)
		if err != nil {
			return nil, err
		}
		if _, extra := s.extraReadOnly[path[0]]; extra {
			return nil, readOnlyError(path[0]) // before the reserved check: os_glance_stores is read-only
		}
		if err := validatePath(op, path); err != nil {
			return nil, err
		}
		value, has := change["value"]
		if op != "remove" {
			if !has {
				return nil, errorf(http.StatusBadRequest, "Operation \"%s\" requires a member named \"value\".", op)
			}
			if path[0] != "locations" {
				var scratch ImageRecord
				if err := setField(&scratch, path[0], value); err != nil {
					return nil, err
				}
			}
		}
		ops = append(ops, patchOp{op: op, path: path, value: value})
	}
	return ops, nil
}

// opAndPath reads the operation name and pointer in either media type's syntax.
func opAndPath(change map[string]any, draft4 bool) (string, string, *apiError) {
	if draft4 {
		var op string
		for _, name := range patchOps {
			if _, ok := change[name]; ok {
				if op != "" {
					return "", "", errorf(http.StatusBadRequest, "Operation objects must contain only one member named \"add\", \"remove\", or \"replace\".")
				}
				op = name
			}
		}
		if op == "" {
			return "", "", errorf(http.StatusBadRequest, "Operation objects must contain exactly one member named \"add\", \"remove\", or \"replace\".")
		}
		pointer, _ := change[op].(string)
		return op, pointer, nil
	}
	rawOp, ok := change["op"]
	if !ok {
		return "", "", errorf(http.StatusBadRequest, "Unable to find `op` in JSON Schema change. It must be one of the following: %s.", strings.Join(patchOps, ", "))
	}
	op, _ := rawOp.(string)
	if !slices.Contains(patchOps, op) {
		return "", "", errorf(http.StatusBadRequest, "Invalid operation: `%v`. It must be one of the following: %s.", rawOp, strings.Join(patchOps, ", "))
	}
	rawPath, ok := change["path"]
	if !ok {
		return "", "", errorf(http.StatusBadRequest, "Unable to find 'path' in JSON Schema change")
	}
	pointer, _ := rawPath.(string)
	return op, pointer, nil
}

var (
	adjacentSlashRe = regexp.MustCompile(`/\s*?/`)
	badEscapeRe     = regexp.MustCompile(`~[^01]`)
)

// decodePointer is Glance's _validate_json_pointer + _decode_json_pointer: "~1" is "/",
// "~0" is "~".
func decodePointer(p string) ([]string, *apiError) {
	switch {
	case !strings.HasPrefix(p, "/"):
		return nil, errorf(http.StatusBadRequest, "Pointer `%s` does not start with \"/\".", p)
	case adjacentSlashRe.MatchString(p[1:]):
		return nil, errorf(http.StatusBadRequest, "Pointer `%s` contains adjacent \"/\".", p)
	case len(p) > 1 && strings.HasSuffix(p, "/"):
		return nil, errorf(http.StatusBadRequest, "Pointer `%s` end with \"/\".", p)
	case strings.TrimSpace(p[1:]) == "":
		return nil, errorf(http.StatusBadRequest, "Pointer `%s` does not contains valid token.", p)
	case badEscapeRe.MatchString(p) || strings.HasSuffix(p, "~"):
		return nil, errorf(http.StatusBadRequest, "Pointer `%s` contains \"~\" not part of a recognized escape sequence.", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, part := range parts {
		parts[i] = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~"))
	}
	return parts, nil
}

// validatePath is Glance's _validate_path: one token (locations excepted), and never a
// read-only or reserved root.
func validatePath(op string, path []string) *apiError {
	root := path[0]
	depth := 1
	if root == "locations" && op != "replace" {
		depth = 2
	}
	if len(path) != depth {
		return errorf(http.StatusBadRequest, "Invalid JSON pointer for this resource: '/%s'", strings.Join(path, "/"))
	}
	if slices.Contains(patchReadOnly, root) {
		return readOnlyError(root)
	}
	if isReserved(root) {
		return reservedError(root)
	}
	return nil
}
