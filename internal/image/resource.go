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
	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
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
					"modification time, so an unchanged file is not read again when planning. With `decompress`, the " +
					"decompressed data is what is uploaded and tracked. Without `file`, `source_url` or `import_from` the " +
					"image is created without data and stays `queued`.",
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
					stringvalidator.ConflictsWith(path.MatchRoot("file"), path.MatchRoot("source_url")),
				},
				PlanModifiers: []planmodifier.String{replaceIfSourceChanged()},
			},
			"import_from_format": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Disk format of the `import_from` object: one of " + quoted(diskFormats) +
					". Default: the service's (`vhd` on Rackspace). Changing it replaces the image.",
				Validators: []validator.String{
					stringvalidator.OneOf(diskFormats...),
					stringvalidator.AlsoRequires(path.MatchRoot("import_from")),
				},
				PlanModifiers: []planmodifier.String{replaceIfSourceChanged()},
			},
			"source_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "URL (`http` or `https`) of the image data. The provider downloads it and streams the body " +
					"straight into the upload while hashing it: nothing is written to local disk and memory stays constant. " +
					"With `web_download = true` the server fetches the URL instead. Requires `disk_format` and " +
					"`container_format`; conflicts with `file` and `import_from`. Changing it replaces the image. A " +
					"password in the URL is never logged; prefer `source_headers` for credentials.",
				Validators: []validator.String{
					validate.HTTPURL(),
					stringvalidator.ConflictsWith(path.MatchRoot("file"), path.MatchRoot("import_from")),
				},
				PlanModifiers: []planmodifier.String{replaceIfSourceChanged()},
			},
			"source_headers": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Sensitive:   true,
				MarkdownDescription: "HTTP headers sent with the download of `source_url`, such as `Authorization`. " +
					"Sensitive: never shown in plans or logs. Not sent to the Images API, and not possible with " +
					"`web_download` (the server fetches the URL without them). Changing them alone changes nothing on the server.",
				Validators: []validator.Map{mapvalidator.AlsoRequires(path.MatchRoot("source_url"))},
			},
			"web_download": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Have the server fetch `source_url` itself (interoperable import, method " +
					"`web-download`) instead of streaming it through the provider. Only where the endpoint offers " +
					"that method (checked when planning; Rackspace does not). The server computes the checksums; " +
					"`decompress` and `source_headers` are not possible. Default `false`. Changing it replaces the image.",
				Validators:    []validator.Bool{boolvalidator.AlsoRequires(path.MatchRoot("source_url"))},
				PlanModifiers: []planmodifier.Bool{replaceBoolIfSourceChanged()},
			},
			"decompress": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Decompress the data of `file` or `source_url` while streaming it, when its first " +
					"bytes say gzip, bzip2, xz or zstd (names and content types are not trusted); other data is sent " +
					"as it is. The image's size and hashes, and `expected_hash`, are those of the decompressed data. " +
					"Default `false`. With `source_url`, changing it replaces the image; with `file`, the image is " +
					"replaced only if the data to upload differs.",
				PlanModifiers: []planmodifier.Bool{replaceBoolIfSourceChanged()},
			},
			"expected_hash": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Hash the image data must have: `md5:`, `sha256:` or `sha512:` followed by the hex " +
					"digest. With `file` and `source_url` the provider checks it while streaming (and, for `file`, when " +
					"planning); with `import_from` and `web_download` it is compared with the server's `checksum` (md5) " +
					"or `os_hash_value` (sha512), so `sha256` is refused there when planning. A mismatch fails the " +
					"apply with both hashes and leaves the image tainted.",
				Validators: []validator.String{validate.ExpectedHash()},
			},
			"deactivated": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Deactivate the image: its metadata stays readable but its data cannot be " +
					"downloaded, exported or booted. Applied after the image is `active`; `false` reactivates it. " +
					"Read back from `status`, so a change made outside Terraform shows as a diff. Needs the data " +
					"(`file`, `source_url` or `import_from`), and a deactivate permission (Rackspace keeps it for " +
					"its administrators). Default `false`.",
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
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: fmt.Sprintf("How long the create may take in all: the upload or import, the wait for "+
					"`active` and any deactivation. A duration such as `45m` or `2h` (units `s`, `m`, `h`). Default: `%dm`. "+
					"An image that exists when it runs out is saved in the state as tainted.", int(defaultCreateTimeout.Minutes())),
				UpdateDescription: fmt.Sprintf("How long an in-place update may take (a metadata patch, then a deactivation "+
					"or reactivation). A duration such as `10m`. Default: `%dm`.", int(defaultUpdateTimeout.Minutes())),
				DeleteDescription: fmt.Sprintf("How long to wait until the deleted image is gone. A duration such as `10m`. "+
					"Default: `%dm`.", int(defaultDeleteTimeout.Minutes())),
			}),
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
	if !cfg.File.IsNull() || !cfg.SourceURL.IsNull() {
		for name, v := range map[string]types.String{"disk_format": cfg.DiskFormat, "container_format": cfg.ContainerFormat} {
			if v.IsNull() {
				resp.Diagnostics.AddAttributeError(path.Root(name), "Missing "+name,
					fmt.Sprintf("An image with data from file or source_url needs %s: the service refuses data for an image "+
						"without disk_format and container_format. Set it, for example disk_format = \"raw\" and "+
						"container_format = \"bare\".", name))
			}
		}
	}
	validateSourceConfig(cfg, &resp.Diagnostics)
	for key := range cfg.Properties.Elements() {
		if why := reservedProperty(key); why != "" {
			resp.Diagnostics.AddAttributeError(path.Root("properties").AtMapKey(key), "Property key not allowed", why)
		}
	}
}

