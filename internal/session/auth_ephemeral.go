// Package session is the cloudimages_auth ephemeral resource: the provider's
// own authenticated session, for what a configuration does beside it.
package session

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*authResource)(nil)

// NewAuthResource is the constructor of the cloudimages_auth ephemeral resource.
func NewAuthResource() ephemeral.EphemeralResource { return &authResource{} }

type authResource struct {
	client *client.Client
}

type authModel struct {
	Token          types.String `tfsdk:"token"`
	TenantID       types.String `tfsdk:"tenant_id"`
	Region         types.String `tfsdk:"region"`
	ImageURL       types.String `tfsdk:"image_url"`
	ObjectStoreURL types.String `tfsdk:"object_store_url"`
}

func (r *authResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth"
}

func (r *authResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *authResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The provider's authenticated session, for the life of one Terraform run (Terraform 1.10 " +
			"and later): the token and the endpoints the provider uses, such as to send the token with a " +
			"download from a private Cloud Files object (`source_headers_wo = { \"X-Auth-Token\" = ... }`) or to " +
			"a tool that uploads a VHD before an import. Ephemeral: never stored in the plan or the state.",
		Attributes: map[string]schema.Attribute{
			"token": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "The identity token (`X-Auth-Token`) of the provider's session.",
			},
			"tenant_id": computed("The authenticated tenant (project)."),
			"region": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The region whose endpoints to give, one of the service catalog's. Default: the provider's `region`.",
			},
			"image_url":        computed("The Images API endpoint the provider uses, ending in `/v2/`."),
			"object_store_url": computed("The object store (Cloud Files) endpoint of the region, `AUTH_<tenant>` included; empty when the catalog has none."),
		},
	}
}

func (r *authResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var inRegion types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(region.Attr), &inRegion)...)
	c := region.Client(r.client, inRegion, &resp.Diagnostics)
	if c == nil {
		return
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &authModel{
		Token:          types.StringValue(c.Token()),
		TenantID:       types.StringValue(c.TenantID()),
		Region:         types.StringValue(c.Region()),
		ImageURL:       types.StringValue(c.ImageEndpoint()),
		ObjectStoreURL: types.StringValue(c.ObjectStoreEndpoint()),
	})...)
}
