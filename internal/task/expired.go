package task

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// A task that the state holds as running but that the service has
// forgotten (404: it finished more than 48 hours ago, unseen) is settled by
// what it left: the image that bears the import's mark, the object the
// export writes. Found, the task is recorded as succeeded; not found, as
// failed, which the next plan replaces. Either way the next apply does not
// wait for a task that no longer exists.

// settleExpired settles an import task by the image named with its mark.
func (r *importTaskResource) settleExpired(ctx context.Context, state *importTaskModel, private privateGetter, out *tfsdk.State, diags *diag.Diagnostics) {
	id := state.ID.ValueString()
	mark, ok := getNameMark(ctx, private)
	if !ok {
		diags.AddWarning(fmt.Sprintf("Import task %s expired unseen", id),
			fmt.Sprintf("The state last saw the task %s, and the service has forgotten it; this resource does not know the "+
				"name it gave its image, so it cannot tell whether it made one. It keeps the task's last known state: "+
				"look for an image named %q followed by a [tf-…] mark, then remove this resource from the state "+
				"(`terraform state rm`) or replace it.", state.Status.ValueString(), state.ImageName.ValueString()))
		return
	}
	imgs, err := r.client.ListImages(ctx, client.ListImagesInput{Name: mark.Marked})
	if err != nil {
		diags.AddError(fmt.Sprintf("Cannot settle expired import task %s", id),
			fmt.Sprintf("Looking for the image named %q that the task makes failed: %s\n\nThe state is unchanged; the "+
				"next refresh looks again.", mark.Marked, err))
		return
	}
	switch len(imgs) {
	case 1:
		state.Status = types.StringValue(client.TaskSuccess)
		state.ImageID = types.StringValue(imgs[0].ID)
		state.Message = types.StringValue(fmt.Sprintf("The task expired before this resource saw it finish; its image %s "+
			"was found by its marked name.", imgs[0].ID))
		if imgs[0].Name == mark.Marked {
			state.ImageName = types.StringValue(mark.Marked) // the plan shows the rename
		}
	case 0:
		state.Status = types.StringValue(client.TaskFailure)
		state.Message = types.StringValue(fmt.Sprintf("The task expired before this resource saw it finish, and no image "+
			"is named %q: it made none, or the image was renamed or deleted since.", mark.Marked))
		diags.AddWarning(fmt.Sprintf("Import task %s expired unseen, without an image", id),
			state.Message.ValueString()+" The task is recorded as failed: the next apply replaces it with a new import.")
	default:
		diags.AddError(fmt.Sprintf("Cannot settle expired import task %s", id),
			fmt.Sprintf("%d images are named %q, a name only this task should give: delete the ones that are not "+
				"wanted, and refresh again.", len(imgs), mark.Marked))
		return
	}
	diags.Append(out.Set(ctx, state)...)
}

// settleExpired settles an export task by the object it writes.
func (r *exportTaskResource) settleExpired(ctx context.Context, state *exportTaskModel, out *tfsdk.State, diags *diag.Diagnostics) {
	id, container, imageID := state.ID.ValueString(), state.Container.ValueString(), state.ImageID.ValueString()
	object := container + "/" + imageID + ".vhd"
	found, err := r.client.ExportedObjectExists(ctx, container, imageID)
	if err != nil {
		diags.AddError(fmt.Sprintf("Cannot settle expired export task %s", id),
			fmt.Sprintf("Looking for %s, the object the task writes, failed: %s\n\nThe state is unchanged; the next "+
				"refresh looks again.", object, err))
		return
	}
	if found {
		state.Status = types.StringValue(client.TaskSuccess)
		state.ExportLocation = types.StringValue(object)
		state.Message = types.StringValue("The task expired before this resource saw it finish; its object " + object + " is there.")
	} else {
		state.Status = types.StringValue(client.TaskFailure)
		state.Message = types.StringValue("The task expired before this resource saw it finish, and " + object +
			" is not there: it wrote nothing, or the object was deleted since.")
		diags.AddWarning(fmt.Sprintf("Export task %s expired unseen, without an object", id),
			state.Message.ValueString()+" The task is recorded as failed: the next apply replaces it with a new export.")
	}
	diags.Append(out.Set(ctx, state)...)
}
