package mockserver

import (
	"net/http"
	"os"
	"strings"
)

// Export tasks (REFERENCE §3.2): the caller's own active image is written to
// <container>/<image id>.vhd in the caller's object store, never over an existing object.

// exportImage opens the data of the caller's own active image, or says why it cannot be
// exported.
func (s *Server) exportImage(owner, id string) (*os.File, string) {
	var f *os.File
	var msg string
	_ = s.images.with(id, func(img *image) *apiError { // the refusal is a task's message: msg
		switch {
		case img == nil || img.Owner != owner:
			msg = "Requested image for export was not found: " + id
		case img.Status == statusDeactivated:
			msg = "Error: Image " + id + " is deactivated. A deactivated image cannot be exported."
		case img.Status != statusActive || img.DataPath == "":
			msg = "Error: Image " + id + " is not active (status " + img.Status + "). Only active images can be exported."
		default:
			var err error
			if f, err = os.Open(img.DataPath); err != nil {
				msg = internalFailure(err).message
			}
		}
		return nil
	})
	return f, msg
}

func (s *Server) runExport(owner string, input map[string]any) taskOutcome {
	rawID, ok := input["image_uuid"]
	if !ok {
		return failed("Input does not contain 'image_uuid' field")
	}
	rawContainer, ok := input["receiving_swift_container"]
	if !ok {
		return failed("Input does not contain 'receiving_swift_container' field")
	}
	id, _ := rawID.(string)
	containerName, _ := rawContainer.(string)
	f, msg := s.exportImage(owner, id)
	if msg != "" {
		return failed("%s", msg)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to flush
	if containerName == "" || strings.ContainsAny(containerName, "/?.") {
		return failed("Error: Invalid receiving_swift_container %s: the name may not contain '/', '?' or '.'", pyRepr(rawContainer))
	}
	name := id + ".vhd"
	_, err := s.storeObject(owner, containerName, name, f, putOptions{contentType: "application/octet-stream", noReplace: true})
	switch {
	case err == errObjectExists:
		return failed("Swift already has an object with id '%s' in container '%s'", name, containerName)
	case err != nil && err.Status == http.StatusNotFound:
		return failed("Error: Swift container '%s' does not exist", containerName)
	case err != nil:
		return internalFailure(err)
	}
	return taskOutcome{result: map[string]any{"export_location": containerName + "/" + name}}
}
