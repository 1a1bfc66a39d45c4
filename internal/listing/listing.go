// Package listing is what every list resource (terraform query, Terraform
// 1.14 and later) does the same way: stream one result per object found, as
// many as Terraform asks for.
package listing

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
)

// Results streams one result per item, at most req.Limit (0: all), each
// filled in by fill (display name, identity and, when
// req.IncludeResource, the resource object), and stops as soon as
// Terraform wants no more.
func Results[T any](ctx context.Context, req list.ListRequest, items []T, fill func(item *T, result *list.ListResult)) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		for i := range items {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			fill(&items[i], &result)
			if !push(result) {
				return
			}
		}
	}
}

// Failed is the stream of a list that failed before its first result.
func Failed(diags diag.Diagnostics) iter.Seq[list.ListResult] {
	return list.ListResultsStreamDiagnostics(diags)
}
