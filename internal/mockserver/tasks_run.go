package mockserver

import (
	"fmt"
	"time"
)

// taskOutcome is what processing a task came to, applied when the task finishes. It is
// the one place a task's fate is decided (where a fault could force a failure).
type taskOutcome struct {
	message string         // failure when not empty
	result  map[string]any // on success
	image   *image         // an imported image, stored when the task succeeds
}

func failed(format string, args ...any) taskOutcome {
	return taskOutcome{message: fmt.Sprintf(format, args...)}
}

// internalFailure is Glance's message for a task that broke for the server's reasons.
func internalFailure(err error) taskOutcome {
	return failed("Task failed due to Internal Error: %v", err)
}

// discard removes what a task that will never finish left behind.
func (o taskOutcome) discard() {
	if o.image != nil {
		removeData(o.image.DataPath)
	}
}

// runTask moves a new task pending → processing → success | failure, each step d after the
// last; with d ≤ 0 every step happens at once, still in that order. The work (reading and
// writing data) is done on entering processing, its outcome applied at the end.
func (s *Server) runTask(id string, d time.Duration) {
	if d <= 0 {
		s.finishTask(id, s.processTask(id))
		return
	}
	s.life.after(d, func() {
		out := s.processTask(id)
		if !s.life.afterOr(d, func() { s.finishTask(id, out) }, out.discard) {
			out.discard()
		}
	})
}

// processTask enters processing and does the task's work, without holding the lock; an
// armed TaskFault fails it instead.
func (s *Server) processTask(id string) taskOutcome {
	var typ, owner string
	var input map[string]any
	s.tasks.with(id, func(t *TaskRecord) {
		t.Status, t.UpdatedAt = taskProcessing, s.now()
		typ, owner, input = t.Type, t.Owner, t.Input // input is never changed after create
	})
	if msg, ok := s.faults.takeTask(typ); ok {
		return failed("%s", msg)
	}
	if typ == "export" {
		return s.runExport(owner, input)
	}
	return s.runImport(owner, input)
}

// finishTask applies the outcome; a finished task expires taskTimeToLive later. An
// imported image is stored with the tasks locked (tasks before images in the lock order),
// so no one sees the task's success without its image.
func (s *Server) finishTask(id string, out taskOutcome) {
	s.tasks.with(id, func(t *TaskRecord) {
		now := s.now()
		if out.message != "" {
			t.Status, t.Message = taskFailure, out.message
		} else {
			t.Status, t.Result = taskSuccess, out.result
			if img := out.image; img != nil {
				img.CreatedAt, img.UpdatedAt = now, now
				s.images.add(img) // a new id: never a duplicate
			}
		}
		expires := now.Add(taskTimeToLive)
		t.UpdatedAt, t.ExpiresAt = now, &expires
	})
}