func (r *imageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks what only the server can tell (import methods, its image
// schema), and replaces the image when the content of its file changed, and
// only then: a new path to the same bytes is an in-place change of `file`.
func (r *imageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return // destroy, or a provider not configured yet (unknown configuration)
	}
	var plan resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.checkPropertyKeys(ctx, plan, &resp.Diagnostics)
	if req.State.Raw.IsNull() {
		r.planSourceChecks(ctx, plan, &resp.Diagnostics)
		return // a create: nothing to compare with
	}
	var state resourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.Deactivated.Equal(state.Deactivated) {
		// (De)activating changes the status the plan would otherwise keep.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
	}
	if !plan.WebDownload.Equal(state.WebDownload) || !plan.ExpectedHash.Equal(state.ExpectedHash) {
		r.planSourceChecks(ctx, plan, &resp.Diagnostics)
	}
	if plan.File.IsNull() || plan.File.IsUnknown() {
		r.planExpectedHashOfServerData(plan, state, resp)
		return
	}
	algo, want, _ := validate.SplitHash(plan.ExpectedHash.ValueString())
	digest, err := digestOf(plan.File.ValueString(), plan.Decompress.ValueBool(), algo == "sha256", cachedDigest(ctx, req.Private))
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("file"), "Cannot read the image file", err.Error())
		return
	}
	resp.Diagnostics.Append(storeDigest(ctx, resp.Private, digest)...)
	if got := hashOf(algo, digest.Digest()); want != "" && got != want {
		resp.Diagnostics.AddAttributeError(path.Root("expected_hash"), "The image file does not match expected_hash",
			fmt.Sprintf("The %s of %s%s is %s, but expected_hash is %s:%s. Nothing was changed.",
				algo, digest.Path, decompressedNote(digest), got, algo, want))
		return
	}

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

func decompressedNote(d fileDigest) string {
	if d.Decompressed {
		return " (decompressed)"
	}
	return ""
}

// planExpectedHashOfServerData checks a new expected_hash of an image whose
// data is not a local file against the hashes the server computed for the
// data it holds. A sha256, which the server never computes, replaces an image
// whose data the provider streams, so that the new data is checked on the way.
func (r *imageResource) planExpectedHashOfServerData(plan, state resourceModel, resp *resource.ModifyPlanResponse) {
	if plan.ExpectedHash.IsNull() || plan.ExpectedHash.IsUnknown() || plan.ExpectedHash.Equal(state.ExpectedHash) {
		return
	}
	algo, want, err := validate.SplitHash(plan.ExpectedHash.ValueString())
	if err != nil || state.Checksum.IsNull() {
		return // invalid (reported by the validator), or no data yet: the create checks it
	}
	got, why := serverHashOf(algo, state.Checksum.ValueString(), state.OSHashAlgo.ValueString(), state.OSHashValue.ValueString())
	switch {
	case got == "" && plan.streamsData():
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expected_hash"))
	case got == "":
		resp.Diagnostics.AddAttributeError(path.Root("expected_hash"), "expected_hash cannot be checked",
			fmt.Sprintf("%s, and the provider does not stream this image's data. Use md5: or sha512:.", why))
	case got != want:
		resp.Diagnostics.AddAttributeError(path.Root("expected_hash"), "The image data does not match expected_hash",
			fmt.Sprintf("Image %s holds data whose %s is %s (as the server computed it), but expected_hash is %s:%s. "+
				"Nothing was changed.", state.ID.ValueString(), algo, got, algo, want))
	}
}

