package task

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/listing"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
)

// The list resources of both task resources (Terraform 1.14 and later): the
// tenant's import or export tasks (kept by the service for 48 hours after
// they finish), to adopt with `terraform query -generate-config-out`.

var (
	_ list.ListResource              = (*taskListResource)(nil)
	_ list.ListResourceWithConfigure = (*taskListResource)(nil)
)

// NewImportTaskListResource lists import tasks.
func NewImportTaskListResource() list.ListResource {
	return &taskListResource{typ: client.TaskImport, typeName: "_image_import_task"}
}

// NewExportTaskListResource lists export tasks.
func NewExportTaskListResource() list.ListResource {
	return &taskListResource{typ: client.TaskExport, typeName: "_image_export_task"}
}

type taskListResource struct {
	client   *client.Client
	typ      string // client.TaskImport or client.TaskExport
	typeName string
}

type taskListConfig struct {
	Status types.String `tfsdk:"status"`
	Region types.String `tfsdk:"region"`
}

func (r *taskListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.typeName
}

func (r *taskListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *taskListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("The tenant's %s tasks, newest first (the service keeps a task for 48 hours after it finishes).", r.typ),
		Attributes: map[string]listschema.Attribute{
			"status": listschema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only tasks of this status: `pending`, `processing`, `success` or `failure`.",
				Validators:          []validator.String{stringvalidator.OneOf("pending", "processing", "success", "failure")},
			},
			"region": region.ListAttribute(),
		},
	}
}

func (r *taskListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg taskListConfig
	if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = listing.Failed(diags)
		return
	}
	var diags diag.Diagnostics
	c := region.Client(r.client, cfg.Region, &diags)
	if c == nil {
		stream.Results = listing.Failed(diags)
		return
	}
	tasks, err := c.ListTasks(ctx, r.typ, cfg.Status.ValueString())
	if err != nil {
		diagnostics.APIError(&diags, fmt.Sprintf("list the %s tasks", r.typ), err, "")
		stream.Results = listing.Failed(diags)
		return
	}
	stream.Results = listing.Results(ctx, req, tasks, func(t *client.Task, result *list.ListResult) {
		result.DisplayName = fmt.Sprintf("%s (%s)", t.ID, t.Status)
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("id"), t.ID)...)
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(region.Attr), c.Region())...)
		if req.IncludeResource {
			r.fill(ctx, c, t.ID, result)
		}
	})
}

// fill reads the whole task (list entries have no input) into the result.
func (r *taskListResource) fill(ctx context.Context, c *client.Client, id string, result *list.ListResult) {
	t, err := c.GetTask(ctx, id)
	if err != nil {
		diagnostics.APIError(&result.Diagnostics, "read task "+id, err, "")
		return
	}
	noTimeouts := timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType})}
	if r.typ == client.TaskImport {
		m := importTaskModel{Timeouts: noTimeouts, ImportFromFormat: types.StringNull()}
		m.setFromAPI(t)
		m.Region = types.StringValue(c.Region())
		result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
		return
	}
	m := exportTaskModel{Timeouts: noTimeouts}
	m.setFromAPI(t)
	m.Region = types.StringValue(c.Region())
	result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
}
