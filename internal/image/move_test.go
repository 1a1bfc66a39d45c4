package image_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// openstackProvider is the OpenStack provider v3.4.0, built by
// scripts/openstack-provider.sh (make test-tf-latest builds it); the move
// tests skip, saying so, when it is not there.
func openstackProvider(t *testing.T) acctest.DevProvider {
	t.Helper()
	bin := os.Getenv("CLOUDIMAGES_OPENSTACK_PROVIDER")
	if bin == "" {
		t.Skip("CLOUDIMAGES_OPENSTACK_PROVIDER (the OpenStack provider v3.4.0 binary, from scripts/openstack-provider.sh) is not set")
	}
	return acctest.DevProvider{Source: "terraform-provider-openstack/openstack", Version: "3.4.0", Binary: bin}
}

// State made by the OpenStack provider v3.4.0 against the mock moves to this
// provider with moved blocks (Terraform 1.8 and later): the image, its share
// (openstack_images_image_access_v2) and the consumer's acceptance
// (openstack_images_image_access_accept_v2) move with no change planned and
// no object touched.
func TestAccMoveFromOpenStackProvider(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	openstack := openstackProvider(t)
	acctest.SkipBelowTerraform(t, 1, 8, "moves between providers")
	srv := acctest.Mock(t, mockserver.Options{})
	file := acctest.WriteImageFile(t, "golden.raw", 64<<10, 51)
	p, c := acctest.Producer, acctest.Consumer
	openstackBlocks := fmt.Sprintf(`
provider "openstack" {
  auth_url         = %[1]q
  user_name        = %[2]q
  password         = %[3]q
  tenant_id        = %[4]q
  user_domain_name = "Default"
  region           = "MOCK"
}

provider "openstack" {
  alias            = "consumer"
  auth_url         = %[1]q
  user_name        = %[5]q
  password         = %[6]q
  tenant_id        = %[7]q
  user_domain_name = "Default"
  region           = "MOCK"
}
`, srv.IdentityV3URL(), p.Username, p.Password, p.TenantID, c.Username, c.Password, c.TenantID)
	before := openstackBlocks + fmt.Sprintf(`
resource "openstack_images_image_v2" "golden" {
  name             = "golden"
  local_file_path  = %[1]q
  container_format = "bare"
  disk_format      = "raw"
  visibility       = "shared"
  tags             = ["golden"]
  properties = {
    os_distro = "debian"
  }
}

resource "openstack_images_image_access_v2" "share" {
  image_id  = openstack_images_image_v2.golden.id
  member_id = %[2]q
}

resource "openstack_images_image_access_accept_v2" "accept" {
  provider = openstack.consumer
  image_id = openstack_images_image_access_v2.share.image_id
  status   = "accepted"
}
`, file.Path, c.TenantID)
	after := openstackBlocks + fmt.Sprintf(`
provider "cloudimages" {
  auth_url = %[1]q
  username = %[2]q
  api_key  = %[3]q
}

provider "cloudimages" {
  alias    = "consumer"
  auth_url = %[1]q
  username = %[4]q
  api_key  = %[5]q
}

resource "cloudimages_image" "golden" {
  name             = "golden"
  file             = %[6]q
  container_format = "bare"
  disk_format      = "raw"
  visibility       = "shared"
  tags             = ["golden"]
  properties = {
    os_distro = "debian"
  }
}

resource "cloudimages_image_member" "share" {
  image_id  = cloudimages_image.golden.id
  member_id = %[7]q
}

resource "cloudimages_image_member_status" "accept" {
  provider = cloudimages.consumer
  image_id = cloudimages_image_member.share.image_id
  status   = "accepted"
}

moved {
  from = openstack_images_image_v2.golden
  to   = cloudimages_image.golden
}

moved {
  from = openstack_images_image_access_v2.share
  to   = cloudimages_image_member.share
}

moved {
  from = openstack_images_image_access_accept_v2.accept
  to   = cloudimages_image_member_status.accept
}
`, srv.IdentityV2URL(), p.Username, p.APIKey, c.Username, c.APIKey, file.Path, c.TenantID)

	cli := acctest.NewCLIWith(t, before, []acctest.DevProvider{openstack})
	cli.MustRun("init", "-input=false")
	cli.MustRun("apply", "-auto-approve", "-input=false")
	imagesBefore := srv.Images()
	if len(imagesBefore) != 1 {
		t.Fatalf("%d images after the OpenStack provider's apply, want 1", len(imagesBefore))
	}
	if err := os.WriteFile(filepath.Join(cli.Dir(), "main.tf"), []byte(mainTF(t, cli)+after), 0o600); err != nil {
		t.Fatal(err)
	}
	// The moves themselves count as changes (exit code 2); nothing else may.
	r := cli.Run("plan", "-input=false", "-no-color")
	if r.Err != nil || !strings.Contains(r.Stdout, "Plan: 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the plan after the moves does more than move: %v\n%s\n%s", r.Err, r.Stdout, r.Stderr)
	}
	for _, addr := range []string{"cloudimages_image.golden", "cloudimages_image_member.share", "cloudimages_image_member_status.accept"} {
		if !strings.Contains(r.Stdout, addr) {
			t.Errorf("the plan does not show %s moving:\n%s", addr, r.Stdout)
		}
	}
	cli.MustRun("apply", "-auto-approve", "-input=false")
	if r := cli.Run("plan", "-detailed-exitcode", "-input=false", "-no-color"); r.Err != nil {
		t.Errorf("the plan after the moves were applied is not empty: %v\n%s", r.Err, r.Stdout)
	}
	if imgs := srv.Images(); len(imgs) != 1 || imgs[0].ID != imagesBefore[0].ID || imgs[0].UpdatedAt != imagesBefore[0].UpdatedAt {
		t.Errorf("the move touched the image: before %+v, after %+v", imagesBefore, imgs)
	}
	if m := srv.Members(imagesBefore[0].ID); len(m) != 1 || m[0].Status != "accepted" {
		t.Errorf("members after the move: %+v", m)
	}
	cli.MustRun("destroy", "-auto-approve", "-input=false")
	if n := len(srv.Images()); n != 0 {
		t.Errorf("%d images left after destroy", n)
	}
}

// mainTF is the terraform block NewCLIWith wrote (the required providers),
// which a rewritten main.tf keeps.
func mainTF(t *testing.T, cli *acctest.CLI) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(cli.Dir(), "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(b), "\n}\n")
	return head + "\n}\n"
}
