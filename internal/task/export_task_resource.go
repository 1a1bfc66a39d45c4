package task

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfvalue"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*exportTaskResource)(nil)
	_ resource.ResourceWithImportState = (*exportTaskResource)(nil)
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
	resp.TypeName = req.ProviderTypeName + "_image_export_task"
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
			"succeeds. The task runs once: destroying this resource only forgets the task and leaves the exported " +
			"object alone. An object of the same name already in the container fails the task. Tasks expire 48 hours " +
			"after they finish; the resource keeps its last known state after that and plans no new export.",
		Attributes: attributes,
		Blocks:     map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

func (r *exportTaskResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *exportTaskResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan exportTaskModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	imageID, container := plan.ImageID.ValueString(), plan.Container.ValueString()
	run(ctx, r.client, "export", func(ctx context.Context) (*client.Task, error) {
		return r.client.CreateExportTask(ctx, imageID, container)
	}, func(t *client.Task) diag.Diagnostics {
		plan.setFromAPI(t)
		return resp.State.Set(ctx, &plan)
	}, &resp.Diagnostics)
}

func (r *exportTaskResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state exportTaskModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	t := readTask(ctx, r.client, state.ID, &req.State, &resp.Diagnostics, client.TaskExport)
	if t == nil {
		return
	}
	state.setFromAPI(t)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only takes a new timeouts block: every argument runs a new task.
func (r *exportTaskResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

// Delete forgets the task: tasks cannot be deleted, and the exported object
// is not this resource's to delete.
func (r *exportTaskResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

func (r *exportTaskResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID(ctx, req, resp)
}
