package member

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
)

// readMember is the Read of both resources whose state holds a memberModel
// (with arguments of their own beside it, left as they are); what names the
// resource in messages. A share that is gone (404: the producer removed it,
// or the image) leaves the state.
func readMember(ctx context.Context, provider *client.Client, req resource.ReadRequest, resp *resource.ReadResponse, what string) {
	var id, imageID, memberID, inRegion types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("image_id"), &imageID)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("member_id"), &memberID)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(region.Attr), &inRegion)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(provider, inRegion, &resp.Diagnostics) // none in the state: made before regions, in the provider's
	if c == nil {
		return
	}
	mem, err := c.GetMember(ctx, imageID.ValueString(), memberID.ValueString())
	if client.IsNotFound(err) {
		tflog.Debug(ctx, "share is gone, removing the "+what+" from the state", map[string]any{"id": id.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, "read "+what+" "+id.ValueString(), err, "")
		return
	}
	var m memberModel
	m.setFromAPI(c, mem)
	m.setInState(ctx, &resp.State, &resp.Diagnostics)
}
