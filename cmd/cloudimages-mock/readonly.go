package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// readOnlyProperties parses MOCK_EXTRA_READONLY_PROPERTIES, "key=value,key=value": the
// properties the server adds to every image (mockserver.Options.ExtraReadOnlyProperties).
// Values cannot hold commas; the server itself refuses keys that are base attributes.
func readOnlyProperties(v string) (map[string]string, error) {
	props := map[string]string{}
	for _, pair := range strings.Split(v, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("%q: want key=value", pair)
		}
		if _, dup := props[key]; dup {
			return nil, fmt.Errorf("%q is given twice", key)
		}
		props[key] = value
	}
	return props, nil
}

// formatProperties is the banner's form of them, sorted by key as the variable spells them.
func formatProperties(props map[string]string) string {
	pairs := make([]string, 0, len(props))
	for _, k := range slices.Sorted(maps.Keys(props)) {
		pairs = append(pairs, k+"="+props[k])
	}
	return strings.Join(pairs, ",")
}
