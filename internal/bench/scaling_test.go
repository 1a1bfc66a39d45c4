package bench

import (
	"fmt"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// benchApplyScaling: apply N images (no data, MOCK_DELAY 0) for each N of
// sz.applies, against the apply of N terraform_data in the same run; the
// cost per image, (apply − floor)/N, must not grow with N: the largest N
// within 1.2× the cost of the one before it. Each apply is the median of
// three, with an untimed destroy after each. The same apply of mini_wide, a
// resource of as many attributes that calls no API, is reported beside it.
func benchApplyScaling(t *testing.T, sz sizes) []row {
	var rows []row
	var previous float64 // cost per image of the N before, in ms
	for i, n := range sz.applies {
		srv := acctest.Mock(t, mockserver.Options{})
		images := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Producer)+fmt.Sprintf(`
resource "cloudimages_image" "many" {
  count = %d
  name  = "many-${count.index}"
}
`, n))
		floor := acctest.NewCLI(t, fmt.Sprintf(`
resource "terraform_data" "many" {
  count = %d
  input = "many-${count.index}"
}
`, n))
		wide := newMiniCLI(t, fmt.Sprintf(`
resource "mini_wide" "many" {
  count = %d
  name  = "many-${count.index}"
}
`, n))
		applied := func(run func(...string)) time.Duration {
			return median(func() time.Duration {
				d := timed(func() { run("apply", "-auto-approve", "-input=false") })
				run("destroy", "-auto-approve", "-input=false")
				return d
			})
		}
		images.MustRun("init", "-input=false")
		floor.MustRun("init", "-input=false")
		run := func(cli *acctest.CLI) func(...string) { return func(args ...string) { cli.MustRun(args...) } }
		floorTime, applyTime, wideTime := applied(run(floor)), applied(run(images)), applied(wide.mustRun)
		perResource := func(d time.Duration) float64 { return float64(d-floorTime) / float64(time.Millisecond) / float64(n) }
		perImage := perResource(applyTime)
		rows = append(rows, row{
			scenario: fmt.Sprintf("reference: apply %d mini_wide (%d attributes, no API): cost per resource, (apply − floor)/N", n, 2+miniWideAttributes),
			unit:     "ms", measured: perResource(wideTime), floor: floorTime.Seconds() * 1000 / float64(n), zeroOK: true, reference: true,
			target: "none: what Terraform and the framework cost per resource of this size",
			note:   fmt.Sprintf("apply %.3g s", wideTime.Seconds()),
		})
		r := row{
			scenario: fmt.Sprintf("apply %d images (no data, MOCK_DELAY 0): cost per image, (apply − floor)/N", n), unit: "ms",
			measured: perImage, floor: floorTime.Seconds() * 1000 / float64(n), zeroOK: true,
			note: fmt.Sprintf("apply %.3g s, %d terraform_data %.3g s; floor column: the floor per resource", applyTime.Seconds(), n, floorTime.Seconds()),
		}
		if i == len(sz.applies)-1 && i > 0 {
			limit := 1.2 * previous
			r.target, r.pass = fmt.Sprintf("≤ 1.2 × the cost at N=%d = %.3g ms", sz.applies[i-1], limit), perImage <= limit
		} else {
			r.target, r.reference = "none: the cost the largest N is compared with", true
		}
		rows = append(rows, r)
		previous = perImage
	}
	return rows
}
