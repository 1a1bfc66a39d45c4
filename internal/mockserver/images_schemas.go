package mockserver

import "net/http"

type obj = map[string]any

func str(desc string) obj { return obj{"type": "string", "description": desc} }

func readOnlyStr(desc string) obj {
	return obj{"type": "string", "readOnly": true, "description": desc}
}

func nullableEnum(values []string) []any {
	out := []any{nil}
	for _, v := range values {
		out = append(out, v)
	}
	return out
}

// imageSchema is GET /v2/schemas/image: Glance's base attributes with readOnly where
// Glance marks it, the server's extra read-only properties, and any other key a string
// (additionalProperties). Clients read it to tell base and read-only attributes from
// custom properties.
func (s *Server) imageSchema() obj {
	props := baseProperties()
	for k := range s.extraReadOnly {
		props[k] = readOnlyStr("Set by the server on every image")
	}
	return obj{
		"name":                 "image",
		"additionalProperties": obj{"type": "string"},
		"properties":           props,
		"links": []obj{
			{"rel": "self", "href": "{self}"},
			{"rel": "enclosure", "href": "{file}"},
			{"rel": "describedby", "href": "{schema}"},
		},
	}
}

// baseProperties are Glance's get_base_properties, built from the same enums and limits
// the validation uses so the two cannot drift apart. As in Glance, id (settable on
// create), owner (admins may change it) and locations (hidden here) are not readOnly.
func baseProperties() obj {
	return obj{
		"id":               obj{"type": "string", "description": "An identifier for the image", "pattern": uuidRe.String()},
		"name":             obj{"type": []string{"null", "string"}, "description": "Descriptive name for the image", "maxLength": maxStringLen},
		"status":           obj{"type": "string", "readOnly": true, "description": "Status of the image", "enum": allStatuses},
		"visibility":       obj{"type": "string", "description": "Scope of image accessibility", "enum": visibilities},
		"protected":        obj{"type": "boolean", "description": "If true, image will not be deletable."},
		"os_hidden":        obj{"type": "boolean", "description": "If true, image will not appear in default image list response."},
		"checksum":         obj{"type": []string{"null", "string"}, "readOnly": true, "description": "md5 hash of image contents.", "maxLength": 32},
		"os_hash_algo":     obj{"type": []string{"null", "string"}, "readOnly": true, "description": "Algorithm to calculate the os_hash_value", "maxLength": 64},
		"os_hash_value":    obj{"type": []string{"null", "string"}, "readOnly": true, "description": "Hexdigest of the image contents using the algorithm specified by the os_hash_algo", "maxLength": 128},
		"owner":            obj{"type": []string{"null", "string"}, "description": "Owner of the image", "maxLength": maxStringLen},
		"size":             obj{"type": []string{"null", "integer"}, "readOnly": true, "description": "Size of image file in bytes"},
		"virtual_size":     obj{"type": []string{"null", "integer"}, "readOnly": true, "description": "Virtual size of image in bytes"},
		"container_format": obj{"type": []string{"null", "string"}, "description": "Format of the container", "enum": nullableEnum(containerFormats)},
		"disk_format":      obj{"type": []string{"null", "string"}, "description": "Format of the disk", "enum": nullableEnum(diskFormats)},
		"created_at":       readOnlyStr("Date and time of image registration"),
		"updated_at":       readOnlyStr("Date and time of the last image modification"),
		"tags":             obj{"type": "array", "description": "List of strings related to the image", "items": obj{"type": "string", "maxLength": maxStringLen}},
		"direct_url":       readOnlyStr("URL to access the image file kept in external store"),
		"min_ram":          obj{"type": "integer", "minimum": 0, "description": "Amount of ram (in MB) required to boot image."},
		"min_disk":         obj{"type": "integer", "minimum": 0, "description": "Amount of disk space (in GB) required to boot image."},
		"self":             readOnlyStr("An image self url"),
		"file":             readOnlyStr("An image file url"),
		"stores":           readOnlyStr("Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers."),
		"schema":           readOnlyStr("An image schema url"),
		"locations": obj{
			"type":        "array",
			"description": "A set of URLs to access the image file kept in external store",
			"items": obj{
				"type":     "object",
				"required": []string{"url", "metadata"},
				"properties": obj{
					"url":      obj{"type": "string", "maxLength": maxStringLen},
					"metadata": obj{"type": "object"},
				},
			},
		},
	}
}

