package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// wideAttributes is how many computed attributes mini_wide has besides id
// and name: with them it has as many attributes as cloudimages_image, so
// that a benchmark can tell what the size of a schema costs in Terraform and
// the framework from what the image resource does.
const wideAttributes = 36

// wide is mini_wide: mini_thing with wideAttributes computed strings, each
// set once by Create and kept by the plan (UseStateForUnknown), as the
// image's server-set attributes are.
type wide struct{}

func wideName(i int) string { return fmt.Sprintf("a%02d", i) }

func (wide) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_wide"
}

func (wide) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	attrs := map[string]schema.Attribute{
		"id":   schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"name": schema.StringAttribute{Required: true},
	}
	for i := range wideAttributes {
		attrs[wideName(i)] = schema.StringAttribute{Computed: true, PlanModifiers: keep}
	}
	resp.Schema = schema.Schema{Attributes: attrs}
}

func (wide) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	resp.State.Raw = req.Plan.Raw
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), "wide-"+name.ValueString())...)
	for i := range wideAttributes {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(wideName(i)), "value of "+wideName(i))...)
	}
}

// Read keeps the state, which the framework has copied into the response.
func (wide) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (wide) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (wide) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
