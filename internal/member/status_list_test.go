package member_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// A consumer accepts what was shared with it in three commands: terraform
// query -generate-config-out writes a cloudimages_image_member_status (and
// its import block) for each pending share; with status set to accepted in
// that file, one apply imports and accepts them all, and the next plan is
// empty (Terraform 1.14 and later).
func TestAccImageMemberStatus_queryPendingShares(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	acctest.SkipBelowTerraform(t, 1, 14, "terraform query")
	srv := acctest.Mock(t, mockserver.Options{})
	var shared []string
	for _, name := range []string{"golden-1", "golden-2"} {
		id := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: name, Visibility: "shared"})
		acctest.ShareSeedImage(t, srv, acctest.Producer, id, acctest.Consumer.TenantID)
		shared = append(shared, id)
	}
	// One share accepted already: not pending, so not listed.
	accepted := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "old", Visibility: "shared"})
	acctest.ShareSeedImage(t, srv, acctest.Producer, accepted, acctest.Consumer.TenantID)
	if err := srv.SetMemberStatus(accepted, acctest.Consumer.TenantID, "accepted"); err != nil {
		t.Fatal(err)
	}

	cli := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Consumer))
	query := `list "cloudimages_image_member_status" "pending" {
  provider = cloudimages
  config {
    status = "pending"
  }
}
`
	generated := cli.Query(query, "shares.tf")
	for _, id := range shared {
		if !strings.Contains(generated, id) {
			t.Fatalf("the generated configuration names no share of image %s:\n%s", id, generated)
		}
	}
	if strings.Contains(generated, accepted) {
		t.Fatalf("the generated configuration lists the accepted share of %s:\n%s", accepted, generated)
	}
	edited := strings.ReplaceAll(generated, `status    = "pending"`, `status    = "accepted"`)
	edited = strings.ReplaceAll(edited, `status = "pending"`, `status = "accepted"`)
	if edited == generated {
		t.Fatalf("no status = \"pending\" to edit in the generated configuration:\n%s", generated)
	}
	if err := os.WriteFile(filepath.Join(cli.Dir(), "shares.tf"), []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.MustRun("apply", "-auto-approve", "-input=false")
	for _, id := range shared {
		if members := srv.Members(id); len(members) != 1 || members[0].Status != "accepted" {
			t.Errorf("members of image %s: %+v, want the consumer, accepted", id, members)
		}
	}
	if r := cli.Run("plan", "-detailed-exitcode", "-input=false"); r.Err != nil {
		t.Errorf("the plan after accepting is not empty: %v\n%s", r.Err, r.Stdout)
	}
}

// terraform query lists an image's members, each with its identity.
func TestAccImageMember_listResource(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	id := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: "golden", Visibility: "shared"})
	acctest.ShareSeedImage(t, srv, acctest.Producer, id, acctest.Consumer.TenantID)
	provider := acctest.ProviderConfig(srv, acctest.Producer)
	acctest.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{Config: provider}, // the query step reads the provider configuration from here
			{
				Query: true,
				Config: fmt.Sprintf(`
list "cloudimages_image_member" "golden" {
  provider = cloudimages
  config {
    image_id = %q
  }
}
`, id),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("cloudimages_image_member.golden", 1),
					querycheck.ExpectIdentity("cloudimages_image_member.golden", map[string]knownvalue.Check{
						"image_id": knownvalue.StringExact(id), "member_id": knownvalue.StringExact(acctest.Consumer.TenantID),
						"region": knownvalue.StringExact("MOCK"), // the provider's: the identity names it all the same
					}),
				},
			},
		},
	})
}
