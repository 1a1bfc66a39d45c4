package image

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

var (
	_ resource.ResourceWithConfigure      = (*imageResource)(nil)
	_ resource.ResourceWithImportState    = (*imageResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*imageResource)(nil)
	_ resource.ResourceWithValidateConfig = (*imageResource)(nil)
)

const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// NewResource is the constructor of cloudimages_image.
func NewResource() resource.Resource {
	return &imageResource{}
}

type imageResource struct {
	client *client.Client
}

func (r *imageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (r *imageResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc, PlanModifiers: keep}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An image in the Cloud Images service. With `file`, the provider creates the image, " +
			"streams the file's data to it while hashing it, waits until the image is `active` and checks the " +
			"server's checksums against its own. A change of the file's content replaces the image; a change " +
			"of its path alone does not. Metadata changes are applied in place.",
		Attributes: map[string]schema.Attribute{
			"id": computed("The image's UUID."),
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the image (at most 255 characters).",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Path of a local file holding the image data, uploaded by streaming (constant memory). " +
					"Requires `disk_format` and `container_format`. The file's content is tracked by its hash: new content " +
					"replaces the image, a new path to the same bytes does not. The hash is kept with the file's size and " +
					"modification time, so an unchanged file is not read again when planning. Without `file` the image " +
					"is created without data and stays `queued`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"import_from": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Create the image with an import task instead: the object `container/object` in this " +
					"tenant's object store (Cloud Files) becomes the image's data. The provider waits for the task, then for " +
					"the image to be `active`, then applies this resource's metadata to it. Conflicts with `file`; the " +
					"formats then come from the import. Changing it replaces the image. This is how images are made on " +
					"Rackspace, which does not take direct uploads.",
				Validators: []validator.String{
					validate.ObjectPath(),
					stringvalidator.ConflictsWith(path.MatchRoot("file")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"import_from_format": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Disk format of the `import_from` object: one of " + quoted(diskFormats) +
					". Default: the service's (`vhd` on Rackspace). Changing it replaces the image.",
				Validators: []validator.String{
					stringvalidator.OneOf(diskFormats...),
					stringvalidator.AlsoRequires(path.MatchRoot("import_from")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"disk_format": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Format of the disk: one of " + quoted(diskFormats) + ". Required with `file`; " +
					"set by the service with `import_from`. Changing it replaces the image.",
				Validators: []validator.String{
					stringvalidator.OneOf(diskFormats...),
					stringvalidator.ConflictsWith(path.MatchRoot("import_from")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"container_format": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Format of the container: one of " + quoted(containerFormats) + ". Required with `file`; " +
					"set by the service with `import_from`. Changing it replaces the image.",
				Validators: []validator.String{
					stringvalidator.OneOf(containerFormats...),
					stringvalidator.ConflictsWith(path.MatchRoot("import_from")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"visibility": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("private"),
				MarkdownDescription: "Who can see the image: one of " + quoted(visibilities) + ". Default `private`. " +
					"Only `shared` images can have members; `public` usually needs an administrator.",
				Validators: []validator.String{stringvalidator.OneOf(visibilities...)},
			},
			"protected": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: "A protected image cannot be deleted: set it back to `false` before destroying. Default `false`.",
			},
			"hidden": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: "Hide the image from default image lists (`os_hidden`). Default `false`.",
			},
			"min_disk": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(0),
				MarkdownDescription: "Minimum disk size needed to boot the image, in GiB. Default `0`.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"min_ram": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(0),
				MarkdownDescription: "Minimum RAM needed to boot the image, in MiB. Default `0`.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"tags": schema.SetAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				MarkdownDescription: "Tags of the image (each at most 255 characters). Tags set outside Terraform are removed.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 255))},
			},
			"properties": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Custom properties (string values). Only the keys set here are managed: properties the " +
					"server or others add never cause a diff. Keys may not be base attributes, `location`, `deleted`, " +
					"`deleted_at`, nor start with `os_glance` or `com.rackspace`.",
			},
			"verify_checksum": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "After an upload, compare the md5 and sha512 hashed while streaming with the server's " +
					"`checksum` and `os_hash_value`, and fail on a mismatch. Default `true`.",
			},
			"status":       computed("Status of the image: one of " + quoted(statuses) + "."),
			"checksum":     computed("MD5 of the image data, as the server computed it."),
			"os_hash_algo": computed("Algorithm of `os_hash_value`, such as `sha512`."),
			"os_hash_value": computed("Hash of the image data with `os_hash_algo`, as the server computed it. A new file " +
				"content shows here as the change that forces replacement."),
			"size": schema.Int64Attribute{
				Computed: true, MarkdownDescription: "Size of the image data, in bytes.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"virtual_size": schema.Int64Attribute{
				Computed: true, MarkdownDescription: "Virtual size of the disk, in bytes, when the server knows it.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"owner":      computed("Tenant (project) that owns the image."),
			"created_at": computed("Creation time (RFC 3339)."),
			"updated_at": schema.StringAttribute{Computed: true, MarkdownDescription: "Time of the last change (RFC 3339)."},
			"file_url":   computed("Path of the image data in the API (`/v2/images/{id}/file`)."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// ValidateConfig reports at plan time what the API would refuse after the
// image already exists.
func (r *imageResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg resourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.File.IsNull() && !cfg.File.IsUnknown() {
		if why := unreadableFile(cfg.File.ValueString()); why != "" {
			resp.Diagnostics.AddAttributeError(path.Root("file"), "Cannot read the image file", why)
		}
	}
	if !cfg.File.IsNull() {
		for name, v := range map[string]types.String{"disk_format": cfg.DiskFormat, "container_format": cfg.ContainerFormat} {
			if v.IsNull() {
				resp.Diagnostics.AddAttributeError(path.Root(name), "Missing "+name,
					fmt.Sprintf("An image with a file needs %s: the service refuses data for an image without disk_format "+
						"and container_format. Set it, for example disk_format = \"raw\" and container_format = \"bare\".", name))
			}
		}
	}
	for key := range cfg.Properties.Elements() {
		if why := reservedProperty(key); why != "" {
			resp.Diagnostics.AddAttributeError(path.Root("properties").AtMapKey(key), "Property key not allowed", why)
		}
	}
}

func (r *imageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan replaces the image when the content of its file changed, and
// only then: a new path to the same bytes is an in-place change of `file`.
func (r *imageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return // destroy, or create (nothing to compare with)
	}
	var plan, state resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.File.IsNull() || plan.File.IsUnknown() {
		return
	}
	digest, err := digestOf(plan.File.ValueString(), cachedDigest(ctx, req.Private))
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("file"), "Cannot read the image file", err.Error())
		return
	}
	resp.Diagnostics.Append(storeDigest(ctx, resp.Private, digest)...)

	// Compare with the hash the server computed, with its algorithm.
	changed, attribute, local := false, "", ""
	if state.OSHashAlgo.ValueString() == "sha512" {
		changed, attribute, local = digest.SHA512 != state.OSHashValue.ValueString(), "os_hash_value", digest.SHA512
	} else {
		changed, attribute, local = digest.MD5 != state.Checksum.ValueString(), "checksum", digest.MD5
	}
	if !changed {
		return
	}
	tflog.Info(ctx, "image file content changed: the image will be replaced",
		map[string]any{"file": digest.Path, attribute: local})
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attribute), types.StringValue(local))...)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root(attribute))
}

