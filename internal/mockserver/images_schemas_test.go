package mockserver

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestSchemas_TaskAsCurrentGlance: input and result may be null, expires_at too
// (glance/api/v2/tasks.py _TASK_SCHEMA), so a pending task's "result": null validates.
func TestSchemas_TaskAsCurrentGlance(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	doc := do(t, s, req{method: "GET", path: "/image/v2/schemas/task", token: s.IssueToken(producer)}).object(t)
	props := doc["properties"].(map[string]any)
	for key, want := range map[string]any{
		"input": []any{"null", "object"}, "result": []any{"null", "object"}, "expires_at": []any{"null", "string"},
		"message": "string", "image_id": "string", "request_id": "string", "user_id": "string",
	} {
		if got := props[key].(map[string]any)["type"]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: type %v, want %v", key, got, want)
		}
	}
	stub := do(t, s, req{method: "GET", path: "/image/v2/schemas/tasks", token: s.IssueToken(producer)}).object(t)
	item := stub["properties"].(map[string]any)["tasks"].(map[string]any)["items"].(map[string]any)["properties"].(map[string]any)
	for _, hidden := range []string{"input", "result", "message"} {
		if _, ok := item[hidden]; ok {
			t.Errorf("the tasks schema lists %s, which Glance's partial task schema hides", hidden)
		}
	}
}

// TestBodyChecker_CatchesAMismatch proves the TestMain check can fail: a body the served
// schema refuses is reported, one it accepts is not.
func TestBodyChecker_CatchesAMismatch(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	b := &bodyChecker{schemas: map[*Server]map[string]*jsonschema.Schema{}, checked: map[string]int{}}
	r := httptest.NewRequest(http.MethodGet, "/image/v2/tasks/x", nil)
	h := http.Header{"Content-Type": {"application/json"}}
	b.check(s, "/image/v2/tasks/{task_id}", r, 200, h, []byte(`{"id":"not-a-uuid","result":"done"}`))
	b.check(s, "/image/v2/tasks/{task_id}", r, 200, h, []byte(`{"id":"6f1c8a3e-0d3b-4a4e-9d55-2f4a3b2c1d0e","result":null,"expires_at":null}`))
	b.check(s, "/image/v2/tasks/{task_id}", r, 404, h, []byte(`{"not":"checked"}`))
	if b.failed != 1 || b.checked["task"] != 2 || !strings.Contains(b.failures[0], "/result") {
		t.Fatalf("failed %d, checked %v, failures %v", b.failed, b.checked, b.failures)
	}
}
