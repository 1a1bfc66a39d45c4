package member

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Moves from the OpenStack provider (Terraform 1.8 and later): its
// openstack_images_image_access_v2 (the producer's share) becomes a
// cloudimages_image_member, its openstack_images_image_access_accept_v2 (the
// consumer's answer) a cloudimages_image_member_status. The source is matched
// by its provider's address suffix, so mirrors and OpenTofu's registry move
// the same way.

var (
	_ resource.ResourceWithMoveState = (*memberResource)(nil)
	_ resource.ResourceWithMoveState = (*statusResource)(nil)
)

const openstackProvider = "terraform-provider-openstack/openstack"

func (r *memberResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveMemberFrom("openstack_images_image_access_v2")}}
}

func (r *statusResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveMemberFrom("openstack_images_image_access_accept_v2")}}
}

// openstackAccess is what both OpenStack access resources keep.
type openstackAccess struct {
	ImageID   string `json:"image_id"`
	MemberID  string `json:"member_id"`
	Region    string `json:"region"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func moveMemberFrom(sourceType string) func(context.Context, resource.MoveStateRequest, *resource.MoveStateResponse) {
	return func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if req.SourceTypeName != sourceType || !strings.HasSuffix(req.SourceProviderAddress, openstackProvider) || req.SourceRawState == nil {
			return // not ours to move: another mover may take it
		}
		var src openstackAccess
		if err := json.Unmarshal(req.SourceRawState.JSON, &src); err != nil || src.ImageID == "" || src.MemberID == "" {
			resp.Diagnostics.AddError("Cannot move "+sourceType,
				fmt.Sprintf("Its state is not what the OpenStack provider v3 writes (image_id and member_id): %v", err))
			return
		}
		m := memberModel{ID: types.StringValue(src.ImageID + "/" + src.MemberID), ImageID: types.StringValue(src.ImageID)}
		m.MemberID = types.StringValue(src.MemberID)
		if src.Region != "" { // the OpenStack provider keeps the region it used
			m.Region = types.StringValue(src.Region)
		}
		m.Status = types.StringValue(src.Status)
		m.CreatedAt, m.UpdatedAt = types.StringValue(src.CreatedAt), types.StringValue(src.UpdatedAt)
		m.setInState(ctx, &resp.TargetState, &resp.Diagnostics) // the refresh fills in the rest
		if resp.TargetIdentity != nil {
			resp.Diagnostics.Append(resp.TargetIdentity.SetAttribute(ctx, path.Root("image_id"), src.ImageID)...)
			resp.Diagnostics.Append(resp.TargetIdentity.SetAttribute(ctx, path.Root("member_id"), src.MemberID)...)
			resp.Diagnostics.Append(resp.TargetIdentity.SetAttribute(ctx, path.Root(region.Attr), m.Region)...)
		}
	}
}
