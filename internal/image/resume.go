package image

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
)

// A create that stopped waiting (Ctrl-C, a create timeout) leaves work that
// the server goes on with: an import task, a web-download. The state keeps
// what is known of it (import_task_id; the image's id once it exists; the
// name the task gives the image, marked with the provider's token) and the
// private state marks the create unfinished. The next plan shows an in-place
// update, and the update waits for that same work and finishes the create,
// instead of starting the work again.

const unfinishedKey = "unfinished"

// unfinishedMark is what the private state keeps of an unfinished create.
type unfinishedMark struct {
	// TaskImageName is the name the import task gives the image (the
	// plan's name with the provider's token): the image is found by it
	// once the task has expired.
	TaskImageName string `json:"task_image_name,omitempty"`
	// A copy through the object stores (copy_objectstore.go): the objects
	// to delete and the source's properties to add once the copy is active.
	CopyObjects    []copyObject      `json:"copy_objects,omitempty"`
	CopyProperties map[string]string `json:"copy_properties,omitempty"`
}

func markUnfinished(ctx context.Context, private privateSetter, mark unfinishedMark) diag.Diagnostics {
	raw, _ := json.Marshal(mark) // cannot fail: strings only
	return private.SetKey(ctx, unfinishedKey, raw)
}

func clearUnfinished(ctx context.Context, private privateSetter) diag.Diagnostics {
	return private.SetKey(ctx, unfinishedKey, nil) // an empty value removes the key
}

// unfinished reads the mark; ok is false when the create was finished.
func unfinished(ctx context.Context, private privateGetter) (mark unfinishedMark, ok bool) {
	raw, diags := private.GetKey(ctx, unfinishedKey)
	if diags.HasError() || len(raw) == 0 {
		return mark, false
	}
	_ = json.Unmarshal(raw, &mark) // an unreadable mark still says "unfinished"
	return mark, true
}

func isUnfinished(ctx context.Context, private privateGetter) bool {
	_, ok := unfinished(ctx, private)
	return ok
}

// importStarted reports whether the state holds an import task whose image
// is not known yet.
func (m resourceModel) importStarted() bool {
	return m.ID.ValueString() == "" && m.ImportTaskID.ValueString() != ""
}

// stoppedWaiting turns a wait that ended before the work did into a warning
// that says what happened and what the next apply does; false when err is
// something else.
func stoppedWaiting(diags *diag.Diagnostics, err error) bool {
	var incomplete *client.WaitIncompleteError
	if !errors.As(err, &incomplete) {
		return false
	}
	why := "The create timeout ran out"
	if incomplete.Interrupted() {
		why = "Terraform was interrupted"
	}
	what := incomplete.What
	if what == "task" {
		what = "import task"
	}
	diags.AddWarning(fmt.Sprintf("Stopped waiting for %s %s", what, incomplete.ID),
		fmt.Sprintf("%s: %s.\n\nThe server goes on with the work, and the state records it. The next apply shows this image "+
			"as an in-place update and waits for this same %s %s, then finishes the create (metadata, hash check): it does "+
			"not start the work again. Until then the image is not ready, and anything that used it in this run may have "+
			"failed or got an image that is not active.", why, incomplete, what, incomplete.ID))
	return true
}

// pendingImport is the state saved as soon as the import task exists: the
// plan's arguments, the task's id, and no image id yet.
func pendingImport(ctx context.Context, plan tfsdk.Plan, taskID string) (resourceModel, diag.Diagnostics) {
	var m resourceModel
	raw, err := tftypes.Transform(plan.Raw, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil // computed values the server has not given yet
		}
		return v, nil
	})
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the import task", err.Error())
		return m, diags
	}
	diags := tfsdk.State{Schema: plan.Schema, Raw: raw}.Get(ctx, &m)
	m.ID = types.StringValue("")
	m.ImportTaskID = types.StringValue(taskID)
	m.Status = types.StringValue(client.StatusImporting)
	return m, diags
}

