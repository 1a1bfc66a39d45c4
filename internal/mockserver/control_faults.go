package mockserver

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// faultJSON is a Fault on the control path (POST /_mock/faults).
type faultJSON struct {
	Method          string `json:"method"`
	Path            string `json:"path"` // a Go regexp; "" matches any path
	Status          int    `json:"status"`
	Times           int    `json:"times"`
	RetryAfter      string `json:"retry_after"`
	LatencyMS       int64  `json:"latency_ms"`
	Drop            bool   `json:"drop"`
	LoseAnswer      bool   `json:"lose_answer"`
	TruncateBody    bool   `json:"truncate_body"`
	KillUploadAfter int64  `json:"kill_upload_after"`
	// Share and Seed make the fault random (Fault.Share); omitted when 0, as deterministic
	// faults were always shown.
	Share float64 `json:"share,omitempty"`
	Seed  uint64  `json:"seed,omitempty"`
}

// armedFaultJSON is how GET /_mock/faults shows a fault: as posted, plus what is left.
type armedFaultJSON struct {
	faultJSON
	Left int `json:"left"` // -1: until cleared
}

// fault checks the posted fault and turns it into a Fault. Combinations the Go API
// settles by precedence are refused here, where a user can be told.
func (in faultJSON) fault() (Fault, *apiError) {
	bad := func(format string, args ...any) (Fault, *apiError) {
		return Fault{}, errorf(http.StatusBadRequest, format, args...)
	}
	f := Fault{
		Method: strings.ToUpper(strings.TrimSpace(in.Method)), Status: in.Status, Times: in.Times,
		RetryAfter: in.RetryAfter, Latency: time.Duration(in.LatencyMS) * time.Millisecond, Drop: in.Drop,
		LoseAnswer: in.LoseAnswer, TruncateBody: in.TruncateBody, KillUploadAfter: in.KillUploadAfter,
		Share: in.Share, Seed: in.Seed,
	}
	if in.Path != "" {
		re, err := regexp.Compile(in.Path)
		if err != nil {
			return bad("path is not a valid Go regexp: %v", err)
		}
		f.Path = re
	}
	spoilers := in.LoseAnswer || in.TruncateBody || in.KillUploadAfter > 0
	switch {
	case in.Status != 0 && (in.Status < 400 || in.Status > 599):
		return bad("status must be an error code from 400 to 599, or 0 to process the request; got %d", in.Status)
	case in.LatencyMS < 0:
		return bad("latency_ms must not be negative; got %d", in.LatencyMS)
	case in.KillUploadAfter < 0:
		return bad("kill_upload_after must not be negative; got %d", in.KillUploadAfter)
	case in.Drop && in.Status != 0:
		return bad("drop and status are exclusive: a dropped request gets no answer")
	case spoilers && (in.Drop || in.Status != 0):
		return bad("lose_answer, truncate_body and kill_upload_after process the request, so they exclude drop and status")
	case in.LoseAnswer && in.TruncateBody:
		return bad("lose_answer and truncate_body are exclusive")
	case !(in.Share >= 0 && in.Share <= 1): // NaN cannot come from JSON, but say it as a range
		return bad("share must be a probability from 0 to 1 (0: every matching request); got %v", in.Share)
	case in.Seed != 0 && in.Share == 0:
		return bad("seed needs a share: a fault without one is not random")
	}
	return f, nil
}

func faultView(a armedFault) armedFaultJSON {
	out := armedFaultJSON{faultJSON: faultJSON{
		Method: a.Method, Status: a.Status, Times: a.Times, RetryAfter: a.RetryAfter,
		LatencyMS: a.Latency.Milliseconds(), Drop: a.Drop,
		LoseAnswer: a.LoseAnswer, TruncateBody: a.TruncateBody, KillUploadAfter: a.KillUploadAfter,
		Share: a.Share, Seed: a.Seed,
	}, Left: max(a.left, -1)}
	if a.Path != nil {
		out.Path = a.Path.String()
	}
	return out
}

// taskFaultJSON is a TaskFault on the control path (POST /_mock/task-faults).
type taskFaultJSON struct {
	Type    string `json:"type"`
	Message string `json:"message"`
	Times   int    `json:"times"`
}

type armedTaskFaultJSON struct {
	taskFaultJSON
	Left int `json:"left"` // -1: until cleared
}

func (s *Server) listFaults(w http.ResponseWriter, _ *http.Request, _ *call) {
	faults, tasks := s.faults.snapshot()
	views := make([]armedFaultJSON, 0, len(faults))
	for _, f := range faults {
		views = append(views, faultView(f))
	}
	taskViews := make([]armedTaskFaultJSON, 0, len(tasks))
	for _, f := range tasks {
		taskViews = append(taskViews, armedTaskFaultJSON{taskFaultJSON(f.TaskFault), max(f.left, -1)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"faults": views, "task_faults": taskViews, "fired": s.FaultsFired()})
}

func (s *Server) postFault(w http.ResponseWriter, r *http.Request, _ *call) {
	var in faultJSON
	err := readControl(r, &in, false)
	var f Fault
	if err == nil {
		f, err = in.fault()
	}
	if err != nil {
		controlErrors.write(w, r, err)
		return
	}
	s.InjectFault(f)
	writeJSON(w, http.StatusCreated, faultView(armedFault{Fault: f, left: answers(f.Times)}))
}

func (s *Server) deleteFaults(w http.ResponseWriter, _ *http.Request, _ *call) {
	s.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) postTaskFault(w http.ResponseWriter, r *http.Request, _ *call) {
	var in taskFaultJSON
	err := readControl(r, &in, false)
	if err == nil && in.Type != "" && !slices.Contains(taskTypes, in.Type) {
		err = errorf(http.StatusBadRequest, "type must be one of %s, or \"\" for any task; got %q", strings.Join(taskTypes, ", "), in.Type)
	}
	if err != nil {
		controlErrors.write(w, r, err)
		return
	}
	f := TaskFault(in)
	s.FailTasks(f)
	writeJSON(w, http.StatusCreated, armedTaskFaultJSON{in, max(answers(f.Times), -1)})
}
