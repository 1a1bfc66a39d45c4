package acctest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// CLI runs the provider as users run it: the real provider binary, started
// by the terraform CLI as a plugin process of its own (one per provider
// configuration), in a working directory of the test. It is for what the
// in-process harness cannot show: the logs of a real run, -parallelism.
type CLI struct {
	t   *testing.T
	dir string
	env []string
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// providerBinary builds the provider once per test process.
func providerBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		// Shared by every test of the process, so it cannot be one test's TempDir.
		binDir, buildErr = os.MkdirTemp("", "cloudimages-provider-") //nolint:usetesting // outlives any one test
		if buildErr != nil {
			return
		}
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, "terraform-provider-cloudimages"), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build the provider: %v", buildErr)
	}
	return binDir
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// NewCLI writes config (without the terraform block, which it adds) into a
// fresh directory, with a CLI configuration that points terraform at the
// provider just built (dev_overrides, and a local mirror so that init needs
// no network). env is added to the environment of every terraform command.
func NewCLI(t *testing.T, config string, env ...string) *CLI {
	t.Helper()
	return NewCLIWith(t, config, nil, env...)
}

// DevProvider is another provider binary a CLI test runs beside ours (such
// as the OpenStack provider, to make state that is then moved): its source
// address ("terraform-provider-openstack/openstack"), the version the local
// mirror shows, and the binary.
type DevProvider struct {
	Source, Version, Binary string
}

// NewCLIWith is NewCLI with other providers served from local binaries too.
func NewCLIWith(t *testing.T, config string, others []DevProvider, env ...string) *CLI {
	t.Helper()
	bin := providerBinary(t)
	ours := DevProvider{Source: "cloudimages/cloudimages", Version: "0.0.1", Binary: filepath.Join(bin, "terraform-provider-cloudimages")}
	return NewCLIOf(t, config, append([]DevProvider{ours}, others...), env...)
}

// NewCLIOf is NewCLI with only the given providers, not ours (Terraform
// starts every required provider, so a benchmark of another provider must
// not require ours).
func NewCLIOf(t *testing.T, config string, providers []DevProvider, env ...string) *CLI {
	t.Helper()
	requireTerraform(t)
	dir := t.TempDir()
	var overrides, includes, required strings.Builder
	for _, p := range providers {
		namespace, name, _ := strings.Cut(p.Source, "/")
		mirror := filepath.Join(dir, ".mirror", providerHost(), namespace, name, p.Version, runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(mirror, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p.Binary, filepath.Join(mirror, filepath.Base(p.Binary)+"_v"+p.Version)); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&overrides, "    %q = %q\n", p.Source, filepath.Dir(p.Binary))
		fmt.Fprintf(&includes, "%q, ", p.Source)
		fmt.Fprintf(&required, "    %s = { source = %q }\n", strings.TrimPrefix(name, "terraform-provider-"), p.Source)
	}
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
%s  }
  filesystem_mirror {
    path    = %q
    include = [%s]
  }
}
`, overrides.String(), filepath.Join(dir, ".mirror"), strings.TrimSuffix(includes.String(), ", "))
	files := map[string]string{
		".terraformrc": rc,
		"main.tf":      "terraform {\n  required_providers {\n" + required.String() + "  }\n}\n" + config,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	base := []string{
		"TF_CLI_CONFIG_FILE=" + filepath.Join(dir, ".terraformrc"),
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
	}
	return &CLI{t: t, dir: dir, env: append(base, env...)}
}

// Dir is the working directory.
func (c *CLI) Dir() string { return c.dir }

// WithEnv is the same working directory with more environment variables
// ("KEY=value") for its commands, e.g. to profile one of them.
func (c *CLI) WithEnv(env ...string) *CLI {
	return &CLI{t: c.t, dir: c.dir, env: append(slices.Clone(c.env), env...)}
}

// Result is what one terraform command printed.
type Result struct {
	Stdout, Stderr string
	Err            error
}

// Run runs terraform with args in the working directory.
func (c *CLI) Run(args ...string) Result {
	c.t.Helper()
	cmd := exec.Command(terraformPath(), append(args, "-no-color")...)
	cmd.Dir = c.dir
	cmd.Env = append(cleanEnv(), c.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), Err: err}
}

// MustRun is Run that fails the test when terraform fails.
func (c *CLI) MustRun(args ...string) Result {
	c.t.Helper()
	r := c.Run(args...)
	if r.Err != nil {
		c.t.Fatalf("terraform %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.Err, r.Stdout, r.Stderr)
	}
	return r
}

// providerHost is the registry host that the CLI under test gives a source
// address without one ("cloudimages/cloudimages"): registry.terraform.io for
// terraform, registry.opentofu.org for OpenTofu. The local mirror must sit
// under it for init to find the provider. TF_ACC_PROVIDER_HOST, which
// terraform-plugin-testing reads for the same reason, names it.
func providerHost() string {
	if h := os.Getenv("TF_ACC_PROVIDER_HOST"); h != "" {
		return h
	}
	return "registry.terraform.io"
}

// terraformPath is the CLI to run: TF_ACC_TERRAFORM_PATH (terraform or
// OpenTofu), else terraform from the PATH.
func terraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// cleanEnv is the test's environment without what would change how
// terraform, OpenTofu or the provider behave: TF_*, TOFU_* (OpenTofu reads
// TOFU_CLI_CONFIG_FILE before TF_CLI_CONFIG_FILE), OS_* and CLOUDIMAGES_*.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "TOFU_") || strings.HasPrefix(kv, "OS_") || strings.HasPrefix(kv, "CLOUDIMAGES_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// TerraformAtLeast reports whether the CLI under test is Terraform (not
// OpenTofu) of at least major.minor, from the first line of its version.
// Tests of a feature that only newer Terraform has skip with the reason when
// it is false.
func TerraformAtLeast(t *testing.T, major, minor int) bool {
	t.Helper()
	out, err := exec.Command(terraformPath(), "version").Output() //nolint:gosec // the CLI under test
	if err != nil {
		t.Fatalf("%s version: %v", terraformPath(), err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		var gotMajor, gotMinor int
		if _, err := fmt.Sscanf(line, "Terraform v%d.%d", &gotMajor, &gotMinor); err == nil {
			return gotMajor > major || (gotMajor == major && gotMinor >= minor)
		}
	}
	return false // OpenTofu, or a version line this does not know
}

// SkipBelowTerraform skips the test, saying why, when the CLI under test is
// not Terraform of at least major.minor (feature names what needs it).
func SkipBelowTerraform(t *testing.T, major, minor int, feature string) {
	t.Helper()
	if !TerraformAtLeast(t, major, minor) {
		t.Skipf("%s needs Terraform %d.%d or later", feature, major, minor)
	}
}

// Query writes query as a .tfquery.hcl file into the working directory,
// runs init and `terraform query -generate-config-out=out`, and returns
// what it generated.
func (c *CLI) Query(query, out string) string {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "query.tfquery.hcl"), []byte(query), 0o600); err != nil {
		c.t.Fatal(err)
	}
	c.MustRun("init", "-input=false")
	c.MustRun("query", "-generate-config-out="+out)
	generated, err := os.ReadFile(filepath.Join(c.dir, out))
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Logf("%s, generated:\n%s", out, generated)
	return string(generated)
}
