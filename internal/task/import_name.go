package task

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
)

// An import task names its image "<image_name> [tf-<token>]" (the provider's
// mark, client.TokenName), so that a task whose create answer was lost is
// found by the mark, never by its likeness to another run's task. Once the
// task has succeeded the image is renamed to image_name. Until then the
// private state keeps the marked name; a rename that failed shows in the
// next refresh as image_name = the marked name, and in the plan as an
// in-place update of image_name that renames the image.

const nameMarkKey = "image_name_mark"

// nameMark is the private state's record of the image's marked name.
type nameMark struct {
	Marked  string `json:"marked"`
	Renamed bool   `json:"renamed"`
}

type privateGetter interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}

func setNameMark(ctx context.Context, private privateSetter, mark nameMark) diag.Diagnostics {
	raw, _ := json.Marshal(mark) // cannot fail: a string and a bool
	return private.SetKey(ctx, nameMarkKey, raw)
}

// getNameMark reads the mark; ok is false when there is none (a state from
// terraform import, or from a version without marks).
func getNameMark(ctx context.Context, private privateGetter) (mark nameMark, ok bool) {
	raw, diags := private.GetKey(ctx, nameMarkKey)
	if diags.HasError() || len(raw) == 0 || json.Unmarshal(raw, &mark) != nil {
		return nameMark{}, false
	}
	return mark, true
}

// tokenOf is the token of a marked name, "" when the name bears no mark.
func tokenOf(marked string) string {
	stripped := client.StripToken(marked)
	if stripped == marked {
		return ""
	}
	return marked[len(stripped)+len(" [tf-") : len(marked)-1]
}

// shownName is the image_name a refresh shows for a task whose input names
// its image marked: the name without the mark. A long name was cut to make
// room for the mark; prior (the state's image_name) is kept when it is the
// uncut name that the mark was made from.
func shownName(marked, prior string) string {
	token := tokenOf(marked)
	if token == "" {
		return marked
	}
	if p := client.StripToken(prior); p != "" && client.TokenName(p, token) == marked {
		return p
	}
	return client.StripToken(marked)
}

// onlyMarkDiffers reports whether the state's image_name is planned the
// marked name of the planned one: the image's rename, not a new task.
func onlyMarkDiffers(state, plan string) bool {
	token := tokenOf(state)
	return token != "" && client.TokenName(plan, token) == state
}

// imageNameModifiers: a new image_name is a new task, except the rename of
// an image that still bears the mark, which is an in-place update.
func imageNameModifiers() []planmodifier.String {
	return []planmodifier.String{stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !onlyMarkDiffers(req.StateValue.ValueString(), req.PlanValue.ValueString())
		},
		"A new name runs a new task; the rename of an image that still has its marked name does not.",
		"A new name runs a new task; the rename of an image that still has its marked name does not.",
	)}
}

// renameImage gives the image of a succeeded task its name, want, and
// records the outcome in the private state. A rename that fails is a
// warning: the import is complete and saved, and the next apply renames.
func (r *importTaskResource) renameImage(ctx context.Context, t *client.Task, want string, private privateSetter, diags *diag.Diagnostics) {
	marked, id := client.TaskImageName(t), t.ResultString("image_id")
	if tokenOf(marked) == "" || id == "" {
		diags.Append(private.SetKey(ctx, nameMarkKey, nil)...) // no mark: nothing to rename
		return
	}
	_, err := r.client.RenameMarkedImage(ctx, id, marked, want)
	if err != nil {
		diags.Append(setNameMark(ctx, private, nameMark{Marked: marked})...)
		var failed diag.Diagnostics
		diagnostics.AttributeAPIError(&failed, path.Root("image_name"), fmt.Sprintf("rename image %s from %q to %q", id, marked, want), err,
			fmt.Sprintf("The import is complete and saved in the state (task %s, image_id %s). The next apply shows an in-place "+
				"update of image_name and renames the image; it does not import again.", t.ID, id))
		for _, e := range failed.Errors() {
			diags.AddAttributeWarning(path.Root("image_name"), e.Summary(), e.Detail())
		}
		return
	}
	diags.Append(setNameMark(ctx, private, nameMark{Marked: marked, Renamed: true})...)
}

// renamePending reports whether the image of a succeeded task still has to
// be renamed. Once the rename is recorded as done, nothing is read; until
// then (a rename that failed, or whose answer was lost; an imported
// resource) the image is read to find out, and the answer recorded.
func (r *importTaskResource) renamePending(ctx context.Context, t *client.Task, req privateGetter, resp privateSetter, diags *diag.Diagnostics) bool {
	marked, id := client.TaskImageName(t), t.ResultString("image_id")
	if tokenOf(marked) == "" || id == "" {
		return false
	}
	if mark, ok := getNameMark(ctx, req); ok && mark.Marked == marked && mark.Renamed {
		return false
	}
	img, err := r.client.GetImage(ctx, id)
	switch {
	case client.IsNotFound(err):
		img = &client.Image{} // gone: nothing to rename
	case err != nil:
		diagnostics.APIError(diags, fmt.Sprintf("read image %s, made by import task %s", id, t.ID), err, "")
		return false
	}
	pending := img.Name == marked
	diags.Append(setNameMark(ctx, resp, nameMark{Marked: marked, Renamed: !pending})...)
	return pending
}
