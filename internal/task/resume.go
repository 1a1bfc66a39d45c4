package task

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
)

// A task runs on the server whatever becomes of the apply that started it.
// Once the server has accepted a task, its id is in the state and nothing
// the provider does starts it again: a wait that stops early (Ctrl-C, the
// create or update timeout) saves the task as it is and warns instead of
// failing, so the resource is not tainted; the next plan shows an in-place
// update with the results known after apply, and that update waits for the
// same task. Only a task that failed, and so did nothing, is run again.

// running reports whether a task of that status may still finish.
func running(status types.String) bool {
	s := status.ValueString()
	return s == client.TaskPending || s == client.TaskProcessing
}

// waiter waits for one task of a resource and records each read of it.
type waiter struct {
	client  *client.Client
	what    string        // "import", "export"
	op      string        // "create", "update": the timeout that bounds the wait
	timeout time.Duration // that timeout, for the messages
	// pending says what the task's result means until it is done, for the
	// warning of a wait that stopped early ("" for nothing).
	pending string
}

// await waits for the task id to succeed, saving every task read with save,
// and reports whether it did. A failure is an error (on create, it taints
// the resource); a wait that stopped early is a warning. So is any other
// error on create: the server holds the task, and tainting would run it a
// second time.
func (w waiter) await(ctx context.Context, id string, save func(*client.Task) diag.Diagnostics, diags *diag.Diagnostics) bool {
	done, err := w.client.WaitForTask(ctx, id)
	if done != nil {
		if diags.Append(save(done)...); diags.HasError() {
			return false
		}
	}
	var failed *client.TaskFailedError
	var incomplete *client.WaitIncompleteError
	switch {
	case err == nil:
		return true
	case errors.As(err, &failed):
		saved := "saved in the state as tainted"
		if w.op == "update" {
			saved = "saved in the state with status failure"
		}
		diags.AddError(fmt.Sprintf("The %s task failed", w.what),
			fmt.Sprintf("%s\n\nThe task %s did nothing. It is %s: fix the input and apply again, and the next apply "+
				"replaces it with a new task.", err, id, saved))
	case errors.As(err, &incomplete):
		w.stoppedWaiting(incomplete, diags)
	case w.op == "create":
		diags.AddWarning(fmt.Sprintf("Cannot follow %s task %s", w.what, id),
			fmt.Sprintf("%s\n\nThe server accepted the task, so it is saved in the state as it was last seen, not tainted. "+
				"The next apply reads it again and, while it runs, shows an in-place update that keeps waiting for this same "+
				"task; it does not start another.%s", err, w.pendingNote()))
	default:
		diagnostics.APIError(diags, fmt.Sprintf("wait for %s task %s", w.what, id), err,
			"The task is still saved in the state: the next apply keeps waiting for it, and does not start another.")
	}
	return false
}

// stoppedWaiting is the warning of a wait that ended before the task did.
func (w waiter) stoppedWaiting(incomplete *client.WaitIncompleteError, diags *diag.Diagnostics) {
	why := fmt.Sprintf("The %s timeout (%s) ran out", w.op, w.timeout)
	if incomplete.Interrupted() {
		why = "Terraform was interrupted"
	}
	diags.AddWarning(fmt.Sprintf("Stopped waiting for %s task %s", w.what, incomplete.ID),
		fmt.Sprintf("%s: %s.\n\nThe task goes on on the server, and the state records it (id %s). The next apply shows this "+
			"resource as an in-place update and keeps waiting for this same task, within the `update` timeout; it does not "+
			"start another.%s", why, incomplete, incomplete.ID, w.pendingNote()))
}

func (w waiter) pendingNote() string {
	if w.pending == "" {
		return ""
	}
	return " " + w.pending
}

// planTask plans what the next apply does with the state's task: one still
// running is an in-place update that waits for it (its results unknown until
// then); one that failed did nothing and is replaced by a new one. results
// are the resource's attributes that the task's outcome fills in.
func planTask(ctx context.Context, state common, results []string, resp *resource.ModifyPlanResponse) {
	switch {
	case running(state.Status):
		for _, name := range append([]string{"status", "message", "updated_at", "expires_at"}, results...) {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
		}
	case state.Status.ValueString() == client.TaskFailure:
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("status"))
	}
}

// withTimeout bounds ctx by the create or update timeout of the resource.
func withTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), diags *diag.Diagnostics) (context.Context, context.CancelFunc, time.Duration) {
	d, td := timeout(ctx, defaultTimeout)
	diags.Append(td...)
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, d
}
