package mockserver

import (
	"maps"
	"time"
)

// TaskRecord is a task as the server stores it. Task and Tasks return deep copies.
type TaskRecord struct {
	ID, Type, Status, Owner, Message string
	Input, Result                    map[string]any // decoded JSON (numbers as json.Number); Result nil until success
	CreatedAt, UpdatedAt             time.Time
	ExpiresAt                        *time.Time // set when the task finishes
}

// Task statuses (REFERENCE §3.1) and Rackspace's task types (§3.2).
const (
	taskPending    = "pending"
	taskProcessing = "processing"
	taskSuccess    = "success"
	taskFailure    = "failure"
)

var (
	taskStatuses = []string{taskPending, taskProcessing, taskSuccess, taskFailure}
	taskTypes    = []string{"import", "export"}
)

// taskTimeToLive is Glance's task_time_to_live: a finished task expires this long after.
const taskTimeToLive = 48 * time.Hour

func (r TaskRecord) clone() TaskRecord {
	c := r
	c.Input = cloneObject(r.Input)
	c.Result = cloneObject(r.Result)
	c.ExpiresAt = clonePtr(r.ExpiresAt)
	return c
}

// cloneObject deep-copies a decoded JSON object.
func cloneObject(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := maps.Clone(m)
	for k, v := range c {
		c[k] = cloneJSON(v)
	}
	return c
}

func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneObject(x)
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = cloneJSON(e)
		}
		return c
	}
	return v
}

// expired: past expires_at a task is gone, as Glance soft-deletes it.
func (s *Server) expired(t *TaskRecord) bool { return expiredAt(t, s.now()) }

// Task returns a copy of a task of any owner; expired tasks are gone.
func (s *Server) Task(id string) (TaskRecord, bool) {
	var rec TaskRecord
	var ok bool
	s.tasks.with(id, func(t *TaskRecord) {
		if ok = t != nil && !s.expired(t); ok {
			rec = t.clone()
		}
	})
	return rec, ok
}

// Tasks returns copies of all unexpired tasks of every owner, oldest first.
func (s *Server) Tasks() []TaskRecord { return s.tasks.live(s.now()) }

// taskView is the JSON form of a task (Glance's _format_task); list entries (full false)
// leave out input, result and message. expires_at appears only once set.
func taskView(t *TaskRecord, full bool) map[string]any {
	m := map[string]any{
		"id": t.ID, "type": t.Type, "status": t.Status, "owner": t.Owner,
		"created_at": isoTime(t.CreatedAt), "updated_at": isoTime(t.UpdatedAt),
		"self": "/v2/tasks/" + t.ID, "schema": "/v2/schemas/task",
	}
	if t.ExpiresAt != nil {
		m["expires_at"] = isoTime(*t.ExpiresAt)
	}
	if full {
		m["input"] = cloneObject(t.Input)
		m["message"] = t.Message
		if t.Result != nil {
			m["result"] = cloneObject(t.Result)
		} else {
			m["result"] = nil
		}
	}
	return m
}
