package image

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
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

var (
	_ datasource.DataSourceWithConfigure        = (*imageDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*imageDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*imageDataSource)(nil)
)

// NewDataSource is the constructor of the cloudimages_image data source.
func NewDataSource() datasource.DataSource {
	return &imageDataSource{}
}

type imageDataSource struct {
	client *client.Client
}

type dataSourceModel struct {
	imageData
	NameRegex    types.String `tfsdk:"name_regex"`
	SizeMin      types.Int64  `tfsdk:"size_min"`
	SizeMax      types.Int64  `tfsdk:"size_max"`
	MostRecent   types.Bool   `tfsdk:"most_recent"`
	MemberStatus types.String `tfsdk:"member_status"`
	Sort         types.String `tfsdk:"sort"`
	Region       types.String `tfsdk:"region"`
}

func (d *imageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (d *imageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := imageDataAttributes()
	for name, a := range filterAttributes(true) {
		attributes[name] = a
	}
	attributes["id"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The image's UUID. Set it to look the image up directly; it conflicts with the filters.",
		Validators:          []validator.String{validate.UUID()},
	}
	attributes["most_recent"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "When several images match, take the most recently created one instead of failing " +
			"(as `sort = \"created_at:desc\"` does). Default `false`.",
	}
	attributes["sort"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "When several images match, take the first in this order instead of failing: for example " +
			"`\"name:desc\"` takes the highest name. The API's syntax: `key:direction` pairs separated by commas; keys " +
			quoted(client.ImageSortKeys) + "; direction `asc` or `desc` (`desc` when left out); the API breaks ties by " +
			"`created_at` and `id`. Not with `most_recent = true`, which is `sort = \"created_at:desc\"`.",
		Validators: []validator.String{sortValidator{}},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one image, by `id` or by filters. No match is an error, and so are several " +
			"matches unless `most_recent` or `sort` says which to take.",
		Attributes: attributes,
	}
}

func (d *imageDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	filters := []string{"name", "name_regex", "visibility", "owner", "status", "tags", "properties", "size_min", "size_max",
		"most_recent", "member_status", "disk_format", "container_format", "hidden", "sort"}
	var out []datasource.ConfigValidator
	for _, f := range filters {
		out = append(out, datasourcevalidator.Conflicting(path.MatchRoot("id"), path.MatchRoot(f)))
	}
	return out
}

// ValidateConfig refuses sort with most_recent = true: both choose among
// several matches. most_recent = false with sort is accepted (it says nothing).
func (d *imageDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var mostRecent types.Bool
	var sort types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("most_recent"), &mostRecent)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("sort"), &sort)...)
	if resp.Diagnostics.HasError() || !mostRecent.ValueBool() || sort.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("sort"), "sort conflicts with most_recent",
		"Both say which image to take when several match; keep one. most_recent = true takes the newest, "+
			"the same as sort = \"created_at:desc\".")
}

func (d *imageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *imageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg dataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(d.client, cfg.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	cfg.Region = types.StringValue(c.Region())
	img := find(ctx, c, cfg, resp)
	if img == nil {
		return
	}
	out, diags := imageDataFrom(ctx, img, serverSet(ctx, c))
	resp.Diagnostics.Append(diags...)
	// A filter that was set keeps the value given (Terraform requires it).
	if !cfg.Tags.IsNull() {
		out.Tags = cfg.Tags
	}
	if !cfg.Properties.IsNull() {
		out.Properties = cfg.Properties
	}
	cfg.imageData = out
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

func find(ctx context.Context, c *client.Client, cfg dataSourceModel, resp *datasource.ReadResponse) *client.Image {
	if !cfg.ID.IsNull() {
		img, err := c.GetImage(ctx, cfg.ID.ValueString())
		if err != nil {
			hint := ""
			if client.IsNotFound(err) {
				hint = "No image with this id is visible to this tenant: it does not exist, or it is private to another tenant."
			}
			diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("id"), "read image "+cfg.ID.ValueString(), err, hint)
			return nil
		}
		return img
	}
	f := filters{
		Name: cfg.Name, NameRegex: cfg.NameRegex, Visibility: cfg.Visibility, Owner: cfg.Owner, Status: cfg.Status,
		Tags: cfg.Tags, Properties: cfg.Properties, SizeMin: cfg.SizeMin, SizeMax: cfg.SizeMax, MemberStatus: cfg.MemberStatus,
		DiskFormat: cfg.DiskFormat, ContainerFormat: cfg.ContainerFormat, Hidden: cfg.Hidden, Sort: cfg.Sort,
	}
	images, diags := search(ctx, c, f)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return nil
	}
	switch {
	case len(images) == 0:
		hidden := " Hidden images are found only with hidden = true."
		if cfg.Hidden.ValueBool() {
			hidden = " With hidden = true, only hidden images are searched."
		}
		resp.Diagnostics.AddError("No image matches",
			fmt.Sprintf("No image visible to this tenant matches %s. Shared images appear only once accepted; "+
				"check the filters and the visibility.%s", f.describe(), hidden))
		return nil
	case len(images) > 1 && !cfg.MostRecent.ValueBool() && cfg.Sort.IsNull():
		resp.Diagnostics.AddError("Several images match",
			fmt.Sprintf("%d images match %s: %s. Narrow the filters, set most_recent = true to take the newest, "+
				"or sort to take the first in an order (sort = \"name:desc\" takes the highest name).",
				len(images), f.describe(), listImages(images, 5)))
		return nil
	}
	return &images[0] // first in the sort's order; newest first without one
}

// listImages names up to max images, for error messages.
func listImages(images []client.Image, limit int) string {
	var names []string
	for i, img := range images {
		if i == limit {
			names = append(names, fmt.Sprintf("and %d more", len(images)-limit))
			break
		}
		names = append(names, fmt.Sprintf("%s (%q, created %s)", img.ID, img.Name, img.CreatedAt.UTC().Format("2006-01-02T15:04:05Z")))
	}
	return strings.Join(names, ", ")
}
