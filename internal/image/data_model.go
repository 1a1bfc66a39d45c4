package image

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// imageData is one image as both image data sources show it.
type imageData struct {
	imageAttributes
	Properties types.Map `tfsdk:"properties"`
}

// serverSet are the keys the server's image schema marks read-only: what it
// sets on images itself, which are no custom properties. Read once per
// provider instance; none when the schema cannot be read.
func serverSet(ctx context.Context, c *client.Client) map[string]bool {
	s, err := c.ImageSchema(ctx)
	if err != nil {
		tflog.Warn(ctx, "cannot read the image schema: properties are shown unfiltered", map[string]any{"error": err.Error()})
		return nil
	}
	return s.ReadOnly
}

// imageDataFrom is img as the data sources show it; properties exclude the
// keys in hide (see serverSet).
func imageDataFrom(ctx context.Context, img *client.Image, hide map[string]bool) (imageData, diag.Diagnostics) {
	var out imageData
	diags := out.read(ctx, img)
	props := map[string]string{}
	for k, v := range img.Properties {
		if !hide[k] {
			props[k] = v
		}
	}
	properties, d := types.MapValueFrom(ctx, types.StringType, props)
	diags.Append(d...)
	out.Properties = properties
	return out, diags
}

// imageDataAttributes describes imageData, every attribute computed.
func imageDataAttributes() map[string]schema.Attribute {
	str := func(desc string) schema.Attribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	i64 := func(desc string) schema.Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	boolean := func(desc string) schema.Attribute {
		return schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	}
	return map[string]schema.Attribute{
		"id":               str("The image's UUID."),
		"name":             str("Name of the image."),
		"status":           str("Status: one of " + quoted(statuses) + "."),
		"visibility":       str("Visibility: one of " + quoted(visibilities) + "."),
		"owner":            str("Tenant (project) that owns the image."),
		"disk_format":      str("Disk format."),
		"container_format": str("Container format."),
		"protected":        boolean("Whether the image is protected from deletion."),
		"hidden":           boolean("Whether the image is hidden from default lists (`os_hidden`)."),
		"min_disk":         i64("Minimum disk size to boot, in GiB."),
		"min_ram":          i64("Minimum RAM to boot, in MiB."),
		"size":             i64("Size of the image data, in bytes."),
		"virtual_size":     i64("Virtual size of the disk, in bytes."),
		"checksum":         str("MD5 of the image data."),
		"os_hash_algo":     str("Algorithm of `os_hash_value`."),
		"os_hash_value":    str("Hash of the image data."),
		"tags":             schema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Tags of the image."},
		"properties":       schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "All custom properties of the image; what the server's image schema marks read-only (set by the server) is left out."},
		"created_at":       str("Creation time (RFC 3339)."),
		"updated_at":       str("Time of the last change (RFC 3339)."),
		"file_url":         str("Path of the image data in the API."),
	}
}

// filters are the search arguments both image data sources share.
type filters struct {
	Name       types.String `tfsdk:"name"`
	NameRegex  types.String `tfsdk:"name_regex"`
	Visibility types.String `tfsdk:"visibility"`
	Owner      types.String `tfsdk:"owner"`
	Status     types.String `tfsdk:"status"`
	Tags       types.Set    `tfsdk:"tags"`
	Properties types.Map    `tfsdk:"properties"`
	SizeMin    types.Int64  `tfsdk:"size_min"`
	SizeMax    types.Int64  `tfsdk:"size_max"`
	// MemberStatus finds images shared with the caller by the status of the share.
	MemberStatus    types.String `tfsdk:"member_status"`
	DiskFormat      types.String `tfsdk:"disk_format"`
	ContainerFormat types.String `tfsdk:"container_format"`
	// Hidden true lists the hidden images, and only them (os_hidden=true).
	Hidden types.Bool `tfsdk:"hidden"`
	// Sort is Glance's "key:dir,key2:dir2"; null is newest first.
	Sort types.String `tfsdk:"sort"`
	// Region is where to search; null is the provider's.
	Region types.String `tfsdk:"region"`
}

// defaultSort is the order of the lists when sort is not set: newest first.
var defaultSort = []client.SortKey{{Key: "created_at", Desc: true}}

