// Package examples proves that the documentation's examples work: every
// configuration under examples/ is applied against the mock server with the
// real terraform CLI and the real provider binary, then destroyed, and every
// import.sh command line is run.
package examples

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// The accounts the examples are written for: my-user (the provider
// example's user, the producer) and team-b (the consumer in the sharing
// examples, tenant 100002), both in DFW by default as Rackspace users are.
var (
	myUser = mockserver.Account{
		Username: "my-user", Password: "my-user-pass", APIKey: "my-user-key",
		TenantID: "100001", TenantName: "100001", DefaultRegion: "DFW",
	}
	teamB = mockserver.Account{
		Username: "team-b", Password: "team-b-pass", APIKey: "team-b-key",
		TenantID: "100002", TenantName: "100002", DefaultRegion: "DFW",
	}
	rackspaceRegions = []string{"DFW", "ORD", "IAD", "LON", "SYD", "HKG"}
)

// examplesDir is the repository's examples/ directory.
func examplesDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("examples directory: %v", err)
	}
	return dir
}

// example is one example directory run against a mock of its own.
type example struct {
	t   *testing.T
	src string // the example's directory in the repository
	srv *mockserver.Server
	env []string
	cli *acctest.CLI
}

// newExample starts a mock that looks like Rackspace (regions, the
// examples' accounts) for the example in examples/<rel>. The default
// provider configuration authenticates as my-user through OS_* variables.
func newExample(t *testing.T, rel string) *example {
	t.Helper()
	e := &example{t: t, src: filepath.Join(examplesDir(t), filepath.FromSlash(rel))}
	e.UseMock(acctest.Mock(t, mockserver.Options{Regions: rackspaceRegions, Accounts: []mockserver.Account{myUser, teamB}}), myUser)
	return e
}

// UseMock points the example at srv, the default provider configuration
// authenticating as acct through OS_* variables; it must come before the
// first command.
func (e *example) UseMock(srv *mockserver.Server, acct mockserver.Account) {
	e.t.Helper()
	if e.cli != nil {
		e.t.Fatal("UseMock after the working directory was made")
	}
	e.srv = srv
	e.env = []string{"OS_AUTH_URL=" + srv.IdentityV2URL(), "OS_USERNAME=" + acct.Username, "OS_API_KEY=" + acct.APIKey}
}

// Setenv adds a variable to the environment of every terraform command; it
// must come before the first command.
func (e *example) Setenv(name, value string) {
	e.t.Helper()
	if e.cli != nil {
		e.t.Fatal("Setenv after the working directory was made")
	}
	e.env = append(e.env, name+"="+value)
}

// Var sets a Terraform variable, as TF_VAR_<name>, so that the command lines
// the examples show run unchanged.
func (e *example) Var(name, value string) { e.Setenv("TF_VAR_"+name, value) }

// CLI is the working directory holding a copy of the example, made (and
// initialised) on first use.
func (e *example) CLI() *acctest.CLI {
	e.t.Helper()
	if e.cli == nil {
		e.cli = acctest.NewCLIForDir(e.t, e.src, e.env...)
		// The import blocks are shown beside the configuration, not in it:
		// Import runs them once the object exists.
		for _, name := range []string{importBlockFile, identityBlockFile} {
			if err := os.Remove(filepath.Join(e.cli.Dir(), name)); err != nil && !os.IsNotExist(err) {
				e.t.Fatal(err)
			}
		}
		e.cli.MustRun("init", "-input=false")
	}
	return e.cli
}

// PlaceFile writes a file of size bytes next to the copied example, as a
// user keeps an image file beside the configuration.
func (e *example) PlaceFile(name string, size int64) acctest.ImageFile {
	e.t.Helper()
	f := acctest.WriteImageFile(e.t, name, size, uint64(size))
	data, err := os.ReadFile(f.Path)
	if err != nil {
		e.t.Fatal(err)
	}
	f.Path = filepath.Join(e.CLI().Dir(), name)
	if err := os.WriteFile(f.Path, data, 0o600); err != nil {
		e.t.Fatal(err)
	}
	return f
}

