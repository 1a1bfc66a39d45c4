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
	"github.com/cloudimages/terraform-provider-cloudimages/internal/identity"
)

func (r *imageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, imageIdentity, &resp.State)
	var plan resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if r = r.in(&plan, &resp.Diagnostics); r == nil {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// Write-only headers are in the configuration alone; the upload reads
	// them there, and nothing saves them.
	withHeaders := plan
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("source_headers_wo"), &withHeaders.SourceHeadersWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	st, ok := r.startFor(plan)(ctx, req.Plan, withHeaders, resp)
	if !ok || st.complete {
		return
	}
	if st.filled != nil {
		plan = *st.filled
	}
	// The server has the data, or is getting it: what remains can be
	// finished by the next apply if this one stops waiting.
	resp.Diagnostics.Append(markUnfinished(ctx, resp.Private, st.mark)...)
	r.finish(ctx, st.have, plan, st.local, &resp.State, resp.Private, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() && st.local != nil && !plan.File.IsNull() {
		if recorded, err := digestAfterUpload(plan.File.ValueString(), plan.Decompress.ValueBool(), *st.local); err == nil {
			resp.Diagnostics.Append(storeDigest(ctx, resp.Private, recorded)...)
		}
	}
}

// started is where a create path left the image: saved in the state, its
// data with the server or on its way there.
type started struct {
	have     resourceModel
	local    *client.Digest // the digest of the data the provider streamed, if it did
	mark     unfinishedMark // what the rest of the create needs to know (resume.go)
	filled   *resourceModel // the plan with what it left unknown filled in, if the path did (a copy's carried values)
	complete bool           // nothing left to do (an image without data)
}

// startFunc is one create path: it makes the image (or the task that makes
// it) and starts its data, saving what exists as soon as it exists. ok is
// false when it failed; the diagnostics say why and what was kept.
type startFunc func(ctx context.Context, planned tfsdk.Plan, plan resourceModel, resp *resource.CreateResponse) (st started, ok bool)

// startFor picks the create path of the plan's source. Every path ends in
// finish: the image active, the hashes checked, the metadata applied, the
// deactivation.
func (r *imageResource) startFor(plan resourceModel) startFunc {
	switch {
	case !plan.CopyFrom.IsNull():
		return r.startCopy // the provider streams another image's data
	case !plan.ImportFrom.IsNull():
		return r.startImport // an import task makes the image from the object store
	case plan.WebDownload.ValueBool():
		return r.startWebDownload // the server fetches source_url
	case plan.streamsData():
		return r.startUpload // the provider streams file or source_url
	}
	return r.createEmpty // no data: the image stays queued
}

func (r *imageResource) createEmpty(ctx context.Context, _ tfsdk.Plan, plan resourceModel, resp *resource.CreateResponse) (started, bool) {
	have, ok := r.createImage(ctx, plan, resp)
	return started{have: have, complete: true}, ok
}

func (r *imageResource) startWebDownload(ctx context.Context, _ tfsdk.Plan, plan resourceModel, resp *resource.CreateResponse) (started, bool) {
	have, ok := r.createImage(ctx, plan, resp)
	if !ok {
		return started{}, false
	}
	id := have.ID.ValueString()
	if err := r.client.WebDownload(ctx, id, plan.SourceURL.ValueString()); err != nil {
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("web_download"),
			fmt.Sprintf("start the web-download of %s into image %s", redacted(plan.SourceURL), id), err, taintedHint(id))
		r.refresh(ctx, &have, &resp.State)
		return started{}, false
	}
	return started{have: have}, true
}

