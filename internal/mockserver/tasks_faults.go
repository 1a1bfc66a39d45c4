package mockserver

// TaskFault makes tasks end in failure instead of doing their work: they still move
// pending → processing → failure with the usual delays, and leave nothing behind.
type TaskFault struct {
	Type    string // "import" or "export"; "" matches any task
	Message string // the failed task's message; "" → Glance's "Task failed due to Internal Error"
	// Times is how many matching tasks fail: 0 means once, a negative value every
	// matching task until ClearFaults.
	Times int
}

type armedTaskFault struct {
	TaskFault
	left int // < 0: unlimited
}

// FailTasks arms f for the next f.Times matching tasks to be processed. Task faults are
// checked in the order they were armed; the first match wins.
func (s *Server) FailTasks(f TaskFault) {
	s.faults.mu.Lock()
	s.faults.tasks = append(s.faults.tasks, &armedTaskFault{TaskFault: f, left: answers(f.Times)})
	s.faults.mu.Unlock()
}

// takeTask returns the message of the first task fault matching typ and uses it up once.
func (t *faultTable) takeTask(typ string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, f := range t.tasks {
		if f.Type != "" && f.Type != typ {
			continue
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				t.tasks = append(t.tasks[:i:i], t.tasks[i+1:]...)
			}
		}
		if f.Message == "" {
			return "Task failed due to Internal Error", true
		}
		return f.Message, true
	}
	return "", false
}
