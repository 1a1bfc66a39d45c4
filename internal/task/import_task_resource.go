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
	_ resource.ResourceWithConfigure   = (*importTaskResource)(nil)
	_ resource.ResourceWithImportState = (*importTaskResource)(nil)
	_ resource.ResourceWithIdentity    = (*importTaskResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*importTaskResource)(nil)
)

// NewImportTaskResource is the constructor of cloudimages_image_import_task.
func NewImportTaskResource() resource.Resource {
	return &importTaskResource{}
}

type importTaskResource struct {
	client *client.Client
}

type importTaskModel struct {
	common
	ImageName        types.String   `tfsdk:"image_name"`
	ImportFrom       types.String   `tfsdk:"import_from"`
	ImportFromFormat types.String   `tfsdk:"import_from_format"`
	ImageID          types.String   `tfsdk:"image_id"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

// setFromAPI reads the task into the model; image_name is the name without
// the provider's mark (see import_name.go).
func (m *importTaskModel) setFromAPI(t *client.Task) {
	m.common.setFromAPI(t)
	if name := client.TaskImageName(t); name != "" {
		m.ImageName = types.StringValue(shownName(name, m.ImageName.ValueString()))
	}
	m.ImportFrom = inputString(t, "import_from")
	m.ImportFromFormat = inputString(t, "import_from_format")
	m.ImageID = tfvalue.String(t.ResultString("image_id"))
}

func (r *importTaskResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	// Identities made before resources had a region lack it.
	resp.ResourceBehavior.MutableIdentity = true
	resp.TypeName = req.ProviderTypeName + "_image_import_task"
}

func (r *importTaskResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = taskIdentity()
}

func (r *importTaskResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := commonAttributes()
	attributes["image_name"] = schema.StringAttribute{
		Required: true, MarkdownDescription: "Name of the image the task creates, 1–255 characters (on Rackspace the only image property an " +
			"import may set). While the task runs the image is named `<image_name> [tf-<token>]`, the provider's mark that " +
			"finds the task again should the answer to its create be lost; once the task succeeds the image is renamed to " +
			"`image_name`. A rename that failed shows here as the marked name, and the next apply renames (an in-place " +
			"update). Changing it runs a new task.",
		Validators: []validator.String{stringvalidator.LengthBetween(1, 255)}, PlanModifiers: imageNameModifiers(),
	}
	attributes["import_from"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "The object to import, as `container/object` in this tenant's object store (Cloud Files). " +
			"On Rackspace it must be a fixed or dynamic VHD without a parent, at most 40 GB in virtual and in " +
			"physical size. Changing it runs a new task.",
		Validators:    []validator.String{validate.ObjectPath()},
		PlanModifiers: replaceString(),
	}
	attributes["import_from_format"] = schema.StringAttribute{
		Optional: true, MarkdownDescription: "Disk format of the object, such as `vhd`, 1–64 characters. Default: not sent, and the " +
			"service takes `vhd`. Changing it runs a new task.",
		Validators: []validator.String{stringvalidator.LengthBetween(1, 64)}, PlanModifiers: replaceString(),
	}
	attributes["image_id"] = schema.StringAttribute{
		Computed: true, MarkdownDescription: "The id of the image the task created.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Imports an image from the object store with an import task, and waits until the task " +
			"succeeds. A wait cut short (Ctrl-C, a timeout) keeps the task in the state with a warning, and the next " +
			"apply waits for that same task as an in-place update. The task runs once: destroying this resource only forgets the task and leaves the imported " +
			"image alone (manage the image's metadata with `cloudimages_image` and `import_from` instead, if the image " +
			"should be deleted with the configuration). Tasks expire 48 hours after they finish; the resource keeps " +
			"its last known state after that and plans no new import.",
		Attributes: attributes,
		Blocks:     map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

// in is the resource acting in the task's region: its methods call that
// region's client (see inRegion); nil when the region is not in the catalog.
func (r *importTaskResource) in(m *common, diags *diag.Diagnostics) *importTaskResource {
	if c := inRegion(r.client, m, diags); c != nil && !diags.HasError() {
		return &importTaskResource{client: c}
	}
	return nil
}

func (r *importTaskResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *importTaskResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, taskIdentityNames, &resp.State)
	var plan importTaskModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if r = r.in(&plan.common, &resp.Diagnostics); r == nil {
		return
	}
	ctx, cancel, timeout := withTimeout(ctx, plan.Timeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	in := client.ImportTaskInput{
		ImageName: plan.ImageName.ValueString(), ImportFrom: plan.ImportFrom.ValueString(),
		ImportFromFormat: plan.ImportFromFormat.ValueString(), Token: client.NewToken(),
	}
	t, err := r.client.CreateImportTask(ctx, in)
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, "create the import task", err, "")
		return
	}
	// The task's id is saved before the wait, and the marked name beside it,
	// so that nothing after this point loses the task.
	save := r.saver(ctx, plan, &resp.State)
	resp.Diagnostics.Append(save(t)...)
	resp.Diagnostics.Append(setNameMark(ctx, resp.Private, nameMark{Marked: client.TaskImageName(t)})...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.finish(ctx, t.ID, plan, r.waiter("create", timeout, client.TaskImageName(t)), save, resp.Private, &resp.Diagnostics)
}

func (r *importTaskResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, taskIdentityNames, &resp.State, &req.State)
	var state importTaskModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r = r.in(&state.common, &resp.Diagnostics); r == nil {
		return
	}
	t, expired := readTask(ctx, r.client, state.ID, &req.State, &resp.Diagnostics, client.TaskImport)
	if expired && running(state.Status) {
		r.settleExpired(ctx, &state, req.Private, &resp.State, &resp.Diagnostics)
		return
	}
	if t == nil {
		return
	}
	state.setFromAPI(t)
	if _, ok := getNameMark(ctx, req.Private); !ok && running(state.Status) && tokenOf(client.TaskImageName(t)) != "" {
		// An imported running task: keep its mark, which finds its image should the task expire unseen.
		resp.Diagnostics.Append(setNameMark(ctx, resp.Private, nameMark{Marked: client.TaskImageName(t)})...)
	}
	if t.Status == client.TaskSuccess && r.renamePending(ctx, t, req.Private, resp.Private, &resp.Diagnostics) {
		state.ImageName = types.StringValue(client.TaskImageName(t)) // the plan shows the rename
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update waits for a task that an earlier apply stopped waiting for, and
// renames the image of a task whose rename is pending; otherwise it only
// takes a new timeouts block (every other argument runs a new task).
func (r *importTaskResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, taskIdentityNames, &resp.State)
	var plan, state importTaskModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r = r.in(&plan.common, &resp.Diagnostics); r == nil {
		return
	}
	rename := onlyMarkDiffers(state.ImageName.ValueString(), plan.ImageName.ValueString())
	if !running(state.Status) && !rename {
		resp.State.Raw = req.Plan.Raw
		return
	}
	ctx, cancel, timeout := withTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	// What is known now, in case no read succeeds before the wait stops.
	have := state
	have.ImageName, have.Timeouts, have.Region = plan.ImageName, plan.Timeouts, plan.Region
	if resp.Diagnostics.Append(resp.State.Set(ctx, &have)...); resp.Diagnostics.HasError() {
		return
	}
	marked := client.TokenName(plan.ImageName.ValueString(), tokenOf(state.ImageName.ValueString()))
	if mark, ok := getNameMark(ctx, req.Private); ok {
		marked = mark.Marked
	}
	save := r.saver(ctx, have, &resp.State)
	if running(state.Status) {
		r.finish(ctx, state.ID.ValueString(), plan, r.waiter("update", timeout, marked), save, resp.Private, &resp.Diagnostics)
		return
	}
	t, err := r.client.GetTask(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		// The task expired: the image it made is known from the state.
		t = &client.Task{ID: state.ID.ValueString(), Status: client.TaskSuccess,
			Input:  map[string]any{"image_properties": map[string]any{"name": marked}},
			Result: map[string]any{"image_id": state.ImageID.ValueString()}}
	} else if err != nil {
		diagnostics.APIError(&resp.Diagnostics, "read import task "+state.ID.ValueString(), err, "")
		return
	} else if resp.Diagnostics.Append(save(t)...); resp.Diagnostics.HasError() {
		return
	}
	r.renameImage(ctx, t, plan.ImageName.ValueString(), resp.Private, &resp.Diagnostics)
}

// Delete forgets the task: tasks cannot be deleted, and the image it
// imported is not this resource's to delete. A task still running goes on,
// and the warning says where its image will be.
func (r *importTaskResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state importTaskModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() || !running(state.Status) {
		return
	}
	marked := "the name of image_name with the provider's mark"
	if mark, ok := getNameMark(ctx, req.Private); ok {
		marked = fmt.Sprintf("%q", mark.Marked)
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("Import task %s is still running", state.ID.ValueString()),
		fmt.Sprintf("The task was last seen %s. It is removed from the state, but it goes on on the server: the image it "+
			"makes will be named %s and is managed by no configuration. Delete it once the task is done, or take it "+
			"over with `terraform import cloudimages_image.<name> <image id>` (the image id is in the task's result: "+
			"`data \"cloudimages_task\"` with id %s).", state.Status.ValueString(), marked, state.ID.ValueString()))
}

