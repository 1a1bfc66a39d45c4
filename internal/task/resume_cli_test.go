package task_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// What a user sees, through the real CLI and the provider binary: the
// warning of a wait that stopped, the plan that follows, and the state.

func TestAccImportTask_cliTimeoutWarnsAndPlansTheWait(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: slowTask})
	seedVHD(t, srv)
	cli := acctest.NewCLI(t, timedImport(srv, "1s"))
	cli.MustRun("init", "-input=false")

	out := cli.MustRun("apply", "-auto-approve", "-input=false")
	expectAll(t, "the apply", out.Stdout+out.Stderr,
		"Warning: Stopped waiting for import task",
		"The create timeout (1s) ran out: timed out after",
		"The task goes on on the server",
		"keeps waiting for this same task",
		`named "imported [tf-`)
	expectSaved(t, cli.Dir())
	t.Logf("the apply that timed out:\n%s", out.Stdout)

	plan := cli.Run("plan", "-detailed-exitcode", "-input=false")
	if code := exitCode(plan.Err); code != 2 {
		t.Fatalf("plan after the timeout: exit %d, want 2 (changes)\n%s%s", code, plan.Stdout, plan.Stderr)
	}
	t.Logf("the plan after it:\n%s", plan.Stdout)
	expectAll(t, "the plan", plan.Stdout, "will be updated in-place", "status", "(known after apply)", "0 to add, 1 to change, 0 to destroy")

	cli.MustRun("apply", "-auto-approve", "-input=false")
	if err := tasksPosted(srv, 1)(nil); err != nil {
		t.Fatal(err)
	}
	if err := imagesNamed(srv, "imported")(nil); err != nil {
		t.Fatal(err)
	}
	if r := cli.Run("plan", "-detailed-exitcode", "-input=false"); r.Err != nil {
		t.Fatalf("plan after the resumed apply is not empty: %v\n%s", r.Err, r.Stdout)
	}
}

// A Ctrl-C during the wait: terraform stops the provider, whose wait ends
// as a timeout's does. The task is saved, not tainted, and adopted.
func TestAccImportTask_cliInterruptSavesTheTask(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: 2 * time.Second})
	seedVHD(t, srv)
	cli := acctest.NewCLI(t, timedImport(srv, "10m"))
	cli.MustRun("init", "-input=false")

	cmd := exec.Command("terraform", "apply", "-auto-approve", "-input=false", "-no-color")
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		cmd.Path, cmd.Args[0] = p, p
	}
	cmd.Dir = cli.Dir()
	cmd.Env = cliEnv(cli.Dir())
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for len(srv.Tasks()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // into the wait
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // terraform's exit code after an interrupt is its own business
	expectAll(t, "the interrupted apply", output.String(), "Stopped waiting for import task", "Terraform was interrupted")
	expectSaved(t, cli.Dir())
	t.Logf("the interrupted apply:\n%s", output.String())

	cli.MustRun("apply", "-auto-approve", "-input=false")
	if err := tasksPosted(srv, 1)(nil); err != nil {
		t.Fatal(err)
	}
	if err := imagesNamed(srv, "imported")(nil); err != nil {
		t.Fatal(err)
	}
}

func expectAll(t *testing.T, what, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Fatalf("%s does not say %q:\n%s", what, p, text)
		}
	}
}

// expectSaved checks that the state holds the import task, running and not
// tainted.
func expectSaved(t *testing.T, dir string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatalf("no state saved: %v", err)
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Status     string         `json:"status"`
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Resources {
		if r.Type != "cloudimages_image_import_task" || len(r.Instances) != 1 {
			continue
		}
		in := r.Instances[0]
		status, _ := in.Attributes["status"].(string)
		if in.Status == "tainted" || (status != "pending" && status != "processing") || in.Attributes["id"] == "" {
			t.Fatalf("the state holds the task %v as %q (status %q), want it running and not tainted", in.Attributes["id"], in.Status, status)
		}
		return
	}
	t.Fatalf("the state holds no import task:\n%s", raw)
}

// cliEnv is the environment acctest.CLI runs terraform with, for a command
// that must run in the background.
func cliEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "TOFU_") && !strings.HasPrefix(kv, "OS_") && !strings.HasPrefix(kv, "CLOUDIMAGES_") {
			env = append(env, kv)
		}
	}
	return append(env, "TF_CLI_CONFIG_FILE="+filepath.Join(dir, ".terraformrc"), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// Destroying a task that still runs forgets it, and says that the task goes
// on and what it will leave.
func TestAccImportTask_cliDestroyWhileRunningWarns(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{Delay: slowTask})
	seedVHD(t, srv)
	cli := acctest.NewCLI(t, timedImport(srv, "1s"))
	cli.MustRun("init", "-input=false")
	cli.MustRun("apply", "-auto-approve", "-input=false")

	out := cli.MustRun("destroy", "-auto-approve", "-input=false", "-refresh=false")
	expectAll(t, "the destroy", out.Stdout+out.Stderr,
		"Warning: Import task", "is still running",
		"goes on", `will be named "imported`, "[tf-", "managed by no configuration")
	if err := tasksPosted(srv, 1)(nil); err != nil {
		t.Fatal(err)
	}
}
