package reliability

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
)

// tfDir is a terraform working directory made by acctest.NewCLI, run by this package's own
// runner: acctest.CLI.Run has neither a deadline nor a process group, and a soak needs
// both (a hung apply must end, and SIGINT goes to terraform and its plugins together).
type tfDir struct {
	dir string
	env []string
}

func newDir(t *testing.T, config string) *tfDir {
	t.Helper()
	cli := acctest.NewCLI(t, config) // fails the test when terraform is missing
	dir := cli.Dir()
	return &tfDir{dir: dir, env: []string{
		"TF_CLI_CONFIG_FILE=" + filepath.Join(dir, ".terraformrc"), // as NewCLI writes it
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
	}}
}

// tfResult is one terraform command.
type tfResult struct {
	args           []string
	code           int // exit code; -1 when it did not start or was killed
	stdout, stderr string
	took           time.Duration
	timedOut       bool // the deadline ran out and the run was interrupted
	interrupted    bool // stop sent SIGINT
}

func (r tfResult) ok() bool { return r.code == 0 }

// run runs terraform with args; after timeout (or when stop is closed) it sends SIGINT to
// the process group, as Ctrl-C in a terminal does, and SIGKILL 20 s later.
func (d *tfDir) run(timeout time.Duration, stop <-chan struct{}, args ...string) tfResult {
	args = append(args, "-no-color")
	cmd := exec.Command(terraformPath(), args...)
	cmd.Dir = d.dir
	cmd.Env = append(cleanEnv(), d.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	res := tfResult{args: args, code: -1}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.stderr = err.Error()
		return res
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	var err error
	select {
	case err = <-done:
	case <-deadline.C:
		res.timedOut = true
		err = interrupt(cmd, done)
	case <-stop:
		res.interrupted = true
		err = interrupt(cmd, done)
	}
	res.took = time.Since(start)
	res.stdout, res.stderr = stdout.String(), stderr.String()
	var exit *exec.ExitError
	switch {
	case err == nil:
		res.code = 0
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	}
	return res
}

func interrupt(cmd *exec.Cmd, done <-chan error) error {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		return <-done
	}
}

func (d *tfDir) init(t *testing.T) {
	t.Helper()
	if r := d.run(2*time.Minute, nil, "init", "-input=false"); !r.ok() {
		t.Fatalf("terraform init in %s: exit %d\n%s\n%s", d.dir, r.code, r.stdout, r.stderr)
	}
}

func terraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// cleanEnv is the environment without what changes how terraform or the provider behave
// (as acctest's own).
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

var (
	errorLine   = regexp.MustCompile(`(?m)^[│╷\s]*Error: (.*)$`)
	warningLine = regexp.MustCompile(`(?m)^[│╷\s]*Warning: (.*)$`)
	idLike      = regexp.MustCompile(`127\.0\.0\.1:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\[tf-[0-9a-f]+\]|\b\d+(\.\d+)?(ms|s|m)?\b`)
)

// errorSummaries are terraform's error diagnostics of a run, each its summary and the
// first line of its detail, with ids, numbers and ports taken out so that the same cause
// counts as one.
func errorSummaries(stderr string) []string { return diagnostics(errorLine, stderr) }

// warningSummaries are the warnings of a run, as errorSummaries.
func warningSummaries(stdout string) []string {
	var out []string
	for _, w := range diagnostics(warningLine, stdout) {
		if strings.HasPrefix(w, "Provider development overrides are in effect") {
			continue // how the harness installs the provider, said on every run
		}
		out = append(out, "warning: "+w)
	}
	return out
}

func diagnostics(head *regexp.Regexp, stderr string) []string {
	var out []string
	lines := strings.Split(stderr, "\n")
	for i, l := range lines {
		m := head.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		s := m[1]
		// the detail follows the "with …", "on main.tf …" and source lines
		for j := i + 1; j < len(lines) && j < i+14; j++ {
			d := strings.TrimLeft(lines[j], "│ ")
			if d == "" || strings.HasPrefix(d, "with ") || strings.HasPrefix(d, "on ") || regexp.MustCompile(`^\d+:`).MatchString(d) ||
				strings.HasPrefix(lines[j], "  ") || strings.HasPrefix(lines[j], "│   ") {
				continue
			}
			if errorLine.MatchString(lines[j]) || warningLine.MatchString(lines[j]) {
				break
			}
			// the detail's first paragraph, which terraform wraps
			para := []string{strings.TrimSpace(d)}
			for k := j + 1; k < len(lines) && strings.TrimSpace(strings.TrimLeft(lines[k], "│")) != ""; k++ {
				para = append(para, strings.TrimSpace(strings.TrimLeft(lines[k], "│")))
			}
			s += ": " + strings.Join(para, " ")
			break
		}
		if r := []rune(s); len(r) > 400 {
			s = string(r[:400]) + "…"
		}
		out = append(out, idLike.ReplaceAllString(s, "…"))
	}
	return out
}

var planLine = regexp.MustCompile(`(?m)^\s*# (\S+?)(\[[^\]]*\])? (will be|must be) (.*)$`)

// planChanges are the actions a plan that should have been empty wanted, per resource
// type (the index taken out, so that the same cause counts as one).
func planChanges(stdout string) []string {
	var out []string
	lines := strings.Split(stdout, "\n")
	for i, l := range lines {
		m := planLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		// the attributes it would change: "~ name", "+ name", "- name" up to the block's end
		var attrs []string
		for _, a := range lines[i+1:] {
			if strings.TrimSpace(a) == "}" || planLine.MatchString(a) {
				break
			}
			if f := strings.Fields(a); len(f) >= 3 && (f[0] == "~" || f[0] == "+" || f[0] == "-" || f[0] == "-/+") && (f[2] == "=" || f[2] == "{") {
				attrs = append(attrs, f[0]+f[1])
			}
		}
		out = append(out, fmt.Sprintf("plan after a successful apply: %s %s %s (%s)", m[1], m[3], m[4], strings.Join(attrs, " ")))
	}
	if len(out) == 0 {
		out = append(out, "plan after a successful apply was not empty (no resource line found)")
	}
	return out
}