// memberSchema is Glance's member schema as served (its minimal form: no links).
func memberSchema() obj {
	return obj{
		"name": "member",
		"properties": obj{
			"created_at": str("Date and time of image member creation"),
			"image_id":   obj{"type": "string", "description": "An identifier for the image", "pattern": uuidRe.String()},
			"member_id":  str("An identifier for the image member (tenantId)"),
			"status":     obj{"type": "string", "description": "The status of this image member", "enum": memberStatuses},
			"updated_at": str("Date and time of last modification of image member"),
			"schema":     obj{"type": "string", "readOnly": true},
		},
	}
}

// taskProperties are current Glance's _TASK_SCHEMA (glance/api/v2/tasks.py): input and
// result may be null (a task that has not finished has "result": null), expires_at too.
// The type enum is Rackspace's (import and export), not Glance's (import,
// api_image_import, location_import).
func taskProperties() obj {
	return obj{
		"id":         obj{"type": "string", "description": "An identifier for the task", "pattern": uuidRe.String()},
		"type":       obj{"type": "string", "description": "The type of task represented by this content", "enum": taskTypes},
		"status":     obj{"type": "string", "description": "The current status of this task", "enum": taskStatuses},
		"input":      obj{"type": []string{"null", "object"}, "description": "The parameters required by task, JSON blob"},
		"result":     obj{"type": []string{"null", "object"}, "description": "The result of current task, JSON blob"},
		"owner":      str("An identifier for the owner of this task"),
		"message":    str("Human-readable informative message only included when appropriate (usually on failure)"),
		"image_id":   str("Image associated with the task"),
		"request_id": str("Human-readable informative request-id"),
		"user_id":    str("User associated with the task"),
		"expires_at": obj{"type": []string{"null", "string"}, "description": "Datetime when this resource would be subject to removal"},
		"created_at": str("Datetime when this resource was created"),
		"updated_at": str("Datetime when this resource was updated"),
		"self":       obj{"type": "string", "readOnly": true},
		"schema":     obj{"type": "string", "readOnly": true},
	}
}

// collectionSchema wraps an item schema the way Glance's collection schemas do; the paged
// form (images) is the raw one with first/next, the others the minimal one Glance serves.
func collectionSchema(name string, item obj, paged bool) obj {
	props := obj{name: obj{"type": "array", "items": item}, "schema": obj{"type": "string"}}
	links := []obj{{"rel": "describedby", "href": "{schema}"}}
	if paged {
		props["first"] = obj{"type": "string"}
		props["next"] = obj{"type": "string"}
		links = append([]obj{{"rel": "first", "href": "{first}"}, {"rel": "next", "href": "{next}"}}, links...)
	}
	return obj{"name": name, "properties": props, "links": links}
}

// taskStubProperties are a task as task lists show it: no input, result or message.
func taskStubProperties() obj {
	props := taskProperties()
	delete(props, "input")
	delete(props, "result")
	delete(props, "message")
	return props
}

// schema builds the schema document of that name.
func (s *Server) schema(name string) (obj, bool) {
	switch name {
	case "image":
		return s.imageSchema(), true
	case "images":
		return collectionSchema("images", s.imageSchema(), true), true
	case "member":
		return memberSchema(), true
	case "members":
		return collectionSchema("members", memberSchema(), false), true
	case "task":
		return obj{"name": "task", "properties": taskProperties()}, true
	case "tasks":
		return collectionSchema("tasks", obj{"name": "task", "properties": taskStubProperties()}, false), true
	}
	return nil, false
}

// getSchema is GET /v2/schemas/{name}.
func (s *Server) getSchema(w http.ResponseWriter, r *http.Request, c *call) {
	doc, ok := s.schema(c.params["schema"])
	if !ok {
		glanceError(w, r, http.StatusNotFound, "The resource could not be found.")
		return
	}
	writeJSON(w, http.StatusOK, doc)
}
