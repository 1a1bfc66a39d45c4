// Package providerdata hands the provider's one API client to the resources
// and data sources that Terraform configures.
package providerdata

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// Client returns the client the provider configured, or nil while the
// provider is not configured yet (Terraform validates before it configures).
func Client(providerData any, diags *diag.Diagnostics) *client.Client {
	if providerData == nil {
		return nil
	}
	c, ok := providerData.(*client.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *client.Client, got %T. This is a bug in the provider; please report it.", providerData))
		return nil
	}
	return c
}
