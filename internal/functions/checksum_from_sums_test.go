package functions_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
)

const sha256Hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// The function feeds expected_hash from a SHA256SUMS file, through real
// terraform (provider functions: Terraform 1.8 and later).
func TestAccFunction_checksumFromSums(t *testing.T) {
	t.Parallel()
	call := func(name string) string {
		return fmt.Sprintf(`
locals {
  sha256sums = <<-EOT
    %s  debian-13-generic-amd64.qcow2
    %s  debian-13-nocloud-amd64.qcow2
  EOT
}

output "expected_hash" {
  value = provider::cloudimages::checksum_from_sums(local.sha256sums, %q)
}
`, sha256Hex, strings.Repeat("0", 64), name)
	}
	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config: call("debian-13-generic-amd64.qcow2"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("expected_hash", knownvalue.StringExact("sha256:"+sha256Hex)),
				},
			},
			{
				Config:      call("ubuntu.img"),
				ExpectError: acctest.ErrorLike(`"file_name" parameter`, `no checksum for "ubuntu.img"`, "debian-13-generic-amd64.qcow2"),
			},
		},
	})
}
