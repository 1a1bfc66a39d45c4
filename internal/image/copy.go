package image

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfmodel"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// A copy (copy_from) makes the image from another image, usually in another
// region: the provider streams the source's data (GET /file) into the new
// image's upload, hashing it on the way, so nothing touches local disk; the
// hashes are checked against the source's and the copy's. What the copy
// carries over (formats, min_disk, min_ram, tags, properties) is planned from
// the source where the configuration leaves it out.

// copyFromModel is copy_from.
type copyFromModel struct {
	ImageID types.String `tfsdk:"image_id"`
	Region  types.String `tfsdk:"region"`
}

// copyFromTypes are copy_from's attribute types, for a null copy_from.
var copyFromTypes = map[string]attr.Type{"image_id": types.StringType, "region": types.StringType}

func copyFromAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Copy the data of another image, in this region or another one of the catalog: the provider " +
			"streams the source's data into the new image while hashing it (nothing is written to local disk), then " +
			"checks that the source, the data streamed and the copy have the same hashes. `disk_format`, " +
			"`container_format`, `min_disk`, `min_ram`, `tags` and `properties` come from the source unless set here " +
			"(an argument left out keeps the copied value); `name`, `visibility`, `protected` and `hidden` do not. The " +
			"source must be `active`. Conflicts with `file`, `source_url` and `import_from`. Changing it replaces the image.",
		Attributes: map[string]schema.Attribute{
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "UUID of the image to copy.",
				Validators:          []validator.String{validate.UUID()},
			},
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Region of the image to copy, one of the service catalog's. Default: this image's `region`.",
			},
		},
		Validators: []validator.Object{
			objectvalidator.ConflictsWith(path.MatchRoot("file"), path.MatchRoot("source_url"), path.MatchRoot("import_from")),
		},
		PlanModifiers: []planmodifier.Object{
			objectplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
				resp.RequiresReplace = stateHadSource(ctx, req.State)
			}, replaceIfSourceDescription, replaceIfSourceDescription),
		},
	}
}

// copySource is copy_from; ok is false when it is null or unknown.
func (m resourceModel) copySource(ctx context.Context) (cf copyFromModel, ok bool) {
	if m.CopyFrom.IsNull() || m.CopyFrom.IsUnknown() {
		return cf, false
	}
	if d := m.CopyFrom.As(ctx, &cf, basetypes.ObjectAsOptions{}); d.HasError() {
		return cf, false
	}
	return cf, true
}

// sourceOf reads the image to copy, in its region, and checks that it can be
// copied; errors go on copy_from.
func (r *imageResource) sourceOf(ctx context.Context, cf copyFromModel, diags *diag.Diagnostics) (*client.Client, *client.Image) {
	at := path.Root("copy_from")
	src := region.ClientAt(r.client, cf.Region.ValueString(), at.AtName("region"), "this image's region", diags)
	if src == nil {
		return nil, nil
	}
	id := cf.ImageID.ValueString()
	img, err := src.GetImage(ctx, id)
	switch {
	case client.IsNotFound(err):
		diags.AddAttributeError(at.AtName("image_id"), "Image to copy not found",
			fmt.Sprintf("Region %s has no image %s that this account can see. Check copy_from's image_id and region.", src.Region(), id))
		return nil, nil
	case err != nil:
		diags.AddAttributeError(at.AtName("image_id"), "Cannot read the image to copy",
			fmt.Sprintf("Reading image %s in region %s failed: %s", id, src.Region(), err))
		return nil, nil
	case img.Status != client.StatusActive:
		diags.AddAttributeError(at.AtName("image_id"), "The image to copy is not active",
			fmt.Sprintf("Image %s in region %s is %s: only an active image's data can be copied.", id, src.Region(), img.Status))
		return nil, nil
	}
	return src, img
}

// carriedFrom are the arguments a copy takes from its source when the
// configuration leaves them out, as m holds them (properties are sent with
// the create instead, and stay unmanaged: see startCopy).
func carriedFrom(m resourceModel) map[string]attr.Value {
	return map[string]attr.Value{
		"disk_format": m.DiskFormat, "container_format": m.ContainerFormat,
		"min_disk": m.MinDisk, "min_ram": m.MinRAM, "tags": m.Tags,
	}
}

