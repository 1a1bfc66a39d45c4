package task_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// One invocation exports an image to Cloud Files and waits for the task
// (Terraform 1.14 and later).
func TestAccImageExportAction(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	acctest.SkipBelowTerraform(t, 1, 14, "actions")
	srv := acctest.Mock(t, mockserver.Options{})
	seedVHD(t, srv)
	_, imageID := acctest.RunSeedImportTask(t, srv, acctest.Producer, "to-export", "images/disk.vhd")
	cli := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Producer)+fmt.Sprintf(`
action "cloudimages_image_export" "backup" {
  config {
    image_id                  = %q
    receiving_swift_container = "exports"
  }
}
`, imageID))
	cli.MustRun("init", "-input=false")
	r := cli.MustRun("apply", "-invoke=action.cloudimages_image_export.backup", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(r.Stdout, "succeeded") {
		t.Errorf("the apply shows no progress:\n%s", r.Stdout)
	}
	if _, ok := srv.Object(acctest.Producer.TenantID, "exports", imageID+".vhd"); !ok {
		t.Errorf("no exports/%s.vhd after the action", imageID)
	}
}
