package mockserver

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
)

// Options.ExtraReadOnlyProperties: properties a deployment adds to every image. They live
// in the server, not in the images, so every image has them whatever made it (the API,
// an import task, a test behind the API's back).

// checkExtraReadOnly refuses keys that would shadow a base attribute or the import's own
// bookkeeping, or that no client could send back.
func checkExtraReadOnly(props map[string]string) error {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	base := baseProperties()
	for _, k := range keys {
		_, isBase := base[k]
		switch {
		case k == "" || len(k) > maxStringLen:
			return fmt.Errorf("mockserver: ExtraReadOnlyProperties: key %q must have 1 to %d bytes", k, maxStringLen)
		case isBase:
			return fmt.Errorf("mockserver: ExtraReadOnlyProperties: %q is a base attribute of images", k)
		case k == importLockKey || k == failedImportKey:
			return fmt.Errorf("mockserver: ExtraReadOnlyProperties: %q is set by imports", k)
		}
	}
	return nil
}

// readOnly tells whether only the server sets key: Glance's read-only attributes and the
// extra read-only properties.
func (s *Server) readOnly(key string) bool {
	_, extra := s.extraReadOnly[key]
	return extra || slices.Contains(readOnlyKeys, key)
}

// extraFilter takes the query's filters on extra read-only properties out of a list
// query (every image has the same value) and tells whether they let images through.
func (s *Server) extraFilter(params url.Values) (url.Values, bool) {
	if len(s.extraReadOnly) == 0 {
		return params, true
	}
	rest, match := maps.Clone(params), true // the caller's values still build the links
	for k, v := range s.extraReadOnly {
		if rest.Has(k) {
			match = match && rest.Get(k) == v
			rest.Del(k)
		}
	}
	return rest, match
}
