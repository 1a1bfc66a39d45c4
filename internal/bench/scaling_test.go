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
// three, with an untimed destroy after each.
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
		applied := func(cli *acctest.CLI) time.Duration {
			cli.MustRun("init", "-input=false")
			return median(func() time.Duration {
				d := timed(func() { cli.MustRun("apply", "-auto-approve", "-input=false") })
				cli.MustRun("destroy", "-auto-approve", "-input=false")
				return d
			})
		}
		floorTime, applyTime := applied(floor), applied(images)
		perImage := float64(applyTime-floorTime) / float64(time.Millisecond) / float64(n)
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