// asPlanned is have (what the server holds) as the state must show it after
// an apply: every argument the plan knows as planned, so that Terraform
// accepts the result; the next refresh shows the server's values again, and
// the plan the update that brings them in line.
func (m resourceModel) asPlanned(plan resourceModel) *resourceModel {
	keepString := func(dst *types.String, src types.String) {
		if !src.IsUnknown() {
			*dst = src
		}
	}
	keepBool := func(dst *types.Bool, src types.Bool) {
		if !src.IsUnknown() {
			*dst = src
		}
	}
	keepInt := func(dst *types.Int64, src types.Int64) {
		if !src.IsUnknown() {
			*dst = src
		}
	}
	keepString(&m.Name, plan.Name)
	keepString(&m.DiskFormat, plan.DiskFormat)
	keepString(&m.ContainerFormat, plan.ContainerFormat)
	keepString(&m.Visibility, plan.Visibility)
	keepBool(&m.Protected, plan.Protected)
	keepBool(&m.Hidden, plan.Hidden)
	keepBool(&m.Deactivated, plan.Deactivated)
	keepInt(&m.MinDisk, plan.MinDisk)
	keepInt(&m.MinRAM, plan.MinRAM)
	if !plan.Tags.IsUnknown() {
		m.Tags = plan.Tags
	}
	if !plan.Properties.IsUnknown() {
		m.Properties = plan.Properties
	}
	return &m
}

// finish takes a create from where it stopped to the image the plan
// describes: the import task's image, the image active, the hashes checked
// (against local, the digest of data the provider streamed, when known),
// the plan's metadata applied, deactivation. have is what the state holds
// now; the state is saved after each step, and the unfinished mark is
// cleared when the image is complete.
func (r *imageResource) finish(ctx context.Context, have, plan resourceModel, local *client.Digest, out *tfsdk.State, private privateState, diags *diag.Diagnostics) {
	mark, _ := unfinished(ctx, private)
	diags.Append(out.Set(ctx, have.asPlanned(plan))...)
	if diags.HasError() {
		return
	}
	if have.importStarted() && !r.awaitImportTask(ctx, &have, plan, out, diags) {
		return
	}
	id := have.ID.ValueString()
	img, err := r.client.WaitForImage(ctx, id, client.StatusActive)
	if img != nil {
		diags.Append(have.setFromAPI(ctx, img)...)
		diags.Append(out.Set(ctx, have.asPlanned(plan))...)
	}
	if stoppedWaiting(diags, err) {
		return
	}
	if err != nil {
		diagnostics.APIError(diags, fmt.Sprintf("wait for image %s to become active", id), err, taintedHint(id))
		return
	}
	if local != nil && plan.VerifyChecksum.ValueBool() {
		if err := client.VerifyDigest(img, *local); err != nil {
			r.discard(ctx, img, out, diags, diag.NewErrorDiagnostic("Image data does not match what was sent",
				fmt.Sprintf("%s\n\nThe data may have been corrupted on the way or changed while uploading.", err)))
			return
		}
	}
	if d := checkExpectedHash(plan.ExpectedHash, img, local); d != nil {
		r.discard(ctx, img, out, diags, d)
		return
	}
	ops, d := patchOps(ctx, have, plan)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	ops = append(ops, copyPropertyOps(mark, plan, img)...)
	if len(ops) > 0 {
		patched, err := r.client.UpdateImage(ctx, id, ops)
		if err != nil {
			var warn diag.Diagnostics
			diagnostics.APIError(&warn, fmt.Sprintf("apply the metadata to image %s", id), err,
				fmt.Sprintf("Image %s and its data are complete and saved in the state; the next apply applies the "+
					"metadata (an in-place update), without importing or uploading again.", id))
			for _, e := range warn.Errors() {
				diags.AddWarning(e.Summary(), e.Detail())
			}
			return
		}
		img = patched
	}
	next := plan
	next.ImportTaskID = have.ImportTaskID
	diags.Append(next.setFromAPI(ctx, img)...)
	diags.Append(out.Set(ctx, &next)...)
	diags.Append(clearUnfinished(ctx, private)...)
	if diags.HasError() {
		return
	}
	r.deleteCopyObjects(ctx, mark.CopyObjects, diags)
	r.applyDeactivated(ctx, &next, plan, out, diags)
}

