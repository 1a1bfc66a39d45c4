package mockserver

import (
	"net/http"
	"net/url"
	"slices"
)

// Glance's bookkeeping properties of an import (reserved: clients cannot set them).
const (
	// importLockKey holds the id of the import under way, as Glance's
	// os_glance_import_task does; it is removed when the import ends either way.
	importLockKey = "os_glance_import_task"
	// failedImportKey names the method of an import that failed; a new import clears it.
	failedImportKey = "os_glance_failed_import"
)

// importJob is one accepted import; lock is the value of its importLockKey, which tells
// its delayed steps whether the image is still theirs.
type importJob struct {
	id, lock, method, uri string
}

// importImage is POST /v2/images/{id}/import (REFERENCE §1.11): 202 at once, then the
// image goes through importing to active (or back to queued) as runImageImport says.
// Checks in Glance's order: the body (400), the URI filter (400), the image (404/403),
// its status and formats (409), another import under way (409).
func (s *Server) importImage(w http.ResponseWriter, r *http.Request, c *call) {
	method, uri, err := parseImport(r)
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	job := importJob{id: c.params["image_id"], lock: newUUID(), method: method, uri: uri}
	err = s.withOwned(job.id, c.who.TenantID, "modify_image", func(img *image) *apiError {
		if err := importConflict(img, method); err != nil {
			return err
		}
		if img.Properties == nil {
			img.Properties = map[string]string{}
		}
		img.Properties[importLockKey] = job.lock
		delete(img.Properties, failedImportKey)
		img.UpdatedAt = s.now()
		return nil
	})
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	s.runImageImport(job, s.pace())
	w.WriteHeader(http.StatusAccepted)
}

// parseImport reads {"method": {"name": …, "uri": …}}. Fields of multi-store imports
// (stores, all_stores, …) are ignored: the mock has one store.
func parseImport(r *http.Request) (string, string, *apiError) {
	body, err := readJSON(r)
	if err != nil {
		return "", "", err
	}
	obj, _ := body.(map[string]any)
	method, ok := obj["method"].(map[string]any)
	if !ok {
		return "", "", errorf(http.StatusBadRequest, "Import request requires a 'method' field.")
	}
	rawName, ok := method["name"]
	if !ok {
		return "", "", errorf(http.StatusBadRequest, "Import request requires a 'name' field.")
	}
	name, isString := rawName.(string)
	if !isString {
		name = pyRepr(rawName)
	}
	if !isString || !slices.Contains(importMethods, name) {
		return "", "", errorf(http.StatusBadRequest, "Unknown import method name '%s'.", name)
	}
	if name != methodWebDownload {
		return name, "", nil // gophercloud always sends "uri": "", which Glance ignores
	}
	uri, _ := method["uri"].(string)
	if !allowedURI(uri) {
		return "", "", errorf(http.StatusBadRequest, "URI for web-download does not pass filtering: %s", uri)
	}
	return name, uri, nil
}

// allowedURI is Glance's web-download filter without its port list (80 and 443 by
// default), so tests can serve the data from a loopback server on any port.
func allowedURI(uri string) bool {
	u, err := url.Parse(uri)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// importConflict is Glance's 409s for an import the image is not ready for.
func importConflict(img *image, method string) *apiError {
	switch {
	case img.Status == statusActive:
		return errorf(http.StatusConflict, "Image with status active cannot be target for import")
	case method == methodWebDownload && img.Status != statusQueued:
		return errorf(http.StatusConflict, "Image needs to be in 'queued' state to use '%s' method", method)
	case method == methodGlanceDirect && img.Status != statusUploading:
		return errorf(http.StatusConflict, "Image needs to be staged before '%s' method can be used", method)
	case img.ContainerFormat == nil:
		return errorf(http.StatusConflict, "'container_format' needs to be set before import")
	case img.DiskFormat == nil:
		return errorf(http.StatusConflict, "'disk_format' needs to be set before import")
	}
	if task, busy := img.Properties[importLockKey]; busy {
		return errorf(http.StatusConflict, "Image %s is already being imported (import task %s)", img.ID, task)
	}
	return nil
}
