package validate

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Regexp validates a regular expression in Go's syntax (RE2), when
// planning, on the attribute, rather than when the data source reads.
func Regexp() validator.String { return regexpValidator{} }

type regexpValidator struct{}

func (regexpValidator) Description(context.Context) string {
	return "value must be a regular expression in Go's syntax (RE2)"
}

func (v regexpValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexpValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%q is not a regular expression in Go's syntax (RE2): %s.", req.ConfigValue.ValueString(), err))
	}
}
