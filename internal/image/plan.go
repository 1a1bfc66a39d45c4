package image

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfmodel"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// ValidateConfig reports at plan time what the API would refuse after the
// image already exists.
func (r *imageResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg resourceModel
	resp.Diagnostics.Append(tfmodel.Get(ctx, req.Config.Schema, req.Config.Raw, &cfg)...)
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

// checkingIn is the resource that checks a plan against the server of
// region: the provider's when the region is unknown yet or not in the
// catalog (region.Plan says so on the attribute).
func (r *imageResource) checkingIn(inRegion types.String) *imageResource {
	if c, err := r.client.ForRegion(inRegion.ValueString()); err == nil && !inRegion.IsUnknown() {
		return &imageResource{client: c}
	}
	return r
}

// ModifyPlan plans the region, checks what only the server can tell (import methods, its image
// schema), and replaces the image when the content of its file changed, and
// only then: a new path to the same bytes is an in-place change of `file`.
func (r *imageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return // destroy, or a provider not configured yet (unknown configuration)
	}
	region.Plan(ctx, r.client, req, resp)
	var plan resourceModel
	resp.Diagnostics.Append(tfmodel.Get(ctx, req.Plan.Schema, req.Plan.Raw, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r = r.checkingIn(plan.Region)
	r.checkPropertyKeys(ctx, plan, &resp.Diagnostics)
	if !plan.CopyFrom.IsNull() {
		r.planCopy(ctx, req, resp, plan)
		resp.Diagnostics.Append(tfmodel.Get(ctx, resp.Plan.Schema, resp.Plan.Raw, &plan)...) // what it carried over
	}
	if req.State.Raw.IsNull() {
		r.planSourceChecks(ctx, plan, &resp.Diagnostics)
		return // a create: nothing to compare with
	}
	var state resourceModel
	resp.Diagnostics.Append(tfmodel.Get(ctx, req.State.Schema, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if isUnfinished(ctx, req.Private) || state.importStarted() {
		planResume(ctx, state, resp)
	}
	if !plan.Deactivated.Equal(state.Deactivated) {
		// (De)activating changes the status the plan would otherwise keep.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
	}
	if !plan.WebDownload.Equal(state.WebDownload) || !plan.ExpectedHash.Equal(state.ExpectedHash) {
		r.planSourceChecks(ctx, plan, &resp.Diagnostics)
	}
	keepUpdatedAtWithoutPatch(ctx, state, plan, req.Private, resp)
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

	if state.Checksum.IsNull() && isUnfinished(ctx, req.Private) {
		return // uploaded, but the create stopped before the server's hashes were read: the update checks them
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

// baseAttributes are the image's own attributes that a configuration sets
// through this resource's arguments, and readOnlyAttributes those the
// server sets; a custom property may use neither name (REFERENCE.md §1.3,
// §1.6).
var (
	baseAttributes     = []string{"name", "visibility", "protected", "os_hidden", "container_format", "disk_format", "tags", "min_ram", "min_disk"}
	readOnlyAttributes = []string{"id", "status", "checksum", "os_hash_algo", "os_hash_value", "owner", "size", "virtual_size",
		"created_at", "updated_at", "self", "file", "schema", "direct_url", "locations", "stores"}
)

// reservedProperty says why key cannot be a custom property, or "" if it can.
func reservedProperty(key string) string {
	if slices.Contains(baseAttributes, key) {
		return fmt.Sprintf("%q is an attribute of the image, not a custom property: use the resource's own argument for it.", key)
	}
	if slices.Contains(readOnlyAttributes, key) {
		return fmt.Sprintf("%q is an attribute of the image that the server sets (read-only): it cannot be set, as a property or otherwise.", key)
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

// keepUpdatedAtWithoutPatch plans updated_at unchanged when the update sends
// the server nothing (only arguments it does not keep changed, such as a
// file's path with the same content), instead of "known after apply".
func keepUpdatedAtWithoutPatch(ctx context.Context, state, plan resourceModel, private privateGetter, resp *resource.ModifyPlanResponse) {
	if plan.UpdatedAt.Equal(state.UpdatedAt) {
		return // already planned unchanged, as for an unchanged image: nothing to compare
	}
	if isUnfinished(ctx, private) || state.importStarted() || !plan.Deactivated.Equal(state.Deactivated) ||
		plan.Properties.IsUnknown() || state.UpdatedAt.IsNull() {
		return
	}
	if ops, diags := patchOps(ctx, state, plan); len(ops) > 0 || diags.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("updated_at"), state.UpdatedAt)...)
}
