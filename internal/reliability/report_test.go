package reliability

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// table is the soak's table in Markdown: a row per round, a total per flavour.
func table(rows []roundResult) string {
	var b strings.Builder
	b.WriteString("| flavour | round | faults fired, by kind | requests (authentications) | applies to converge (run 1 / run 2) | failed commands + plans with changes | orphans | duplicates | in two states | work repeated (tasks + uploads + web-downloads) | left after destroy (kept by design) |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	type total struct {
		fired                                                                                                                       map[string]int
		runs, within, requests, auths, failed, dirty, orphans, dups, shared, tasks, uploads, fetches, left, kept, rounds, converged int
	}
	totals := map[string]*total{}
	var order []string
	for _, r := range rows {
		c := r.census
		fmt.Fprintf(&b, "| %s | %d | %s | %d (%d) | %s | %d + %d | %d | %d | %d | %d + %d + %d | %d (%d) |\n", r.flavour, r.round, firedString(r.fired),
			r.requests, r.auths, r.convergedIn(), r.failed, r.dirty, len(c.orphans), c.dupN, len(c.shared), c.repTasks, c.repUploads, c.repFetches, len(r.left), r.kept)
		tt := totals[r.flavour]
		if tt == nil {
			tt = &total{fired: map[string]int{}}
			totals[r.flavour] = tt
			order = append(order, r.flavour)
		}
		for k, v := range r.fired {
			tt.fired[k] += v
		}
		tt.failed += r.failed
		tt.dirty += r.dirty
		tt.requests += r.requests
		tt.auths += r.auths
		tt.orphans += len(c.orphans)
		tt.dups += c.dupN
		tt.shared += len(c.shared)
		tt.tasks += c.repTasks
		tt.uploads += c.repUploads
		tt.fetches += c.repFetches
		tt.left += len(r.left)
		tt.kept += r.kept
		tt.rounds++
		for _, n := range r.applies {
			tt.runs++
			if n > 0 && n <= withinApplies {
				tt.within++
			}
		}
		if !slices.Contains(r.applies, 0) {
			tt.converged++
		}
	}
	for _, f := range order {
		tt := totals[f]
		fmt.Fprintf(&b, "| **%s, all** | %d | %s | %d (%d) | %d of %d rounds converged; %d of %d runs within %d applies | %d + %d | **%d** | **%d** | **%d** | %d + %d + %d | **%d** (%d) |\n", f, tt.rounds,
			firedString(tt.fired), tt.requests, tt.auths, tt.converged, tt.rounds, tt.within, tt.runs, withinApplies, tt.failed, tt.dirty, tt.orphans, tt.dups, tt.shared, tt.tasks, tt.uploads, tt.fetches, tt.left, tt.kept)
	}
	return b.String()
}

// details lists what each round found, and the errors terraform printed, by cause.
func details(rows []roundResult) string {
	var b strings.Builder
	errs := map[string]map[string]int{}
	for _, r := range rows {
		c := r.census
		for _, l := range []struct {
			what  string
			lines []string
		}{{"orphan", c.orphans}, {"duplicate", c.duplicates}, {"in two states", c.shared}, {"repeated", c.repeated}, {"left after destroy", r.left}} {
			for i, s := range l.lines {
				if i == 8 {
					fmt.Fprintf(&b, "- %s round %d, %s: … %d more\n", r.flavour, r.round, l.what, len(l.lines)-i)
					break
				}
				fmt.Fprintf(&b, "- %s round %d, %s: %s\n", r.flavour, r.round, l.what, s)
			}
		}
		if errs[r.flavour] == nil {
			errs[r.flavour] = map[string]int{}
		}
		for _, e := range r.errors {
			errs[r.flavour][e]++
		}
	}
	if b.Len() == 0 {
		b.WriteString("Nothing: no orphan, duplicate, shared object, repeated work or leftover.\n")
	}
	b.WriteString("\nErrors terraform printed, and what plans after a successful apply wanted (ids, numbers and ports replaced by …), by flavour, most frequent first:\n\n")
	for _, f := range slices.Sorted(maps.Keys(errs)) {
		keys := slices.Collect(maps.Keys(errs[f]))
		slices.SortFunc(keys, func(a, b string) int {
			if d := errs[f][b] - errs[f][a]; d != 0 {
				return d
			}
			return strings.Compare(a, b)
		})
		if len(keys) == 0 {
			fmt.Fprintf(&b, "- %s: none\n", f)
		}
		for i, k := range keys {
			if i == 15 {
				fmt.Fprintf(&b, "- %s: … %d more causes\n", f, len(keys)-i)
				break
			}
			fmt.Fprintf(&b, "- %s, %d×: `%s`\n", f, errs[f][k], strings.ReplaceAll(k, "`", "'"))
		}
	}
	return b.String()
}

