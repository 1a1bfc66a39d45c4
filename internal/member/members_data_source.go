package member

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

var _ datasource.DataSourceWithConfigure = (*membersDataSource)(nil)

// NewMembersDataSource is the constructor of cloudimages_image_members.
func NewMembersDataSource() datasource.DataSource {
	return &membersDataSource{}
}

type membersDataSource struct {
	client *client.Client
}

type membersModel struct {
	ImageID types.String   `tfsdk:"image_id"`
	Region  types.String   `tfsdk:"region"`
	Members []memberFields `tfsdk:"members"`
}

func (d *membersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_members"
}

func (d *membersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The members of an image and where each share stands. The owner sees every member; " +
			"a consumer sees only its own entry.",
		Attributes: map[string]schema.Attribute{
			"image_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The id (a UUID) of the image. For an image this tenant owns, every member is " +
					"listed; for an image shared with this tenant, only this tenant's own entry.",
				Validators: []validator.String{validate.UUID()},
			},
			"region": region.DataSourceAttribute(),
			"members": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The members, in the order the API lists them: at most 128 (the service's " +
					"quota per image).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"member_id":  schema.StringAttribute{Computed: true, MarkdownDescription: "Tenant (project) id of the member."},
					"status":     schema.StringAttribute{Computed: true, MarkdownDescription: "`pending`, `accepted` or `rejected`, as the member set it."},
					"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the image was shared (RFC 3339)."},
					"updated_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the status last changed (RFC 3339)."},
				}},
			},
		},
	}
}

func (d *membersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *membersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg membersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(d.client, cfg.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	cfg.Region = types.StringValue(c.Region())
	members, err := c.ListMembers(ctx, cfg.ImageID.ValueString())
	if err != nil {
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("image_id"), "list the members of image "+cfg.ImageID.ValueString(), err,
			"Members can be listed by the image's owner, and by a member for its own entry; images that are not shared have none.")
		return
	}
	cfg.Members = make([]memberFields, 0, len(members))
	for i := range members {
		cfg.Members = append(cfg.Members, memberFrom(&members[i]))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
