package mockserver

import (
	"strconv"
	"strings"
)

// column is one of the image's own columns, as a list filter compares it: Glance's
// _make_conditions_from_filters (glance/db/sqlalchemy/api.py) ends with
// "if hasattr(models.Image, k): column == value", and only other keys are property
// filters.
type column struct {
	get     func(*image) (string, bool) // the value as text; false for SQL NULL
	numeric bool                        // compared as a number, and usable with _min/_max
}

func text(p *string) (string, bool) {
	if p == nil {
		return "", false
	}
	return *p, true
}

func integer(p *int64) (string, bool) {
	if p == nil {
		return "", false
	}
	return strconv.FormatInt(*p, 10), true
}

// imageColumns are models.Image's columns a caller can filter on by equality. name, id,
// status and the formats also take "in:" (listQuery.addFilters); visibility, os_hidden
// and the dates have their own handling; deleted is overwritten by the API (images.py
// index sets filters['deleted'] = False).
var imageColumns = map[string]column{
	"name":             {get: func(i *image) (string, bool) { return text(i.Name) }},
	"id":               {get: func(i *image) (string, bool) { return i.ID, true }},
	"status":           {get: func(i *image) (string, bool) { return i.Status, true }},
	"container_format": {get: func(i *image) (string, bool) { return text(i.ContainerFormat) }},
	"disk_format":      {get: func(i *image) (string, bool) { return text(i.DiskFormat) }},
	"owner":            {get: func(i *image) (string, bool) { return i.Owner, i.Owner != "" }},
	"checksum":         {get: func(i *image) (string, bool) { return text(i.Checksum) }},
	"os_hash_algo":     {get: func(i *image) (string, bool) { return text(i.OSHashAlgo) }},
	"os_hash_value":    {get: func(i *image) (string, bool) { return text(i.OSHashValue) }},
	"size":             {get: func(i *image) (string, bool) { return integer(i.Size) }, numeric: true},
	"virtual_size":     {get: func(i *image) (string, bool) { return integer(i.VirtualSize) }, numeric: true},
	"min_disk":         {get: func(i *image) (string, bool) { return strconv.Itoa(i.MinDisk), true }, numeric: true},
	"min_ram":          {get: func(i *image) (string, bool) { return strconv.Itoa(i.MinRAM), true }, numeric: true},
	// Listed images are never deleted, so deleted_at is always NULL: it matches nothing.
	"deleted_at": {get: func(*image) (string, bool) { return "", false }},
}

// equals is SQL's column = 'value': NULL equals nothing, and a number column compares
// numerically (MySQL casts the string).
func (c column) equals(img *image, want string) bool {
	v, ok := c.get(img)
	if !ok {
		return false
	}
	if !c.numeric {
		return v == want
	}
	n, err := strconv.ParseInt(strings.TrimSpace(want), 10, 64)
	have, _ := strconv.ParseInt(v, 10, 64)
	return err == nil && n == have
}

// bound is column >= n (min) or column <= n (max); NULL is in no range.
func (c column) bound(img *image, n int64, isMin bool) bool {
	v, ok := c.get(img)
	if !ok {
		return false
	}
	have, _ := strconv.ParseInt(v, 10, 64)
	if isMin {
		return have >= n
	}
	return have <= n
}
