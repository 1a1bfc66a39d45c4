package bench

import (
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
)

// benchCopy: apply an image whose copy_from is an image in another region of
// the same standalone mock (MOCK_REGIONS=DFW,ORD), against curl's download
// of the source's data piped into curl -T - to a new image in the copy's
// region: the same bytes over the same routes. The provider's peak memory
// and the bytes it wrote to local disk (it should stage nothing).
func benchCopy(t *testing.T, sz sizes) []row {
	mock := startStandaloneIn(t, memoryDir(t, 4*sz.copy), "MOCK_REGIONS=DFW,ORD")
	dfw, ord := mock.in("DFW"), mock.in("ORD")
	token := mock.token(t)
	big, tiny := ord.seedImage(t, token, acctest.WriteImageFile(t, "big.raw", sz.copy, 8)), ord.seedImage(t, token, acctest.WriteImageFile(t, "tiny.raw", 1024, 9))

	floor := func() time.Duration {
		return dfw.pipeUpload(t, token, "curl", "-sS", "-f", "-H", "X-Auth-Token: "+token, ord.url+ord.prefix+"/image/v2/images/"+big+"/file")
	}
	config := func(source string) string {
		return fmt.Sprintf(`
provider "cloudimages" {
  auth_url = %q
  username = "producer"
  api_key  = "producer-key"
  region   = "DFW"
}

resource "cloudimages_image" "data" {
  name      = "copy"
  copy_from = { image_id = %q, region = "ORD" }
}
`, mock.url+"/identity/v2.0/", source)
	}
	sockets := memoryDir(t, 1<<20) // see benchSourceURL
	env := "PLUGIN_UNIX_SOCKET_DIR=" + sockets
	runs := runStreams(floor, acctest.NewCLI(t, config(big), env), acctest.NewCLI(t, config(tiny), env))

	name := fmt.Sprintf("copy_from of %s from another region", bytesize(sz.copy))
	return append([]row{throughputRow(name+": throughput vs curl GET /file \\| curl -T -", sz.copy, runs, "")}, memoryRows(name, runs.proc, sockets)...)
}

// seedImage makes an active raw image of file in m's region with curl, as
// the floor uploads, and returns its id.
func (m *standalone) seedImage(t *testing.T, token string, file acctest.ImageFile) string {
	t.Helper()
	id := m.createImage(t, token)
	out, err := exec.Command("curl", "-sS", "-f", "-X", "PUT", "-T", file.Path, "-H", "X-Auth-Token: "+token,
		"-H", "Content-Type: application/octet-stream", m.url+m.prefix+"/image/v2/images/"+id+"/file").CombinedOutput()
	if err != nil {
		t.Fatalf("upload %s: %v\n%s", file.Path, err, out)
	}
	return id
}
