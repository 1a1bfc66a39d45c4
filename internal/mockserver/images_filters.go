package mockserver

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
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

// controlParams are query keys that are not filters on a column or a property:
// paging, sorting, and the filters parseListQuery handles itself.
var controlParams = []string{"limit", "marker", "sort_key", "sort_dir", "sort", "visibility",
	"member_status", "os_hidden", "tag", "deleted"}

// inColumns take Glance's "in:" and "eq:" operators (_make_conditions_from_filters).
var inColumns = []string{"name", "id", "status", "container_format", "disk_format"}

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
		// Glance lowercases os_hidden but not protected (api/v2/images.py index).
		b, err := boolParam("os_hidden", strings.ToLower(p.Get("os_hidden")))
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

func boolParam(key, v string) (bool, *apiError) {
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, errorf(http.StatusBadRequest, "Invalid value '%s' for '%s' filter. Valid values are 'true' or 'false'.", v, key)
	}
}

// addFilters turns the remaining query parameters into predicates, in the order of
// Glance's _make_conditions_from_filters: tags, ranges (<column>_min, <column>_max),
// dates, the in:-able columns, the other columns, and last the properties.
func (q *listQuery) addFilters(p url.Values) *apiError {
	add := func(f func(*image) bool) { q.filters = append(q.filters, f) }
	if tags := p["tag"]; len(tags) > 0 {
		add(func(i *image) bool {
			for _, t := range tags {
				if !slices.Contains(i.Tags, strings.TrimSpace(t)) {
					return false
				}
			}
			return true
		})
	}
	keys := slices.Sorted(maps.Keys(p))
	for _, key := range keys {
		if slices.Contains(controlParams, key) {
			continue
		}
		want := p.Get(key)
		f, err := filterFor(key, want)
		if err != nil {
			return err
		}
		add(f)
	}
	return nil
}

// filterFor is the predicate of one query key.
func filterFor(key, want string) (func(*image) bool, *apiError) {
	if f, ok, err := rangeFilter(key, want); ok {
		return f, err
	}
	switch {
	case key == "created_at" || key == "updated_at":
		return dateFilter(key, want)
	case slices.Contains(inColumns, key):
		values, err := inValues(want)
		if err != nil {
			return nil, err
		}
		col := imageColumns[key]
		return func(i *image) bool {
			v, ok := col.get(i)
			return ok && slices.Contains(values, v)
		}, nil
	case key == "protected":
		b, err := boolParam(key, want)
		if err != nil {
			return nil, err
		}
		return func(i *image) bool { return i.Protected == b }, nil
	}
	if col, ok := imageColumns[key]; ok {
		return func(i *image) bool { return col.equals(i, want) }, nil
	}
	return func(i *image) bool { v, ok := i.Properties[key]; return ok && v == want }, nil
}

// rangeFilter is <column>_min / <column>_max on a number column (size_min, size_max,
// virtual_size_min, min_ram_max, ...); ok is false for any other key. Glance would
// answer 500 for a _min/_max key that is no column; the mock treats it as a property.
func rangeFilter(key, want string) (f func(*image) bool, ok bool, err *apiError) {
	base, isMin := strings.CutSuffix(key, "_min")
	if !isMin {
		var isMax bool
		if base, isMax = strings.CutSuffix(key, "_max"); !isMax {
			return nil, false, nil
		}
	}
	col, known := imageColumns[base]
	if !known || !col.numeric {
		return nil, false, nil
	}
	n, perr := strconv.ParseInt(strings.TrimSpace(want), 10, 64)
	if perr != nil {
		return nil, true, errorf(http.StatusBadRequest, "Unable to filter on a range with a non-numeric value.")
	}
	return func(i *image) bool { return col.bound(i, n, isMin) }, true, nil
}

// inValues parses "v", "eq:v" or "in:a,b,\"c,d\"" (Glance's split_filter_op and
// split_filter_value_for_quotes).
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
	return nil, errorf(http.StatusBadRequest, "Unable to filter by unknown operator '%s'.", op)
}

// quotedRe is split_filter_value_for_quotes' pattern: a double-quoted value (backslash
// escapes kept as they are, as Glance keeps them), an unquoted one, or an empty one.
var quotedRe = regexp.MustCompile(`"([^"\\]*(?:\\.[^"\\]*)*)",?|([^,]+),?|,`)

// splitQuoted is Glance's validate_quotes then split_filter_value_for_quotes.
func splitQuoted(s string) ([]string, *apiError) {
	open := true
	for i := 0; i < len(s); i++ {
		if s[i] != '"' || (i > 0 && s[i-1] == '\\') {
			continue
		}
		if open && i > 0 && s[i-1] != ',' {
			return nil, errorf(http.StatusBadRequest, "Invalid filter value %s. There is no comma before opening quotation mark.", s)
		}
		if !open && i+1 != len(s) && s[i+1] != ',' {
			return nil, errorf(http.StatusBadRequest, "Invalid filter value %s. There is no comma after closing quotation mark.", s)
		}
		open = !open
	}
	if !open {
		return nil, errorf(http.StatusBadRequest, "Invalid filter value %s. The quote is not closed.", s)
	}
	var out []string
	for _, m := range quotedRe.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1]+m[2]) // at most one group is set
	}
	return out, nil
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
		return nil, errorf(http.StatusBadRequest, "Bad \"%s\" query filter format. Use ISO 8601 DateTime notation.", key)
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