func (r *imageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	in, diags := createInput(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.ImportFrom.IsNull() {
		r.createByImport(ctx, plan, resp)
		return
	}
	img, err := r.client.CreateImage(ctx, in)
	if err != nil {
		hint := ""
		if code := client.StatusCode(err); code == http.StatusMethodNotAllowed || code == http.StatusNotFound {
			hint = "This endpoint does not create images directly (Rackspace Cloud Images makes images with import tasks): " +
				"upload the data to the object store (Cloud Files) and set import_from = \"container/object\" instead of file."
		}
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("create image %q", plan.Name.ValueString()), err, hint)
		return
	}
	// Save the image at once: from here on a failure leaves a tainted
	// resource that the next apply replaces, never an orphan.
	state := plan
	resp.Diagnostics.Append(state.setFromAPI(ctx, img)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.File.IsNull() {
		return
	}
	tainted := taintedHint(img.ID)

	file := plan.File.ValueString()
	digest, err := r.client.UploadImageFile(ctx, img.ID, file)
	if err != nil {
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("file"), fmt.Sprintf("upload %s to image %s", file, img.ID), err, tainted)
		r.refresh(ctx, &state, &resp.State)
		return
	}
	img, err = r.client.WaitForImage(ctx, img.ID, "active")
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("wait for image %s to become active", state.ID.ValueString()), err, tainted)
		r.refresh(ctx, &state, &resp.State)
		return
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, img)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if plan.VerifyChecksum.ValueBool() {
		if err := client.VerifyDigest(img, digest); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("file"), "Image data does not match the file",
				fmt.Sprintf("%s\n\nThe data may have been corrupted on the way or changed while uploading. %s", err, tainted))
			return
		}
	}
	recorded, err := digestAfterUpload(file, digest)
	if err == nil {
		resp.Diagnostics.Append(storeDigest(ctx, resp.Private, recorded)...)
	}
}