// WriteConfig adds a file to the working directory, such as something that
// uses a provider configuration the example only declares.
func (e *example) WriteConfig(name, content string) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.CLI().Dir(), name), []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// queryAndApply runs the example's terraform query with
// -generate-config-out=file, checks that the file imports id, applies edits
// to it (old, new pairs, as a user would make them), then applies it, which
// must converge.
func (e *example) queryAndApply(file, id string, edits ...string) {
	e.t.Helper()
	e.CLI().MustRun("query", "-generate-config-out="+file)
	path := filepath.Join(e.CLI().Dir(), file)
	generated, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	if !strings.Contains(string(generated), id) {
		e.t.Fatalf("the generated %s does not import %s:\n%s", file, id, generated)
	}
	config := string(generated)
	for i := 0; i+1 < len(edits); i += 2 {
		edited := regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(edits[i]), " = ", `\s*=\s*`)).ReplaceAllString(config, edits[i+1])
		if edited == config {
			e.t.Fatalf("no %s to edit in the generated %s:\n%s", edits[i], file, generated)
		}
		config = edited
	}
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		e.t.Fatal(err)
	}
	e.Apply()
}

func (e *example) Apply() {
	e.t.Helper()
	e.CLI().MustRun("apply", "-auto-approve", "-input=false")
	// Applying again changes nothing: the example converges.
	e.ExpectNoChanges()
}

func (e *example) Destroy() {
	e.t.Helper()
	e.CLI().MustRun("destroy", "-auto-approve", "-input=false")
	if out := e.CLI().MustRun("state", "list").Stdout; strings.TrimSpace(out) != "" {
		e.t.Errorf("state after destroy is not empty:\n%s", out)
	}
}

// ExpectNoChanges fails the test if a plan would change anything.
func (e *example) ExpectNoChanges() {
	e.t.Helper()
	r := e.CLI().Run("plan", "-detailed-exitcode", "-input=false")
	if r.Err != nil {
		e.t.Errorf("plan after apply is not empty (%v):\n%s\n%s", r.Err, r.Stdout, r.Stderr)
	}
}

// Output is the value of an output, decoded from JSON.
func (e *example) Output(name string) any {
	e.t.Helper()
	var v any
	if err := json.Unmarshal([]byte(e.CLI().MustRun("output", "-json", name).Stdout), &v); err != nil {
		e.t.Fatalf("output %s: %v", name, err)
	}
	return v
}

// StateAttr is an attribute of a resource in the state.
func (e *example) StateAttr(address, attribute string) any {
	e.t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(e.CLI().MustRun("show", "-json").Stdout), &state); err != nil {
		e.t.Fatalf("terraform show -json: %v", err)
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r.Values[attribute]
		}
	}
	e.t.Fatalf("%s is not in the state", address)
	return nil
}

// importCommand is one `terraform import ADDRESS ID` line of an import.sh.
type importCommand struct {
	Address, ID string
}

// ImportCommands reads the command lines of the example's import.sh.
func (e *example) ImportCommands() []importCommand {
	e.t.Helper()
	f, err := os.Open(filepath.Join(e.src, "import.sh"))
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	var cmds []importCommand
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 4 || fields[0] != "terraform" || fields[1] != "import" {
			e.t.Fatalf("import.sh: want `terraform import ADDRESS ID`, got %q", line)
		}
		cmds = append(cmds, importCommand{Address: fields[2], ID: fields[3]})
	}
	if err := sc.Err(); err != nil {
		e.t.Fatal(err)
	}
	if len(cmds) == 0 {
		e.t.Fatal("import.sh shows no terraform import command")
	}
	return cmds
}

// importBlockFile is the example of an import block (Terraform 1.5+) that
// tfplugindocs shows on a resource's page.
const importBlockFile = "import-by-string-id.tf"

// Import runs every command line of import.sh against the applied example,
// then its import block: each time the resource is removed from the state,
// then imported again as shown, with the example's id replaced by realID's
// answer (an id of the same format). After each import, a plan must keep
// the resource (no replacement), and applying it must converge.
func (e *example) Import(realID func(exampleID string) string) {
	e.t.Helper()
	for _, cmd := range e.ImportCommands() {
		e.reimport(cmd, realID, func(id string) {
			e.CLI().MustRun("import", "-input=false", cmd.Address, id)
		})
	}
	block, err := os.ReadFile(filepath.Join(e.src, importBlockFile))
	if err != nil {
		e.t.Fatalf("the resource's page shows no import block: %v", err)
	}
	m := importBlockRE.FindStringSubmatch(string(block))
	if m == nil {
		e.t.Fatalf("%s: want one import block with to and id, got:\n%s", importBlockFile, block)
	}
	cmd := importCommand{Address: m[1], ID: m[2]}
	e.reimport(cmd, realID, func(id string) {
		path := filepath.Join(e.CLI().Dir(), importBlockFile)
		config := strings.Replace(string(block), `"`+cmd.ID+`"`, `"`+id+`"`, 1)
		if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
			e.t.Fatal(err)
		}
		if actions := e.PlannedActions(cmd.Address); slices.Contains(actions, "delete") || slices.Contains(actions, "create") {
			e.t.Errorf("%s: the plan %v the resource instead of importing it", importBlockFile, actions)
		}
		e.CLI().MustRun("apply", "-auto-approve", "-input=false")
		if err := os.Remove(path); err != nil {
			e.t.Fatal(err)
		}
	})
	e.importByIdentity(cmd, realID)
}