// revision is the commit measured: SOAK_REVISION when set (a run from an exported tree),
// else git's HEAD, marked when the tree has changes.
func revision() string {
	if r := os.Getenv("SOAK_REVISION"); r != "" {
		return "commit " + r
	}
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "an unknown commit"
	}
	rev := "commit " + strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		rev += " with uncommitted changes in the tree"
	}
	return rev
}

func machine() string {
	model := "unknown CPU"
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(raw), "\n") {
			if name, ok := strings.CutPrefix(l, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs visible to Go, %s/%s, %s", model, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// reliabilityDoc is RELIABILITY.md.
func reliabilityDoc(p params, rows []roundResult, interruptions []interruption, loadBefore, loadAfter string, took time.Duration) string {
	var b strings.Builder
	b.WriteString("# Reliability\n\n")
	fmt.Fprintf(&b, "Full run of `make soak` on %s, %s in all, of %s.\nMachine: %s (shared with other work).\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), took.Round(time.Second), revision(), machine())
	fmt.Fprintf(&b, "Load average (1, 5, 15 min) when the run started: %s; when it ended: %s.\n\n", loadBefore, loadAfter)
	b.WriteString("## What a round does\n\n")
	ttl := "the mock's default (a day)"
	if p.tokenTTL > 0 {
		ttl = p.tokenTTL.String()
	}
	fmt.Fprintf(&b, "Parameters: SOAK_ROUNDS=%d rounds per flavour, SOAK_SEED=%d, SOAK_SHARE=%.3g, SOAK_SIZE=%d, SOAK_APPLIES=%d, "+
		"SOAK_TOKEN_TTL=%s, %s per terraform command.\n\n", p.rounds, p.seed, p.share, p.size, p.applies, ttl, p.timeout)
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.flavour] {
			seen[r.flavour] = true
			fmt.Fprintf(&b, "- **%s**: %s.\n", r.flavour, r.what)
		}
	}
	b.WriteString(`
Each flavour has one mock (in-process, internal/mockserver) for all its rounds. In a round, two
runs of the same configuration (two working directories, the same names, one tenant) apply at
the same time with the real terraform binary and the provider built from this tree. Random
faults (503, 502 and 429 with Retry-After: 1, dropped connections, answers lost after the work
was done, bodies cut in half, 700 ms of latency, uploads killed after 16 KiB) are armed on every
route, identity and object store included, so that about SOAK_SHARE of all requests get one for
the first apply (each kind an equal part, each with its own seed derived from SOAK_SEED, the
flavour, the round and the apply); the share is halved for each re-apply. A run has converged
when an apply succeeds and a plan after it, under the same faults, is empty
(` + "`plan -detailed-exitcode`" + ` exits 0); a run that has not after SOAK_APPLIES applies is "**no**", and one
that needed more than 2 applies is in bold (the issue's bar at a 25 % share: within 2; make soak fails it).
Then, with the faults off, the census, and both runs destroy (once more if the first destroy fails).

The seed makes each fault's draws reproducible for a given order of requests; terraform runs
resources in parallel, so the order, and with it which request gets which fault, varies from run
to run. The counts are comparable from run to run, not identical.

## Table

`)
	b.WriteString(table(rows))
	b.WriteString(`
- **faults fired**: from the mock's own counters (` + "`Server.FaultsFired`" + `, "fired" in ` + "`GET /_mock/faults`" + `), over all applies and plans of the round.
- **requests**: the requests the mock counted in those applies and plans (faulted ones included; the control path never);
  in brackets, how many of them were authentications (each provider process authenticates once, more when a token expires).
- **failed commands + plans with changes**: applies and plans that exited with an error, and plans after a successful apply
  that were not empty (what they wanted is listed below with the errors).
- **orphans**: images on the server, made during the round, whose id no state entry of either run holds.
- **duplicates**: images beyond one per state entry of the same name (an import task's ` + "`[tf-…]`" + ` mark taken off).
- **in two states**: image or task ids held by more than one state entry (across the two runs, or twice in one).
- **work repeated**: import and export tasks beyond one per resource that needs one (imports by image name, exports by image id),
  uploads the server stored (204 to a PUT of an image's data, answered or not) beyond one per image a state holds,
  and web-downloads (the mock's GETs of a source_url, counted by the data server) beyond one per image that asks for one.
- **left after destroy**: images of the round still on the server after both destroys; in brackets, the images of
  ` + "`cloudimages_image_import_task`" + ` resources, which destroy keeps by design. Both are then deleted so that the next
  round starts clean.

## What it found

`)
	b.WriteString(details(rows))
	if notes, err := os.ReadFile("testdata/causes.md"); err == nil {
		b.WriteString("\n### Causes\n\n")
		b.Write(notes)
	}
	b.WriteString(`
## Interruptions

One resource alone in its configuration, one row per step where the provider writes, streams or
waits, each interrupted three ways: by SIGINT to terraform's process group (as Ctrl-C in a terminal),
by a create timeout of 6 s (the member resources have no timeouts: not those), and by a lost
answer (one lose_answer fault on the step's route: the server does the work and closes the
connection; the row has landed when the mock's log shows "answer lost" on that route). A latency fault of 90 s on the step's route (every request of that
method and path, retries included) holds the step; the SIGINT is sent once the mock has counted the
request and not answered it. The row has landed in its step when the mock's request log shows a
request of that route abandoned by the client during the latency ("client gone during the injected
latency") and the step after it was never reached. Then, with the faults off and a create timeout
of 10 m (what a user does after a timeout), up to 3 applies, each followed by a plan that must be
empty; then the count, then destroy. Mock delay: 200 ms per asynchronous step.

The copy rows (` + "`copy_from`" + `) run on a mock of two regions: the source image in ORD, the copy in DFW (the
provider block's region). Their steps' paths carry the region (` + "`^/DFW/image/v2/tasks$`" + `), and so do the
mock's counters they are matched with (` + "`POST /DFW/image/v2/tasks`" + `, counted beside the route of every
region), so that a held step in one region is not mistaken for the same route in the other. The census
counts the images, tasks and objects of both regions.

`)
	b.WriteString(interruptionMarkdown(interruptions))
	b.WriteString(`
- **images**, **tasks**: made during the row (tasks of the resource's own types: the copy through the object stores
  runs an export in ORD and an import in DFW; the export row's source image, the copies' source and the member rows'
  shared image were made before).
- **uploads stored**: uploads the mock stored (204 to a PUT of the image's data). An object the provider stored more
  than once (201 to a PUT of the same object: a copy's object streamed again) is work repeated, a problem of the row.
- A row passes when it landed, converged, made one image (none for an export), ran each of its tasks once (in its
  region), stored one upload (file images and the glance copy), left no orphan, and destroy left nothing beyond what
  the resource keeps by design; the member rows also need exactly one member on the image (accepted, for the status),
  and the copy rows a copy with the source's checksum and its property, and no object left in the container
  ` + "`cloudimages-copies`" + ` of either region.

## What is recorded where

- **The mock** (internal/mockserver) is the ground truth: ` + "`Server.Images()`" + ` and ` + "`Server.Tasks()`" + ` (every task of the
  round, whatever became of it), its request log (Options.Logf: every request with its status and what a fault did
  to it, e.g. "answer lost"), its request counters and its fired-fault counters.
- **Terraform's state** of each run (` + "`terraform.tfstate`" + ` in its working directory, read as JSON): which image
  and task ids each resource instance holds.
- **The provider** is what must connect the two after a lost answer: the image id it chose itself for an image create, the mark
  (` + "` [tf-<token>]`" + ` in the image name of an import task, see internal/client/tasks.go) or the export's own object
  name, which the next apply looks up instead of starting the work again. This soak does not read the provider's
  private state; it judges by the outcome above.

## How to run it

- ` + "`make soak`" + ` runs this (TestSoak in internal/reliability, CLOUDIMAGES_SOAK=full) and rewrites this file;
  ` + "`SOAK_ROUNDS`, `SOAK_SEED`, `SOAK_SHARE`, `SOAK_SIZE`, `SOAK_APPLIES` and `SOAK_TOKEN_TTL`" + ` change it.
- ` + "`go test -count=1 -run TestInterruptions ./internal/reliability/`" + ` runs the interruption table alone (about two minutes).
- ` + "`go test -count=1 -run TestSoak_short ./internal/reliability/`" + ` is one seeded round per flavour with a few resources
  (part of the normal tests); it fails on any orphan, duplicate, object in two states, leftover, or round that does not converge.
`)
	return b.String()
}
