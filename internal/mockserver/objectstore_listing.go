package mockserver

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Swift's listing limit (CONTAINER_LISTING_LIMIT).
const maxListing = 10000

// swiftListing is a parsed Swift listing query.
type swiftListing struct {
	prefix, delimiter, marker, endMarker string
	limit                                int
}

// listEntry is one listed container or object: its name and its JSON fields.
type listEntry struct {
	name   string
	fields map[string]any
}

func parseListing(r *http.Request) (swiftListing, *apiError) {
	p := r.URL.Query()
	q := swiftListing{
		prefix: p.Get("prefix"), delimiter: p.Get("delimiter"),
		marker: p.Get("marker"), endMarker: p.Get("end_marker"), limit: maxListing,
	}
	if v := p.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return q, errorf(http.StatusBadRequest, "Invalid limit %q", v)
		}
		if n > maxListing {
			return q, errorf(http.StatusPreconditionFailed, "Maximum limit is %d", maxListing)
		}
		q.limit = n
	}
	if len(q.delimiter) > 1 {
		return q, errorf(http.StatusPreconditionFailed, "Bad delimiter")
	}
	return q, nil
}

// apply sorts, filters and pages the entries; with a delimiter, names that go on past it
// collapse into one {"subdir": …} entry, as Swift lists pseudo-directories.
func (q swiftListing) apply(entries []listEntry) []listEntry {
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	var out []listEntry
	for _, e := range entries {
		if len(out) == q.limit {
			break
		}
		if e.name <= q.marker || (q.endMarker != "" && e.name >= q.endMarker) || !strings.HasPrefix(e.name, q.prefix) {
			continue
		}
		if q.delimiter != "" {
			if i := strings.Index(e.name[len(q.prefix):], q.delimiter); i >= 0 {
				dir := e.name[:len(q.prefix)+i+1]
				if len(out) == 0 || out[len(out)-1].name != dir {
					out = append(out, listEntry{name: dir, fields: map[string]any{"subdir": dir}})
				}
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// wantsJSON is Swift's listing format choice: ?format= first, then the Accept header
// (text/plain when both are equally acceptable).
func wantsJSON(r *http.Request) bool {
	switch r.URL.Query().Get("format") {
	case "json":
		return true
	case "plain", "txt", "xml":
		return false
	}
	accept := r.Header.Values("Accept")
	return len(accept) > 0 && acceptQuality(accept, "application/json") > acceptQuality(accept, "text/plain")
}

// writeListing answers a listing: a JSON array, or one name per line (204 when empty).
// HEAD gets the headers only.
func writeListing(w http.ResponseWriter, r *http.Request, q swiftListing, entries []listEntry) {
	page := q.apply(entries)
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if wantsJSON(r) {
		items := make([]map[string]any, 0, len(page))
		for _, e := range page {
			items = append(items, e.fields)
		}
		writeJSON(w, http.StatusOK, items)
		return
	}
	if len(page) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var b strings.Builder
	for _, e := range page {
		b.WriteString(e.name + "\n")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String()))
}

// listingTime is the last_modified of JSON listings: UTC, microseconds, no zone.
func listingTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }
