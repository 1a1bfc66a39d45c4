package provider

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// addClientError reports a failure to build the client: on the arguments the
// user must change when the client names them, else on the provider block.
func addClientError(diags *diag.Diagnostics, err error) {
	var cfgErr *client.ConfigError
	if !errors.As(err, &cfgErr) {
		diags.AddError("Cannot configure the Cloud Images provider", err.Error())
		return
	}
	if len(cfgErr.Attributes) == 0 {
		diags.AddError(cfgErr.Summary, cfgErr.Detail)
		return
	}
	// One diagnostic, on the first argument named; the detail names the others.
	diags.AddAttributeError(path.Root(cfgErr.Attributes[0]), cfgErr.Summary, cfgErr.Detail)
}
