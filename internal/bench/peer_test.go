package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// peerVersion is the OpenStack provider release the peer rows run.
const peerVersion = "3.4.0"

// openstackProvider is the OpenStack provider binary: CLOUDIMAGES_OPENSTACK_PROVIDER
// when set, else (full runs only) built once by scripts/openstack-provider.sh
// into its cache. The reason is set, and the binary empty, when there is none.
func openstackProvider(full bool) (binary, reason string) {
	if bin := os.Getenv("CLOUDIMAGES_OPENSTACK_PROVIDER"); bin != "" {
		return bin, ""
	}
	if !full {
		return "", "smoke pass: CLOUDIMAGES_OPENSTACK_PROVIDER is not set, and building the OpenStack provider takes minutes"
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		return "", err.Error()
	}
	cmd := exec.Command(filepath.Join(root, "scripts", "openstack-provider.sh"))
	cmd.Env = append(os.Environ(), "OPENSTACK_PROVIDER_VERSION="+peerVersion)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Sprintf("scripts/openstack-provider.sh could not build it: %v: %s", err, lastLine(stderr.String()))
	}
	return strings.TrimSpace(string(out)), ""
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// benchPeer: the OpenStack provider (SDKv2, the incumbent) and ours against
// the same mock in the same run, N images each with the same 1 KiB file:
// an apply at -parallelism=10 of peerApply images, then a plan (refresh)
// over refresh images, the median of three. The rows give the peer's time
// against ours: peer/ours is how many times faster ours is.
func benchPeer(t *testing.T, sz sizes) []row {
	applyName := fmt.Sprintf("OpenStack provider v%s vs ours: apply %d images of 1 KiB, -parallelism=10", peerVersion, sz.peerApply)
	refreshName := fmt.Sprintf("OpenStack provider v%s vs ours: plan (refresh) with %d images in state", peerVersion, sz.refresh)
	bin, reason := openstackProvider(sz.buildPeer)
	if bin == "" {
		return []row{skippedRow(applyName, reason), skippedRow(refreshName, reason)}
	}
	srv := acctest.Mock(t, mockserver.Options{})
	file := acctest.WriteImageFile(t, "peer.raw", 1024, 7)
	p := acctest.Producer
	peerProvider := fmt.Sprintf(`
provider "openstack" {
  auth_url         = %q
  user_name        = %q
  password         = %q
  tenant_id        = %q
  user_domain_name = "Default"
  region           = "MOCK"
}
`, srv.IdentityV3URL(), p.Username, p.Password, p.TenantID)
	resources := func(typ, fileArg string, n int) string {
		return fmt.Sprintf(`
resource %q "many" {
  count            = %d
  name             = "many-${count.index}"
  %s = %q
  disk_format      = "raw"
  container_format = "bare"
}
`, typ, n, fileArg, file.Path)
	}
	openstack := []acctest.DevProvider{{Source: "terraform-provider-openstack/openstack", Version: peerVersion, Binary: bin}}
	newPair := func(n int) (peer, ours *acctest.CLI) {
		peer = acctest.NewCLIOf(t, peerProvider+resources("openstack_images_image_v2", "local_file_path", n), openstack)
		ours = acctest.NewCLI(t, acctest.ProviderConfig(srv, acctest.Producer)+resources("cloudimages_image", "file", n))
		peer.MustRun("init", "-input=false")
		ours.MustRun("init", "-input=false")
		return peer, ours
	}
	apply := func(cli *acctest.CLI, parallelism int) time.Duration {
		return timed(func() {
			cli.MustRun("apply", "-auto-approve", "-input=false", fmt.Sprintf("-parallelism=%d", parallelism))
		})
	}

	peerApplyCLI, oursApplyCLI := newPair(sz.peerApply)
	peerApply, oursApply := apply(peerApplyCLI, 10), apply(oursApplyCLI, 10)

	peerCLI, oursCLI := newPair(sz.refresh)
	apply(peerCLI, 20)
	apply(oursCLI, 20)
	plan := func(cli *acctest.CLI) time.Duration {
		return median(func() time.Duration { return timed(func() { cli.MustRun("plan", "-input=false") }) })
	}
	peerPlan, oursPlan := plan(peerCLI), plan(oursCLI)
	profilePlan(t, oursCLI, "refresh-with-file")
	return []row{
		peerRow(applyName, peerApply, oursApply, 2),
		peerRow(refreshName, peerPlan, oursPlan, 1.5),
	}
}

// peerRow is the peer's time (measured) against ours (floor): the ratio is
// peer/ours, at least target to pass.
func peerRow(scenario string, peer, ours time.Duration, target float64) row {
	return row{
		scenario: scenario + " (measured: the OpenStack provider; floor: ours)", unit: "s",
		measured: peer.Seconds(), floor: ours.Seconds(), target: fmt.Sprintf("peer/ours ≥ %.1f", target),
		pass: peer.Seconds() >= target*ours.Seconds(),
	}
}

// skippedRow is a row that could not be measured, and why.
func skippedRow(scenario, reason string) row {
	return row{scenario: scenario, unit: "s", target: "peer/ours", note: reason, skipped: true, zeroOK: true}
}
