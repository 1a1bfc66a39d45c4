package validate

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// ObjectPath validates a `container/object` path in the object store: a
// container name without "/", then a non-empty object name (which may
// contain "/").
func ObjectPath() validator.String {
	return objectPathValidator{}
}

type objectPathValidator struct{}

func (objectPathValidator) Description(context.Context) string {
	return "value must be container/object, such as images/debian-13.vhd"
}

func (v objectPathValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v objectPathValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	container, object, ok := strings.Cut(s, "/")
	if !ok || container == "" || object == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid object path",
			fmt.Sprintf("Expected container/object, the object's container and name in the object store "+
				"(such as images/debian-13.vhd), got %q.", s))
	}
}

// ExportContainer refuses the container names an export task fails on:
// those that contain "/", "?" or ".".
func ExportContainer() validator.String {
	return exportContainerValidator{}
}

type exportContainerValidator struct{}

func (exportContainerValidator) Description(context.Context) string {
	return "value must not contain /, ? or ."
}

func (v exportContainerValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (exportContainerValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); strings.ContainsAny(s, "/?.") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid container name",
			fmt.Sprintf("The export task refuses container names that contain /, ? or .: %q.", s))
	}
}
