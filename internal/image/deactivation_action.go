package image

import (
	"context"
	"fmt"
	"net/http"

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

// The cloudimages_image_deactivation action (Terraform 1.14 and later): a
// day-two deactivation or reactivation of any image, such as one that
// Terraform does not manage, or during an incident, without a change to
// any configuration's state.

var _ action.ActionWithConfigure = (*deactivationAction)(nil)

// NewDeactivationAction is the constructor of cloudimages_image_deactivation.
func NewDeactivationAction() action.Action { return &deactivationAction{} }

type deactivationAction struct {
	client *client.Client
}

type deactivationConfig struct {
	ImageID     types.String `tfsdk:"image_id"`
	Deactivated types.Bool   `tfsdk:"deactivated"`
	Region      types.String `tfsdk:"region"`
}

func (a *deactivationAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_deactivation"
}

func (a *deactivationAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (a *deactivationAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Deactivates an active image (its data can then not be downloaded, exported or booted) or " +
			"reactivates a deactivated one, and waits until the service says so. A deactivated or active image is " +
			"left as it is. Needs the deactivate permission (Rackspace keeps it for its administrators).",
		Attributes: map[string]schema.Attribute{
			"image_id": schema.StringAttribute{
				Required: true, MarkdownDescription: "The image's UUID.",
				Validators: []validator.String{validate.UUID()},
			},
			"deactivated": schema.BoolAttribute{
				Required: true, MarkdownDescription: "`true` deactivates the image, `false` reactivates it.",
			},
			"region": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Region of the image, one of the service catalog's. Default: the provider's `region`.",
			},
		},
	}
}

func (a *deactivationAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg deactivationConfig
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(a.client, cfg.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	id, want := cfg.ImageID.ValueString(), cfg.Deactivated.ValueBool()
	verb, target, call := "reactivate", client.StatusActive, c.ReactivateImage
	if want {
		verb, target, call = "deactivate", client.StatusDeactivated, c.DeactivateImage
	}
	img, err := c.GetImage(ctx, id)
	if err != nil {
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("image_id"), "read image "+id, err, "")
		return
	}
	if img.Status == target {
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Image %s (%s) is %s already: nothing to do.", id, img.Name, target)})
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Image %s (%s) is %s: %sing it.", id, img.Name, img.Status, verb[:len(verb)-1])})
	if err := call(ctx, id); err != nil {
		hint := ""
		if client.StatusCode(err) == http.StatusForbidden {
			hint = "The service allows this only to some roles (on Rackspace, only its administrators), and only for an active or deactivated image."
		}
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("image_id"), fmt.Sprintf("%s image %s", verb, id), err, hint)
		return
	}
	if _, err := c.WaitForImage(ctx, id, target); err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("wait for image %s to become %s", id, target), err, "")
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Image %s is %s.", id, target)})
}
