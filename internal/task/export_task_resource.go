package task

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/identity"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfvalue"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*exportTaskResource)(nil)
	_ resource.ResourceWithImportState = (*exportTaskResource)(nil)
	_ resource.ResourceWithIdentity    = (*exportTaskResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*exportTaskResource)(nil)
)

// NewExportTaskResource is the constructor of cloudimages_image_export_task.
func NewExportTaskResource() resource.Resource {
	return &exportTaskResource{}
}

type exportTaskResource struct {
	client *client.Client
}

type exportTaskModel struct {
	common
	ImageID        types.String   `tfsdk:"image_id"`
	Container      types.String   `tfsdk:"receiving_swift_container"`
	ExportLocation types.String   `tfsdk:"export_location"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

func (m *exportTaskModel) setFromAPI(t *client.Task) {
	m.common.setFromAPI(t)
	m.ImageID = inputString(t, "image_uuid")
	m.Container = inputString(t, "receiving_swift_container")
	m.ExportLocation = tfvalue.String(t.ResultString("export_location"))
}

func (r *exportTaskResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	// Identities made before resources had a region lack it.
	resp.ResourceBehavior.MutableIdentity = true
	resp.TypeName = req.ProviderTypeName + "_image_export_task"
}

func (r *exportTaskResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = taskIdentity()
}

func (r *exportTaskResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := commonAttributes()
	attributes["image_id"] = schema.StringAttribute{
		Required: true, MarkdownDescription: "The id of the image to export: an `active` image this tenant owns. Changing it runs a new task.",
		Validators: []validator.String{validate.UUID()}, PlanModifiers: replaceString(),
	}
	attributes["receiving_swift_container"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "An existing container of this tenant's object store (Cloud Files) to write " +
			"`<image_id>.vhd` into: 1–256 characters, without `/`, `?` or `.`. Changing it runs a new task.",
		Validators: []validator.String{
			stringvalidator.LengthBetween(1, 256),
			validate.ExportContainer(),
		},
		PlanModifiers: replaceString(),
	}
	attributes["export_location"] = schema.StringAttribute{
		Computed: true, MarkdownDescription: "Where the image was written: `container/<image_id>.vhd`.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Exports an image to the object store with an export task, and waits until the task " +
			"succeeds. A wait cut short (Ctrl-C, a timeout) keeps the task in the state with a warning, and the next " +
			"apply waits for that same task as an in-place update. The task runs once: destroying this resource only forgets the task and leaves the exported " +
			"object alone. An object of the same name already in the container fails the task. Tasks expire 48 hours " +
			"after they finish; the resource keeps its last known state after that and plans no new export.",
		Attributes: attributes,
		Blocks:     map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

// in is the resource acting in the task's region: its methods call that
// region's client (see inRegion); nil when the region is not in the catalog.
func (r *exportTaskResource) in(m *common, diags *diag.Diagnostics) *exportTaskResource {
	if c := inRegion(r.client, m, diags); c != nil && !diags.HasError() {
		return &exportTaskResource{client: c}
	}
	return nil
}

func (r *exportTaskResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *exportTaskResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, taskIdentityNames, &resp.State)
	var plan exportTaskModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if r = r.in(&plan.common, &resp.Diagnostics); r == nil {
		return
	}
	ctx, cancel, timeout := withTimeout(ctx, plan.Timeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	// An export takes no mark: its object's name is its own, and the client
	// finds the task a lost create answer made by its input.
	t, err := r.client.CreateExportTask(ctx, plan.ImageID.ValueString(), plan.Container.ValueString())
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, "create the export task", err, "")
		return
	}
	save := saveExport(ctx, plan, &resp.State)
	if resp.Diagnostics.Append(save(t)...); resp.Diagnostics.HasError() {
		return
	}
	r.waiter("create", timeout, plan).await(ctx, t.ID, save, &resp.Diagnostics)
}

func (r *exportTaskResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, taskIdentityNames, &resp.State, &req.State)
	var state exportTaskModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r = r.in(&state.common, &resp.Diagnostics); r == nil {
		return
	}
	t, expired := readTask(ctx, r.client, state.ID, &req.State, &resp.Diagnostics, client.TaskExport)
	if expired && running(state.Status) {
		r.settleExpired(ctx, &state, &resp.State, &resp.Diagnostics)
		return
	}
	if t == nil {
		return
	}
	state.setFromAPI(t)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update waits for a task that an earlier apply stopped waiting for;
// otherwise it only takes a new timeouts block (every argument runs a new
// task).
func (r *exportTaskResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, taskIdentityNames, &resp.State)
	var plan, state exportTaskModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r = r.in(&plan.common, &resp.Diagnostics); r == nil {
		return
	}
	if !running(state.Status) {
		resp.State.Raw = req.Plan.Raw
		return
	}
	ctx, cancel, timeout := withTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	have := state
	have.Timeouts, have.Region = plan.Timeouts, plan.Region
	if resp.Diagnostics.Append(resp.State.Set(ctx, &have)...); resp.Diagnostics.HasError() {
		return
	}
	r.waiter("update", timeout, plan).await(ctx, state.ID.ValueString(), saveExport(ctx, have, &resp.State), &resp.Diagnostics)
}

// Delete forgets the task: tasks cannot be deleted, and the exported object
// is not this resource's to delete. A task still running goes on, and the
// warning says what it will write.
func (r *exportTaskResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state exportTaskModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() || !running(state.Status) {
		return
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("Export task %s is still running", state.ID.ValueString()),
		fmt.Sprintf("The task was last seen %s. It is removed from the state, but it goes on on the server and writes "+
			"%s/%s.vhd, which no configuration manages: delete the object yourself if it is not wanted. An export of "+
			"the same image into the same container fails while the object is there.",
			state.Status.ValueString(), state.Container.ValueString(), state.ImageID.ValueString()))
}

func (r *exportTaskResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID(ctx, req, resp)
}

// ModifyPlan plans the region, and what the state's task needs (planTask): waiting for one
// still running, replacing one that failed.
func (r *exportTaskResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	region.Plan(ctx, r.client, req, resp)
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var state exportTaskModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	planTask(ctx, state.common, []string{"export_location"}, resp)
}

// saveExport writes each task read into the state, with the plan's arguments.
func saveExport(ctx context.Context, plan exportTaskModel, out *tfsdk.State) func(*client.Task) diag.Diagnostics {
	return func(t *client.Task) diag.Diagnostics {
		next := plan
		next.setFromAPI(t)
		return out.Set(ctx, &next)
	}
}

func (r *exportTaskResource) waiter(op string, timeout time.Duration, plan exportTaskModel) waiter {
	return waiter{client: r.client, what: "export", op: op, timeout: timeout,
		pending: fmt.Sprintf("Until it succeeds, %s/%s.vhd may be missing or incomplete, and this resource's export_location is empty.",
			plan.Container.ValueString(), plan.ImageID.ValueString())}
}
