// Package fwcost is a minimal reproduction, for an upstream report, of what
// terraform-plugin-framework costs per resource as its schema grows: a
// resource of K string attributes that does nothing (Read keeps the state,
// no ModifyPlan, no validators), served by providerserver and called through
// the protocol as Terraform calls it, for an unchanged object. Run
//
//	go test ./internal/bench/fwcost -run '^$' -bench . -benchmem
//
// and compare ns/op and B/op as K doubles: linear work would double, the
// framework's grows about 3× for a plan (the plan modification walk sets
// every attribute back into the plan, and each set walks the whole value,
// and every step of every walk copies the schema's attribute map) and a read
// the same. The fix upstream: look an attribute up in Schema.Attributes
// without building a new map (resource/schema.Schema.GetAttributes via
// fwschema.SchemaApplyTerraform5AttributePathStep), set an attribute in
// SchemaModifyPlan only when its plan modifiers changed it, and compile the
// regular expression of internal/reflect.isValidFieldName once.
// upstream.patch beside this file does the three against v1.19.0 (the
// framework's own tests of those packages pass with it); with it, a plan at
// K=40 costs 3.6× less time and 5.6× fewer bytes, and both grow linearly.
package fwcost

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// wide is a provider of one resource, wide_thing, with k string attributes.
type wide struct{ k int }

func (wide) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "wide"
}
func (wide) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse)          {}
func (wide) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {}
func (wide) DataSources(context.Context) []func() datasource.DataSource                        { return nil }
func (p wide) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return thing(p) }}
}

type thing struct{ k int }

func (thing) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (t thing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{}
	for i := range t.k {
		attrs[fmt.Sprintf("a%02d", i)] = schema.StringAttribute{Optional: true}
	}
	resp.Schema = schema.Schema{Attributes: attrs}
}

// Read keeps the state as it is (the framework has copied it into the response).
func (thing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (thing) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (thing) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// object is the resource's value, every attribute set, as msgpack.
func object(b *testing.B, k int) *tfprotov6.DynamicValue {
	b.Helper()
	types, values := map[string]tftypes.Type{}, map[string]tftypes.Value{}
	for i := range k {
		name := fmt.Sprintf("a%02d", i)
		types[name], values[name] = tftypes.String, tftypes.NewValue(tftypes.String, "value of "+name)
	}
	typ := tftypes.Object{AttributeTypes: types}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

func server(b *testing.B, k int) tfprotov6.ProviderServer {
	b.Helper()
	s, err := providerserver.NewProtocol6WithError(wide{k: k})()
	if err != nil {
		b.Fatal(err)
	}
	// Terraform reads the schemas first; the framework caches them then.
	if _, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		b.Fatal(err)
	}
	return s
}

var widths = []int{2, 5, 10, 20, 40}

// BenchmarkPlanUnchanged: PlanResourceChange of an object whose
// configuration, prior state and proposed new state are the same.
func BenchmarkPlanUnchanged(b *testing.B) {
	for _, k := range widths {
		b.Run(fmt.Sprintf("attributes=%d", k), func(b *testing.B) {
			s, v := server(b, k), object(b, k)
			req := &tfprotov6.PlanResourceChangeRequest{TypeName: "wide_thing", Config: v, PriorState: v, ProposedNewState: v}
			b.ReportAllocs()
			for b.Loop() {
				resp, err := s.PlanResourceChange(context.Background(), req)
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatal(err, resp.Diagnostics)
				}
			}
		})
	}
}

// BenchmarkReadUnchanged: ReadResource of an object that Read keeps.
func BenchmarkReadUnchanged(b *testing.B) {
	for _, k := range widths {
		b.Run(fmt.Sprintf("attributes=%d", k), func(b *testing.B) {
			s, v := server(b, k), object(b, k)
			req := &tfprotov6.ReadResourceRequest{TypeName: "wide_thing", CurrentState: v}
			b.ReportAllocs()
			for b.Loop() {
				resp, err := s.ReadResource(context.Background(), req)
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatal(err, resp.Diagnostics)
				}
			}
		})
	}
}