// search lists the images matching f: the API filters and sorts what it
// can, the name regular expression is applied here, keeping the order.
// Newest first unless f.Sort says otherwise.
func search(ctx context.Context, c *client.Client, f filters) ([]client.Image, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := client.ListImagesInput{
		Name:            f.Name.ValueString(),
		Visibility:      f.Visibility.ValueString(),
		Owner:           f.Owner.ValueString(),
		Status:          f.Status.ValueString(),
		SizeMin:         f.SizeMin.ValueInt64Pointer(),
		SizeMax:         f.SizeMax.ValueInt64Pointer(),
		MemberStatus:    f.MemberStatus.ValueString(),
		DiskFormat:      f.DiskFormat.ValueString(),
		ContainerFormat: f.ContainerFormat.ValueString(),
		Hidden:          f.Hidden.ValueBool(),
		Sort:            defaultSort,
	}
	if !f.Sort.IsNull() && !f.Sort.IsUnknown() {
		sorted, err := client.ParseImageSort(f.Sort.ValueString())
		if err != nil { // the validator has said so when planning
			diags.AddAttributeError(path.Root("sort"), "Invalid sort", sortMessage(err))
			return nil, diags
		}
		in.Sort = sorted
	}
	if !f.Tags.IsNull() && !f.Tags.IsUnknown() {
		diags.Append(f.Tags.ElementsAs(ctx, &in.Tags, false)...)
		sort.Strings(in.Tags)
	}
	if !f.Properties.IsNull() && !f.Properties.IsUnknown() {
		diags.Append(f.Properties.ElementsAs(ctx, &in.Properties, false)...)
	}
	var re *regexp.Regexp
	if !f.NameRegex.IsNull() {
		var err error
		if re, err = regexp.Compile(f.NameRegex.ValueString()); err != nil {
			diags.AddError("Invalid name_regex", err.Error())
		}
	}
	if diags.HasError() {
		return nil, diags
	}
	images, err := c.ListImages(ctx, in)
	if err != nil {
		diags.AddError("Cannot list images", err.Error())
		return nil, diags
	}
	if re == nil {
		return images, diags
	}
	matched := images[:0]
	for _, img := range images {
		if re.MatchString(img.Name) {
			matched = append(matched, img)
		}
	}
	return matched, diags
}

// describe renders the filters that are set, for error messages.
func (f filters) describe() string {
	var parts []string
	add := func(name string, v attr.Value) {
		if !v.IsNull() && !v.IsUnknown() {
			parts = append(parts, fmt.Sprintf("%s = %s", name, v.String()))
		}
	}
	add("name", f.Name)
	add("name_regex", f.NameRegex)
	add("visibility", f.Visibility)
	add("owner", f.Owner)
	add("status", f.Status)
	add("tags", f.Tags)
	add("properties", f.Properties)
	add("size_min", f.SizeMin)
	add("size_max", f.SizeMax)
	add("member_status", f.MemberStatus)
	add("disk_format", f.DiskFormat)
	add("container_format", f.ContainerFormat)
	if f.Hidden.ValueBool() {
		add("hidden", f.Hidden)
	}
	if len(parts) == 0 {
		return "no filters"
	}
	return strings.Join(parts, ", ")
}

