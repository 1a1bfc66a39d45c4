package validate

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// hashLengths are the hex lengths of the hashes expected_hash accepts.
var hashLengths = map[string]int{"md5": 32, "sha256": 64, "sha512": 128}

var hexPattern = regexp.MustCompile(`^[0-9a-fA-F]+$`)

// SplitHash splits "algo:hex" into its algorithm and lower-case digest, and
// says what is wrong with it otherwise.
func SplitHash(s string) (algo, digest string, err error) {
	algo, digest, ok := strings.Cut(s, ":")
	want, known := hashLengths[algo]
	switch {
	case !ok || !known:
		return "", "", fmt.Errorf("expected md5:<hex>, sha256:<hex> or sha512:<hex>, got %q", s)
	case len(digest) != want || !hexPattern.MatchString(digest):
		return "", "", fmt.Errorf("a %s digest is %d hex characters, got %q", algo, want, digest)
	}
	return algo, strings.ToLower(digest), nil
}

// ExpectedHash validates "md5:<32 hex>", "sha256:<64 hex>" or "sha512:<128 hex>".
func ExpectedHash() validator.String {
	return expectedHashValidator{}
}

type expectedHashValidator struct{}

func (expectedHashValidator) Description(context.Context) string {
	return "value must be md5:<hex>, sha256:<hex> or sha512:<hex>"
}

func (v expectedHashValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (expectedHashValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, _, err := SplitHash(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid expected_hash", err.Error()+".")
	}
}
