// Package validate holds the schema validators the framework's validator
// packages do not have.
package validate

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsUUID reports whether s is a UUID in its 8-4-4-4-12 hex form, the form
// the Images API uses for image, task and member ids.
func IsUUID(s string) bool {
	return uuidPattern.MatchString(s)
}

// UUID validates that a string is a UUID.
func UUID() validator.String {
	return uuidValidator{}
}

type uuidValidator struct{}

func (uuidValidator) Description(context.Context) string {
	return "value must be a UUID such as 6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"
}

func (v uuidValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v uuidValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); !IsUUID(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid UUID",
			fmt.Sprintf("Expected a UUID such as 6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77, got %q.", s))
	}
}
