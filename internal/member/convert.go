package member

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfvalue"
)

// The one conversion of an API member: every resource and data source of
// this package shows a member through these fields.

// shareFields is a member's share as the server reports it: the value of
// one entry of cloudimages_image_access's members map.
type shareFields struct {
	Status    types.String `tfsdk:"status"`
	CreatedAt types.String `tfsdk:"created_at"`
	UpdatedAt types.String `tfsdk:"updated_at"`
}

// memberFields is a member with its share.
type memberFields struct {
	MemberID types.String `tfsdk:"member_id"`
	shareFields
}

func shareFrom(mem *client.Member) shareFields {
	return shareFields{Status: types.StringValue(mem.Status), CreatedAt: tfvalue.Time(mem.CreatedAt), UpdatedAt: tfvalue.Time(mem.UpdatedAt)}
}

func memberFrom(mem *client.Member) memberFields {
	return memberFields{MemberID: types.StringValue(mem.MemberID), shareFields: shareFrom(mem)}
}

// memberModel is a share as both member resources keep it in their state,
// beside arguments of their own.
type memberModel struct {
	ID      types.String `tfsdk:"id"`
	ImageID types.String `tfsdk:"image_id"`
	Region  types.String `tfsdk:"region"`
	memberFields
}

// setFromAPI reads the share mem, which c's region holds.
func (m *memberModel) setFromAPI(c *client.Client, mem *client.Member) {
	m.ID = types.StringValue(mem.ImageID + "/" + mem.MemberID)
	m.ImageID = types.StringValue(mem.ImageID)
	m.Region = types.StringValue(c.Region())
	m.memberFields = memberFrom(mem)
}

// attributeSetter is a state, or a listed resource object.
type attributeSetter interface {
	SetAttribute(ctx context.Context, p path.Path, v any) diag.Diagnostics
}

// setInState writes m's attributes into state, leaving the resource's other
// arguments alone.
func (m *memberModel) setInState(ctx context.Context, state attributeSetter, diags *diag.Diagnostics) {
	for name, value := range map[string]types.String{
		"id": m.ID, "image_id": m.ImageID, "member_id": m.MemberID, "region": m.Region,
		"status": m.Status, "created_at": m.CreatedAt, "updated_at": m.UpdatedAt,
	} {
		diags.Append(state.SetAttribute(ctx, path.Root(name), value)...)
	}
}
