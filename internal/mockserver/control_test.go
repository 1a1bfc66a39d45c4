package mockserver

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// ctl is one control path call (no token), body sent as is.
func ctl(t *testing.T, s *Server, method, path, body string) response {
	t.Helper()
	var b any
	if body != "" {
		b = body
	}
	return do(t, s, req{method: method, path: path, body: b})
}

func TestControl_Index(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	for _, path := range []string{"/_mock/", "/_mock"} {
		r := ctl(t, s, "GET", path, "")
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		var listed []string
		for _, rt := range r.object(t)["routes"].([]any) {
			m := rt.(map[string]any)
			listed = append(listed, m["method"].(string)+" "+m["path"].(string))
			if m["what"] == "" {
				t.Errorf("%v undocumented", m)
			}
		}
		want := []string{"GET /_mock/", "GET /_mock/faults", "POST /_mock/faults", "DELETE /_mock/faults",
			"POST /_mock/task-faults", "POST /_mock/images/{image_id}/kill", "POST /_mock/tokens/expire",
			"PUT /_mock/tokens/ttl", "GET /_mock/counters", "DELETE /_mock/counters", "GET /_mock/regions"}
		if !equalStrings(listed, want) {
			t.Errorf("routes %v", listed)
		}
	}
	r := ctl(t, s, "GET", "/_mock/nowhere", "")
	if r.status != http.StatusNotFound || !strings.Contains(r.object(t)["error"].(string), "GET /_mock/ lists them") {
		t.Errorf("unknown route: %d %s", r.status, r.body)
	}
	r = ctl(t, s, "PUT", "/_mock/faults", "{}")
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, POST, DELETE" || r.object(t)["error"] == nil {
		t.Errorf("wrong method: %d %v %s", r.status, r.header, r.body)
	}
}

func TestControl_FaultsRoundTrip(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	r := ctl(t, s, "POST", "/_mock/faults",
		`{"method":"get","path":"^/image/v2/images$","status":503,"times":2,"retry_after":"1","latency_ms":0,"drop":false,"lose_answer":false,"truncate_body":false,"kill_upload_after":0}`)
	expect(t, r, http.StatusCreated, "")
	want := map[string]any{"method": "GET", "path": "^/image/v2/images$", "status": 503.0, "times": 2.0, "retry_after": "1",
		"latency_ms": 0.0, "drop": false, "lose_answer": false, "truncate_body": false, "kill_upload_after": 0.0, "left": 2.0}
	if got := r.object(t); !reflect.DeepEqual(got, want) {
		t.Errorf("armed %v", got)
	}
	expect(t, ctl(t, s, "POST", "/_mock/faults", `{"lose_answer":true,"times":-1,"path":"/members$","latency_ms":5}`), http.StatusCreated, "")
	expect(t, ctl(t, s, "POST", "/_mock/task-faults", `{"type":"import","message":"nope"}`), http.StatusCreated, "")

	r = do(t, s, req{method: "GET", path: "/image/v2/images", token: tok})
	if expect(t, r, http.StatusServiceUnavailable, ""); r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	listed := ctl(t, s, "GET", "/_mock/faults", "").object(t)
	faults, tasks := listed["faults"].([]any), listed["task_faults"].([]any)
	if len(faults) != 2 || faults[0].(map[string]any)["left"] != 1.0 || faults[1].(map[string]any)["left"] != -1.0 ||
		faults[1].(map[string]any)["latency_ms"] != 5.0 || faults[1].(map[string]any)["path"] != "/members$" {
		t.Errorf("faults %v", faults)
	}
	if len(tasks) != 1 || !reflect.DeepEqual(tasks[0], map[string]any{"type": "import", "message": "nope", "times": 0.0, "left": 1.0}) {
		t.Errorf("task faults %v", tasks)
	}

	expect(t, ctl(t, s, "DELETE", "/_mock/faults", ""), http.StatusNoContent, "")
	listed = ctl(t, s, "GET", "/_mock/faults", "").object(t)
	if len(listed["faults"].([]any)) != 0 || len(listed["task_faults"].([]any)) != 0 {
		t.Errorf("after DELETE %v", listed)
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusOK, "")
}

