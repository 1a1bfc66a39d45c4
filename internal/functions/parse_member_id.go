package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/importid"
)

var _ function.Function = parseMemberID{}

// NewParseMemberID is the constructor of parse_member_id.
func NewParseMemberID() function.Function { return parseMemberID{} }

type parseMemberID struct{}

var memberIDParts = map[string]attr.Type{"image_id": types.StringType, "member_id": types.StringType}

func (parseMemberID) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_member_id"
}

func (parseMemberID) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The image_id and member_id of a member's composite id",
		MarkdownDescription: "Splits the id of a `cloudimages_image_member` or `cloudimages_image_member_status` " +
			"(`image_id/member_id`, as `terraform import` takes it) into an object with `image_id` and `member_id`, " +
			"checking that the image id is a UUID; for import blocks by identity and `for_each` over lists of ids.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "id", MarkdownDescription: "A member's id, such as `6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77/100002`."},
		},
		Return: function.ObjectReturn{AttributeTypes: memberIDParts},
	}
}

func (parseMemberID) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var id string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &id))
	if resp.Error != nil {
		return
	}
	parts, err := importid.Parse(id, []string{"image_id", "member_id"}, "image_id")
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	obj, diags := types.ObjectValue(memberIDParts, map[string]attr.Value{
		"image_id": types.StringValue(parts[0]), "member_id": types.StringValue(parts[1]),
	})
	resp.Error = function.FuncErrorFromDiags(ctx, diags)
	if resp.Error == nil {
		resp.Error = resp.Result.Set(ctx, obj)
	}
}
