// Package importid parses the composite ids that `terraform import` takes,
// such as image_id/member_id, with an error that names the expected format.
package importid

import (
	"fmt"
	"strings"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// Parse splits id at "/" into the named parts, all of them required, and
// checks that the parts named in uuids are UUIDs (ExampleParse shows a use).
func Parse(id string, names []string, uuids ...string) ([]string, error) {
	parts := strings.Split(id, "/")
	format := strings.Join(names, "/")
	if len(parts) != len(names) {
		return nil, fmt.Errorf("expected an import id of the form %s, got %q", format, id)
	}
	for i, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("expected an import id of the form %s, got %q: %s is empty", format, id, names[i])
		}
		for _, u := range uuids {
			if names[i] == u && !validate.IsUUID(p) {
				return nil, fmt.Errorf("expected an import id of the form %s, got %q: %s must be a UUID", format, id, names[i])
			}
		}
	}
	return parts, nil
}
