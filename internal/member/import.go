package member

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// checkImportedImageID refuses an identity whose image_id is no UUID, as the
// string import ids are refused.
func checkImportedImageID(ctx context.Context, resp *resource.ImportStateResponse) {
	var imageID types.String
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("image_id"), &imageID)...)
	if !validate.IsUUID(imageID.ValueString()) {
		resp.Diagnostics.AddAttributeError(path.Root("image_id"), "Invalid import identity",
			fmt.Sprintf("image_id must be the image's UUID, such as 6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77; got %q.", imageID.ValueString()))
	}
}

// memberIdentity names a share: both member resources identify it so.
var memberIdentity = []string{"image_id", "member_id", region.Attr}

// accessIdentity names an image's member list.
var accessIdentity = []string{"image_id", region.Attr}

// importRegion sets the region an import id named ("" leaves it to the
// first read: the provider's).
func importRegion(ctx context.Context, inRegion string, resp *resource.ImportStateResponse) {
	if inRegion != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(region.Attr), inRegion)...)
	}
}
