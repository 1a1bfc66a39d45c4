package validate

import (
	"context"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// HTTPURL validates an absolute http or https URL with a host; example is
// a URL of the kind the attribute takes, shown in the message.
func HTTPURL(example string) validator.String {
	return httpURLValidator{example: example}
}

type httpURLValidator struct{ example string }

func (v httpURLValidator) Description(context.Context) string {
	return "value must be an http or https URL, such as " + v.example
}

func (v httpURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v httpURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("Expected an http or https URL such as %s, got %q.", v.example, s))
	}
}
