package image_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// terraform apply -invoke runs the deactivation action on an image no
// configuration manages, reporting its progress, and then the reactivation
// (Terraform 1.14 and later).
func TestAccImageDeactivationAction(t *testing.T) {
	t.Parallel()
	acctest.SkipBelowTerraform(t, 1, 14, "actions")
	srv := acctest.Mock(t, mockserver.Options{})
	file := acctest.WriteImageFile(t, "disk.raw", 4096, 71)
	id := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "incident", File: &file})
	config := acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
action "cloudimages_image_deactivation" "off" {
  config {
    image_id    = %[1]q
    deactivated = true
  }
}

action "cloudimages_image_deactivation" "on" {
  config {
    image_id    = %[1]q
    deactivated = false
  }
}
`, id)
	cli := acctest.NewCLI(t, config)
	cli.MustRun("init", "-input=false")
	status := func() string {
		img, _ := srv.Image(id)
		return img.Status
	}
	r := cli.MustRun("apply", "-invoke=action.cloudimages_image_deactivation.off", "-auto-approve", "-input=false", "-no-color")
	if got := status(); got != "deactivated" {
		t.Fatalf("after the deactivation: %s, want deactivated\n%s", got, r.Stdout)
	}
	if !strings.Contains(r.Stdout, "deactivating it") {
		t.Errorf("the apply shows no progress:\n%s", r.Stdout)
	}
	cli.MustRun("apply", "-invoke=action.cloudimages_image_deactivation.off", "-auto-approve", "-input=false")
	if got := status(); got != "deactivated" {
		t.Fatalf("a second deactivation left it %s", got)
	}
	cli.MustRun("apply", "-invoke=action.cloudimages_image_deactivation.on", "-auto-approve", "-input=false")
	if got := status(); got != "active" {
		t.Fatalf("after the reactivation: %s, want active", got)
	}
}
