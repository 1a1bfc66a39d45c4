package task_test

import (
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// terraform query lists the tenant's import tasks; the configuration it
// generates imports them and then plans clean (Terraform 1.14 and later).
func TestAccImportTask_queryGeneratesConfigThatPlansClean(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	srv := acctest.Mock(t, mockserver.Options{})
	seedVHD(t, srv)
	taskID, _ := acctest.RunSeedImportTask(t, srv, acctest.Producer, "made-by-a-pipeline", "images/disk.vhd")
	cli := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Producer))
	query := `list "cloudimages_image_import_task" "done" {
  provider = cloudimages
  config {
    status = "success"
  }
}
`
	generated := cli.Query(query, "tasks.tf")
	if !strings.Contains(generated, taskID) {
		t.Fatalf("the generated configuration does not import task %s", taskID)
	}
	cli.MustRun("apply", "-auto-approve", "-input=false")
	if r := cli.Run("plan", "-detailed-exitcode", "-input=false"); r.Err != nil {
		t.Errorf("the plan after importing the generated configuration is not empty: %v\n%s", r.Err, r.Stdout)
	}
	if n := srv.RequestCount("POST", "/image/v2/tasks"); n != 1 {
		t.Errorf("%d task creates, want only the seed's", n)
	}
}