// TestControl_SpoilingFaults: the modes that let the request through work from HTTP too.
func TestControl_SpoilingFaults(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	expect(t, ctl(t, s, "POST", "/_mock/faults", `{"method":"POST","path":"^/image/v2/images$","lose_answer":true}`), http.StatusCreated, "")
	if _, _, err := rawCall(t, s, "POST", "/image/v2/images", tok, strings.NewReader(`{"disk_format":"raw","container_format":"bare"}`), nil); err == nil {
		t.Fatal("lost answer arrived")
	}
	id := s.Images()[0].ID
	expect(t, ctl(t, s, "POST", "/_mock/faults", `{"method":"PUT","path":"/file$","kill_upload_after":100}`), http.StatusCreated, "")
	if _, _, err := rawCall(t, s, "PUT", "/image/v2/images/"+id+"/file", tok, bytes.NewReader(randomData(8192)),
		map[string]string{"Content-Type": "application/octet-stream"}); err == nil {
		t.Fatal("killed upload answered")
	}
	waitFor(t, "queued", func() bool { rec, _ := s.Image(id); return rec.Status == "queued" })
	expect(t, ctl(t, s, "POST", "/_mock/faults", `{"truncate_body":true}`), http.StatusCreated, "")
	if _, _, err := rawCall(t, s, "GET", "/image/v2/images/"+id, tok, nil, nil); err == nil {
		t.Fatal("truncated answer read whole")
	}
}

func TestControl_FaultRefusals(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	cases := []struct{ name, body, want string }{
		{"bad regexp", `{"path":"(unclosed"}`, "path is not a valid Go regexp: error parsing regexp: missing closing ): `(unclosed`"},
		{"unknown field", `{"stauts":503}`, `unknown field "stauts"`},
		{"wrong type", `{"status":"503"}`, "status must be an integer, not string"},
		{"not an object", `[{"status":503}]`, "a JSON object is expected, not array"},
		{"malformed", `{"status":`, "malformed JSON: unexpected EOF"},
		{"trailing data", `{"status":503} {}`, "unexpected data after the JSON object"},
		{"empty", ``, "a JSON object is expected"},
		{"success status", `{"status":200}`, "status must be an error code from 400 to 599, or 0 to process the request; got 200"},
		{"negative latency", `{"latency_ms":-1}`, "latency_ms must not be negative; got -1"},
		{"negative kill", `{"kill_upload_after":-1}`, "kill_upload_after must not be negative; got -1"},
		{"drop and status", `{"drop":true,"status":503}`, "drop and status are exclusive: a dropped request gets no answer"},
		{"lose and status", `{"lose_answer":true,"status":503}`, "lose_answer, truncate_body and kill_upload_after process the request, so they exclude drop and status"},
		{"kill and drop", `{"kill_upload_after":5,"drop":true}`, "lose_answer, truncate_body and kill_upload_after process the request, so they exclude drop and status"},
		{"lose and truncate", `{"lose_answer":true,"truncate_body":true}`, "lose_answer and truncate_body are exclusive"},
	}
	for _, tc := range cases {
		r := ctl(t, s, "POST", "/_mock/faults", tc.body)
		if r.status != http.StatusBadRequest || r.object(t)["error"] != tc.want {
			t.Errorf("%s: %d %s", tc.name, r.status, r.body)
		}
	}
	for body, want := range map[string]string{
		`{"type":"copy"}`:  `type must be one of import, export, or "" for any task; got "copy"`,
		`{"times":"once"}`: "times must be an integer, not string",
	} {
		if r := ctl(t, s, "POST", "/_mock/task-faults", body); r.status != http.StatusBadRequest || r.object(t)["error"] != want {
			t.Errorf("task fault %s: %d %s", body, r.status, r.body)
		}
	}
	if faults, tasks := s.faults.snapshot(); len(faults)+len(tasks) != 0 {
		t.Errorf("refused faults armed: %v %v", faults, tasks)
	}
}

