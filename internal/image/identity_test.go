package image_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// The image's resource identity is its id: an import block with
// `identity = { id = ... }` imports it, as the string id still does, and
// both plan clean (Terraform 1.12 and later; older versions skip, saying so).
func TestAccImage_identity(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{})
	// No data source: an import reads back everything else, properties
	// included, so the plan is clean.
	config := imageConfig(srv, `  name = "identified"
  tags = ["golden"]
  properties = { os_distro = "debian" }`)

	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:           acctest.NoImagesLeft(srv, acctest.Producer.TenantID),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(imageAddr, tfjsonpath.New("id")),
				},
			},
			{
				Config:          config,
				ResourceName:    imageAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionNoop)},
				},
			},
			{
				Config:          config,
				ResourceName:    imageAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

// `terraform plan -generate-config-out` writes a configuration for an
// imported image that is valid (web_download = false and decompress = false
// need no source) and plans clean: it carries the image's properties, but
// not those the server sets itself (read-only in its image schema).
func TestAccImage_generatedConfigPlansClean(t *testing.T) {
	t.Parallel()
	srv := acctest.Mock(t, mockserver.Options{ExtraReadOnlyProperties: map[string]string{"x_cloud_region": "mock-1"}})
	file := acctest.WriteImageFile(t, "disk.raw", 2048, 42)
	id := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{
		Name: "made-elsewhere", Tags: []string{"golden"}, Properties: map[string]string{"os_distro": "debian"}, File: &file,
	})

	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{{
			Config:          acctest.ProviderConfig(srv, acctest.Producer),
			ResourceName:    imageAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   id,
			GenerateConfig:  true,
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(imageAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(imageAddr, tfjsonpath.New("properties"),
						knownvalue.MapExact(map[string]knownvalue.Check{"os_distro": knownvalue.StringExact("debian")})),
				},
			},
		}},
	})
}
