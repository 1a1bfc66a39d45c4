package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

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
	// Token, when set, marks the task as the caller's own: the image is named
	// TokenName(ImageName, Token) until the caller renames it, so that a task
	// whose create answer was lost is found by the mark, never by its
	// likeness to another run's task. NewToken makes one.
	Token string
}

// The image name of a marked import task is "<name> [tf-<token>]" (Rackspace
// accepts no other image property in an import task, REFERENCE §3.2).
var tokenSuffix = regexp.MustCompile(` \[tf-[0-9a-f]{16}\]$`)

const maxImageName = 255

// NewToken is a fresh random mark for ImportTaskInput.Token.
func NewToken() string { return strings.ReplaceAll(uuid.NewString(), "-", "")[:16] }

// TokenName is the name an import task marked with token gives its image.
func TokenName(name, token string) string {
	if token == "" {
		return name
	}
	suffix := " [tf-" + token + "]"
	if len(name)+len(suffix) > maxImageName {
		name = name[:maxImageName-len(suffix)]
	}
	return name + suffix
}

// StripToken is name without the mark TokenName added, if it has one.
func StripToken(name string) string { return tokenSuffix.ReplaceAllString(name, "") }

// CreateImportTask is POST /v2/tasks with type import (the Rackspace input
// shape, REFERENCE.md §3.2).
func (c *Client) CreateImportTask(ctx context.Context, in ImportTaskInput) (*Task, error) {
	name := TokenName(in.ImageName, in.Token)
	input := map[string]any{
		"image_properties": map[string]any{"name": name},
		"import_from":      in.ImportFrom,
	}
	if in.ImportFromFormat != "" {
		input["import_from_format"] = in.ImportFromFormat
	}
	if in.Token == "" {
		return c.createTask(ctx, TaskImport, input, sameInput(input))
	}
	return c.createTask(ctx, TaskImport, input, func(t *Task) bool {
		props, _ := t.Input["image_properties"].(map[string]any)
		got, _ := props["name"].(string)
		return got == name
	})
}

// CreateExportTask is POST /v2/tasks with type export: the image's data is
// written to <container>/<image id>.vhd in the caller's object store. An
// export takes no mark, but its object's name is its own: two exports of one
// image into one container cannot both succeed, so a task of exactly this
// input made since the create began is the one the lost answer made.
func (c *Client) CreateExportTask(ctx context.Context, imageID, container string) (*Task, error) {
	input := map[string]any{"image_uuid": imageID, "receiving_swift_container": container}
	return c.createTask(ctx, TaskExport, input, sameInput(input))
}

// RunningExport is an export of imageID into container that is still
// pending or processing (one an earlier, interrupted apply started), or nil:
// adopting it repeats no work.
func (c *Client) RunningExport(ctx context.Context, imageID, container string) (*Task, error) {
	same := sameInput(map[string]any{"image_uuid": imageID, "receiving_swift_container": container})
	return c.findTask(ctx, TaskExport, time.Time{}, func(t *Task) bool {
		return same(t) && (t.Status == TaskPending || t.Status == TaskProcessing)
	})
}

// sameInput matches a task whose input is exactly input.
func sameInput(input map[string]any) func(*Task) bool {
	want, _ := json.Marshal(input)
	return func(t *Task) bool {
		got, err := json.Marshal(t.Input)
		return err == nil && string(got) == string(want)
	}
}

// createTask posts a task. A task create is not safe to repeat blindly (a
// second POST is a second import): a refusal (429, 503 with Retry-After) is
// retried by the transport; when the outcome is unknown (the answer lost or
// cut off, a 5xx), it looks for the task the POST may have made (ours is
// the one that matches, made since the create began) and posts again only
// when there is none.
func (c *Client) createTask(ctx context.Context, typ string, input map[string]any, ours func(*Task) bool) (*Task, error) {
	body := map[string]any{"type": typ, "input": input}
	since := time.Now().Add(-taskClockSkew)
	for attempt := 0; ; attempt++ {
		var t Task
		err := c.call(ctx, http.MethodPost, c.image.ServiceURL("tasks"), body, []int{http.StatusCreated}, &t)
		if err == nil {
			return &t, nil
		}
		if ctx.Err() != nil || (attempt >= c.maxRetries && UnknownOutcome(err)) {
			return c.resolveLostCreate(ctx, typ, since, ours, err)
		}
		if attempt >= c.maxRetries || !transient(err) {
			return nil, err
		}
		if UnknownOutcome(err) {
			found, ferr := c.findTask(ctx, typ, since, ours)
			if ferr != nil {
				return nil, fmt.Errorf("%w; and looking for the task it may have made failed: %v", err, ferr)
			}
			if found != nil {
				tflog.Info(c.secrets.mask(ctx), "Adopting the task this create made (its answer was lost)",
					map[string]any{"task_id": found.ID, "type": typ})
				return found, nil
			}
		}
		tflog.Warn(c.secrets.mask(ctx), "Task create failed and made no task: posting again",
			map[string]any{"type": typ, "attempt": attempt + 1, "max_retries": c.maxRetries, "error": err.Error()})
		if err := pause(ctx, attempt); err != nil {
			return nil, err
		}
	}
}

