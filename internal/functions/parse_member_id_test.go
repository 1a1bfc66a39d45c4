package functions_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
)

func TestAccFunction_parseMemberID(t *testing.T) {
	t.Parallel()
	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config: `output "parts" {
  value = provider::cloudimages::parse_member_id("6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77/100002")
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("parts", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"image_id":  knownvalue.StringExact("6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"),
						"member_id": knownvalue.StringExact("100002"),
					})),
				},
			},
			{
				Config: `output "parts" {
  value = provider::cloudimages::parse_member_id("golden/100002")
}
`,
				ExpectError: acctest.ErrorLike("image_id/member_id", "image_id must be a UUID"),
			},
		},
	})
}