// createByImport makes the image with an import task, waits for it to be
// active, then applies the rest of the plan's metadata in one patch.
func (r *imageResource) createByImport(ctx context.Context, plan resourceModel, resp *resource.CreateResponse) {
	name := plan.Name.ValueString()
	t, err := r.client.CreateImportTask(ctx, client.ImportTaskInput{
		ImageName: name, ImportFrom: plan.ImportFrom.ValueString(), ImportFromFormat: plan.ImportFormat.ValueString(),
	})
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("start the import of image %q", name), err, "")
		return
	}
	tflog.Info(ctx, "import task started", map[string]any{"task_id": t.ID, "import_from": plan.ImportFrom.ValueString()})
	t, err = r.client.WaitForTask(ctx, t.ID)
	if err != nil {
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("import_from"), fmt.Sprintf("import image %q", name), err, "")
		return
	}
	id := t.ResultString("image_id")
	if id == "" {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot import image %q", name),
			fmt.Sprintf("The import task %s succeeded without naming the image it created.", t.ID))
		return
	}
	// The image exists from here on: save it first, so that a failure
	// below leaves a tainted resource and never an orphan.
	state := plan
	state.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	img, err := r.client.WaitForImage(ctx, id, "active")
	if img != nil {
		resp.Diagnostics.Append(state.setFromAPI(ctx, img)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("wait for imported image %s to become active", id), err, taintedHint(id))
		return
	}
	ops, diags := patchOps(ctx, state, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	img, err = r.client.UpdateImage(ctx, id, ops)
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("apply the metadata to imported image %s", id), err, taintedHint(id))
		return
	}
	state.Properties = plan.Properties
	resp.Diagnostics.Append(state.setFromAPI(ctx, img)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func taintedHint(id string) string {
	return fmt.Sprintf("The image %s exists and is saved in the state as tainted: the next apply replaces it, and destroy deletes it.", id)
}

// refresh saves the image's latest status after a failed step, so that the
// state shows where it stopped; errors are ignored because the step's error
// is what the user must see.
func (r *imageResource) refresh(ctx context.Context, state *resourceModel, target *tfsdk.State) {
	img, err := r.client.GetImage(context.WithoutCancel(ctx), state.ID.ValueString())
	if err != nil {
		return
	}
	if d := state.setFromAPI(ctx, img); !d.HasError() {
		target.Set(ctx, state)
	}
}

func (r *imageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state resourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	img, err := r.client.GetImage(ctx, state.ID.ValueString())
	if client.IsNotFound(err) || (err == nil && (img.Status == "deleted" || img.Status == "pending_delete")) {
		// Deleted behind Terraform's back: forget it, so the plan creates it again.
		tflog.Debug(ctx, "image is gone, removing it from the state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("read image %s", state.ID.ValueString()), err, "")
		return
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, img)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *imageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	ops, diags := patchOps(ctx, state, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	img, err := r.client.UpdateImage(ctx, state.ID.ValueString(), ops)
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("update image %s", state.ID.ValueString()), err, "")
		return
	}
	resp.Diagnostics.Append(plan.setFromAPI(ctx, img)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *imageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state resourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	id := state.ID.ValueString()
	err := r.client.DeleteImage(ctx, id)
	switch {
	case client.IsNotFound(err):
		return // already gone
	case err != nil && client.StatusCode(err) == 403 && state.Protected.ValueBool():
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("protected"), fmt.Sprintf("delete image %s", id), err,
			"The image is protected. Set protected = false and apply, then destroy it.")
		return
	case err != nil:
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("delete image %s", id), err, "")
		return
	}
	if err := r.client.WaitForImageDeleted(ctx, id); err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("wait for image %s to be deleted", id), err, "")
	}
}

