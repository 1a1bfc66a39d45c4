// Package identity gives the resources their resource identity (Terraform
// 1.12 and later): the attributes that name an object, which `import` blocks
// take as `identity = {...}` and which Terraform keeps beside the state.
// Every identity attribute here is a string attribute of the resource's
// state with the same name, so one helper sets it from the state and one
// takes it into the state on import. Older Terraform versions ignore it.
package identity

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfmodel"
)

// Attribute is one identity attribute: its name (the same in the state) and
// its description; an import may leave out an Optional one.
type Attribute struct {
	Name, Description string
	Optional          bool
}

// Region is the identity attribute of the object's region, which an import
// may leave out for the provider's.
var Region = Attribute{Name: "region", Description: "The object's region; on import, default the provider's.", Optional: true}

// Schema is the identity schema of attrs, required for import unless Optional.
func Schema(attrs ...Attribute) identityschema.Schema {
	s := identityschema.Schema{Attributes: map[string]identityschema.Attribute{}}
	for _, a := range attrs {
		s.Attributes[a.Name] = identityschema.StringAttribute{RequiredForImport: !a.Optional, OptionalForImport: a.Optional, Description: a.Description}
	}
	return s
}

// FromState sets the identity to the named attributes of the first of
// states that holds the resource: pointers, so that it can be deferred at
// the top of a CRUD method and see the final state. A Read that removes the
// resource passes the prior state too, since the framework wants an
// identity even then. It does nothing when the caller has no identity to
// set, or no state holds the resource.
func FromState(ctx context.Context, target *tfsdk.ResourceIdentity, diags *diag.Diagnostics, names []string, states ...*tfsdk.State) {
	if target == nil {
		return
	}
	for _, state := range states {
		if state.Raw.IsNull() {
			continue
		}
		for _, name := range names {
			v, err := tfmodel.StringAttribute(ctx, state.Raw, name)
			if err != nil {
				diags.AddAttributeError(path.Root(name), "Identity Error", "Cannot read the attribute from the state: "+err.Error())
				return
			}
			if v.IsUnknown() || v.IsNull() {
				v = types.StringValue("") // known, as Terraform requires after an apply
			}
			diags.Append(target.SetAttribute(ctx, path.Root(name), v)...)
		}
		return
	}
}

// Import takes an `import` block's identity into the state; it reports
// false when the import was by string id (req.ID), which the caller parses.
func Import(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, names ...string) bool {
	if req.ID != "" || req.Identity == nil {
		return false
	}
	for _, name := range names {
		var v types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(name), &v)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	return true
}
