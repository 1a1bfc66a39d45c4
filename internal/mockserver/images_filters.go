package mockserver

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	defaultLimit = 25
	maxLimit     = 1000
)

// listQuery is a parsed GET /v2/images query (REFERENCE §1.4).
type listQuery struct {
	limit        int
	marker       string
	visibility   string // "" = Glance's default view
	memberStatus string
	hidden       bool
	filters      []func(*image) bool
	sort         []sortKey
}

// controlParams are query keys that are not extra-property filters.
var controlParams = []string{"limit", "marker", "sort_key", "sort_dir", "sort", "visibility",
	"member_status", "os_hidden", "tag", "protected", "size_min", "size_max", "owner",
	"created_at", "updated_at", "name", "id", "status", "container_format", "disk_format"}

// columnFilters are base attributes Glance matches exactly when used as filters.
var columnFilters = map[string]func(*image) string{
	"checksum":      func(i *image) string { return deref(i.Checksum) },
	"os_hash_algo":  func(i *image) string { return deref(i.OSHashAlgo) },
	"os_hash_value": func(i *image) string { return deref(i.OSHashValue) },
	"min_disk":      func(i *image) string { return strconv.Itoa(i.MinDisk) },
	"min_ram":       func(i *image) string { return strconv.Itoa(i.MinRAM) },
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func parseListQuery(p url.Values) (*listQuery, *apiError) {
	q := &listQuery{limit: defaultLimit, memberStatus: "accepted", marker: p.Get("marker")}
	if p.Has("changes-since") {
		return nil, errorf(http.StatusBadRequest, "The \"changes-since\" filter is no longer available on v2.")
	}
	if v := p.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, errorf(http.StatusBadRequest, "limit param must be an integer")
		}
		if n < 0 {
			return nil, errorf(http.StatusBadRequest, "limit param must be positive")
		}
		q.limit = min(n, maxLimit)
	}
	if v := p.Get("visibility"); v != "" {
		if v != "all" && !slices.Contains(visibilities, v) {
			return nil, errorf(http.StatusBadRequest, "Invalid visibility value: %s", v)
		}
		q.visibility = v
	}
	if v := p.Get("member_status"); v != "" {
		if !slices.Contains([]string{"accepted", "pending", "rejected", "all"}, v) {
			return nil, errorf(http.StatusBadRequest, "Invalid status: %s", v)
		}
		q.memberStatus = v
	}
	if p.Has("os_hidden") {
		b, err := boolParam(p, "os_hidden")
		if err != nil {
			return nil, err
		}
		q.hidden = b
	}
	if err := q.addFilters(p); err != nil {
		return nil, err
	}
	sk, err := parseSort(p)
	if err != nil {
		return nil, err
	}
	q.sort = sk
	return q, nil
}

func boolParam(p url.Values, key string) (bool, *apiError) {
	switch v := p.Get(key); strings.ToLower(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, errorf(http.StatusBadRequest, "Invalid value '%s' for '%s' filter. Valid values are 'true' or 'false'.", v, key)
	}
}

