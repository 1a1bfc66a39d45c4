package image

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
)

var _ datasource.DataSourceWithConfigure = (*imagesDataSource)(nil)

// NewListDataSource is the constructor of the cloudimages_images data source.
func NewListDataSource() datasource.DataSource {
	return &imagesDataSource{}
}

type imagesDataSource struct {
	client *client.Client
}

type listDataSourceModel struct {
	filters
	IDs    types.List  `tfsdk:"ids"`
	Images []imageData `tfsdk:"images"`
}

func (d *imagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_images"
}

func (d *imagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := filterAttributes(false)
	attributes["ids"] = schema.ListAttribute{
		Computed: true, ElementType: types.StringType,
		MarkdownDescription: "The ids of the matching images, in the order of `sort` (newest first without it).",
	}
	attributes["images"] = schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The matching images, in the order of `sort` (newest first without it).",
		NestedObject:        schema.NestedAttributeObject{Attributes: imageDataAttributes()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the images that match the filters, newest first or in the order `sort` gives. " +
			"No match is an empty list, not an error.",
		Attributes: attributes,
	}
}

func (d *imagesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *imagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg listDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(d.client, cfg.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	cfg.Region = types.StringValue(c.Region())
	images, diags := search(ctx, c, cfg.filters)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ids := make([]string, 0, len(images))
	cfg.Images = make([]imageData, 0, len(images))
	hide := serverSet(ctx, c)
	for i := range images {
		item, diags := imageDataFrom(ctx, &images[i], hide)
		resp.Diagnostics.Append(diags...)
		cfg.Images = append(cfg.Images, item)
		ids = append(ids, images[i].ID)
	}
	cfg.IDs, diags = types.ListValueFrom(ctx, types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
