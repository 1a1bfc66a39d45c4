package task

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfvalue"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

var _ datasource.DataSourceWithConfigure = (*taskDataSource)(nil)

// NewDataSource is the constructor of the cloudimages_task data source.
func NewDataSource() datasource.DataSource {
	return &taskDataSource{}
}

type taskDataSource struct {
	client *client.Client
}

type taskDataModel struct {
	ID             types.String `tfsdk:"id"`
	Region         types.String `tfsdk:"region"`
	Type           types.String `tfsdk:"type"`
	Status         types.String `tfsdk:"status"`
	Message        types.String `tfsdk:"message"`
	Owner          types.String `tfsdk:"owner"`
	Input          types.String `tfsdk:"input"`
	Result         types.String `tfsdk:"result"`
	ImageID        types.String `tfsdk:"image_id"`
	ExportLocation types.String `tfsdk:"export_location"`
	ExpiresAt      types.String `tfsdk:"expires_at"`
	CreatedAt      types.String `tfsdk:"created_at"`
	UpdatedAt      types.String `tfsdk:"updated_at"`
}

func (d *taskDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_task"
}

func (d *taskDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.Attribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an import or export task by id, such as one started outside Terraform. Tasks are " +
			"visible only to their owner, and only until 48 hours after they finish.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Required: true, MarkdownDescription: "The task's id (a UUID).",
				Validators: []validator.String{validate.UUID()},
			},
			"region":          region.DataSourceAttribute(),
			"type":            computed("`import` or `export`."),
			"status":          computed("`pending`, `processing`, `success` or `failure`."),
			"message":         computed("The server's message about the task (why it failed, if it did)."),
			"owner":           computed("Tenant (project) that owns the task."),
			"input":           computed("The task's input, as JSON (`jsondecode` it)."),
			"result":          computed("The task's result as JSON, once it succeeded; null before."),
			"image_id":        computed("The image's id: the one an import created (null until it succeeds), or the one an export reads."),
			"export_location": computed("For an export: where the image was written (`container/<image_id>.vhd`); null until it succeeds."),
			"expires_at":      computed("When the service forgets the task (RFC 3339): 48 hours after it finished; null while it is `pending` or `processing`."),
			"created_at":      computed("When the task was created (RFC 3339)."),
			"updated_at":      computed("When the task last changed (RFC 3339)."),
		},
	}
}

func (d *taskDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *taskDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg taskDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(d.client, cfg.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	cfg.Region = types.StringValue(c.Region())
	t, err := c.GetTask(ctx, cfg.ID.ValueString())
	if err != nil {
		hint := ""
		if client.IsNotFound(err) {
			hint = "No such task is visible to this tenant: tasks are visible only to their owner, and are forgotten 48 hours after they finish."
		}
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("id"), "read task "+cfg.ID.ValueString(), err, hint)
		return
	}
	cfg.Type = types.StringValue(t.Type)
	cfg.Status = types.StringValue(t.Status)
	cfg.Message = types.StringValue(t.Message)
	cfg.Owner = types.StringValue(t.Owner)
	cfg.Input = jsonString(t.Input)
	cfg.Result = jsonString(t.Result)
	cfg.ImageID = tfvalue.String(t.ResultString("image_id"))
	if t.Type == client.TaskExport {
		cfg.ImageID = inputString(t, "image_uuid")
	}
	cfg.ExportLocation = tfvalue.String(t.ResultString("export_location"))
	cfg.ExpiresAt = tfvalue.TimePtr(t.ExpiresAt)
	cfg.CreatedAt = tfvalue.Time(t.CreatedAt)
	cfg.UpdatedAt = tfvalue.Time(t.UpdatedAt)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

func jsonString(v map[string]any) types.String {
	if v == nil {
		return types.StringNull()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return types.StringNull()
	}
	return types.StringValue(string(b))
}
