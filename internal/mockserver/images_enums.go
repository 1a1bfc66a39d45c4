package mockserver

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Enums of the image schema (Glance defaults, REFERENCE §1.2).
var (
	diskFormats      = []string{"ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"}
	containerFormats = []string{"ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"}
	visibilities     = []string{"community", "public", "private", "shared"}
	allStatuses      = []string{statusQueued, statusSaving, statusActive, statusKilled, statusDeleted,
		statusPendingDelete, statusDeactivated, statusUploading, statusImporting}
)

// Glance's limits (REFERENCE §1.14).
const (
	maxProperties = 128
	maxTags       = 128
	maxStringLen  = 255
)

var (
	// disallowedKeys may never appear in a create body (checked before the schema).
	disallowedKeys = []string{"direct_url", "self", "file", "schema", "stores"}
	// readOnlyKeys are set by the server only.
	readOnlyKeys = []string{"created_at", "updated_at", "status", "checksum", "os_hash_algo",
		"os_hash_value", "size", "virtual_size"}
	// writableBase are the base attributes a PATCH may set (everything else is a custom
	// property or read-only).
	writableBase = []string{"name", "visibility", "protected", "os_hidden", "tags",
		"container_format", "disk_format", "min_disk", "min_ram", "owner"}
	uuidRe = regexp.MustCompile(`^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$`)
)

// isReserved: Glance's reserved keys and namespace, plus Rackspace's com.rackspace prefix
// which customers may not use (REFERENCE §1.6).
func isReserved(key string) bool {
	return key == "location" || key == "deleted" || key == "deleted_at" ||
		strings.HasPrefix(key, "os_glance") || strings.HasPrefix(key, "com.rackspace")
}

func readOnlyError(key string) *apiError {
	return errorf(http.StatusForbidden, "Attribute '%s' is read-only.", key)
}

func reservedError(key string) *apiError {
	return errorf(http.StatusForbidden, "Attribute '%s' is reserved.", key)
}

func schemaError(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "Provided object does not match schema 'image': "+format, args...)
}

// setField validates v against the image schema for key and stores it in rec. Policy
// rules (who may set owner or public visibility, format changes by status) are the
// caller's job. key "id" is only meaningful on create.
func setField(rec *ImageRecord, key string, v any) *apiError {
	switch key {
	case "id":
		s, ok := v.(string)
		if !ok || !uuidRe.MatchString(s) {
			return schemaError("%s does not match '%s'", pyRepr(v), uuidRe.String())
		}
		rec.ID = s
	case "name", "owner":
		s, err := nullableString(v, maxStringLen)
		if err != nil {
			return err
		}
		if key == "name" {
			rec.Name = s
		} else {
			rec.Owner = ""
			if s != nil {
				rec.Owner = *s
			}
		}
	case "visibility":
		s, ok := v.(string)
		if !ok || !slices.Contains(visibilities, s) {
			return schemaError("%s is not one of %s", pyRepr(v), enumRepr(visibilities, false))
		}
		rec.Visibility = s
	case "protected", "os_hidden":
		b, ok := v.(bool)
		if !ok {
			return schemaError("%s is not of type 'boolean'", pyRepr(v))
		}
		if key == "protected" {
			rec.Protected = b
		} else {
			rec.Hidden = b
		}
	case "disk_format", "container_format":
		enum := diskFormats
		target := &rec.DiskFormat
		if key == "container_format" {
			enum, target = containerFormats, &rec.ContainerFormat
		}
		if v == nil {
			*target = nil
			return nil
		}
		s, ok := v.(string)
		if !ok || !slices.Contains(enum, s) {
			return schemaError("%s is not one of %s", pyRepr(v), enumRepr(enum, true))
		}
		*target = ptr(s)
	case "min_disk", "min_ram":
		n, err := nonNegativeInt(v)
		if err != nil {
			return err
		}
		if key == "min_disk" {
			rec.MinDisk = n
		} else {
			rec.MinRAM = n
		}
	case "tags":
		tags, err := tagList(v)
		if err != nil {
			return err
		}
		rec.Tags = tags
	default:
		return setCustom(rec, key, v)
	}
	return nil
}

// setCustom stores an extra property: values are strings, keys at most 255 characters.
func setCustom(rec *ImageRecord, key string, v any) *apiError {
	if len(key) > maxStringLen {
		return errorf(http.StatusBadRequest, "Custom property should not be greater than 255 characters.")
	}
	s, ok := v.(string)
	if !ok {
		return schemaError("%s is not of type 'string'", pyRepr(v))
	}
	if rec.Properties == nil {
		rec.Properties = map[string]string{}
	}
	rec.Properties[key] = s
	return nil
}

func nullableString(v any, maxLen int) (*string, *apiError) {
	if v == nil {
		return nil, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, schemaError("%s is not of type 'string', 'null'", pyRepr(v))
	}
	if len([]rune(s)) > maxLen {
		return nil, schemaError("%s is too long", pyRepr(v))
	}
	return &s, nil
}

func nonNegativeInt(v any) (int, *apiError) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, schemaError("%s is not of type 'integer'", pyRepr(v))
	}
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		return 0, schemaError("%s is not of type 'integer'", pyRepr(v))
	}
	if n < 0 {
		return 0, schemaError("%d is less than the minimum of 0", n)
	}
	if n > math.MaxInt32 {
		return 0, schemaError("%d is greater than the maximum of %d", n, math.MaxInt32)
	}
	return int(n), nil
}

// tagList validates a tags array; duplicates collapse, since Glance stores tags as a set.
func tagList(v any) ([]string, *apiError) {
	items, ok := v.([]any)
	if !ok {
		return nil, schemaError("%s is not of type 'array'", pyRepr(v))
	}
	tags := []string{}
	for _, it := range items {
		t, err := validTag(it)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags, nil
}

func validTag(v any) (string, *apiError) {
	t, ok := v.(string)
	if !ok {
		return "", schemaError("%s is not of type 'string'", pyRepr(v))
	}
	if len([]rune(t)) > maxStringLen {
		return "", schemaError("%s is too long", pyRepr(v))
	}
	return t, nil
}

// checkQuotas is Glance's 413 for too many properties or tags.
func checkQuotas(rec *ImageRecord) *apiError {
	if n := len(rec.Properties); n > maxProperties {
		return errorf(http.StatusRequestEntityTooLarge,
			"The limit has been exceeded on the number of allowed image properties. Attempted: %d, Maximum: %d", n, maxProperties)
	}
	if n := len(rec.Tags); n > maxTags {
		return errorf(http.StatusRequestEntityTooLarge,
			"The limit has been exceeded on the number of allowed image tags. Attempted: %d, Maximum: %d", n, maxTags)
	}
	return nil
}

// pyRepr renders a JSON value the way Python's repr does in jsonschema messages.
func pyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return "'" + x + "'"
	case json.Number:
		return string(x)
	case []any:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = pyRepr(s)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return "{...}"
	}
	return fmt.Sprint(v)
}

// enumRepr renders an enum list as jsonschema prints it; nullable enums end in None.
func enumRepr(values []string, nullable bool) string {
	parts := make([]string, 0, len(values)+1)
	for _, v := range values {
		parts = append(parts, pyRepr(v))
	}
	if nullable {
		parts = append(parts, "None")
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
