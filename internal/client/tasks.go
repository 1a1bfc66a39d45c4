package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Task types and statuses (REFERENCE.md §3).
const (
	TaskImport = "import"
	TaskExport = "export"

	TaskPending    = "pending"
	TaskProcessing = "processing"
	TaskSuccess    = "success"
	TaskFailure    = "failure"
)

// Task is an asynchronous import or export.
type Task struct {
	ID        string
	Type      string
	Status    string
	Owner     string
	Message   string
	Input     map[string]any
	Result    map[string]any
	CreatedAt time.Time
	UpdatedAt time.Time
	ExpiresAt *time.Time // set once the task succeeded or failed
}

// ResultString is a string of the task's result, "" when absent.
func (t *Task) ResultString(key string) string {
	s, _ := t.Result[key].(string)
	return s
}

// UnmarshalJSON reads the API's task document. Rackspace renders an empty
// message as "None"; that is no message.
func (t *Task) UnmarshalJSON(b []byte) error {
	var raw struct {
		ID        string         `json:"id"`
		Type      string         `json:"type"`
		Status    string         `json:"status"`
		Owner     string         `json:"owner"`
		Message   string         `json:"message"`
		Input     map[string]any `json:"input"`
		Result    map[string]any `json:"result"`
		CreatedAt string         `json:"created_at"`
		UpdatedAt string         `json:"updated_at"`
		ExpiresAt string         `json:"expires_at"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*t = Task{ID: raw.ID, Type: raw.Type, Status: raw.Status, Owner: raw.Owner, Message: raw.Message,
		Input: raw.Input, Result: raw.Result, CreatedAt: parseTime(raw.CreatedAt), UpdatedAt: parseTime(raw.UpdatedAt)}
	if t.Message == "None" {
		t.Message = ""
	}
	if exp := parseTime(raw.ExpiresAt); !exp.IsZero() {
		t.ExpiresAt = &exp
	}
	return nil
}

// ImportTaskInput is what an import task needs: the object to read, in the
// caller's object store, and the new image's name.
type ImportTaskInput struct {
	ImageName        string
	ImportFrom       string // "container/object"
	ImportFromFormat string // "" = the server's default (vhd)
}

// CreateImportTask is POST /v2/tasks with type import (the Rackspace input
// shape, REFERENCE.md §3.2).
func (c *Client) CreateImportTask(ctx context.Context, in ImportTaskInput) (*Task, error) {
	input := map[string]any{
		"image_properties": map[string]any{"name": in.ImageName},
		"import_from":      in.ImportFrom,
	}
	if in.ImportFromFormat != "" {
		input["import_from_format"] = in.ImportFromFormat
	}
	return c.createTask(ctx, TaskImport, input)
}

// CreateExportTask is POST /v2/tasks with type export: the image's data is
// written to <container>/<image id>.vhd in the caller's object store.
func (c *Client) CreateExportTask(ctx context.Context, imageID, container string) (*Task, error) {
	return c.createTask(ctx, TaskExport, map[string]any{"image_uuid": imageID, "receiving_swift_container": container})
}

// createTask posts a task. A task create is not safe to repeat blindly (a
// second POST is a second import), so when the answer is lost or the server
// was busy, it first looks for the task the lost POST may have made, and
// posts again only when there is none.
func (c *Client) createTask(ctx context.Context, typ string, input map[string]any) (*Task, error) {
	body := map[string]any{"type": typ, "input": input}
	since := time.Now().Add(-taskClockSkew)
	for attempt := 0; ; attempt++ {
		var t Task
		err := c.call(ctx, http.MethodPost, c.image.ServiceURL("tasks"), body, []int{http.StatusCreated}, &t)
		if err == nil {
			return &t, nil
		}
		if attempt >= c.maxRetries || !unsure(err) {
			return nil, err
		}
		if found, ferr := c.findTask(ctx, typ, input, since); ferr == nil && found != nil {
			tflog.Info(c.secrets.mask(ctx), "Adopting the task an earlier create made (its answer was lost)",
				map[string]any{"task_id": found.ID, "type": typ})
			return found, nil
		}
		tflog.Warn(c.secrets.mask(ctx), "Task create failed and no such task exists: posting again",
			map[string]any{"type": typ, "attempt": attempt + 1, "max_retries": c.maxRetries, "error": err.Error()})
		if err := pause(ctx, attempt); err != nil {
			return nil, err
		}
	}
}

// taskClockSkew is how far the server's clock may be behind ours when
// findTask decides that a task is recent enough to be the lost one.
const taskClockSkew = 10 * time.Minute

// findTask returns the newest task of this type with exactly this input
// created since since, or nil. List entries carry no input, so each
// candidate is read.
func (c *Client) findTask(ctx context.Context, typ string, input map[string]any, since time.Time) (*Task, error) {
	q := url.Values{"type": {typ}, "sort_key": {"created_at"}, "sort_dir": {"desc"}, "limit": {"20"}}
	var page struct {
		Tasks []Task `json:"tasks"`
	}
	if err := c.call(ctx, http.MethodGet, c.image.ServiceURL("tasks")+"?"+q.Encode(), nil, []int{http.StatusOK}, &page); err != nil {
		return nil, err
	}
	want, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	for _, stub := range page.Tasks {
		if stub.CreatedAt.Before(since) {
			break
		}
		t, err := c.GetTask(ctx, stub.ID)
		if err != nil {
			continue
		}
		if got, err := json.Marshal(t.Input); err == nil && string(got) == string(want) {
			return t, nil
		}
	}
	return nil, nil
}

// GetTask is GET /v2/tasks/{id}. A task past its expires_at is 404.
func (c *Client) GetTask(ctx context.Context, id string) (*Task, error) {
	var t Task
	if err := c.call(ctx, http.MethodGet, c.image.ServiceURL("tasks", url.PathEscape(id)), nil, []int{http.StatusOK}, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// TaskFailedError is a task that ended in failure, with the server's message.
type TaskFailedError struct {
	Task *Task
}

func (e *TaskFailedError) Error() string {
	msg := e.Task.Message
	if msg == "" {
		msg = "the server gave no message"
	}
	return fmt.Sprintf("%s task %s failed: %s", e.Task.Type, e.Task.ID, msg)
}

// WaitForTask polls the task until it succeeds. A failure is a
// *TaskFailedError carrying the task; the last task read is returned with
// every error (nil if none was read).
func (c *Client) WaitForTask(ctx context.Context, id string) (*Task, error) {
	var last *Task
	start := time.Now()
	err := Wait(ctx, DefaultWaitOptions, func(ctx context.Context) (bool, error) {
		t, err := c.GetTask(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return false, fmt.Errorf("reading task %s while waiting for it to succeed: %w", id, err)
		}
		if last == nil || last.Status != t.Status {
			tflog.Info(c.secrets.mask(ctx), "Task status changed", map[string]any{
				"task_id": id, "type": t.Type, "status": t.Status, "elapsed": roundDuration(time.Since(start)).String(),
			})
		}
		last = t
		switch t.Status {
		case TaskSuccess:
			return true, nil
		case TaskFailure:
			return false, &TaskFailedError{Task: t}
		}
		return false, nil
	})
	if err != nil && ctx.Err() != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		status := "unknown: no successful read"
		if last != nil {
			status = last.Status
		}
		return last, fmt.Errorf("gave up after %s waiting for task %s to succeed: last status %q; raise the create timeout: %w",
			roundDuration(time.Since(start)), id, status, ctx.Err())
	}
	return last, err
}