// planCopy plans the carried arguments the configuration leaves out: the
// source's values for a new image (unknown while copy_from is), the state's
// afterwards, so that a default never plans over a copied value.
func (r *imageResource) planCopy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, plan resourceModel) {
	if plan.CopyFrom.IsNull() {
		return
	}
	var cfg resourceModel
	if resp.Diagnostics.Append(tfmodel.Get(ctx, req.Config.Schema, req.Config.Raw, &cfg)...); resp.Diagnostics.HasError() {
		return
	}
	var state resourceModel
	if !req.State.Raw.IsNull() {
		if resp.Diagnostics.Append(tfmodel.Get(ctx, req.State.Schema, req.State.Raw, &state)...); resp.Diagnostics.HasError() {
			return
		}
	}
	// A new image: none yet, another source, or another region (region.Plan
	// asked for the replacement already).
	// An imported image (no source in its state) adopts copy_from instead.
	creating := req.State.Raw.IsNull() || len(resp.RequiresReplace) > 0 ||
		(!state.CopyFrom.IsNull() && !plan.CopyFrom.Equal(state.CopyFrom))
	var from map[string]attr.Value
	if !creating {
		from = carriedFrom(state)
	} else {
		source := resourceModel{imageAttributes: imageAttributes{
			DiskFormat: types.StringUnknown(), ContainerFormat: types.StringUnknown(),
			MinDisk: types.Int64Unknown(), MinRAM: types.Int64Unknown(), Tags: types.SetUnknown(types.StringType),
		}}
		if cf, known := plan.copySource(ctx); known && !cf.ImageID.IsUnknown() && !cf.Region.IsUnknown() {
			_, img := r.sourceOf(ctx, cf, &resp.Diagnostics)
			if img == nil {
				return
			}
			resp.Diagnostics.Append(source.read(ctx, img)...)
		}
		from = carriedFrom(source)
	}
	for name, configured := range carriedFrom(cfg) {
		if configured.IsNull() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), from[name])...)
		}
	}
}

// startCopy reads the source and opens its data before anything is made,
// then creates the image with what the copy carries over and streams the
// data into it, hashing it; the hashes must be the source's.
func (r *imageResource) startCopy(ctx context.Context, planned tfsdk.Plan, plan resourceModel, resp *resource.CreateResponse) (started, bool) {
	cf, _ := plan.copySource(ctx)
	src, img := r.sourceOf(ctx, cf, &resp.Diagnostics)
	if img == nil {
		return started{}, false
	}
	plan.fillFromSource(ctx, img, &resp.Diagnostics)
	data := src.ImageDataSource(img.ID)
	algo, _, _ := validate.SplitHash(plan.ExpectedHash.ValueString())
	data.SHA256 = algo == "sha256"
	from := fmt.Sprintf("image %s in region %s", img.ID, src.Region())
	data, release, err := data.Preopen(ctx)
	if client.IsNotFound(err) {
		// No image data from this endpoint (Rackspace): through the object stores.
		return r.startCopyThroughObjectStore(ctx, planned, plan, resp, src, img, configurableSourceProperties(ctx, src, img))
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("copy_from"), "Cannot read the data of the image to copy",
			fmt.Sprintf("Downloading the data of %s failed: %s\n\nNo image was created.", from, err))
		return started{}, false
	}
	defer release()
	have, ok := r.createImageWith(ctx, plan, resp, configurableSourceProperties(ctx, src, img))
	if !ok {
		return started{}, false
	}
	id := have.ID.ValueString()
	digest, err := r.client.UploadImage(ctx, id, data)
	if err != nil {
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("copy_from"), fmt.Sprintf("copy the data of %s to image %s", from, id), err, taintedHint(id))
		r.refresh(ctx, &have, &resp.State)
		return started{}, false
	}
	if err := client.VerifyDigest(img, digest); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("copy_from"), "The copied data differs from its source",
			fmt.Sprintf("The data streamed from %s is not the source's: %s. %s", from, err, taintedHint(id)))
		r.refresh(ctx, &have, &resp.State)
		return started{}, false
	}
	return started{have: have, local: &digest, filled: &plan}, true
}

// fillFromSource sets what the plan left unknown (copy_from was unknown
// when planning) to the source's.
func (m *resourceModel) fillFromSource(ctx context.Context, img *client.Image, diags *diag.Diagnostics) {
	if m.DiskFormat.IsUnknown() {
		m.DiskFormat = types.StringValue(img.DiskFormat)
	}
	if m.ContainerFormat.IsUnknown() {
		m.ContainerFormat = types.StringValue(img.ContainerFormat)
	}
	if m.MinDisk.IsUnknown() {
		m.MinDisk = types.Int64Value(img.MinDisk)
	}
	if m.MinRAM.IsUnknown() {
		m.MinRAM = types.Int64Value(img.MinRAM)
	}
	if m.Tags.IsUnknown() {
		var d diag.Diagnostics
		m.Tags, d = types.SetValueFrom(ctx, types.StringType, nonNil(img.Tags))
		diags.Append(d...)
	}
}

// configurableSourceProperties are the source's properties that a
// configuration may set (not the server's own), which the copy is made with.
func configurableSourceProperties(ctx context.Context, src *client.Client, img *client.Image) map[string]string {
	props, _ := configurableProperties(ctx, img, serverSet(ctx, src))
	out := map[string]string{}
	for k, v := range props.Elements() {
		if s, ok := v.(types.String); ok {
			out[k] = s.ValueString()
		}
	}
	return out
}