func (r *importTaskResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID(ctx, req, resp)
}

// ModifyPlan plans the region, and what the state's task needs (planTask): waiting for one
// still running, replacing one that failed.
func (r *importTaskResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	region.Plan(ctx, r.client, req, resp)
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var state importTaskModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	planTask(ctx, state.common, []string{"image_id"}, resp)
}

// saver writes each task read into the state: the plan's arguments (the
// uncut image_name among them) with the task's results.
func (r *importTaskResource) saver(ctx context.Context, plan importTaskModel, out *tfsdk.State) func(*client.Task) diag.Diagnostics {
	return func(t *client.Task) diag.Diagnostics {
		next := plan
		next.setFromAPI(t)
		next.ImageName = plan.ImageName
		return out.Set(ctx, &next)
	}
}

func (r *importTaskResource) waiter(op string, timeout time.Duration, marked string) waiter {
	return waiter{client: r.client, what: "import", op: op, timeout: timeout,
		pending: fmt.Sprintf("Until it succeeds the image it makes is named %q and this resource's image_id is empty.", marked)}
}

// finish waits for the task, then renames its image.
func (r *importTaskResource) finish(ctx context.Context, id string, plan importTaskModel, w waiter,
	save func(*client.Task) diag.Diagnostics, private privateSetter, diags *diag.Diagnostics,
) {
	var done *client.Task
	ok := w.await(ctx, id, func(t *client.Task) diag.Diagnostics {
		done = t
		return save(t)
	}, diags)
	if ok {
		r.renameImage(ctx, done, plan.ImageName.ValueString(), private, diags)
	}
}
