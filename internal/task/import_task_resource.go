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
	_ resource.ResourceWithConfigure   = (*importTaskResource)(nil)
	_ resource.ResourceWithImportState = (*importTaskResource)(nil)
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

func (m *importTaskModel) setFromAPI(t *client.Task) {
	m.common.setFromAPI(t)
	if props, ok := t.Input["image_properties"].(map[string]any); ok {
		if name, ok := props["name"].(string); ok {
			m.ImageName = types.StringValue(name)
		}
	}
	m.ImportFrom = inputString(t, "import_from")
	m.ImportFromFormat = inputString(t, "import_from_format")
	m.ImageID = tfvalue.String(t.ResultString("image_id"))
}

func (r *importTaskResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_import_task"
}

func (r *importTaskResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := commonAttributes()
	attributes["image_name"] = schema.StringAttribute{
		Required: true, MarkdownDescription: "Name of the image the task creates, 1–255 characters (on Rackspace the only image property an " +
			"import may set). Changing it runs a new task.",
		Validators: []validator.String{stringvalidator.LengthBetween(1, 255)}, PlanModifiers: replaceString(),
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
			"succeeds. The task runs once: destroying this resource only forgets the task and leaves the imported " +
			"image alone (manage the image's metadata with `cloudimages_image` and `import_from` instead, if the image " +
			"should be deleted with the configuration). Tasks expire 48 hours after they finish; the resource keeps " +
			"its last known state after that and plans no new import.",
		Attributes: attributes,
		Blocks:     map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

func (r *importTaskResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *importTaskResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan importTaskModel
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

	in := client.ImportTaskInput{
		ImageName: plan.ImageName.ValueString(), ImportFrom: plan.ImportFrom.ValueString(),
		ImportFromFormat: plan.ImportFromFormat.ValueString(),
	}
	run(ctx, r.client, "import", func(ctx context.Context) (*client.Task, error) {
		return r.client.CreateImportTask(ctx, in)
	}, func(t *client.Task) diag.Diagnostics {
		plan.setFromAPI(t)
		return resp.State.Set(ctx, &plan)
	}, &resp.Diagnostics)
}

func (r *importTaskResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state importTaskModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	t := readTask(ctx, r.client, state.ID, &req.State, &resp.Diagnostics, client.TaskImport)
	if t == nil {
		return
	}
	state.setFromAPI(t)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only takes a new timeouts block: every argument runs a new task.
func (r *importTaskResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

// Delete forgets the task: tasks cannot be deleted, and the image it
// imported is not this resource's to delete.
func (r *importTaskResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

func (r *importTaskResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID(ctx, req, resp)
}