// startUpload opens the source before anything is made, so that a source
// that cannot be read leaves nothing behind; then creates the image and
// streams the data into it, hashing it on the way.
func (r *imageResource) startUpload(ctx context.Context, _ tfsdk.Plan, plan resourceModel, resp *resource.CreateResponse) (started, bool) {
	attribute, from := plan.sourceArgument()
	src, diags := plan.uploadSource(ctx, r.client)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return started{}, false
	}
	src, release, err := src.Preopen(ctx)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(attribute), "Cannot read the image data",
			fmt.Sprintf("Reading %s failed: %s\n\nNo image was created.", from, err))
		return started{}, false
	}
	defer release()
	have, ok := r.createImage(ctx, plan, resp)
	if !ok {
		return started{}, false
	}
	id := have.ID.ValueString()
	digest, err := r.client.UploadImage(ctx, id, src)
	if err != nil {
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root(attribute), fmt.Sprintf("upload %s to image %s", from, id), err, taintedHint(id))
		r.refresh(ctx, &have, &resp.State)
		return started{}, false
	}
	return started{have: have, local: &digest}, true
}

// startImport posts an import task marked with a token of this create (in
// the name it gives the image) and saves the task at once. finish then
// waits for it and applies the plan's metadata, the name without the mark
// included, in one patch.
func (r *imageResource) startImport(ctx context.Context, planned tfsdk.Plan, plan resourceModel, resp *resource.CreateResponse) (started, bool) {
	return r.startImportFor(ctx, planned, plan, resp, path.Root("import_from"), plan.ImportFrom.ValueString())
}

// startImportFor is startImport of the object importFrom for the argument at
// (import_from, or copy_from for a copy through the object stores), where
// errors go.
func (r *imageResource) startImportFor(ctx context.Context, planned tfsdk.Plan, plan resourceModel, resp *resource.CreateResponse, at path.Path, importFrom string) (started, bool) {
	name, token := plan.Name.ValueString(), client.NewToken()
	t, err := r.client.CreateImportTask(ctx, client.ImportTaskInput{
		ImageName: name, ImportFrom: importFrom, ImportFromFormat: plan.ImportFormat.ValueString(), Token: token,
	})
	if err != nil {
		diagnostics.AttributeAPIError(&resp.Diagnostics, at, fmt.Sprintf("start the import of image %q", name), err, "")
		return started{}, false
	}
	tflog.Info(ctx, "import task started", map[string]any{"task_id": t.ID, "import_from": importFrom})
	have, diags := pendingImport(ctx, planned, t.ID)
	resp.Diagnostics.Append(diags...)
	return started{have: have, mark: unfinishedMark{TaskImageName: client.TokenName(name, token)}}, !resp.Diagnostics.HasError()
}

// createImage makes the image the plan describes, without data, and saves
// it at once: from here on a failure leaves a tainted resource that the
// next apply replaces, never an orphan.
func (r *imageResource) createImage(ctx context.Context, plan resourceModel, resp *resource.CreateResponse) (resourceModel, bool) {
	return r.createImageWith(ctx, plan, resp, nil)
}

// createImageWith is createImage with unmanaged properties too (a copy's,
// from its source): those the plan sets win.
func (r *imageResource) createImageWith(ctx context.Context, plan resourceModel, resp *resource.CreateResponse, unmanaged map[string]string) (resourceModel, bool) {
	in, diags := createInput(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return plan, false
	}
	for k, v := range unmanaged {
		if _, set := in.Properties[k]; !set {
			if in.Properties == nil {
				in.Properties = map[string]string{}
			}
			in.Properties[k] = v
		}
	}
	img, err := r.client.CreateImage(ctx, in)
	if err != nil {
		hint := ""
		if code := client.StatusCode(err); code == http.StatusMethodNotAllowed || code == http.StatusNotFound {
			hint = "This endpoint does not create images directly (Rackspace Cloud Images makes images with import tasks): " +
				"upload the data to the object store (Cloud Files) and set import_from = \"container/object\" instead of file."
		}
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("create image %q", plan.Name.ValueString()), err, hint)
		return plan, false
	}
	have := plan
	have.SourceHeadersWO = types.MapNull(types.StringType) // write-only: never saved
	resp.Diagnostics.Append(have.setFromAPI(ctx, img)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &have)...)
	return have, !resp.Diagnostics.HasError()
}

// sourceArgument names the argument the provider streams the data from, and
// the source as it may be shown.
func (m resourceModel) sourceArgument() (attribute, from string) {
	if !m.File.IsNull() {
		return "file", m.File.ValueString()
	}
	return "source_url", redacted(m.SourceURL)
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