// TestControl_NeverCountedNorFaulted: a fault on every path cannot lock a test out of the
// control path, and the counters only count the API.
func TestControl_NeverCountedNorFaulted(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	expect(t, ctl(t, s, "POST", "/_mock/faults", `{"status":500,"times":-1}`), http.StatusCreated, "")
	expect(t, ctl(t, s, "POST", "/_mock/faults", `{"drop":true,"times":-1}`), http.StatusCreated, "")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: s.IssueToken(producer)}), http.StatusInternalServerError, "")
	r := ctl(t, s, "GET", "/_mock/counters", "")
	if expect(t, r, http.StatusOK, ""); !reflect.DeepEqual(r.object(t), map[string]any{"GET /image/v2/images": 1.0}) {
		t.Errorf("counters %s", r.body)
	}
	expect(t, ctl(t, s, "DELETE", "/_mock/faults", ""), http.StatusNoContent, "")
	expect(t, ctl(t, s, "DELETE", "/_mock/counters", ""), http.StatusNoContent, "")
	if r := ctl(t, s, "GET", "/_mock/counters", ""); string(r.body) != "{}" || len(s.RequestCounts()) != 0 {
		t.Errorf("after reset: %s %v", r.body, s.RequestCounts())
	}
}

func TestControl_KillImageAndTaskFaults(t *testing.T) {
	t.Parallel()
	var log logSink
	s := startServer(t, Options{Logf: log.logf})
	id := createImageID(t, s, nil)
	expect(t, ctl(t, s, "POST", "/_mock/images/"+id+"/kill", `{"reason":"disk on fire"}`), http.StatusNoContent, "")
	if rec, _ := s.Image(id); rec.Status != "killed" || log.find("image "+id+" killed: disk on fire") == "" {
		t.Errorf("status %s, or the reason is not in the log", rec.Status)
	}
	id2 := createImageID(t, s, nil)
	expect(t, ctl(t, s, "POST", "/_mock/images/"+id2+"/kill", ""), http.StatusNoContent, "") // the reason is optional
	r := ctl(t, s, "POST", "/_mock/images/nope/kill", "{}")
	if r.status != http.StatusNotFound || r.object(t)["error"] != "no image nope" {
		t.Errorf("unknown image: %d %s", r.status, r.body)
	}
	if r := ctl(t, s, "POST", "/_mock/images/"+id+"/kill", `{"why":"x"}`); r.status != http.StatusBadRequest {
		t.Errorf("unknown field: %d", r.status)
	}

	expect(t, ctl(t, s, "POST", "/_mock/task-faults", `{"type":"import","message":"from curl","times":1}`), http.StatusCreated, "")
	if task := finished(t, s, producer, "import", importInput("i", "c/o")); task["status"] != "failure" || task["message"] != "from curl" {
		t.Errorf("task %v", task)
	}
}

func TestControl_Tokens(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	old := s.IssueToken(producer)
	expect(t, ctl(t, s, "POST", "/_mock/tokens/expire", ""), http.StatusNoContent, "")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: old}), http.StatusUnauthorized, "")

	r := ctl(t, s, "PUT", "/_mock/tokens/ttl", `{"ttl":"30s"}`)
	if expect(t, r, http.StatusOK, ""); r.object(t)["ttl"] != "30s" {
		t.Errorf("ttl %s", r.body)
	}
	tok := s.IssueToken(producer)
	clock.Advance(30 * time.Second)
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images", token: tok}), http.StatusUnauthorized, "")
	if r := ctl(t, s, "PUT", "/_mock/tokens/ttl", `{"ttl":"0s"}`); r.object(t)["ttl"] != "24h0m0s" {
		t.Errorf("default ttl %s", r.body)
	}
	for body, want := range map[string]string{
		`{"ttl":"soon"}`: `ttl: time: invalid duration "soon"`,
		`{"ttl":30}`:     "ttl must be a string, not number",
		`{}`:             `ttl is required, a Go duration such as "30s"`,
	} {
		if r := ctl(t, s, "PUT", "/_mock/tokens/ttl", body); r.status != http.StatusBadRequest || r.object(t)["error"] != want {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
}
