// Package task holds the asynchronous tasks that move images to and from the
// object store: cloudimages_image_import_task, cloudimages_image_export_task
// and the cloudimages_task data source.
package task

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/identity"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfvalue"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// defaultTimeout is how long a task resource waits for its task when the
// timeouts block does not say.
const defaultTimeout = 60 * time.Minute

// timeoutsBlock is the timeouts block of a task resource: create, and
// update, which waits for a task that an earlier apply stopped waiting for.
func timeoutsBlock(ctx context.Context) schema.Block {
	return timeouts.Block(ctx, timeouts.Opts{
		Create: true,
		CreateDescription: fmt.Sprintf("How long to wait for the task to succeed, counted from the start of the create: a "+
			"duration such as `30m` or `2h` (units `s`, `m`, `h`). Default: `%dm`. A task still running then is saved "+
			"in the state with a warning (not tainted): it goes on on the server, and the next apply keeps waiting for it "+
			"(an in-place update) rather than starting another.", int(defaultTimeout.Minutes())),
		Update: true,
		UpdateDescription: fmt.Sprintf("How long an update waits for a task that an earlier apply stopped waiting for "+
			"(interrupted, or out of create time), the same way. Default: `%dm`.", int(defaultTimeout.Minutes())),
	})
}

// common are the attributes every task resource has.
type common struct {
	ID        types.String `tfsdk:"id"`
	Region    types.String `tfsdk:"region"`
	Status    types.String `tfsdk:"status"`
	Message   types.String `tfsdk:"message"`
	Owner     types.String `tfsdk:"owner"`
	ExpiresAt types.String `tfsdk:"expires_at"`
	CreatedAt types.String `tfsdk:"created_at"`
	UpdatedAt types.String `tfsdk:"updated_at"`
}

func (c *common) setFromAPI(t *client.Task) {
	c.ID = types.StringValue(t.ID)
	c.Status = types.StringValue(t.Status)
	c.Message = types.StringValue(t.Message)
	c.Owner = types.StringValue(t.Owner)
	c.ExpiresAt = tfvalue.TimePtr(t.ExpiresAt)
	c.CreatedAt = tfvalue.Time(t.CreatedAt)
	c.UpdatedAt = tfvalue.Time(t.UpdatedAt)
}

const statusDescription = "`pending`, `processing`, `success` or `failure`. An apply waits until the task succeeds; a " +
	"task still running when the wait stopped (interrupted, or out of time) makes the next plan an in-place update that " +
	"waits for it, and a failed task is replaced by a new one."

// commonAttributes describes common; every one is computed and kept from the
// state, since a task never changes once it has finished (ModifyPlan makes
// them unknown while the state's task is still running).
func commonAttributes() map[string]schema.Attribute {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	attr := func(desc string) schema.Attribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc, PlanModifiers: keep}
	}
	return map[string]schema.Attribute{
		"id":         attr("The task's id (a UUID)."),
		"status":     attr(statusDescription),
		"message":    attr("The server's message about the task (why it failed, if it did)."),
		"owner":      attr("Tenant (project) that owns the task."),
		"expires_at": attr("When the service forgets the task (RFC 3339): 48 hours after it finished. The resource keeps its last known state after that."),
		"created_at": attr("When the task was created (RFC 3339)."),
		"updated_at": attr("When the task last changed (RFC 3339)."),
		"region":     region.ResourceAttribute("task (its images and its object store are that region's)"),
	}
}

// replaceString is the plan modifier of every task argument: a task runs
// once, so a new argument is a new task.
func replaceString() []planmodifier.String {
	return []planmodifier.String{stringplanmodifier.RequiresReplace()}
}

// readTask refreshes a task. A task past its expires_at is 404: that is the
// one exception to the rule that 404 removes a resource from the state, since
// the task did run and its result (an image, an object) lives on; the last
// known state is kept so that no new task is planned, and expired is true
// (see expired.go for a task that expired while the state held it running).
func readTask(ctx context.Context, c *client.Client, id types.String, state *tfsdk.State, diags *diag.Diagnostics, wantType string) (t *client.Task, expired bool) {
	t, err := c.GetTask(ctx, id.ValueString())
	if client.IsNotFound(err) {
		var status types.String
		diags.Append(state.GetAttribute(ctx, path.Root("status"), &status)...)
		if status.IsNull() || status.ValueString() == "" {
			diags.AddError("Task not found",
				fmt.Sprintf("No task %s is visible to this tenant. Tasks are forgotten 48 hours after they finish; "+
					"only a task that still exists can be imported.", id.ValueString()))
			return nil, false
		}
		tflog.Debug(ctx, "task expired: keeping its last known state", map[string]any{"task_id": id.ValueString()})
		return nil, true
	}
	if err != nil {
		diagnostics.APIError(diags, "read task "+id.ValueString(), err, "")
		return nil, false
	}
	if t.Type != wantType {
		diags.AddError("Wrong kind of task",
			fmt.Sprintf("Task %s is an %s task, not an %s task: import it into the matching resource type.", t.ID, t.Type, wantType))
		return nil, false
	}
	return t, false
}

// inputString is a string of the task's input.
func inputString(t *client.Task, key string) types.String {
	s, _ := t.Input[key].(string)
	return tfvalue.String(s)
}

// importID checks an imported task id.
func importID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	inRegion, id := region.SplitImportID(req.ID, 1)
	if identity.Import(ctx, req, resp, taskIdentityNames...) {
		resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("id"), &id)...)
	}
	if !validate.IsUUID(id) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid import ID", fmt.Sprintf("Expected the task's UUID, with the "+
			"region in front where it is not the provider's (DFW/6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	if inRegion != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(region.Attr), inRegion)...)
	}
}

// taskIdentityNames are the state's attributes that identify a task.
var taskIdentityNames = []string{"id", region.Attr}

// taskIdentity is the resource identity of both task resources: the task's
// id and region.
func taskIdentity() identityschema.Schema {
	return identity.Schema(identity.Attribute{Name: "id", Description: "The task's UUID."}, identity.Region)
}

// inRegion is the client of the task's region, and the region in the
// model, where an object made before resources had a region has none; nil,
// with an error on region, for a region the catalog lacks.
func inRegion(provider *client.Client, m *common, diags *diag.Diagnostics) *client.Client {
	c := region.Client(provider, m.Region, diags)
	if c != nil {
		m.Region = types.StringValue(c.Region())
	}
	return c
}