// checkPropertyKeys refuses property keys that the server's image schema
// (read once per provider instance) says the server sets: a server that adds
// read-only attributes of its own is known by its schema, not by a list in
// the provider.
func (r *imageResource) checkPropertyKeys(ctx context.Context, plan resourceModel, diags *diag.Diagnostics) {
	if plan.Properties.IsNull() || plan.Properties.IsUnknown() {
		return
	}
	s, err := r.client.ImageSchema(ctx)
	if err != nil {
		tflog.Warn(ctx, "cannot read the image schema: property keys are checked against the provider's own list only",
			map[string]any{"error": err.Error()})
		return
	}
	for key := range plan.Properties.Elements() {
		// Keys the provider's own list refuses are reported by ValidateConfig;
		// the schema may list common custom properties (os_distro, ...) as
		// writable, so only its read-only ones are refused here.
		if s.ReadOnly[key] && reservedProperty(key) == "" {
			diags.AddAttributeError(path.Root("properties").AtMapKey(key), "Property key not allowed",
				fmt.Sprintf("%q is a read-only attribute of the image in this server's image schema: the server sets it.", key))
		}
	}
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
	if resp.Diagnostics.HasError() || (plan.File.IsNull() && plan.SourceURL.IsNull()) {
		return
	}
	tainted := taintedHint(img.ID)

	// The data: streamed by the provider (file, source_url), hashing it on
	// the way, or fetched by the server (web_download).
	var local *client.Digest
	if plan.WebDownload.ValueBool() {
		if err := r.client.WebDownload(ctx, img.ID, plan.SourceURL.ValueString()); err != nil {
			diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("web_download"),
				fmt.Sprintf("start the web-download of %s into image %s", redacted(plan.SourceURL), img.ID), err, tainted)
			r.refresh(ctx, &state, &resp.State)
			return
		}
	} else {
		src, diags := plan.uploadSource(ctx, r.client)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		digest, err := r.client.UploadImage(ctx, img.ID, src)
		if err != nil {
			attribute, from := "file", plan.File.ValueString()
			if plan.File.IsNull() {
				attribute, from = "source_url", redacted(plan.SourceURL)
			}
			diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root(attribute), fmt.Sprintf("upload %s to image %s", from, img.ID), err, tainted)
			r.refresh(ctx, &state, &resp.State)
			return
		}
		local = &digest
	}
	img, err = r.client.WaitForImage(ctx, img.ID, "active")
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("wait for image %s to become active", state.ID.ValueString()), err, tainted)
		r.refresh(ctx, &state, &resp.State)
		return
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, img)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if local != nil && plan.VerifyChecksum.ValueBool() {
		if err := client.VerifyDigest(img, *local); err != nil {
			resp.Diagnostics.AddError("Image data does not match what was sent",
				fmt.Sprintf("%s\n\nThe data may have been corrupted on the way or changed while uploading. %s", err, tainted))
			return
		}
	}
	if d := checkExpectedHash(plan.ExpectedHash, img, local); d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	if !plan.File.IsNull() {
		if recorded, err := digestAfterUpload(plan.File.ValueString(), plan.Decompress.ValueBool(), *local); err == nil {
			resp.Diagnostics.Append(storeDigest(ctx, resp.Private, recorded)...)
		}
	}
	r.applyDeactivated(ctx, &state, plan, &resp.State, &resp.Diagnostics)
}

// redacted is a URL as it may be shown: without a password.
func redacted(u types.String) string {
	return client.RedactURL(u.ValueString())
}

// applyDeactivated deactivates or reactivates the image when the plan says
// so, then saves what the server says.
func (r *imageResource) applyDeactivated(ctx context.Context, state *resourceModel, plan resourceModel, target *tfsdk.State, diags *diag.Diagnostics) {
	want := plan.Deactivated.ValueBool()
	if plan.Deactivated.IsUnknown() || state.Deactivated.ValueBool() == want {
		return
	}
	id := state.ID.ValueString()
	action, call := "reactivate", r.client.ReactivateImage
	if want {
		action, call = "deactivate", r.client.DeactivateImage
	}
	if err := call(ctx, id); err != nil {
		hint := ""
		if client.StatusCode(err) == http.StatusForbidden {
			hint = "The service allows this only to some roles (on Rackspace, only its administrators), and only for an active image."
		}
		diagnostics.AttributeAPIError(diags, path.Root("deactivated"), fmt.Sprintf("%s image %s", action, id), err, hint)
		return
	}
	img, err := r.client.GetImage(ctx, id)
	if err != nil {
		diagnostics.APIError(diags, fmt.Sprintf("read image %s after %sing it", id, strings.TrimSuffix(action, "e")), err, "")
		return
	}
	diags.Append(state.setFromAPI(ctx, img)...)
	diags.Append(target.Set(ctx, state)...)
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
	if d := checkExpectedHash(plan.ExpectedHash, img, nil); d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	r.applyDeactivated(ctx, &state, plan, &resp.State, &resp.Diagnostics)
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
	id := state.ID.ValueString()
	var img *client.Image
	var err error
	if len(ops) > 0 {
		img, err = r.client.UpdateImage(ctx, id, ops)
	} else {
		img, err = r.client.GetImage(ctx, id) // only arguments the server does not keep changed
	}
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("update image %s", id), err, "")
		return
	}
	next := plan
	resp.Diagnostics.Append(next.setFromAPI(ctx, img)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.applyDeactivated(ctx, &next, plan, &resp.State, &resp.Diagnostics)
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
