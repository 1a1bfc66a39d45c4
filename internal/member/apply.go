package member

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// How the member resources apply a plan: in one call, or one call per member.

// applyPlan is the Create or Update of a resource that applies its plan in
// one call: it reads the plan, lets apply make it so (filling in what the
// server then has, or adding errors), and saves it to the state when apply
// succeeded. It returns the plan as apply left it (nil when the plan could
// not be read) and whether apply succeeded.
func applyPlan[M any](ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics,
	apply func(context.Context, *M, *diag.Diagnostics),
) (*M, bool) {
	var m M
	diags.Append(plan.Get(ctx, &m)...)
	if diags.HasError() {
		return nil, false
	}
	apply(ctx, &m, diags)
	if diags.HasError() {
		return &m, false
	}
	diags.Append(state.Set(ctx, &m)...)
	return &m, true
}

// forEachMember calls fn for every id, memberCalls at a time, starts no
// new call after a failure, and returns the failures by id.
func forEachMember(ctx context.Context, ids []string, fn func(context.Context, string) error) map[string]error {
	var (
		mu     sync.Mutex
		failed = map[string]error{}
		wg     sync.WaitGroup
		slots  = make(chan struct{}, memberCalls)
	)
	for _, id := range ids {
		slots <- struct{}{}
		mu.Lock()
		stop := len(failed) > 0
		mu.Unlock()
		if stop {
			<-slots
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := fn(ctx, id); err != nil {
				mu.Lock()
				failed[id] = err
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return failed
}
