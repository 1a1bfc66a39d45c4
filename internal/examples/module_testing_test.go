package examples

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// TestExamples_moduleTesting runs examples/module-testing the way the guide
// "Testing modules with the mock" tells users to: the standalone mock
// binary on a port of its own, the provider pointed at it with OS_*
// variables, then `terraform test`. The test files must pass and leave no
// image behind. A second run with faults armed over the control path shows
// a module's tests survive a flaky API.
func TestExamples_moduleTesting(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	mock := startStandaloneMock(t)
	p := mockserver.DefaultAccounts()[0]
	cli := acctest.NewCLIForDir(t, filepath.Join(examplesDir(t), "module-testing"),
		"OS_AUTH_URL="+mock.url+"/identity/v2.0/", "OS_USERNAME="+p.Username, "OS_API_KEY="+p.APIKey)
	cli.MustRun("init", "-input=false")

	r := cli.MustRun("test")
	if !strings.Contains(r.Stdout, "2 passed, 0 failed") {
		t.Errorf("terraform test did not pass both runs:\n%s", r.Stdout)
	}
	mock.expectNoImages(t)

	// The guide's fault-injection example: the next two image creates get
	// 503 with Retry-After, and one image read is slow.
	mock.control(t, "DELETE", "/_mock/counters", "")
	mock.control(t, "POST", "/_mock/faults", `{"method":"POST","path":"^/image/v2/images$","status":503,"times":2,"retry_after":"1"}`)
	mock.control(t, "POST", "/_mock/faults", `{"method":"GET","path":"^/image/v2/images/","latency_ms":500}`)
	r = cli.MustRun("test")
	if !strings.Contains(r.Stdout, "2 passed, 0 failed") {
		t.Errorf("terraform test under faults did not pass both runs:\n%s", r.Stdout)
	}
	var armed struct {
		Faults []json.RawMessage `json:"faults"`
	}
	if err := json.Unmarshal(mock.control(t, "GET", "/_mock/faults", ""), &armed); err != nil {
		t.Fatal(err)
	}
	if len(armed.Faults) != 0 {
		t.Errorf("faults that never fired: %d", len(armed.Faults))
	}
	var counters map[string]int
	if err := json.Unmarshal(mock.control(t, "GET", "/_mock/counters", ""), &counters); err != nil {
		t.Fatal(err)
	}
	if n := counters["POST /image/v2/images"]; n != 3 {
		t.Errorf("image creates: %d, want 3 (two answered 503, one retried through)", n)
	}
	mock.expectNoImages(t)
}

// standaloneMock is the cloudimages-mock program, as users run it.
type standaloneMock struct {
	url string
}

func startStandaloneMock(t *testing.T) *standaloneMock {
	t.Helper()
	return &standaloneMock{url: acctest.StartStandalone(t, "MOCK_DELAY=100ms", "MOCK_DATA_DIR="+t.TempDir()).URL}
}

func (m *standaloneMock) control(t *testing.T, method, path, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(method, m.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %s %s", method, path, resp.Status, b.String())
	}
	return b.Bytes()
}

// expectNoImages checks through the images API, as each built-in account,
// that no image is left.
func (m *standaloneMock) expectNoImages(t *testing.T) {
	t.Helper()
	for _, acct := range mockserver.DefaultAccounts() {
		token := m.token(t, acct)
		req, err := http.NewRequest("GET", m.url+"/image/v2/images?visibility=all&member_status=all", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var list struct {
			Images []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"images"`
		}
		err = json.NewDecoder(resp.Body).Decode(&list)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatalf("list images as %s: %v", acct.Username, err)
		}
		for _, img := range list.Images {
			t.Errorf("image left after terraform test, seen by %s: %s (%s)", acct.Username, img.ID, img.Name)
		}
	}
}

// token authenticates acct with its API key, as the provider does.
func (m *standaloneMock) token(t *testing.T, acct mockserver.Account) string {
	t.Helper()
	body := fmt.Sprintf(`{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":%q,"apiKey":%q}}}`, acct.Username, acct.APIKey)
	resp, err := http.Post(m.url+"/identity/v2.0/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var access struct {
		Access struct {
			Token struct {
				ID string `json:"id"`
			} `json:"token"`
		} `json:"access"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&access); err != nil || access.Access.Token.ID == "" {
		t.Fatalf("authenticate as %s: %s %v", acct.Username, resp.Status, err)
	}
	return access.Access.Token.ID
}
