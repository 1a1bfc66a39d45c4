package image

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// The resource manages only the properties its configuration names, so a
// refresh reads back only the keys already in the state. An import has no
// configuration yet: its first read takes every property a configuration
// may set, so that generated configuration carries them and an imported
// object plans clean. The private state marks that first read.

const importedKey = "imported"

func markImported(ctx context.Context, private privateSetter) diag.Diagnostics {
	return private.SetKey(ctx, importedKey, []byte(`true`))
}

// takeImported says whether this is the first read after an import, and
// clears the mark so that later reads manage only the state's keys.
func takeImported(ctx context.Context, req privateGetter, resp privateSetter) (bool, diag.Diagnostics) {
	raw, diags := req.GetKey(ctx, importedKey)
	if diags.HasError() || len(raw) == 0 {
		return false, diags
	}
	return true, resp.SetKey(ctx, importedKey, nil)
}

// configurableProperties are img's properties that a configuration may set:
// neither reserved names nor what the server's image schema marks read-only
// (serverSet). Null when there are none, as in a configuration without
// properties.
func configurableProperties(ctx context.Context, img *client.Image, serverSet map[string]bool) (types.Map, diag.Diagnostics) {
	props := maps.Clone(img.Properties)
	maps.DeleteFunc(props, func(key, _ string) bool {
		return serverSet[key] || reservedProperty(key) != ""
	})
	if len(props) == 0 {
		return types.MapNull(types.StringType), nil
	}
	return types.MapValueFrom(ctx, types.StringType, props)
}
