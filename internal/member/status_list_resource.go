package member

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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

// The list resource of cloudimages_image_member_status (Terraform 1.14 and
// later): the shares offered to the configured tenant, by their status. With
// `terraform query -generate-config-out`, accepting every pending share is
// one generated file to edit and apply, not a for_each over a data source
// that changes under it.

var (
	_ list.ListResource              = (*statusListResource)(nil)
	_ list.ListResourceWithConfigure = (*statusListResource)(nil)
)

// NewStatusListResource is the constructor of the
// cloudimages_image_member_status list resource.
func NewStatusListResource() list.ListResource { return &statusListResource{} }

type statusListResource struct {
	client *client.Client
}

type statusListConfig struct {
	Status types.String `tfsdk:"status"`
	Region types.String `tfsdk:"region"`
}

func (r *statusListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_member_status"
}

func (r *statusListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *statusListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "The images other tenants shared with the configured tenant, as member statuses to manage.",
		Attributes: map[string]listschema.Attribute{
			"status": listschema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The status of the shares to list: `pending` (the default: the shares to accept or " +
					"reject), `accepted`, `rejected` or `all`.",
				Validators: []validator.String{stringvalidator.OneOf(append(memberStatuses, "all")...)},
			},
			"region": region.ListAttribute(),
		},
	}
}

func (r *statusListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg statusListConfig
	if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = listing.Failed(diags)
		return
	}
	status := cfg.Status.ValueString()
	if status == "" {
		status = client.MemberPending
	}
	var diags diag.Diagnostics
	c := region.Client(r.client, cfg.Region, &diags)
	if c == nil {
		stream.Results = listing.Failed(diags)
		return
	}
	imgs, err := c.ListImages(ctx, client.ListImagesInput{Visibility: "shared", MemberStatus: status})
	if err != nil {
		diagnostics.APIError(&diags, fmt.Sprintf("list the images shared with tenant %s (member_status %s)", r.client.TenantID(), status), err, "")
		stream.Results = listing.Failed(diags)
		return
	}
	me := r.client.TenantID()
	// One's own shared images are shares to others, not to oneself.
	imgs = slices.DeleteFunc(imgs, func(img client.Image) bool { return img.Owner == me })
	stream.Results = listing.Results(ctx, req, imgs, func(img *client.Image, result *list.ListResult) {
		result.DisplayName = fmt.Sprintf("%s (from %s)", img.Name, img.Owner)
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("image_id"), img.ID)...)
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("member_id"), me)...)
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(region.Attr), c.Region())...)
		if !req.IncludeResource {
			return
		}
		mem, err := c.GetMember(ctx, img.ID, me)
		if err != nil {
			diagnostics.APIError(&result.Diagnostics, fmt.Sprintf("read the share of image %s", img.ID), err, "")
			return
		}
		m := statusModel{Timeouts: noTimeouts()}
		m.setFromAPI(c, mem)
		result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
	})
}
