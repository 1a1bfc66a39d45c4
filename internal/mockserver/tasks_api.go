package mockserver

import (
	"net/http"
	"slices"
	"sort"
)

// taskDeleteMessage is Glance's answer to DELETE /v2/tasks/{id}: users cannot delete tasks.
const taskDeleteMessage = "This operation is currently not permitted on Glance Tasks. They are auto deleted after reaching the time based on their expires_at property."

// taskKeys are the task schema's properties; anything else in a create body is refused
// (additionalProperties false). Only type and input are used.
var taskKeys = []string{"id", "type", "status", "input", "result", "owner", "message",
	"expires_at", "created_at", "updated_at", "self", "schema"}

func taskSchemaError(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "Provided object does not match schema 'task': "+format, args...)
}

// parseTask is Glance's tasks RequestDeserializer.create: type and input required, then
// the schema. What the input holds is the task's business: wrong contents end in failure.
func parseTask(r *http.Request) (string, map[string]any, *apiError) {
	body, err := readJSON(r)
	if err != nil {
		return "", nil, err
	}
	obj, _ := body.(map[string]any) // a list has neither key
	for _, k := range []string{"type", "input"} {
		if _, ok := obj[k]; !ok {
			return "", nil, errorf(http.StatusBadRequest, "Task '%s' is required", k)
		}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(taskKeys, k) {
			return "", nil, taskSchemaError("Additional properties are not allowed ('%s' was unexpected)", k)
		}
	}
	typ, _ := obj["type"].(string)
	if !slices.Contains(taskTypes, typ) {
		return "", nil, taskSchemaError("%s is not one of %s", pyRepr(obj["type"]), enumRepr(taskTypes, false))
	}
	input, ok := obj["input"].(map[string]any)
	if !ok {
		return "", nil, taskSchemaError("%s is not of type 'object'", pyRepr(obj["input"]))
	}
	return typ, input, nil
}

// createTask is POST /v2/tasks: 201, Location and the task as created (pending). With no
// delay the task has already finished by the time the answer goes out.
func (s *Server) createTask(w http.ResponseWriter, r *http.Request, c *call) {
	if !s.requireJSON(w, r) {
		return
	}
	typ, input, err := parseTask(r)
	if err != nil {
		glanceErrors.write(w, r, err)
		return
	}
	now := s.now()
	t := &TaskRecord{
		ID: newUUID(), Type: typ, Status: taskPending, Owner: c.who.TenantID,
		Input: input, CreatedAt: now, UpdatedAt: now,
	}
	view := taskView(t, true) // before add: from then on t is the store's
	s.tasks.add(t)
	s.runTask(t.ID, s.pace())
	w.Header().Set("Location", "/v2/tasks/"+t.ID)
	writeJSON(w, http.StatusCreated, view)
}

// getTask is GET /v2/tasks/{id}: other tenants' and expired tasks are 404.
func (s *Server) getTask(w http.ResponseWriter, r *http.Request, c *call) {
	id := c.params["task_id"]
	var view map[string]any
	s.tasks.with(id, func(t *TaskRecord) {
		if t != nil && t.Owner == c.who.TenantID && !s.expired(t) {
			view = taskView(t, true)
		}
	})
	ok := view != nil
	if !ok {
		glanceError(w, r, http.StatusNotFound, "Could not find task "+id)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// deleteTask is DELETE /v2/tasks/{id}: always 405, with Glance's own message and no
// webob decoration (body_template "${explanation}").
func (s *Server) deleteTask(w http.ResponseWriter, r *http.Request, _ *call) {
	w.Header().Set("Allow", "GET")
	writeWebob(w, r, http.StatusMethodNotAllowed, func(esc func(string) string) string {
		return esc(taskDeleteMessage)
	})
}
