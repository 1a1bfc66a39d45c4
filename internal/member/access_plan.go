package member

import (
	"context"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ModifyPlan plans the region, warns when cloudimages_image_member manages
// the same image, and plans the members map member by member.
func (r *accessResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	region.Plan(ctx, r.client, req, resp)
	warnIfManagedTwice(ctx, r.client, req.Plan, managedByAccess, &resp.Diagnostics)
	planMembers(ctx, req, resp)
}

// planMembers plans members entry by entry: a member that stays keeps what
// the state has (the update leaves it alone), a new one is known after
// apply, a removed one goes. Otherwise any change of member_ids, or drift,
// shows the whole map as known after apply.
func planMembers(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return // a create or a destroy
	}
	var plan, state accessModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !plan.ImageID.Equal(state.ImageID) || plan.MemberIDs.IsUnknown() ||
		state.Members.IsNull() || state.Members.IsUnknown() {
		return
	}
	had := state.Members.Elements()
	members := make(map[string]attr.Value, len(plan.MemberIDs.Elements()))
	for _, v := range plan.MemberIDs.Elements() {
		id, ok := v.(types.String)
		if !ok || id.IsUnknown() {
			return // a member id known only at apply: the map is too
		}
		if share, ok := had[id.ValueString()]; ok {
			members[id.ValueString()] = share
		} else {
			members[id.ValueString()] = types.ObjectUnknown(accessMemberType.AttrTypes)
		}
	}
	planned, d := types.MapValue(accessMemberType, members)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("members"), planned)...)
}

// keepPlannedMembers keeps the entries the plan knew (members that stayed:
// see planMembers) instead of what the server says now, which a consumer
// may have changed since the plan; the next refresh shows such a change.
func (m *accessModel) keepPlannedMembers(planned types.Map, diags *diag.Diagnostics) {
	if planned.IsNull() || planned.IsUnknown() {
		return
	}
	members := m.Members.Elements()
	for id, share := range planned.Elements() {
		if _, ok := members[id]; ok && !share.IsUnknown() {
			members[id] = share
		}
	}
	var d diag.Diagnostics
	m.Members, d = types.MapValue(accessMemberType, members)
	diags.Append(d...)
}
