// Package tfmodel reads a resource's model struct (fields of framework value
// types with `tfsdk` tags, embedded structs allowed) from the Terraform value
// of a state, plan or configuration, and writes it back, as tfsdk's Get and
// Set do, for the hot paths of a plan over many resources.
//
// The framework's Get and Set reflect over the struct on every call (and
// compile a regular expression per field) and look each attribute up by path
// in the schema, which copies the schema's attribute map at every step: in a
// refresh of 500 images that was a sixth of the provider's CPU time. Here the
// struct is read once per model type, into a list of fields with their
// attribute types; each call then only converts the values.
package tfmodel

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Schema is what tfsdk.State, tfsdk.Plan and tfsdk.Config hold of their schema.
type Schema interface {
	Type() attr.Type
}

// field is one attribute of a model: where it is in the struct and its type.
type field struct {
	name  string
	index []int
	typ   attr.Type
}

// model is what Get and Set need to know of one model type.
type model struct {
	fields []field
	object tftypes.Object
	err    error
}

// models caches a model per struct type. A model type is always used with
// the same schema (that of its resource), which the first call reads.
var models sync.Map // reflect.Type → *model

func modelOf(ctx context.Context, typ reflect.Type, s Schema) *model {
	if m, ok := models.Load(typ); ok {
		return m.(*model) //nolint:forcetypeassert // only *model is stored
	}
	m := buildModel(ctx, typ, s)
	actual, _ := models.LoadOrStore(typ, m)
	return actual.(*model) //nolint:forcetypeassert // only *model is stored
}

func buildModel(ctx context.Context, typ reflect.Type, s Schema) *model {
	obj, ok := s.Type().(attr.TypeWithAttributeTypes)
	if !ok {
		return &model{err: fmt.Errorf("the schema's type %T has no attribute types", s.Type())}
	}
	attrTypes := obj.AttributeTypes()
	m := &model{}
	tfTypes := make(map[string]tftypes.Type, len(attrTypes))
	for name, t := range attrTypes {
		tfTypes[name] = t.TerraformType(ctx)
	}
	m.object = tftypes.Object{AttributeTypes: tfTypes}
	if err := m.addFields(typ, nil, attrTypes); err != nil {
		m.err = fmt.Errorf("%s: %w", typ, err)
		return m
	}
	if len(m.fields) != len(attrTypes) {
		var missing []string
		for name := range attrTypes {
			if !m.has(name) {
				missing = append(missing, name)
			}
		}
		sort.Strings(missing)
		m.err = fmt.Errorf("%s has no field for the attributes %v", typ, missing)
	}
	return m
}

// addFields adds the tagged fields of struct typ, and of the structs it
// embeds, found at index under the enclosing struct.
func (m *model) addFields(typ reflect.Type, index []int, attrTypes map[string]attr.Type) error {
	for i := range typ.NumField() {
		f := typ.Field(i)
		at := append(append([]int(nil), index...), i)
		tag, tagged := f.Tag.Lookup("tfsdk")
		switch {
		case tag == "-":
		case f.Anonymous && !tagged:
			if err := m.addFields(f.Type, at, attrTypes); err != nil {
				return err
			}
		case !tagged:
			return fmt.Errorf("field %s has no tfsdk tag", f.Name)
		default:
			t, ok := attrTypes[tag]
			if !ok {
				return fmt.Errorf("field %s: the schema has no attribute %q", f.Name, tag)
			}
			if m.has(tag) {
				return fmt.Errorf("two fields for the attribute %q", tag)
			}
			if !f.Type.Implements(reflect.TypeFor[attr.Value]()) {
				return fmt.Errorf("field %s is a %s, not a framework value type", f.Name, f.Type)
			}
			m.fields = append(m.fields, field{name: tag, index: at, typ: t})
		}
	}
	return nil
}

func (m *model) has(name string) bool {
	for _, f := range m.fields {
		if f.name == name {
			return true
		}
	}
	return false
}

