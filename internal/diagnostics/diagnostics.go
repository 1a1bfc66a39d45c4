// Package diagnostics turns API errors into diagnostics a user can act on:
// what failed, on which object, the HTTP status and the server's own words,
// and what to do about it.
package diagnostics

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// APIError adds an error for a failed operation, such as
// APIError(diags, "create image \"web\"", err, "").
func APIError(diags *diag.Diagnostics, operation string, err error, hint string) {
	diags.AddError("Cannot "+operation, detail(err, hint))
}

// AttributeAPIError is APIError on the attribute the user must change.
func AttributeAPIError(diags *diag.Diagnostics, p path.Path, operation string, err error, hint string) {
	diags.AddAttributeError(p, "Cannot "+operation, detail(err, hint))
}

func detail(err error, hint string) string {
	var b strings.Builder
	b.WriteString(err.Error())
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		b.WriteString("\n\nThe operation did not finish within its timeout; raise it in the resource's timeouts block if the service is slow.")
	case errors.Is(err, context.Canceled):
		b.WriteString("\n\nThe operation was cancelled.")
	}
	if hint != "" {
		fmt.Fprintf(&b, "\n\n%s", hint)
	}
	return b.String()
}
