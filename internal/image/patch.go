package image

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// patchOps is the minimal JSON patch from state to plan: one operation per
// changed attribute, properties added, replaced or removed key by key.
func patchOps(ctx context.Context, state, plan resourceModel) ([]client.PatchOp, diag.Diagnostics) {
	var diags diag.Diagnostics
	var ops []client.PatchOp
	replace := func(attribute string, changed bool, value any) {
		if changed {
			ops = append(ops, client.PatchOp{Op: "replace", Attribute: attribute, Value: value})
		}
	}
	replace("name", !plan.Name.Equal(state.Name), plan.Name.ValueString())
	replace("visibility", !plan.Visibility.Equal(state.Visibility), plan.Visibility.ValueString())
	replace("protected", !plan.Protected.Equal(state.Protected), plan.Protected.ValueBool())
	replace("os_hidden", !plan.Hidden.Equal(state.Hidden), plan.Hidden.ValueBool())
	replace("min_disk", !plan.MinDisk.Equal(state.MinDisk), plan.MinDisk.ValueInt64())
	replace("min_ram", !plan.MinRAM.Equal(state.MinRAM), plan.MinRAM.ValueInt64())
	if !plan.Tags.Equal(state.Tags) {
		var tags []string
		diags.Append(plan.Tags.ElementsAs(ctx, &tags, false)...)
		sort.Strings(tags)
		ops = append(ops, client.PatchOp{Op: "replace", Attribute: "tags", Value: nonNil(tags)})
	}

	var before, after map[string]string
	if !state.Properties.IsNull() {
		diags.Append(state.Properties.ElementsAs(ctx, &before, false)...)
	}
	if !plan.Properties.IsNull() {
		diags.Append(plan.Properties.ElementsAs(ctx, &after, false)...)
	}
	for _, key := range sortedKeys(after) {
		if old, ok := before[key]; !ok || old != after[key] {
			ops = append(ops, client.PatchOp{Op: "add", Attribute: key, Value: after[key]})
		}
	}
	for _, key := range sortedKeys(before) {
		if _, ok := after[key]; !ok {
			ops = append(ops, client.PatchOp{Op: "remove", Attribute: key})
		}
	}
	return ops, diags
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
