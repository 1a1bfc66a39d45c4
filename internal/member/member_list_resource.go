package member

import (
	"context"
	"fmt"

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
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// The list resource of cloudimages_image_member (Terraform 1.14 and later):
// the producer's shares of one image, to bring under management with
// `terraform query -generate-config-out`.

var (
	_ list.ListResource              = (*memberListResource)(nil)
	_ list.ListResourceWithConfigure = (*memberListResource)(nil)
)

// NewMemberListResource is the constructor of the cloudimages_image_member list resource.
func NewMemberListResource() list.ListResource { return &memberListResource{} }

type memberListResource struct {
	client *client.Client
}

type memberListConfig struct {
	ImageID types.String `tfsdk:"image_id"`
	Region  types.String `tfsdk:"region"`
}

func (r *memberListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_member"
}

func (r *memberListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *memberListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "The members of one of the configured tenant's images.",
		Attributes: map[string]listschema.Attribute{
			"image_id": listschema.StringAttribute{
				Required: true, MarkdownDescription: "The image's UUID.",
				Validators: []validator.String{validate.UUID()},
			},
			"region": region.ListAttribute(),
		},
	}
}

func (r *memberListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg memberListConfig
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
	imageID := cfg.ImageID.ValueString()
	members, err := c.ListMembers(ctx, imageID)
	if err != nil {
		diagnostics.AttributeAPIError(&diags, path.Root("image_id"), "list the members of image "+imageID, err,
			"Members are listed by the image's owner: use the producer's provider configuration.")
		stream.Results = listing.Failed(diags)
		return
	}
	stream.Results = listing.Results(ctx, req, members, func(mem *client.Member, result *list.ListResult) {
		result.DisplayName = fmt.Sprintf("%s (%s)", mem.MemberID, mem.Status)
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("image_id"), imageID)...)
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("member_id"), mem.MemberID)...)
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(region.Attr), c.Region())...)
		if req.IncludeResource {
			m := memberResourceModel{WaitForAnswer: types.BoolValue(false), Timeouts: noTimeouts()}
			m.setFromAPI(c, mem)
			result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
		}
	})
}
