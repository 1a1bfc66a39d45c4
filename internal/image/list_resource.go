package image

import (
	"context"

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
	"github.com/cloudimages/terraform-provider-cloudimages/internal/listing"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// The list resource of cloudimages_image (Terraform 1.14 and later): `list`
// blocks in .tfquery.hcl files find images with the data sources' filters,
// and `terraform query -generate-config-out` writes a resource and an import
// block for each.

var (
	_ list.ListResource              = (*imageListResource)(nil)
	_ list.ListResourceWithConfigure = (*imageListResource)(nil)
)

// NewListResource is the constructor of the cloudimages_image list resource.
func NewListResource() list.ListResource { return &imageListResource{} }

type imageListResource struct {
	client *client.Client
}

func (r *imageListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (r *imageListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *imageListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	str := func(desc string) listschema.StringAttribute {
		return listschema.StringAttribute{Optional: true, MarkdownDescription: desc}
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds images with the filters of the `cloudimages_images` data source, newest first or in " +
			"the order `sort` gives.",
		Attributes: map[string]listschema.Attribute{
			"name": str("Exact name of the image."),
			"name_regex": listschema.StringAttribute{
				Optional: true, MarkdownDescription: "A regular expression (Go syntax, RE2) the name must match.",
				Validators: []validator.String{validate.Regexp()},
			},
			"visibility": str("Visibility: `public`, `private`, `shared` or `community`."),
			"owner":      str("Tenant (project) that owns the image."),
			"status":     str("Status of the image, such as `active`."),
			"tags": listschema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Tags the image must all have.",
			},
			"properties": listschema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Custom properties the image must have, with these values.",
			},
			"size_min": listschema.Int64Attribute{Optional: true, MarkdownDescription: "Minimum size of the data, in bytes."},
			"size_max": listschema.Int64Attribute{Optional: true, MarkdownDescription: "Maximum size of the data, in bytes."},
			"member_status": str("With `visibility = \"shared\"`: images shared with this tenant whose share has this " +
				"status (`pending`, `accepted`, `rejected` or `all`)."),
			"disk_format": listschema.StringAttribute{
				Optional: true, MarkdownDescription: "Only images of this disk format: one of " + quoted(diskFormats) + ".",
				Validators: []validator.String{stringvalidator.OneOf(diskFormats...)},
			},
			"container_format": listschema.StringAttribute{
				Optional: true, MarkdownDescription: "Only images of this container format: one of " + quoted(containerFormats) + ".",
				Validators: []validator.String{stringvalidator.OneOf(containerFormats...)},
			},
			"hidden": listschema.BoolAttribute{Optional: true, MarkdownDescription: hiddenFilterDescription},
			"region": region.ListAttribute(),
			"sort": listschema.StringAttribute{
				Optional: true, MarkdownDescription: sortDescription,
				Validators: []validator.String{sortValidator{}},
			},
		},
	}
}

func (r *imageListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg listConfig
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
	imgs, diags := search(ctx, c, cfg.filters())
	if diags.HasError() {
		stream.Results = listing.Failed(diags)
		return
	}
	var hide map[string]bool // what the server sets itself
	if req.IncludeResource {
		hide = serverSet(ctx, c)
	}
	stream.Results = listing.Results(ctx, req, imgs, func(img *client.Image, result *list.ListResult) {
		result.DisplayName = img.Name
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("id"), img.ID)...)
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(region.Attr), c.Region())...)
		if req.IncludeResource {
			m := listedModel()
			m.Region = types.StringValue(c.Region())
			result.Diagnostics.Append(m.setFromAPI(ctx, img)...)
			// As an import reads them (imported.go), so that the generated
			// configuration carries them.
			props, d := configurableProperties(ctx, img, hide)
			result.Diagnostics.Append(d...)
			m.Properties = props
			result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
		}
	})
}

// listConfig is the list block's config: the data sources' filters, with
// tags as a list (list schemas have no sets).
type listConfig struct {
	Name            types.String `tfsdk:"name"`
	NameRegex       types.String `tfsdk:"name_regex"`
	Visibility      types.String `tfsdk:"visibility"`
	Owner           types.String `tfsdk:"owner"`
	Status          types.String `tfsdk:"status"`
	Tags            types.List   `tfsdk:"tags"`
	Properties      types.Map    `tfsdk:"properties"`
	SizeMin         types.Int64  `tfsdk:"size_min"`
	SizeMax         types.Int64  `tfsdk:"size_max"`
	MemberStatus    types.String `tfsdk:"member_status"`
	DiskFormat      types.String `tfsdk:"disk_format"`
	ContainerFormat types.String `tfsdk:"container_format"`
	Hidden          types.Bool   `tfsdk:"hidden"`
	Sort            types.String `tfsdk:"sort"`
	Region          types.String `tfsdk:"region"`
}

func (c listConfig) filters() filters {
	tags := types.SetNull(types.StringType)
	if !c.Tags.IsNull() {
		tags, _ = types.SetValue(types.StringType, c.Tags.Elements()) // strings in, strings out
	}
	return filters{
		Name: c.Name, NameRegex: c.NameRegex, Visibility: c.Visibility, Owner: c.Owner, Status: c.Status,
		Tags: tags, Properties: c.Properties, SizeMin: c.SizeMin, SizeMax: c.SizeMax, MemberStatus: c.MemberStatus,
		DiskFormat: c.DiskFormat, ContainerFormat: c.ContainerFormat, Hidden: c.Hidden, Sort: c.Sort, Region: c.Region,
	}
}

// listedModel is the state of a listed image before its attributes are
// read: no source, no properties (until the caller reads them), no timeouts.
func listedModel() resourceModel {
	var m resourceModel
	null := types.StringNull()
	m.File, m.ImportFrom, m.ImportFormat, m.SourceURL, m.ExpectedHash, m.ImportTaskID = null, null, null, null, null, null
	m.SourceHeaders, m.SourceHeadersWO = types.MapNull(types.StringType), types.MapNull(types.StringType)
	m.SourceHeadersWOVersion = types.Int64Null()
	m.Properties = types.MapNull(types.StringType)
	m.CopyFrom = types.ObjectNull(copyFromTypes)
	m.Timeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
	return m
}
