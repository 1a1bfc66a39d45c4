package examples

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The HCL that docs/ shows inline (fragments the examples cannot run, such as
// the migration guide's removed blocks) is at least valid and formatted, and
// the links between pages lead somewhere.

var (
	fencedTerraform = regexp.MustCompile("(?ms)^([ \t]*)```terraform\n(.*?)^[ \t]*```")
	relativeLink    = regexp.MustCompile(`\]\(([^):#]+\.md)(#[^)]*)?\)`)
)

func docsFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	root := filepath.Join("..", "..", "docs")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no pages in docs/")
	}
	return files
}

func TestDocs_terraformBlocksAreFormatted(t *testing.T) {
	t.Parallel()
	for _, page := range docsFiles(t) {
		text, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fencedTerraform.FindAllStringSubmatch(string(text), -1) {
			block := dedent(m[2], m[1])
			cmd := exec.Command(terraformCLI(), "fmt", "-no-color", "-")
			cmd.Stdin = strings.NewReader(block)
			var out, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("%s: a terraform block does not parse: %v\n%s\n%s", page, err, stderr.String(), block)
				continue
			}
			if out.String() != block {
				t.Errorf("%s: a terraform block is not formatted (terraform fmt):\n%s\nwant:\n%s", page, block, out.String())
			}
		}
	}
}

// dedent removes the indentation of a fenced block inside a list item.
func dedent(block, indent string) string {
	if indent == "" {
		return block
	}
	lines := strings.Split(block, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, indent)
	}
	return strings.Join(lines, "\n")
}

func TestDocs_linksLeadToPages(t *testing.T) {
	t.Parallel()
	for _, page := range docsFiles(t) {
		text, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range relativeLink.FindAllStringSubmatch(string(text), -1) {
			if _, err := os.Stat(filepath.Join(filepath.Dir(page), m[1])); err != nil {
				t.Errorf("%s links to %s, which does not exist", page, m[1])
			}
		}
	}
}

// terraformCLI is the CLI the acceptance tests run: TF_ACC_TERRAFORM_PATH
// (terraform or OpenTofu), else terraform from the PATH.
func terraformCLI() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// Every page that shows a provider block shows where the provider comes
// from, so that a copied configuration does not look for
// hashicorp/cloudimages.
func TestDocs_providerBlocksShowTheSource(t *testing.T) {
	t.Parallel()
	root := filepath.Join(examplesDir(t), "..")
	pages := []string{filepath.Join(root, "README.md")}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			pages = append(pages, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	source := regexp.MustCompile(`source\s*=\s*"cloudimages/cloudimages"`)
	for _, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), `provider "cloudimages"`) && !source.Match(b) {
			rel, _ := filepath.Rel(root, page)
			t.Errorf("%s shows a provider block but not source = \"cloudimages/cloudimages\" in required_providers", rel)
		}
	}
}