// awaitImportTask waits for the state's import task and records the image
// it made. A failed task made no image: the state is emptied so that the
// next apply imports again.
func (r *imageResource) awaitImportTask(ctx context.Context, have *resourceModel, plan resourceModel, out *tfsdk.State, diags *diag.Diagnostics) bool {
	taskID := have.ImportTaskID.ValueString()
	t, err := r.client.WaitForTask(ctx, taskID)
	if stoppedWaiting(diags, err) {
		return false
	}
	var failed *client.TaskFailedError
	if errors.As(err, &failed) {
		out.RemoveResource(ctx)
		at := path.Root("import_from")
		if !plan.CopyFrom.IsNull() {
			at = path.Root("copy_from") // a copy through the object stores
		}
		diags.AddAttributeError(at, fmt.Sprintf("Cannot import image %q", plan.Name.ValueString()),
			fmt.Sprintf("%s\n\nThe task made no image, so nothing is left behind; the next apply runs a new import.", err))
		return false
	}
	if err != nil {
		diagnostics.APIError(diags, fmt.Sprintf("wait for import task %s", taskID), err,
			"The task's id is saved in the state (import_task_id): the next apply finds it again.")
		return false
	}
	id := t.ResultString("image_id")
	if id == "" {
		diags.AddError(fmt.Sprintf("Cannot import image %q", plan.Name.ValueString()),
			fmt.Sprintf("The import task %s succeeded without naming the image it created.", t.ID))
		return false
	}
	have.ID = types.StringValue(id)
	diags.Append(out.Set(ctx, have.asPlanned(plan))...)
	return !diags.HasError()
}

// discard deletes an image whose data failed a check, so that no image with
// the wrong data stays usable, and returns the check's error. Where the
// service refuses the delete, it deactivates the image instead.
func (r *imageResource) discard(ctx context.Context, img *client.Image, out *tfsdk.State, diags *diag.Diagnostics, failed diag.Diagnostic) {
	ctx = context.WithoutCancel(ctx) // the wrong data must not stay, even after a Ctrl-C
	id := img.ID
	var what string
	if err := r.client.DeleteImage(ctx, id); err == nil || client.IsNotFound(err) {
		out.RemoveResource(ctx)
		what = fmt.Sprintf("Image %s was deleted, so that nothing uses the wrong data; the next apply creates it again.", id)
	} else if derr := r.client.DeactivateImage(ctx, id); derr == nil {
		what = fmt.Sprintf("Image %s could not be deleted (%s), so it was deactivated: its data cannot be downloaded or "+
			"booted. It is saved in the state as tainted: the next apply replaces it.", id, err)
	} else {
		what = fmt.Sprintf("Image %s could neither be deleted (%s) nor deactivated (%s): delete it yourself. It is saved "+
			"in the state as tainted: the next apply replaces it.", id, err, derr)
	}
	detail := failed.Detail() + "\n\n" + what
	if p, ok := failed.(diag.DiagnosticWithPath); ok {
		diags.AddAttributeError(p.Path(), failed.Summary(), detail)
		return
	}
	diags.AddError(failed.Summary(), detail)
}

