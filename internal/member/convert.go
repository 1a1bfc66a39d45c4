package member

import (
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
