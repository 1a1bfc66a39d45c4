package provider

import (
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// addClientError reports a failure to build the client. The client states
// the facts and names the fields involved; this layer adds the advice: where
// each value came from and where to change it. The diagnostic is on the
// first argument named (or the block when none is).
func addClientError(diags *diag.Diagnostics, err error, r *resolved) {
	var cfgErr *client.ConfigError
	if !errors.As(err, &cfgErr) {
		detail := err.Error()
		if r != nil {
			detail += "\n\nValues used: " + r.valuesUsed() + "."
		}
		diags.AddError("Cannot configure the Cloud Images provider", detail)
		return
	}
	detail := cfgErr.Detail
	if r != nil && len(cfgErr.Attributes) > 0 {
		fix := make([]string, len(cfgErr.Attributes))
		for i, a := range cfgErr.Attributes {
			fix[i] = r.whereToFix(a)
		}
		detail += "\n\nCheck " + strings.Join(fix, ", ") + "."
		detail += "\nCredentials come from " + r.source + "; values used: " + r.valuesUsed() + "."
	}
	if len(cfgErr.Attributes) == 0 {
		diags.AddError(cfgErr.Summary, detail)
		return
	}
	diags.AddAttributeError(path.Root(cfgErr.Attributes[0]), cfgErr.Summary, detail)
}
