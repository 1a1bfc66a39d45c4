package mockserver

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// sortKeys are the keys Glance accepts (SUPPORTED_SORT_KEYS).
var sortKeys = []string{"name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"}

type sortKey struct {
	key  string
	desc bool
}

// parseSort reads sort_key/sort_dir or the newer sort=k1:dir,k2, and appends created_at
// and id as tie-breakers the way Glance's _image_get_all does.
func parseSort(p url.Values) ([]sortKey, *apiError) {
	var keys, dirs []string
	if p.Has("sort") {
		if p.Has("sort_key") || p.Has("sort_dir") {
			return nil, errorf(http.StatusBadRequest, "Old and new sorting syntax cannot be combined")
		}
		for _, part := range strings.Split(p.Get("sort"), ",") {
			k, d, found := strings.Cut(strings.TrimSpace(part), ":")
			if !found {
				d = "desc"
			}
			keys, dirs = append(keys, strings.TrimSpace(k)), append(dirs, strings.TrimSpace(d))
		}
	} else {
		keys, dirs = p["sort_key"], p["sort_dir"]
		if len(dirs) > 1 && len(dirs) != len(keys) {
			return nil, errorf(http.StatusBadRequest, "Number of sort dirs does not match the number of sort keys")
		}
	}
	for _, k := range keys {
		if !slices.Contains(sortKeys, k) {
			return nil, errorf(http.StatusBadRequest, "Invalid sort key: %s. It must be one of the following: %s.", k, strings.Join(sortKeys, ", "))
		}
	}
	for _, d := range dirs {
		if d != "asc" && d != "desc" {
			return nil, errorf(http.StatusBadRequest, "Invalid sort direction: %s", d)
		}
	}
	if len(keys) == 0 {
		keys = []string{"created_at"}
	}
	defaultDir := "desc"
	if len(dirs) == 1 {
		defaultDir = dirs[0]
	}
	for len(dirs) < len(keys) {
		dirs = append(dirs, defaultDir)
	}
	for _, tie := range []string{"created_at", "id"} {
		if !slices.Contains(keys, tie) {
			keys, dirs = append(keys, tie), append(dirs, defaultDir)
		}
	}
	out := make([]sortKey, len(keys))
	for i := range keys {
		out[i] = sortKey{key: keys[i], desc: dirs[i] == "desc"}
	}
	return out, nil
}

// less orders images by the query's sort keys; null sorts before any value (as MySQL
// does in ascending order).
func (q *listQuery) less(a, b *image) bool {
	for _, k := range q.sort {
		c := compareBy(k.key, a, b)
		if c == 0 {
			continue
		}
		if k.desc {
			return c > 0
		}
		return c < 0
	}
	return false
}

func compareBy(key string, a, b *image) int {
	switch key {
	case "name":
		return compareNullable(a.Name, b.Name)
	case "status":
		return cmp.Compare(a.Status, b.Status)
	case "container_format":
		return compareNullable(a.ContainerFormat, b.ContainerFormat)
	case "disk_format":
		return compareNullable(a.DiskFormat, b.DiskFormat)
	case "size":
		return compareNullable(a.Size, b.Size)
	case "created_at":
		return a.CreatedAt.Compare(b.CreatedAt)
	case "updated_at":
		return a.UpdatedAt.Compare(b.UpdatedAt)
	}
	return cmp.Compare(a.ID, b.ID)
}

func compareNullable[T cmp.Ordered](a, b *T) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Compare(*a, *b)
}
