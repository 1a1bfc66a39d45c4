package acctest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// NewCLIForDir is NewCLI for a configuration that lives in files, such as a
// documentation example: it copies src (recursively, without Terraform's
// own state and caches) into the working directory. When src declares its
// own required_providers, as a root module or a module under test does, the
// harness's terraform block is left out; otherwise it names the provider, as
// NewCLI's does.
func NewCLIForDir(t *testing.T, src string, env ...string) *CLI {
	t.Helper()
	c := NewCLI(t, "", env...)
	ownBlock, err := CopyConfigDir(src, c.Dir())
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	if ownBlock {
		if _, err := os.Stat(filepath.Join(src, "main.tf")); os.IsNotExist(err) {
			// The harness wrote main.tf and the example did not replace it.
			if err := os.Remove(filepath.Join(c.Dir(), "main.tf")); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c
}

// CopyConfigDir copies the files of src into dst, leaving out what
// Terraform writes (.terraform, state files, the lock file). It reports
// whether a .tf file at the top of src declares required_providers.
func CopyConfigDir(src, dst string) (ownRequiredProviders bool, err error) {
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if name == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if name == ".terraform.lock.hcl" || strings.HasSuffix(name, ".tfstate") || strings.HasSuffix(name, ".tfstate.backup") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if filepath.Dir(rel) == "." && strings.HasSuffix(name, ".tf") && strings.Contains(string(data), "required_providers") {
			ownRequiredProviders = true
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600)
	})
	return ownRequiredProviders, err
}
