package member

import (
	"context"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// readMember is the Read of both resources whose state is a memberModel;
// what names the resource in messages. A share that is gone (404: the
// producer removed it, or the image) leaves the state.
func readMember(ctx context.Context, c *client.Client, req resource.ReadRequest, resp *resource.ReadResponse, what string) {
	var state memberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	mem, err := c.GetMember(ctx, state.ImageID.ValueString(), state.MemberID.ValueString())
	if client.IsNotFound(err) {
		tflog.Debug(ctx, "share is gone, removing the "+what+" from the state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, "read "+what+" "+state.ID.ValueString(), err, "")
		return
	}
	state.setFromAPI(mem)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
