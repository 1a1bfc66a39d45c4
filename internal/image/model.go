package image

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// resourceModel is the state of a cloudimages_image.
type resourceModel struct {
	imageAttributes
	File          types.String `tfsdk:"file"`
	ImportFrom    types.String `tfsdk:"import_from"`
	ImportFormat  types.String `tfsdk:"import_from_format"`
	SourceURL     types.String `tfsdk:"source_url"`
	SourceHeaders types.Map    `tfsdk:"source_headers"`
	// SourceHeadersWO is write-only: null except during a create, which
	// reads it from the configuration.
	SourceHeadersWO        types.Map      `tfsdk:"source_headers_wo"`
	SourceHeadersWOVersion types.Int64    `tfsdk:"source_headers_wo_version"`
	WebDownload            types.Bool     `tfsdk:"web_download"`
	Decompress             types.Bool     `tfsdk:"decompress"`
	ExpectedHash           types.String   `tfsdk:"expected_hash"`
	Deactivated            types.Bool     `tfsdk:"deactivated"`
	Properties             types.Map      `tfsdk:"properties"`
	VerifyChecksum         types.Bool     `tfsdk:"verify_checksum"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
	ImportTaskID           types.String   `tfsdk:"import_task_id"`
	Region                 types.String   `tfsdk:"region"`
	CopyFrom               types.Object   `tfsdk:"copy_from"`
}

// setFromAPI copies what the server says into the model. Arguments the API
// does not return (the data source, verify_checksum, timeouts) are left
// alone (defaults filled in after an import), and only
// the properties the model already manages are read back, so properties the
// server adds never show up as a diff.
func (m *resourceModel) setFromAPI(ctx context.Context, img *client.Image) diag.Diagnostics {
	diags := m.read(ctx, img)
	m.Deactivated = types.BoolValue(img.Status == client.StatusDeactivated)
	if m.ImportTaskID.IsUnknown() {
		m.ImportTaskID = types.StringNull() // not made by an import task
	}
	var d diag.Diagnostics
	m.Properties, d = managedProperties(m.Properties, img.Properties)
	diags.Append(d...)
	// The defaults, also after an import.
	m.VerifyChecksum = boolOr(m.VerifyChecksum, true)
	m.WebDownload = boolOr(m.WebDownload, false)
	m.Decompress = boolOr(m.Decompress, false)
	return diags
}

// managedProperties keeps the keys of managed (the prior state or plan) with
// the server's values; a managed key the server no longer has is dropped so
// that the plan shows it coming back.
func managedProperties(managed types.Map, server map[string]string) (types.Map, diag.Diagnostics) {
	if managed.IsNull() || managed.IsUnknown() {
		return types.MapNull(types.StringType), nil
	}
	out := map[string]attr.Value{}
	for key := range managed.Elements() {
		if v, ok := server[key]; ok {
			out[key] = types.StringValue(v)
		}
	}
	return types.MapValue(types.StringType, out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func boolOr(v types.Bool, otherwise bool) types.Bool {
	if v.IsNull() || v.IsUnknown() {
		return types.BoolValue(otherwise)
	}
	return v
}
