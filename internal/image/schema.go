package image

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

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
			"id":        computed("The image's UUID."),
			"region":    region.ResourceAttribute("image"),
			"copy_from": copyFromAttribute(),
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
					"decompressed data is what is uploaded and tracked. Without `file`, `source_url`, `copy_from` or `import_from` " +
					"the image is created without data and stays `queued`.",
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
					stringvalidator.ConflictsWith(path.MatchRoot("file"), path.MatchRoot("source_url"), path.MatchRoot("copy_from")),
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
					"password in the URL is refused, since the URL is stored in the state: send credentials with " +
					"`source_headers_wo` (never stored) instead.",
				Validators: []validator.String{
					validate.HTTPURL("https://cloud.debian.org/images/cloud/trixie/latest/debian-13-generic-amd64.raw"),
					stringvalidator.ConflictsWith(path.MatchRoot("file"), path.MatchRoot("import_from"), path.MatchRoot("copy_from")),
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
			"source_headers_wo": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Sensitive:   true,
				WriteOnly:   true,
				MarkdownDescription: "Write-only `source_headers` (Terraform 1.11 and later): sent with the download of " +
					"`source_url` like them, but never stored in the state or the plan, so a token in them stays out of " +
					"state files; ephemeral values may be used. Terraform cannot tell when they change: bump " +
					"`source_headers_wo_version` to fetch `source_url` again with new ones. Conflicts with `source_headers`.",
				Validators: []validator.Map{
					mapvalidator.AlsoRequires(path.MatchRoot("source_url")),
					mapvalidator.ConflictsWith(path.MatchRoot("source_headers")),
				},
			},
			"source_headers_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "A number to change when the data should be fetched again with new `source_headers_wo` " +
					"(those are never stored, so Terraform cannot see them change). Changing it replaces the image.",
				Validators:    []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("source_headers_wo"))},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"web_download": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Have the server fetch `source_url` itself (interoperable import, method " +
					"`web-download`) instead of streaming it through the provider. Only where the endpoint offers " +
					"that method (checked when planning; Rackspace does not). The server computes the checksums; " +
					"`decompress` and `source_headers` are not possible. Default `false`. Changing it replaces the image.",
				// web_download = true needs source_url (ValidateConfig); false, as
				// generated configuration writes it, needs nothing.
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
					"digest. With `file`, `source_url` and `copy_from` the provider checks it while streaming (and, for `file`, when " +
					"planning); with `import_from` and `web_download` it is compared with the server's `checksum` (md5) " +
					"or `os_hash_value` (sha512), so `sha256` is refused there when planning. A mismatch fails the " +
					"apply with both hashes, and the image with the wrong data is deleted.",
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
					"server or others add never cause a diff; an import reads all of those a configuration may set. Keys may not be base attributes, `location`, `deleted`, " +
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
			"import_task_id": computed("With `import_from`: the id of the import task that made the image. It is saved " +
				"as soon as the task exists, so that an apply that stopped waiting (Ctrl-C, a create timeout) is resumed by " +
				"the next one, which waits for this same task instead of importing again. Until the task has made the " +
				"image, `id` is empty and `name` carries the provider's mark (`name [tf-…]`), which the create then removes."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: fmt.Sprintf("How long the create may take in all: the upload or import, the wait for "+
					"`active` and any deactivation. A duration such as `45m` or `2h` (units `s`, `m`, `h`). Default: `%dm`. "+
					"When it runs out while the server imports or downloads the data, the work is saved and the apply warns: the "+
					"next apply waits for the same work (an in-place update), within this timeout again.", int(defaultCreateTimeout.Minutes())),
				UpdateDescription: fmt.Sprintf("How long an in-place update may take (a metadata patch, then a deactivation "+
					"or reactivation). A duration such as `10m`. Default: `%dm`.", int(defaultUpdateTimeout.Minutes())),
				DeleteDescription: fmt.Sprintf("How long to wait until the deleted image is gone. A duration such as `10m`. "+
					"Default: `%dm`.", int(defaultDeleteTimeout.Minutes())),
			}),
		},
	}
}
