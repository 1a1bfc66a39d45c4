package member_test

import (
	"fmt"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// The consumer answers every pending share with one invocation, and one
// share by its image (Terraform 1.14 and later).
func TestAccShareAnswerAction(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	acctest.SkipBelowTerraform(t, 1, 14, "actions")
	srv := acctest.Mock(t, mockserver.Options{})
	var shared []string
	for _, name := range []string{"a", "b"} {
		id := acctest.CreateSeedImage(t, srv, acctest.Producer, acctest.SeedImage{Name: name, Visibility: "shared"})
		acctest.ShareSeedImage(t, srv, acctest.Producer, id, acctest.Consumer.TenantID)
		shared = append(shared, id)
	}
	cli := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Consumer)+fmt.Sprintf(`
action "cloudimages_share_answer" "accept_all" {
  config {
    status = "accepted"
  }
}

action "cloudimages_share_answer" "reject_a" {
  config {
    image_id = %q
    status   = "rejected"
  }
}
`, shared[0]))
	cli.MustRun("init", "-input=false")
	statuses := func() []string {
		var out []string
		for _, id := range shared {
			for _, m := range srv.Members(id) {
				out = append(out, m.Status)
			}
		}
		return out
	}
	cli.MustRun("apply", "-invoke=action.cloudimages_share_answer.accept_all", "-auto-approve", "-input=false")
	if got := statuses(); fmt.Sprint(got) != "[accepted accepted]" {
		t.Fatalf("after accepting all: %v", got)
	}
	cli.MustRun("apply", "-invoke=action.cloudimages_share_answer.reject_a", "-auto-approve", "-input=false")
	if got := statuses(); fmt.Sprint(got) != "[rejected accepted]" {
		t.Fatalf("after rejecting one: %v", got)
	}
}
