package task

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// The cloudimages_image_export action (Terraform 1.14 and later): a one-shot
// export of an image to Cloud Files, such as a backup before a change, with
// no task kept in a state.

var _ action.ActionWithConfigure = (*exportAction)(nil)

// NewExportAction is the constructor of cloudimages_image_export.
func NewExportAction() action.Action { return &exportAction{} }

type exportAction struct {
	client *client.Client
}

type exportActionConfig struct {
	ImageID   types.String `tfsdk:"image_id"`
	Container types.String `tfsdk:"receiving_swift_container"`
	Region    types.String `tfsdk:"region"`
}

func (a *exportAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_export"
}

func (a *exportAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (a *exportAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Exports an image to the object store (Cloud Files) with an export task and waits until it " +
			"succeeds: the data is written to `<container>/<image id>.vhd`. A lost create answer is resolved like the " +
			"export task resource's (a task of this very input made since the action began is adopted).",
		Attributes: map[string]schema.Attribute{
			"image_id": schema.StringAttribute{
				Required: true, MarkdownDescription: "The image's UUID.",
				Validators: []validator.String{validate.UUID()},
			},
			"receiving_swift_container": schema.StringAttribute{
				Required: true, MarkdownDescription: "The container to write to; it must exist.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"region": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Region of the image, and of the object store written to; one of the " +
					"service catalog's. Default: the provider's `region`.",
			},
		},
	}
}

func (a *exportAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg exportActionConfig
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(a.client, cfg.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	id, container := cfg.ImageID.ValueString(), cfg.Container.ValueString()
	t, err := c.CreateExportTask(ctx, id, container)
	if err != nil {
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("image_id"), fmt.Sprintf("start the export of image %s", id), err, "")
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Export task %s started: image %s to container %s.", t.ID, id, container)})
	t, err = c.WaitForTask(ctx, t.ID)
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("export image %s", id), err, "")
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Export task %s succeeded: %s.", t.ID, t.ResultString("export_location"))})
}
