package task_test

import (
	"os"
	"path/filepath"
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
	if !acctest.TerraformAtLeast(t, 1, 14) {
		t.Skip("terraform query needs Terraform 1.14 or later")
	}
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
	if err := os.WriteFile(filepath.Join(cli.Dir(), "tasks.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.MustRun("init", "-input=false")
	cli.MustRun("query", "-generate-config-out=tasks.tf")
	generated, err := os.ReadFile(filepath.Join(cli.Dir(), "tasks.tf"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated:\n%s", generated)
	if !strings.Contains(string(generated), taskID) {
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
