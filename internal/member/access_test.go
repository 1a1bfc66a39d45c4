package member_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

const accessAddr = "cloudimages_image_access.team"

// access is the producer's complete member list of image, as HCL.
func access(srv *mockserver.Server, image string, memberIDs ...string) string {
	quoted := make([]string, len(memberIDs))
	for i, id := range memberIDs {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return acctest.ProviderConfig(srv, acctest.Producer) + fmt.Sprintf(`
resource "cloudimages_image_access" "team" {
  image_id   = %[1]q
  member_ids = [%[2]s]
}
`, image, strings.Join(quoted, ", "))
}

func TestAccImageAccess_authoritative(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	// The image is not Terraform's, so that destroy leaves it and its
	// (empty) member list to look at.
	image := seedImage(t, srv, "shared")
	id := statecheck.CompareValue(compare.ValuesSame())

	acctest.Test(t, resource.TestCase{
		CheckDestroy: membersAre(srv, image),
		Steps: []resource.TestStep{
			{
				Config: access(srv, image, "100002", "100003"),
				Check:  membersAre(srv, image, "100002", "100003"),
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(accessAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(accessAddr, tfjsonpath.New("member_ids"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("100002"), knownvalue.StringExact("100003")})),
					statecheck.ExpectKnownValue(accessAddr, tfjsonpath.New("members").AtMapKey("100003").AtMapKey("status"),
						knownvalue.StringExact("pending")),
				},
			},
			{
				// One in, one out, in place; the member that stays is untouched,
				// and the plan says so: only the new member is known after apply.
				Config: access(srv, image, "100002", "100004"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(accessAddr, tfjsonpath.New("members").AtMapKey("100002").AtMapKey("status"),
							knownvalue.StringExact("pending")),
						plancheck.ExpectUnknownValue(accessAddr, tfjsonpath.New("members").AtMapKey("100004")),
					},
				},
				Check: membersAre(srv, image, "100002", "100004"),
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(accessAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(accessAddr, tfjsonpath.New("members"), knownvalue.MapSizeExact(2)),
				},
			},
			{
				// A member added behind Terraform's back shows in the plan and goes.
				PreConfig: func() { addMemberOutOfBand(t, srv, image, "100005") },
				Config:    access(srv, image, "100002", "100004"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(accessAddr, tfjsonpath.New("member_ids"),
							knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("100002"), knownvalue.StringExact("100004")})),
						// Only the stranger's entry changes: the map stays known.
						plancheck.ExpectKnownValue(accessAddr, tfjsonpath.New("members"), knownvalue.MapSizeExact(2)),
					},
				},
				Check: membersAre(srv, image, "100002", "100004"),
			},
			{
				// A member removed behind its back comes back.
				PreConfig: func() {
					if err := srv.DeleteMember(image, "100004"); err != nil {
						t.Fatal(err)
					}
				},
				Config: access(srv, image, "100002", "100004"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionUpdate)},
				},
				Check: membersAre(srv, image, "100002", "100004"),
			},
			{
				ResourceName: accessAddr, ImportState: true, ImportStateVerify: true, ImportStateId: image,
			},
			{
				// A member that already exists is adopted on create; members
				// the list does not name are removed.
				PreConfig: func() { addMemberOutOfBand(t, srv, image, "100006") },
				Config:    acctest.ProviderConfig(srv, acctest.Producer),
				Check:     membersAre(srv, image, "100006"),
			},
			{
				Config: access(srv, image, "100006", "100007"),
				Check:  membersAre(srv, image, "100006", "100007"),
			},
			{
				Config: access(srv, image),
				Check:  membersAre(srv, image),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accessAddr, tfjsonpath.New("members"), knownvalue.MapSizeExact(0)),
				},
			},
			{
				Config: access(srv, image, "100002", "100003"),
				Check:  membersAre(srv, image, "100002", "100003"),
			},
		},
	})
}