// filterAttributes describes the filters. In the single-image data source the
// filters that are also attributes of the image (name, visibility, owner,
// status, tags, properties) are optional and computed: unset, they show the
// image's value; set, they filter and keep the value given.
func filterAttributes(alsoOutput bool) map[string]schema.Attribute {
	shown := func(desc string) string {
		if alsoOutput {
			return desc + " When unset, shows the image's value."
		}
		return desc
	}
	hidden := hiddenFilterDescription
	if alsoOutput {
		hidden += " Shows whether the image is hidden (one read by `id` may be)."
	}
	return map[string]schema.Attribute{
		"region": region.DataSourceAttribute(),
		"name": schema.StringAttribute{
			Optional: true, Computed: alsoOutput,
			MarkdownDescription: shown("Exact name of the image."),
		},
		"name_regex": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "A regular expression (Go syntax, RE2) the name must match, applied to the images the other filters return.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1), validate.Regexp()},
		},
		"visibility": schema.StringAttribute{
			Optional: true, Computed: alsoOutput,
			MarkdownDescription: shown("Only images with this visibility: one of " + quoted(visibilityFilters) +
				". Unset, the API's default list: public and own images, and shared images the caller accepted."),
			Validators: []validator.String{stringvalidator.OneOf(visibilityFilters...)},
		},
		"owner": schema.StringAttribute{
			Optional: true, Computed: alsoOutput,
			MarkdownDescription: shown("Only images owned by this tenant (project) id."),
		},
		"status": schema.StringAttribute{
			Optional: true, Computed: alsoOutput,
			MarkdownDescription: shown("Only images in this status: one of " + quoted(statuses) + "."),
			Validators:          []validator.String{stringvalidator.OneOf(statuses...)},
		},
		"tags": schema.SetAttribute{
			ElementType: types.StringType, Optional: true, Computed: alsoOutput,
			MarkdownDescription: shown("Only images that have all these tags."),
		},
		"properties": schema.MapAttribute{
			ElementType: types.StringType, Optional: true, Computed: alsoOutput,
			MarkdownDescription: shown("Only images whose custom properties have these exact values."),
		},
		"member_status": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Images shared with this tenant are listed by the status of the share: one of " +
				quoted(memberStatusFilters) + ". Unset, only accepted shares are listed (the API's default); " +
				"`visibility = \"shared\"` with `member_status = \"pending\"` finds what others offered and this tenant has not accepted yet. It does not filter this tenant's own " +
				"images, which are listed whatever their members' statuses.",
			Validators: []validator.String{stringvalidator.OneOf(memberStatusFilters...)},
		},
		"size_min": schema.Int64Attribute{
			Optional: true, MarkdownDescription: "Only images of at least this size, in bytes.",
			Validators: []validator.Int64{int64validator.AtLeast(0)},
		},
		"size_max": schema.Int64Attribute{
			Optional: true, MarkdownDescription: "Only images of at most this size, in bytes; not less than `size_min`.",
			Validators: []validator.Int64{int64validator.AtLeast(0), int64validator.AtLeastSumOf(path.MatchRoot("size_min"))},
		},
		"disk_format": schema.StringAttribute{
			Optional: true, Computed: alsoOutput,
			MarkdownDescription: shown("Only images of this disk format: one of " + quoted(diskFormats) + "."),
			Validators:          []validator.String{stringvalidator.OneOf(diskFormats...)},
		},
		"container_format": schema.StringAttribute{
			Optional: true, Computed: alsoOutput,
			MarkdownDescription: shown("Only images of this container format: one of " + quoted(containerFormats) + "."),
			Validators:          []validator.String{stringvalidator.OneOf(containerFormats...)},
		},
		"hidden": schema.BoolAttribute{
			Optional: true, Computed: alsoOutput,
			MarkdownDescription: hidden,
		},
		"sort": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: sortDescription,
			Validators:          []validator.String{sortValidator{}},
		},
	}
}

// hiddenFilterDescription is the hidden filter's description, shared by the
// data sources and the list resource.
const hiddenFilterDescription = "`true` finds the hidden images (`os_hidden`, `hidden = true` on `cloudimages_image`), " +
	"and only them, as the API and the OpenStack provider do; unset or `false`, the search leaves them out (the API's default)."

// sortDescription is the sort's description in the list data source and the
// list resource; the single-image data source says what it means there.
var sortDescription = "The order of the list, in the API's syntax: `key:direction` pairs separated by commas, " +
	"for example `\"name:asc,created_at:desc\"`. Keys: " + quoted(client.ImageSortKeys) +
	"; direction `asc` or `desc` (`desc` when left out). The API breaks ties by `created_at` and `id`. " +
	"Unset, newest first (`created_at:desc`)."

// sortMessage is the error of an invalid sort, with what a valid one looks like.
func sortMessage(err error) string {
	return fmt.Sprintf("%s. Write key:direction pairs separated by commas, for example \"name:asc,created_at:desc\". "+
		"Keys: %s; direction: asc or desc (desc when left out).", capitalize(err.Error()), strings.Join(client.ImageSortKeys, ", "))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sortValidator checks a sort when planning (client.ParseImageSort), on the
// attribute. Null and unknown values are left alone.
type sortValidator struct{}

func (sortValidator) Description(context.Context) string {
	return "key:direction pairs separated by commas, keys among " + strings.Join(client.ImageSortKeys, ", ") + ", direction asc or desc"
}

func (v sortValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (sortValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := client.ParseImageSort(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid sort", sortMessage(err))
	}
}
