package mockserver

import (
	"slices"
	"strings"
)

// Import tasks (REFERENCE §3.2): a VHD from the caller's object store becomes a new active
// image owned by the caller.

const importNotFound = "Error: Image not found for import. Possible invalid location"

// importName checks input.image_properties, which must hold a name and nothing else.
func importName(input map[string]any) (string, string) {
	raw, ok := input["image_properties"]
	if !ok {
		return "", "Input does not contain 'image_properties' field"
	}
	props, ok := raw.(map[string]any)
	if !ok {
		return "", "Error: image_properties must be an object holding the image's name"
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		if k != "name" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	name, isString := props["name"].(string)
	switch {
	case len(keys) > 0:
		return "", "Error: Name is the only property that can be included in image_properties; found '" +
			strings.Join(keys, "', '") + "'"
	case !isString || name == "":
		return "", "Error: image_properties must contain the image's name"
	case len([]rune(name)) > maxStringLen:
		return "", "Error: The image name is longer than 255 characters"
	}
	return name, ""
}

// runImport copies container/object into a new image's data file, hashing on the way. The
// image itself is stored when the task succeeds.
func (s *Server) runImport(owner string, input map[string]any) taskOutcome {
	name, msg := importName(input)
	if msg != "" {
		return failed("%s", msg)
	}
	raw, ok := input["import_from"]
	if !ok {
		return failed("Input does not contain 'import_from' field")
	}
	format := "vhd" // what Rackspace's own SDK sends; the docs leave it out
	if v, ok := input["import_from_format"]; ok {
		if format, _ = v.(string); !slices.Contains(diskFormats, format) {
			return failed("Error: Invalid import_from_format %s: must be one of %s", pyRepr(v), strings.Join(diskFormats, ", "))
		}
	}
	from, _ := raw.(string)
	containerName, objectName, _ := strings.Cut(from, "/")
	f, size, ok := s.openObject(owner, containerName, objectName)
	if !ok {
		return failed(importNotFound)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to flush
	virtual, containerFormat := size, "bare"
	if format == "vhd" {
		if virtual, msg = checkVHD(f, size); msg != "" {
			return failed("%s", msg)
		}
		containerFormat = "ovf"
	}
	id := newUUID()
	data, err := s.storeData(id, f)
	if err != nil {
		return internalFailure(err)
	}
	img := &image{ImageRecord: ImageRecord{
		ID: id, Name: &name, Status: statusActive, Visibility: s.defaultVisibility(), Owner: owner,
		DiskFormat: &format, ContainerFormat: &containerFormat,
		Size: ptr(data.size), VirtualSize: &virtual,
		Checksum: ptr(data.md5), OSHashAlgo: ptr("sha512"), OSHashValue: ptr(data.sha512),
		Tags: []string{}, Properties: map[string]string{}, DataPath: data.path,
	}}
	return taskOutcome{result: map[string]any{"image_id": id}, image: img}
}