// Get fills the struct that target points to from raw, an object of the
// schema s.
func Get(ctx context.Context, s Schema, raw tftypes.Value, target any) diag.Diagnostics {
	var diags diag.Diagnostics
	v := reflect.ValueOf(target)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		diags.AddError("Model Read Error", fmt.Sprintf("tfmodel.Get needs a pointer to a struct, not %T. This is a bug in the provider.", target))
		return diags
	}
	v = v.Elem()
	m := modelOf(ctx, v.Type(), s)
	if m.err != nil {
		diags.AddError("Model Read Error", m.err.Error()+". This is a bug in the provider.")
		return diags
	}
	var values map[string]tftypes.Value
	if err := raw.As(&values); err != nil {
		diags.AddError("Model Read Error", err.Error()+". This is a bug in the provider.")
		return diags
	}
	for _, f := range m.fields {
		tv, ok := values[f.name]
		if !ok {
			tv = tftypes.NewValue(m.object.AttributeTypes[f.name], nil) // a null object has no attributes
		}
		av, err := f.typ.ValueFromTerraform(ctx, tv)
		if err != nil {
			diags.AddError("Model Read Error", fmt.Sprintf("attribute %s: %s. This is a bug in the provider.", f.name, err))
			continue
		}
		dst := v.FieldByIndex(f.index)
		src := reflect.ValueOf(av)
		if !src.Type().AssignableTo(dst.Type()) {
			diags.AddError("Model Read Error", fmt.Sprintf("attribute %s: a %s cannot go in a field of type %s. This is a bug in the provider.",
				f.name, src.Type(), dst.Type()))
			continue
		}
		dst.Set(src)
	}
	return diags
}

// Value is the struct that src points to (or src itself) as an object of the
// schema s, to assign to a state's or plan's Raw.
func Value(ctx context.Context, s Schema, src any) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	v := reflect.Indirect(reflect.ValueOf(src))
	if v.Kind() != reflect.Struct {
		diags.AddError("Model Write Error", fmt.Sprintf("tfmodel.Value needs a struct, not %T. This is a bug in the provider.", src))
		return tftypes.Value{}, diags
	}
	m := modelOf(ctx, v.Type(), s)
	if m.err != nil {
		diags.AddError("Model Write Error", m.err.Error()+". This is a bug in the provider.")
		return tftypes.Value{}, diags
	}
	values := make(map[string]tftypes.Value, len(m.fields))
	for _, f := range m.fields {
		av := v.FieldByIndex(f.index).Interface().(attr.Value) //nolint:forcetypeassert // checked when the model was built
		tv, err := av.ToTerraformValue(ctx)
		if err == nil && !tv.Type().Equal(m.object.AttributeTypes[f.name]) {
			err = fmt.Errorf("the value is a %s, the schema's type %s", tv.Type(), m.object.AttributeTypes[f.name])
		}
		if err != nil {
			diags.AddError("Model Write Error", fmt.Sprintf("attribute %s: %s. This is a bug in the provider.", f.name, err))
			continue
		}
		values[f.name] = tv
	}
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	return tftypes.NewValue(m.object, values), diags
}

// Set writes the struct that src points to into raw (a state's or plan's
// Raw), an object of the schema s; raw is left alone on an error.
func Set(ctx context.Context, s Schema, raw *tftypes.Value, src any) diag.Diagnostics {
	v, diags := Value(ctx, s, src)
	if !diags.HasError() {
		*raw = v
	}
	return diags
}

// StringAttribute is the top-level string attribute name of raw, read from
// the value itself: GetAttribute would look the path up in the schema, which
// costs more than the rest of a small helper called for every resource.
func StringAttribute(ctx context.Context, raw tftypes.Value, name string) (types.String, error) {
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return types.String{}, err
	}
	v, ok := attrs[name]
	if !ok {
		return types.String{}, fmt.Errorf("no attribute %q", name)
	}
	s, err := types.StringType.ValueFromTerraform(ctx, v)
	if err != nil {
		return types.String{}, err
	}
	return s.(types.String), nil //nolint:forcetypeassert // StringType makes a String
}