// The consumer accepts a share the access list made; the producer sees it
// accepted, and changing the list leaves that member alone.
func TestAccImageAccess_consumerAccepts(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	image := seedImage(t, srv, "shared")
	config := func(others ...string) string {
		ids := append([]string{acctest.Consumer.TenantID}, others...)
		for i := range ids {
			ids[i] = fmt.Sprintf("%q", ids[i])
		}
		return acctest.ProducerAndConsumer(srv) + fmt.Sprintf(`
resource "cloudimages_image_access" "team" {
  provider   = cloudimages.producer
  image_id   = %[1]q
  member_ids = [%[2]s]
}

resource "cloudimages_image_member_status" "accept" {
  provider = consumer
  image_id = cloudimages_image_access.team.image_id
  status   = "accepted"
}

data "cloudimages_images" "consumer_default" {
  provider   = consumer
  depends_on = [cloudimages_image_member_status.accept]
}
`, image, strings.Join(ids, ", "))
	}
	status := func(member, want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(accessAddr, tfjsonpath.New("members").AtMapKey(member).AtMapKey("status"), knownvalue.StringExact(want))
	}

	acctest.Test(t, resource.TestCase{
		CheckDestroy: membersAre(srv, image),
		Steps: []resource.TestStep{
			{
				Config: config("100003"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					statecheck.ExpectKnownValue("data.cloudimages_images.consumer_default", tfjsonpath.New("ids"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(image)})),
				},
			},
			{
				// The producer's view was read before the consumer accepted: the
				// next run refreshes it.
				Config:            config("100003"),
				ConfigStateChecks: []statecheck.StateCheck{status(acctest.Consumer.TenantID, "accepted"), status("100003", "pending")},
			},
			{
				Config: config("100004"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(statusAddr, plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{status(acctest.Consumer.TenantID, "accepted"), status("100004", "pending")},
				Check: func(*terraform.State) error {
					for _, m := range srv.Members(image) {
						if m.MemberID == acctest.Consumer.TenantID && m.Status != "accepted" {
							return fmt.Errorf("the consumer's share is %s after the list changed", m.Status)
						}
					}
					return membersAre(srv, image, acctest.Consumer.TenantID, "100004")(nil)
				},
			},
			{
				ResourceName: accessAddr, ImportState: true, ImportStateVerify: true, ImportStateId: image,
			},
		},
	})
}

func TestAccImageAccess_errors(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	shared, private := seedImage(t, srv, "shared"), seedImage(t, srv, "private")
	withProvider := func(provider, image string) string {
		return acctest.ProducerAndConsumer(srv) + fmt.Sprintf(`
resource "cloudimages_image_access" "team" {
  provider   = %[1]s
  image_id   = %[2]q
  member_ids = ["100003"]
}
`, provider, image)
	}

	acctest.Test(t, resource.TestCase{
		CheckDestroy: membersAre(srv, shared),
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig(srv, acctest.Producer) + `
resource "cloudimages_image_access" "team" {
  image_id   = "not-a-uuid"
  member_ids = ["100002"]
}`,
				PlanOnly:    true,
				ExpectError: acctest.ErrorLike("image_id", "UUID"),
			},
			{
				Config:      access(srv, shared, "100002", ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorLike("member_ids", "length must be between 1 and 255"),
			},
			{
				// The consumer, which the image is shared with (so sees it), tries
				// to manage the producer's image.
				PreConfig: func() { addMemberOutOfBand(t, srv, shared, acctest.Consumer.TenantID) },
				Config:    withProvider("consumer", shared),
				ExpectError: acctest.ErrorLike("Cannot manage the members of image "+shared, "Only the image's owner (tenant 100001)",
					"authenticated as tenant 100002", "Configure cloudimages_image_access with the producer's credentials"),
			},
			{
				Config:      withProvider("cloudimages.producer", private),
				ExpectError: acctest.ErrorLike("Cannot list the members of image "+private, "403", `visibility "private"`, `Set visibility = "shared"`),
			},
			{
				Config:      withProvider("cloudimages.producer", "00000000-0000-4000-8000-000000000000"),
				ExpectError: acctest.ErrorLike("404", "does not exist or is not visible"),
			},
			{
				ResourceName: accessAddr, ImportState: true, ImportStateId: shared + "/100002",
				Config:      withProvider("cloudimages.producer", shared),
				ExpectError: acctest.ErrorLike("Invalid import ID", "Expected the image id"),
			},
			{
				Config: withProvider("cloudimages.producer", shared),
				Check:  membersAre(srv, shared, "100003"),
			},
		},
	})
}

// Both producer resources on one image: the plan warns. Only the CLI shows
// warnings.
func TestAccImageAccess_warnsWithImageMember(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	both, alone := seedImage(t, srv, "shared"), seedImage(t, srv, "shared")
	cli := acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Producer)+fmt.Sprintf(`
resource "cloudimages_image_access" "both" {
  image_id   = %[1]q
  member_ids = ["100002"]
}

resource "cloudimages_image_member" "both" {
  image_id  = %[1]q
  member_id = "100003"
}

resource "cloudimages_image_access" "alone" {
  image_id   = %[2]q
  member_ids = ["100002"]
}
`, both, alone))
	cli.MustRun("init", "-input=false")
	// Terraform plans resources concurrently, in no set order: whichever
	// of the two plans second warns.
	for _, args := range [][]string{{"plan", "-input=false"}, {"plan", "-input=false", "-parallelism=1"}} {
		r := cli.MustRun(args...)
		out := r.Stdout + r.Stderr
		want := acctest.ErrorLike("Warning:", "Image "+both+" is managed by both cloudimages_image_access and cloudimages_image_member",
			"cloudimages_image_access manages the complete member list of image "+both+" and removes members it does not list",
			"use one or the other")
		if !want.MatchString(out) {
			t.Fatalf("terraform %s: no warning for image %s:\n%s", strings.Join(args, " "), both, out)
		}
		if strings.Contains(out, "Image "+alone+" is managed by both") {
			t.Fatalf("terraform %s: a warning for image %s, which only cloudimages_image_access manages:\n%s", strings.Join(args, " "), alone, out)
		}
	}
}

// seedImage creates an image of the producer's outside Terraform.
func seedImage(t *testing.T, srv *mockserver.Server, visibility string) string {
	t.Helper()
	var img struct {
		ID string `json:"id"`
	}
	call(t, srv, http.MethodPost, "/images", map[string]string{"name": "golden", "visibility": visibility}, http.StatusCreated, &img)
	return img.ID
}

// addMemberOutOfBand shares image with memberID as its owner would without
// Terraform, through the API.
func addMemberOutOfBand(t *testing.T, srv *mockserver.Server, image, memberID string) {
	t.Helper()
	call(t, srv, http.MethodPost, "/images/"+image+"/members", map[string]string{"member": memberID}, http.StatusOK, nil)
}

// call is one request to the mock's image API with a token of the producer.
func call(t *testing.T, srv *mockserver.Server, method, path string, body any, want int, out any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.ImageURL()+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Auth-Token", srv.IssueToken(acctest.Producer.TenantID))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %s", method, path, resp.Status)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// membersAre checks that the mock holds exactly these members of image.
func membersAre(srv *mockserver.Server, image string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, m := range srv.Members(image) {
			got = append(got, m.MemberID)
		}
		slices.Sort(got)
		if sorted := slices.Sorted(slices.Values(want)); !slices.Equal(got, sorted) {
			return fmt.Errorf("members of image %s: %v, want %v", image, got, sorted)
		}
		return nil
	}
}