// addFilters turns the remaining query parameters into predicates.
func (q *listQuery) addFilters(p url.Values) *apiError {
	add := func(f func(*image) bool) { q.filters = append(q.filters, f) }
	attrs := map[string]func(*image) string{
		"name":             func(i *image) string { return deref(i.Name) },
		"id":               func(i *image) string { return i.ID },
		"status":           func(i *image) string { return i.Status },
		"container_format": func(i *image) string { return deref(i.ContainerFormat) },
		"disk_format":      func(i *image) string { return deref(i.DiskFormat) },
	}
	for key, get := range attrs {
		if !p.Has(key) {
			continue
		}
		values, err := inValues(p.Get(key))
		if err != nil {
			return err
		}
		add(func(i *image) bool { return slices.Contains(values, get(i)) })
	}
	if p.Has("owner") {
		owner := p.Get("owner")
		add(func(i *image) bool { return i.Owner == owner })
	}
	if tags := p["tag"]; len(tags) > 0 {
		add(func(i *image) bool {
			for _, t := range tags {
				if !slices.Contains(i.Tags, t) {
					return false
				}
			}
			return true
		})
	}
	if p.Has("protected") {
		b, err := boolParam(p, "protected")
		if err != nil {
			return err
		}
		add(func(i *image) bool { return i.Protected == b })
	}
	for _, key := range []string{"size_min", "size_max"} {
		if !p.Has(key) {
			continue
		}
		n, err := strconv.ParseInt(p.Get(key), 10, 64)
		if err != nil {
			return errorf(http.StatusBadRequest, "Invalid value '%s' for parameter '%s': must be an integer", p.Get(key), key)
		}
		isMin := key == "size_min"
		add(func(i *image) bool {
			return i.Size != nil && ((isMin && *i.Size >= n) || (!isMin && *i.Size <= n))
		})
	}
	for _, key := range []string{"created_at", "updated_at"} {
		if !p.Has(key) {
			continue
		}
		f, err := dateFilter(key, p.Get(key))
		if err != nil {
			return err
		}
		add(f)
	}
	for key, vals := range p {
		if slices.Contains(controlParams, key) {
			continue
		}
		want := vals[0]
		if get, ok := columnFilters[key]; ok {
			add(func(i *image) bool { return get(i) == want })
			continue
		}
		add(func(i *image) bool { v, ok := i.Properties[key]; return ok && v == want })
	}
	return nil
}

// inValues parses "v" or "in:a,b,\"c,d\"" (Glance's split_filter_op and quoted lists).
func inValues(v string) ([]string, *apiError) {
	op, rest, found := strings.Cut(v, ":")
	if !found || isISOTime(v) {
		return []string{v}, nil
	}
	switch op {
	case "eq":
		return []string{rest}, nil
	case "in":
		return splitQuoted(rest)
	}
	return nil, errorf(http.StatusBadRequest, "Unable to filter using the specified operator.")
}

// splitQuoted splits on commas outside double quotes; \" escapes a quote inside them.
func splitQuoted(s string) ([]string, *apiError) {
	var out []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quoted && ch == '\\' && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case ch == '"':
			quoted = !quoted
		case ch == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(ch)
		}
	}
	if quoted {
		return nil, errorf(http.StatusBadRequest, "Invalid filter value %s. The quote is not closed.", s)
	}
	return append(out, cur.String()), nil
}

func isISOTime(v string) bool {
	_, err := parseISOTime(v)
	return err == nil
}

func parseISOTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Parse(time.RFC3339, v)
}

// dateFilter is created_at/updated_at=op:ISO8601 with op one of gt, gte, eq, neq, lt, lte.
func dateFilter(key, v string) (func(*image) bool, *apiError) {
	op, rest, found := strings.Cut(v, ":")
	if !found || isISOTime(v) {
		op, rest = "eq", v
	}
	t, err := parseISOTime(rest)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "Unable to filter by %s: '%s' is not a valid ISO 8601 date.", key, rest)
	}
	cmp := map[string]func(int) bool{
		"gt": func(c int) bool { return c > 0 }, "gte": func(c int) bool { return c >= 0 },
		"eq": func(c int) bool { return c == 0 }, "neq": func(c int) bool { return c != 0 },
		"lt": func(c int) bool { return c < 0 }, "lte": func(c int) bool { return c <= 0 },
	}[op]
	if cmp == nil {
		return nil, errorf(http.StatusBadRequest, "Unable to filter on a unknown operator.")
	}
	return func(i *image) bool {
		at := i.CreatedAt
		if key == "updated_at" {
			at = i.UpdatedAt
		}
		// Compare at the API's resolution (seconds), as clients only ever see that.
		return cmp(at.Truncate(time.Second).Compare(t))
	}, nil
}
