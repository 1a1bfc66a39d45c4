// Package tfvalue turns API values into framework values, the same way for
// every resource: an absent value is null, never "" or 0.
package tfvalue

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Time is t in RFC 3339 (UTC, second precision, as the API gives it); null
// when zero.
func Time(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// TimePtr is Time of *t; null when nil.
func TimePtr(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return Time(*t)
}

// String is s; null when empty.
func String(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// Int64 is *v; null when nil.
func Int64(v *int64) types.Int64 {
	if v == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*v)
}