// resolveLostCreate looks, one last time, for the task a POST may have made
// when no answer will come: the caller gave up (Ctrl-C, its timeout) while
// the POST was in flight, or the last try's answer was lost. The look runs
// on a short context of its own, since the caller's may be over; a task
// found is returned as made, so that the caller records it rather than
// leave it unknown (and post a second one on the next apply).
func (c *Client) resolveLostCreate(ctx context.Context, typ string, since time.Time, ours func(*Task) bool, err error) (*Task, error) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lostCreateLookup)
	defer cancel()
	found, ferr := c.findTask(lctx, typ, since, ours)
	if ferr != nil {
		return nil, fmt.Errorf("%w; and looking for the task it may have made failed: %v", err, ferr)
	}
	if found == nil {
		return nil, err
	}
	tflog.Info(c.secrets.mask(lctx), "Adopting the task this create made (no answer came)",
		map[string]any{"task_id": found.ID, "type": typ, "error": err.Error()})
	return found, nil
}

// lostCreateLookup bounds resolveLostCreate's look.
const lostCreateLookup = 20 * time.Second

// taskClockSkew is how far the server's clock may be behind ours when
// findTask decides that a task was made since a create began.
const taskClockSkew = 2 * time.Minute

// findTask returns the newest task of this type created since since that
// ours accepts, or nil. List entries carry no input, so each candidate is
// read.
func (c *Client) findTask(ctx context.Context, typ string, since time.Time, ours func(*Task) bool) (*Task, error) {
	q := url.Values{"type": {typ}, "sort_key": {"created_at"}, "sort_dir": {"desc"}, "limit": {"50"}}
	var page struct {
		Tasks []Task `json:"tasks"`
	}
	if err := c.call(ctx, http.MethodGet, c.image.ServiceURL("tasks")+"?"+q.Encode(), nil, []int{http.StatusOK}, &page); err != nil {
		return nil, err
	}
	for _, stub := range page.Tasks {
		if stub.CreatedAt.Before(since) {
			break
		}
		t, err := c.GetTask(ctx, stub.ID)
		if err != nil {
			return nil, err
		}
		if ours(t) {
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
			if transient(err) {
				c.readFailedWhileWaiting(ctx, "task", id, err)
				return false, nil
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
		status := ""
		if last != nil {
			status = last.Status
		}
		return last, &WaitIncompleteError{What: "task", ID: id, Target: TaskSuccess, LastStatus: status,
			Elapsed: roundDuration(time.Since(start)), Err: ctx.Err()}
	}
	return last, err
}

// TaskImageName is the image name a task's input gives its image ("" for an
// export, or an import without one).
func TaskImageName(t *Task) string {
	props, _ := t.Input["image_properties"].(map[string]any)
	name, _ := props["name"].(string)
	return name
}

// RenameMarkedImage gives the image a marked import task made (named marked,
// TokenName's result) its final name. It renames only while the image still
// bears the mark, so that a name someone gave it since is kept; renamed is
// false when there was nothing to do (the image is gone or named otherwise).
func (c *Client) RenameMarkedImage(ctx context.Context, id, marked, name string) (renamed bool, err error) {
	img, err := c.GetImage(ctx, id)
	if IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if img.Name != marked || marked == name {
		return false, nil
	}
	if _, err := c.UpdateImage(ctx, id, []PatchOp{{Op: PatchReplace, Attribute: "name", Value: name}}); err != nil {
		return false, err
	}
	return true, nil
}

// ExportedObjectExists reports whether the object an export of imageID
// into container writes (<container>/<image id>.vhd) is in the object store:
// HEAD on the object, with the API's token. It settles what became of an
// export task that expired before anyone saw it finish.
func (c *Client) ExportedObjectExists(ctx context.Context, container, imageID string) (bool, error) {
	info, err := c.HeadObject(ctx, container, imageID+".vhd")
	return info != nil, err
}

// ListTasks is GET /v2/tasks of one type (and status, when set), newest
// first, following "next" links. List entries carry no input or result:
// GetTask reads them.
func (c *Client) ListTasks(ctx context.Context, typ, status string) ([]Task, error) {
	q := url.Values{"type": {typ}, "sort_key": {"created_at"}, "sort_dir": {"desc"}}
	if status != "" {
		q.Set("status", status)
	}
	next := c.image.ServiceURL("tasks") + "?" + q.Encode()
	var all []Task
	for page := 0; next != ""; page++ {
		if page >= maxListPages {
			return nil, &APIError{Method: http.MethodGet, URL: next, Message: fmt.Sprintf("gave up after %d pages: the server keeps sending next links", maxListPages)}
		}
		var body struct {
			Tasks []Task `json:"tasks"`
			Next  string `json:"next"`
		}
		if err := c.call(ctx, http.MethodGet, next, nil, []int{http.StatusOK}, &body); err != nil {
			return nil, err
		}
		all = append(all, body.Tasks...)
		if body.Next == "" || len(body.Tasks) == 0 {
			break
		}
		var err error
		if next, err = c.resolveNext(next, body.Next); err != nil {
			return nil, err
		}
	}
	return all, nil
}
