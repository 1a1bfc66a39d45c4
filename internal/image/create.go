package image

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
)

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