// readStartedImport resolves an import task that had not made its image
// when the state was saved. It reports whether the image is known now;
// otherwise the state is left as it is (the task is still running) or
// removed (the task failed or is gone, and made no image).
func (r *imageResource) readStartedImport(ctx context.Context, state *resourceModel, private privateGetter, out *tfsdk.State, diags *diag.Diagnostics) bool {
	taskID := state.ImportTaskID.ValueString()
	mark, _ := unfinished(ctx, private)
	t, err := r.client.GetTask(ctx, taskID)
	switch {
	case client.IsNotFound(err):
		// The task expired: its image, if it made one, carries the token in its name.
		imgs, lerr := r.imagesNamed(ctx, mark.TaskImageName)
		if lerr != nil {
			diagnostics.APIError(diags, fmt.Sprintf("look for the image of expired import task %s", taskID), lerr, "")
			return false
		}
		if len(imgs) == 1 {
			state.ID = types.StringValue(imgs[0].ID)
			return true
		}
		out.RemoveResource(ctx)
		diags.AddWarning(fmt.Sprintf("Import task %s is gone", taskID),
			fmt.Sprintf("The task expired, and no image named %q exists: the next apply imports the image again.", mark.TaskImageName))
		return false
	case err != nil:
		diagnostics.APIError(diags, fmt.Sprintf("read import task %s", taskID), err, "")
		return false
	case t.Status == client.TaskSuccess && t.ResultString("image_id") != "":
		state.ID = types.StringValue(t.ResultString("image_id"))
		return true
	case t.Status == client.TaskFailure:
		out.RemoveResource(ctx)
		diags.AddWarning(fmt.Sprintf("Import task %s failed", taskID),
			fmt.Sprintf("%s\n\nThe task made no image: the next apply imports the image again.", (&client.TaskFailedError{Task: t}).Error()))
		return false
	}
	return false // still running: the plan shows the update that waits for it
}

// deleteStartedImport waits for an import task whose image is not known
// yet and deletes the image it makes, so that destroying never leaves it
// behind.
func (r *imageResource) deleteStartedImport(ctx context.Context, state resourceModel, private privateGetter, diags *diag.Diagnostics) {
	taskID := state.ImportTaskID.ValueString()
	mark, _ := unfinished(ctx, private)
	t, err := r.client.WaitForTask(ctx, taskID)
	var failed *client.TaskFailedError
	switch {
	case errors.As(err, &failed):
		return // no image was made
	case client.IsNotFound(err):
		imgs, lerr := r.imagesNamed(ctx, mark.TaskImageName)
		if lerr != nil {
			diagnostics.APIError(diags, fmt.Sprintf("look for the image of expired import task %s", taskID), lerr, "")
			return
		}
		for _, img := range imgs {
			r.deleteImage(ctx, img.ID, state.Protected.ValueBool(), diags)
		}
		return
	case err != nil:
		diagnostics.APIError(diags, fmt.Sprintf("wait for import task %s before deleting its image", taskID), err,
			"The task is still saved in the state: destroy again to delete the image it makes.")
		return
	}
	if id := t.ResultString("image_id"); id != "" {
		r.deleteImage(ctx, id, state.Protected.ValueBool(), diags)
	}
}

// resume finishes, in an update, a create that stopped waiting. It runs
// within the create timeout: it is the rest of the create.
func (r *imageResource) resume(ctx context.Context, state, plan resourceModel, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var local *client.Digest
	if d := cachedDigest(ctx, req.Private); d != nil && !plan.File.IsNull() {
		digest := d.Digest() // hashed when planning: the data the create uploaded
		local = &digest
	}
	r.finish(ctx, state, plan, local, &resp.State, resp.Private, &resp.Diagnostics)
}

// planResume shows the update that finishes an unfinished create: what the
// server will say once it is done is unknown until then.
func planResume(ctx context.Context, state resourceModel, resp *resource.ModifyPlanResponse) {
	unknown := []string{"status", "checksum", "os_hash_algo", "os_hash_value", "owner", "created_at", "updated_at", "file_url"}
	if state.importStarted() {
		unknown = append(unknown, "id", "disk_format", "container_format") // the import sets the formats
	}
	for _, name := range unknown {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
	}
	for _, name := range []string{"size", "virtual_size"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.Int64Unknown())...)
	}
}

// imagesNamed lists the images named exactly name, a name marked with the
// provider's token; none when there is no name to look for.
func (r *imageResource) imagesNamed(ctx context.Context, name string) ([]client.Image, error) {
	if name == "" {
		return nil, nil
	}
	return r.client.ListImages(ctx, client.ListImagesInput{Name: name})
}
