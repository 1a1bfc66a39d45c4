package mockserver

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
)

// taskSortKeys are the keys Glance's task list sorts by.
var taskSortKeys = []string{"created_at", "updated_at", "expires_at", "status", "type", "id"}

// taskQuery is a parsed GET /v2/tasks query (REFERENCE §3.1).
type taskQuery struct {
	limit       int
	marker      string
	sortKey     string
	desc        bool
	status, typ string // filters; "" = any
}

func parseTaskQuery(p url.Values) (*taskQuery, *apiError) {
	q := &taskQuery{limit: defaultLimit, sortKey: "created_at", desc: true, marker: p.Get("marker")}
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
	if q.marker != "" && !uuidRe.MatchString(q.marker) {
		return nil, errorf(http.StatusBadRequest, "Invalid marker format")
	}
	if p.Has("sort_dir") {
		switch d := p.Get("sort_dir"); d {
		case "asc", "desc":
			q.desc = d == "desc"
		default:
			return nil, errorf(http.StatusBadRequest, "Invalid sort direction: %s", d)
		}
	}
	if p.Has("sort_key") {
		q.sortKey = p.Get("sort_key")
		if !slices.Contains(taskSortKeys, q.sortKey) {
			return nil, errorf(http.StatusBadRequest, "Sort key supplied was not valid.")
		}
	}
	if q.status = p.Get("status"); q.status != "" && !slices.Contains(taskStatuses, q.status) {
		return nil, errorf(http.StatusBadRequest, "Invalid status value: %s", q.status)
	}
	if q.typ = p.Get("type"); q.typ != "" && !slices.Contains(taskTypes, q.typ) {
		return nil, errorf(http.StatusBadRequest, "Invalid type value: %s", q.typ)
	}
	return q, nil
}

func (q *taskQuery) matches(t *TaskRecord) bool {
	return (q.status == "" || t.Status == q.status) && (q.typ == "" || t.Type == q.typ)
}

// less orders by the sort key, then created_at and id, all in the one direction.
func (q *taskQuery) less(a, b *TaskRecord) bool {
	c := compareTasks(q.sortKey, a, b)
	if c == 0 {
		c = a.CreatedAt.Compare(b.CreatedAt)
	}
	if c == 0 {
		c = cmp.Compare(a.ID, b.ID)
	}
	if q.desc {
		return c > 0
	}
	return c < 0
}

func compareTasks(key string, a, b *TaskRecord) int {
	switch key {
	case "created_at":
		return a.CreatedAt.Compare(b.CreatedAt)
	case "updated_at":
		return a.UpdatedAt.Compare(b.UpdatedAt)
	case "expires_at": // unset sorts first, as NULL does in MySQL
		switch {
		case a.ExpiresAt == nil && b.ExpiresAt == nil:
			return 0
		case a.ExpiresAt == nil:
			return -1
		case b.ExpiresAt == nil:
			return 1
		}
		return a.ExpiresAt.Compare(*b.ExpiresAt)
	case "status":
		return cmp.Compare(a.Status, b.Status)
	case "type":
		return cmp.Compare(a.Type, b.Type)
	}
	return cmp.Compare(a.ID, b.ID)
}

// taskPage is one page of the caller's unexpired tasks that match q, as list views, with
// the tasks locked. badMarker when the marker is none of them.
func (s *Server) taskPage(tenant string, q *taskQuery) (views []map[string]any, lastID string, badMarker bool) {
	s.tasks.scan(func(byID map[string]*TaskRecord) {
		var found []*TaskRecord
		for _, t := range byID {
			if t.Owner == tenant && !s.expired(t) && q.matches(t) {
				found = append(found, t)
			}
		}
		sort.Slice(found, func(i, j int) bool { return q.less(found[i], found[j]) })
		if q.marker != "" {
			m, ok := byID[q.marker]
			if badMarker = !ok || m.Owner != tenant || s.expired(m); badMarker {
				return
			}
			found = found[sort.Search(len(found), func(i int) bool { return q.less(m, found[i]) }):]
		}
		page := found[:min(q.limit, len(found))]
		views = make([]map[string]any, 0, len(page))
		for _, t := range page {
			views = append(views, taskView(t, false))
		}
		if len(page) > 0 {
			lastID = page[len(page)-1].ID
		}
	})
	return views, lastID, badMarker
}

// listTasks is GET /v2/tasks: the caller's unexpired tasks as stubs, paged like images.
func (s *Server) listTasks(w http.ResponseWriter, r *http.Request, c *call) {
	params := r.URL.Query()
	q, err := parseTaskQuery(params)
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	q.limit = s.pageLimit(params, q.limit)
	tenant := c.who.TenantID
	views, lastID, badMarker := s.taskPage(tenant, q)
	if badMarker {
		glanceError(w, r, http.StatusBadRequest, "Task with the given id "+q.marker+" was not found")
		return
	}

	params.Del("marker")
	body := map[string]any{"tasks": views, "schema": "/v2/schemas/tasks", "first": "/v2/tasks"}
	if enc := params.Encode(); enc != "" {
		body["first"] = "/v2/tasks?" + enc
	}
	// As for images: a full page always gets a next link.
	if len(views) > 0 && len(views) == q.limit {
		params.Set("marker", lastID)
		body["next"] = "/v2/tasks?" + params.Encode()
	}
	writeJSON(w, http.StatusOK, body)
}
