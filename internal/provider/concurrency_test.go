package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// 30 images applied with -parallelism=20 while the API drops answers, cuts
// uploads, and answers 503: the apply succeeds, the mock holds exactly the
// 30 images of the state, and destroy leaves nothing.
func TestAccFaults_parallelApplyUnderFaults(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: 300 * time.Millisecond})
	file := acctest.WriteImageFile(t, "d.raw", 256<<10, 12)
	cli := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Producer)+fmt.Sprintf(`
resource "cloudimages_image" "fleet" {
  count            = 30
  name             = "fleet-${count.index}"
  file             = %q
  disk_format      = "raw"
  container_format = "bare"
  tags             = ["fleet"]
}
`, file.Path))
	cli.MustRun("init", "-input=false")

	for _, f := range []mockserver.Fault{
		{Method: "POST", Path: regexp.MustCompile(`^/image/v2/images$`), LoseAnswer: true, Times: 4},
		{Method: "POST", Path: regexp.MustCompile(`^/image/v2/images$`), Status: 503, Times: 4, RetryAfter: "0"},
		{Method: "PUT", Path: regexp.MustCompile(`/file$`), KillUploadAfter: 4096, Times: 4},
		{Method: "GET", Path: regexp.MustCompile(`^/image/v2/images/[^/]+$`), Status: 502, Times: 10},
		{Method: "GET", Path: regexp.MustCompile(`^/image/v2/images/[^/]+$`), Latency: 100 * time.Millisecond, Times: 20},
	} {
		srv.InjectFault(f)
	}
	cli.MustRun("apply", "-auto-approve", "-input=false", "-parallelism=20")
	if n := acctest.ArmedFaults(t, srv); n > 0 {
		t.Errorf("%d injected faults never fired", n)
	}

	if n := len(srv.Images()); n != 30 {
		t.Fatalf("the mock holds %d images after applying 30", n)
	}
	for _, img := range srv.Images() {
		if img.Status != "active" {
			t.Errorf("image %s is %s", img.ID, img.Status)
		}
	}
	srv.ClearFaults()
	if r := cli.Run("plan", "-detailed-exitcode", "-input=false"); r.Err != nil {
		t.Fatalf("the configuration did not converge: %v\n%s%s", r.Err, r.Stdout, r.Stderr)
	}
	cli.MustRun("destroy", "-auto-approve", "-input=false", "-parallelism=20")
	if n := len(srv.Images()); n != 0 {
		t.Fatalf("%d images left after destroy", n)
	}
}