// identityBlockFile is the example of an import block by resource identity
// (Terraform 1.12+).
const identityBlockFile = "import-by-identity.tf"

// importByIdentity imports the resource again with the example's identity
// block, its example values replaced by the real ones (the parts of the
// string id, in order), where the running Terraform has resource identity.
func (e *example) importByIdentity(cmd importCommand, realID func(string) string) {
	e.t.Helper()
	block, err := os.ReadFile(filepath.Join(e.src, identityBlockFile))
	if err != nil {
		e.t.Fatalf("the resource's page shows no import block by identity: %v", err)
	}
	if !acctest.TerraformAtLeast(e.t, 1, 12) {
		e.t.Logf("%s not applied: Terraform before 1.12 has no resource identity", identityBlockFile)
		return
	}
	e.reimport(cmd, realID, func(id string) {
		config := string(block)
		exampleParts, realParts := strings.Split(cmd.ID, "/"), strings.Split(id, "/")
		for i := range exampleParts {
			if !strings.Contains(config, `"`+exampleParts[i]+`"`) {
				e.t.Fatalf("%s does not show %q, a part of the string id %s", identityBlockFile, exampleParts[i], cmd.ID)
			}
			config = strings.Replace(config, `"`+exampleParts[i]+`"`, `"`+realParts[i]+`"`, 1)
		}
		path := filepath.Join(e.CLI().Dir(), identityBlockFile)
		if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
			e.t.Fatal(err)
		}
		if actions := e.PlannedActions(cmd.Address); slices.Contains(actions, "delete") || slices.Contains(actions, "create") {
			e.t.Errorf("%s: the plan %v the resource instead of importing it", identityBlockFile, actions)
		}
		e.CLI().MustRun("apply", "-auto-approve", "-input=false")
		if err := os.Remove(path); err != nil {
			e.t.Fatal(err)
		}
	})
}

var importBlockRE = regexp.MustCompile(`(?s)import\s*\{\s*to\s*=\s*(\S+)\s*id\s*=\s*"([^"]+)"\s*\}`)

// reimport removes cmd.Address from the state and imports it again with run.
func (e *example) reimport(cmd importCommand, realID func(string) string, run func(id string)) {
	e.t.Helper()
	id := realID(cmd.ID)
	if id == cmd.ID {
		e.t.Fatalf("import id %s: the test must import a real object, not the example's id", cmd.ID)
	}
	before := e.StateAttr(cmd.Address, "id")
	e.CLI().MustRun("state", "rm", cmd.Address)
	run(id)
	if got := e.StateAttr(cmd.Address, "id"); got != before {
		e.t.Errorf("import of %s as %s: id %v, want %v (the applied one)", cmd.Address, id, got, before)
	}
	if actions := e.PlannedActions(cmd.Address); slices.Contains(actions, "delete") {
		e.t.Errorf("import of %s as %s: the next plan replaces it (%v)", cmd.Address, id, actions)
	}
	e.Apply()
}

// PlannedActions are the actions a plan has for address ("no-op", "update",
// "delete", "create" ...).
func (e *example) PlannedActions(address string) []string {
	e.t.Helper()
	planFile := filepath.Join(e.CLI().Dir(), "import.tfplan")
	e.CLI().MustRun("plan", "-input=false", "-out="+planFile)
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(e.CLI().MustRun("show", "-json", planFile).Stdout), &plan); err != nil {
		e.t.Fatalf("terraform show -json: %v", err)
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Address == address {
			return rc.Change.Actions
		}
	}
	e.t.Fatalf("%s is not in the plan", address)
	return nil
}

// ownImages are the images of a tenant the mock holds, as "id (name)".
func ownImages(srv *mockserver.Server, tenantID string) []string {
	var out []string
	for _, img := range srv.Images() {
		if img.Owner == tenantID {
			name := ""
			if img.Name != nil {
				name = *img.Name
			}
			out = append(out, fmt.Sprintf("%s (%s)", img.ID, name))
		}
	}
	return out
}
