package reliability

import (
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// faultKinds are the kinds a soak arms together, on every route (identity and the object
// store included), each with a seed of its own. The kill comes last: it matches only
// requests with a body, and the shares below assume a request reaches every fault.
var faultKinds = []mockserver.Fault{
	{Status: 503, RetryAfter: "1"},
	{Status: 502, RetryAfter: "1"},
	{Status: 429, RetryAfter: "1"},
	{Drop: true},
	{LoseAnswer: true},
	{TruncateBody: true},
	{Latency: 700 * time.Millisecond},
	{KillUploadAfter: 16 << 10},
}

// armFaults arms every kind so that about share of all requests get one, share/len each:
// the mock draws fault after fault until one fires, so the i-th kind's own share is
// raised by what the kinds before it took.
func armFaults(srv *mockserver.Server, share float64, seed uint64) {
	srv.ClearFaults()
	if share <= 0 {
		return
	}
	q := share / float64(len(faultKinds))
	for i, f := range faultKinds {
		f.Times = -1
		f.Share = min(1, q/(1-float64(i)*q))
		f.Seed = mix(seed, uint64(i)) //nolint:gosec // i is small
		srv.InjectFault(f)
	}
}

// mix derives a seed from seed and the given numbers (splitmix64 steps), so that each
// flavour, round, apply and kind draws its own reproducible sequence.
func mix(seed uint64, more ...uint64) uint64 {
	x := seed
	for _, m := range append(more, 0) {
		x += 0x9e3779b97f4a7c15 + m
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		x = z ^ (z >> 31)
	}
	return x
}