func (r *imageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !validate.IsUUID(req.ID) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected the image's UUID, such as 6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// unreadableFile says why path cannot be uploaded, or "" if it can.
func unreadableFile(path string) string {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return fmt.Sprintf("%s. Set file to the path of the image data (relative paths are relative to where terraform runs; "+
			"use path.module for files beside the configuration).", err)
	case info.IsDir():
		return fmt.Sprintf("%s is a directory; file must be the image data itself.", path)
	case !info.Mode().IsRegular():
		return fmt.Sprintf("%s is not a regular file.", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	_ = f.Close()
	return ""
}

// createInput turns the plan into the create request.
func createInput(ctx context.Context, plan resourceModel) (client.CreateImageInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := client.CreateImageInput{
		Name:            plan.Name.ValueString(),
		DiskFormat:      plan.DiskFormat.ValueString(),
		ContainerFormat: plan.ContainerFormat.ValueString(),
		Visibility:      plan.Visibility.ValueString(),
		Protected:       plan.Protected.ValueBoolPointer(),
		Hidden:          plan.Hidden.ValueBoolPointer(),
		MinDisk:         plan.MinDisk.ValueInt64Pointer(),
		MinRAM:          plan.MinRAM.ValueInt64Pointer(),
	}
	diags.Append(plan.Tags.ElementsAs(ctx, &in.Tags, false)...)
	if !plan.Properties.IsNull() {
		diags.Append(plan.Properties.ElementsAs(ctx, &in.Properties, false)...)
	}
	return in, diags
}

// patchOps is the minimal JSON patch from state to plan: one operation per
// changed attribute, properties added, replaced or removed key by key.
func patchOps(ctx context.Context, state, plan resourceModel) ([]client.PatchOp, diag.Diagnostics) {
	var diags diag.Diagnostics
	var ops []client.PatchOp
	replace := func(attribute string, changed bool, value any) {
		if changed {
			ops = append(ops, client.PatchOp{Op: "replace", Attribute: attribute, Value: value})
		}
	}
	replace("name", !plan.Name.Equal(state.Name), plan.Name.ValueString())
	replace("visibility", !plan.Visibility.Equal(state.Visibility), plan.Visibility.ValueString())
	replace("protected", !plan.Protected.Equal(state.Protected), plan.Protected.ValueBool())
	replace("os_hidden", !plan.Hidden.Equal(state.Hidden), plan.Hidden.ValueBool())
	replace("min_disk", !plan.MinDisk.Equal(state.MinDisk), plan.MinDisk.ValueInt64())
	replace("min_ram", !plan.MinRAM.Equal(state.MinRAM), plan.MinRAM.ValueInt64())
	if !plan.Tags.Equal(state.Tags) {
		var tags []string
		diags.Append(plan.Tags.ElementsAs(ctx, &tags, false)...)
		sort.Strings(tags)
		ops = append(ops, client.PatchOp{Op: "replace", Attribute: "tags", Value: nonNil(tags)})
	}

	var before, after map[string]string
	if !state.Properties.IsNull() {
		diags.Append(state.Properties.ElementsAs(ctx, &before, false)...)
	}
	if !plan.Properties.IsNull() {
		diags.Append(plan.Properties.ElementsAs(ctx, &after, false)...)
	}
	for _, key := range sortedKeys(after) {
		if old, ok := before[key]; !ok || old != after[key] {
			ops = append(ops, client.PatchOp{Op: "add", Attribute: key, Value: after[key]})
		}
	}
	for _, key := range sortedKeys(before) {
		if _, ok := after[key]; !ok {
			ops = append(ops, client.PatchOp{Op: "remove", Attribute: key})
		}
	}
	return ops, diags
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// baseAttributes are the image's own attributes; a custom property may not
// use their names (REFERENCE.md §1.3, §1.6).
var baseAttributes = []string{
	"id", "name", "status", "visibility", "protected", "os_hidden", "checksum", "os_hash_algo", "os_hash_value",
	"owner", "size", "virtual_size", "container_format", "disk_format", "created_at", "updated_at", "tags",
	"min_ram", "min_disk", "self", "file", "schema", "direct_url", "locations", "stores",
}

// reservedProperty says why key cannot be a custom property, or "" if it can.
func reservedProperty(key string) string {
	for _, base := range baseAttributes {
		if key == base {
			return fmt.Sprintf("%q is an attribute of the image, not a custom property: use the resource's own argument for it.", key)
		}
	}
	switch {
	case key == "location" || key == "deleted" || key == "deleted_at" || strings.HasPrefix(key, "os_glance"):
		return fmt.Sprintf("%q is reserved by the Images API.", key)
	case strings.HasPrefix(key, "com.rackspace"):
		return fmt.Sprintf("%q: properties starting with com.rackspace are set by Rackspace and cannot be changed.", key)
	case len(key) > 255:
		return "Property keys are at most 255 characters."
	}
	return ""
}
