package tfmodel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfmodel"
)

var testSchema = schema.Schema{Attributes: map[string]schema.Attribute{
	"id":    schema.StringAttribute{Computed: true},
	"name":  schema.StringAttribute{Required: true},
	"size":  schema.Int64Attribute{Optional: true},
	"tags":  schema.SetAttribute{ElementType: types.StringType, Optional: true},
	"props": schema.MapAttribute{ElementType: types.StringType, Optional: true},
}}

type common struct {
	ID   types.String `tfsdk:"id"`
	Name types.String `tfsdk:"name"`
}

type testModel struct {
	common
	Size  types.Int64 `tfsdk:"size"`
	Tags  types.Set   `tfsdk:"tags"`
	Props types.Map   `tfsdk:"props"`
	Note  string      `tfsdk:"-"`
}

func TestGetSet_sameAsTheFramework(t *testing.T) {
	ctx := context.Background()
	want := testModel{
		common: common{ID: types.StringValue("i-1"), Name: types.StringUnknown()},
		Size:   types.Int64Null(),
		Tags:   types.SetValueMust(types.StringType, []attr.Value{types.StringValue("a"), types.StringValue("b")}),
		Props:  types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringValue("v")}),
	}
	framework := tfsdk.State{Schema: testSchema, Raw: tftypes.NewValue(testSchema.Type().TerraformType(ctx), nil)}
	if diags := framework.Set(ctx, &want); diags.HasError() {
		t.Fatal(diags)
	}

	var ours tftypes.Value
	if diags := tfmodel.Set(ctx, testSchema, &ours, &want); diags.HasError() {
		t.Fatal(diags)
	}
	if !ours.Equal(framework.Raw) {
		t.Fatalf("Set: got %s, the framework's %s", ours, framework.Raw)
	}

	var got testModel
	if diags := tfmodel.Get(ctx, testSchema, framework.Raw, &got); diags.HasError() {
		t.Fatal(diags)
	}
	var viaFramework testModel
	if diags := framework.Get(ctx, &viaFramework); diags.HasError() {
		t.Fatal(diags)
	}
	if !got.ID.Equal(viaFramework.ID) || !got.Name.Equal(viaFramework.Name) || !got.Size.Equal(viaFramework.Size) ||
		!got.Tags.Equal(viaFramework.Tags) || !got.Props.Equal(viaFramework.Props) {
		t.Fatalf("Get: got %+v, the framework's %+v", got, viaFramework)
	}

	name, err := tfmodel.StringAttribute(ctx, framework.Raw, "id")
	if err != nil || name.ValueString() != "i-1" {
		t.Fatalf("StringAttribute: %v, %v", name, err)
	}
}

// A model that does not match its schema is an error, never a silent gap.
func TestGet_modelWithoutAnAttribute(t *testing.T) {
	type partial struct {
		ID types.String `tfsdk:"id"`
	}
	ctx := context.Background()
	raw := tftypes.NewValue(testSchema.Type().TerraformType(ctx), nil)
	var m partial
	diags := tfmodel.Get(ctx, testSchema, raw, &m)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "[name props size tags]") {
		t.Fatalf("want an error naming the missing attributes, got %v", diags)
	}
}

// A value of another type than the schema's is an error, as in the framework.
func TestSet_wrongType(t *testing.T) {
	ctx := context.Background()
	m := testModel{
		common: common{ID: types.StringNull(), Name: types.StringValue("n")},
		Size:   types.Int64Null(),
		Tags:   types.SetNull(types.Int64Type),
		Props:  types.MapNull(types.StringType),
	}
	var raw tftypes.Value
	if diags := tfmodel.Set(ctx, testSchema, &raw, &m); !diags.HasError() {
		t.Fatalf("want an error for a set of numbers, got %s", raw)
	}
}
