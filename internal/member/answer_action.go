package member

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

// The cloudimages_share_answer action (Terraform 1.14 and later): the
// consumer accepts or rejects a share, or every pending one, once, without
// keeping member statuses in a state.

var _ action.ActionWithConfigure = (*answerAction)(nil)

// NewAnswerAction is the constructor of cloudimages_share_answer.
func NewAnswerAction() action.Action { return &answerAction{} }

type answerAction struct {
	client *client.Client
}

type answerConfig struct {
	ImageID types.String `tfsdk:"image_id"`
	Region  types.String `tfsdk:"region"`
	Status  types.String `tfsdk:"status"`
}

func (a *answerAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_share_answer"
}

func (a *answerAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (a *answerAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Answers shares offered to the configured tenant: the share of one image, or every share " +
			"still pending. Run it with the consumer's provider configuration.",
		Attributes: map[string]schema.Attribute{
			"image_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The shared image's UUID. Unset: every share still `pending`.",
				Validators:          []validator.String{validate.UUID()},
			},
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Region of the shares, one of the service catalog's. Default: the provider's `region`.",
			},
			"status": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`accepted` or `rejected` (or `pending`, to take an answer back).",
				Validators:          []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
		},
	}
}

func (a *answerAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg answerConfig
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(a.client, cfg.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	me, status := c.TenantID(), cfg.Status.ValueString()
	ids := []string{cfg.ImageID.ValueString()}
	if cfg.ImageID.IsNull() {
		imgs, err := c.ListImages(ctx, client.ListImagesInput{Visibility: "shared", MemberStatus: client.MemberPending})
		if err != nil {
			diagnostics.APIError(&resp.Diagnostics, "list the shares pending for tenant "+me, err, "")
			return
		}
		ids = ids[:0]
		for _, img := range imgs {
			if img.Owner != me {
				ids = append(ids, img.ID)
			}
		}
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("%d share(s) pending for tenant %s.", len(ids), me)})
	}
	for _, id := range ids {
		if _, err := c.SetMemberStatus(ctx, id, me, status); err != nil {
			diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("image_id"), fmt.Sprintf("set the share of image %s to %s", id, status), err,
				"Only the tenant the image is shared with answers its share: use that tenant's provider configuration.")
			return
		}
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("The share of image %s is %s.", id, status)})
	}
}
