package client

import (
	"context"
	"testing"
	"time"
)

// The default schedule answers within 0.1·D + 0.25 s of a change at any D:
// each sleep, at its longest (jitter up), ends before that bound of the time
// it started from. Checked step by step up to 10 minutes.
func TestDefaultWaitOptions_latencyBound(t *testing.T) {
	t.Parallel()
	o := DefaultWaitOptions
	elapsed, interval := 0.0, o.Initial.Seconds()
	checksTo30s := 1
	for elapsed < 600 {
		longest := interval * (1 + waitJitter)
		if bound := 0.1*elapsed + 0.25; longest > bound {
			t.Fatalf("after a check at %.2fs the next comes up to %.3fs later, over the bound %.3fs", elapsed, longest, bound)
		}
		elapsed += interval
		if elapsed <= 30 {
			checksTo30s++
		}
		interval = min(interval*o.Factor, o.Max.Seconds())
	}
	t.Logf("checks in the first 30 s: %d", checksTo30s)
}

// BenchmarkWait measures how late the waiter notices a condition that turns
// true D after the wait starts, and how many checks it makes: the numbers
// users feel (ms-late/op) and the load on the API (checks/op).
func BenchmarkWait(b *testing.B) {
	for _, d := range []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second} {
		b.Run(d.String(), func(b *testing.B) {
			var late time.Duration
			checks := 0
			for b.Loop() {
				start := time.Now()
				var seen time.Time
				_ = Wait(context.Background(), DefaultWaitOptions, func(context.Context) (bool, error) {
					checks++
					if time.Since(start) >= d {
						seen = time.Now()
						return true, nil
					}
					return false, nil
				})
				late += seen.Sub(start) - d
			}
			b.ReportMetric(float64(late.Milliseconds())/float64(b.N), "ms-late/op")
			b.ReportMetric(float64(checks)/float64(b.N), "checks/op")
		})
	}
}
