package reliability

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// stateEntry is one resource instance of a terraform state file.
type stateEntry struct {
	run   int // which of the concurrent runs holds it
	addr  string
	typ   string
	attrs map[string]any
}

func (e stateEntry) str(name string) string {
	s, _ := e.attrs[name].(string)
	return s
}

// readState reads terraform.tfstate of dir as the run left it (none: no entries).
func readState(run int, dir string) ([]stateEntry, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var doc struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				IndexKey   any            `json:"index_key"`
				Attributes map[string]any `json:"attributes"`
			}
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	var out []stateEntry
	for _, r := range doc.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, in := range r.Instances {
			addr := r.Type + "." + r.Name
			if in.IndexKey != nil {
				addr += fmt.Sprintf("[%v]", in.IndexKey)
			}
			out = append(out, stateEntry{run: run, addr: addr, typ: r.Type, attrs: in.Attributes})
		}
	}
	return out, nil
}

// uploadLog keeps, from the mock's request log, the uploads the server stored (204 to a
// PUT of an image's data, whether or not the answer then reached the client), and the
// objects the provider stored in an object store (201 to a PUT of an object: a copy's
// object streamed from another region).
type uploadLog struct {
	mu      sync.Mutex
	done    map[string]int // image id → stored uploads
	objects map[string]int // "/<REGION>/object/v1/AUTH_<tenant>/<container>/<object>" → stored PUTs
}

// uploadPath and objectPath match a request's path, with a region prefix when the mock
// has several regions.
var (
	uploadPath = regexp.MustCompile(`^(?:/[^/]+)?/image/v2/images/([^/?]+)/file`)
	objectPath = regexp.MustCompile(`^((?:/[^/]+)?/object/v1/[^/?]+/[^/?]+/[^?]+)`)
)

// logf is the mock's Logf: the recorder logs "%s %s %d %s%s" (method, URI, status, time,
// note) for every request.
func (u *uploadLog) logf(format string, args ...any) {
	if len(args) != 5 || !strings.HasPrefix(format, "%s %s %d") {
		return
	}
	method, _ := args[0].(string)
	uri, _ := args[1].(string)
	status, _ := args[2].(int)
	if method != "PUT" {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if m := uploadPath.FindStringSubmatch(uri); m != nil && status == 204 {
		if u.done == nil {
			u.done = map[string]int{}
		}
		u.done[m[1]]++
	}
	if m := objectPath.FindStringSubmatch(uri); m != nil && status == 201 {
		if u.objects == nil {
			u.objects = map[string]int{}
		}
		u.objects[m[1]]++
	}
}

func (u *uploadLog) take() map[string]int {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := u.done
	u.done = nil
	return out
}

// takeObjects is take for the objects stored.
func (u *uploadLog) takeObjects() map[string]int {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := u.objects
	u.objects = nil
	return out
}

// census is what a round left, counted from the mock's state and the runs' states.
type census struct {
	orphans    []string // server images of the round that no state knows
	duplicates []string // server objects beyond one per resource
	shared     []string // ids held by more than one state entry
	repeated   []string // task runs beyond one per resource, uploads beyond one per image
	keep       map[string]bool
	images     int // server images of the round
	entries    int // state entries

	dupN, repTasks, repUploads int // how many objects the lines above stand for
	repFetches                 int // web-downloads the server made beyond one per image
	repObjects                 int // objects stored beyond once each
	storedUploads              int // uploads the server stored in all
}

var tokenMark = regexp.MustCompile(` \[tf-[0-9a-f]+\]$`) // client.TokenName's mark

// take counts. pre holds the image and task ids that were there before the round.
func take(srv *mockserver.Server, tenant string, states []stateEntry, preImages, preTasks map[string]bool, uploads map[string]int) census {
	c := census{keep: map[string]bool{}, entries: len(states)}
	holders := map[string][]string{} // object id → the state entries holding it
	wantName := map[string]int{}     // image name → state entries that make an image of that name
	wantTask := map[string]int{}     // task key → state entries that ran such a task
	for _, e := range states {
		who := fmt.Sprintf("run %d %s", e.run+1, e.addr)
		switch e.typ {
		case "cloudimages_image":
			holders[e.str("id")] = append(holders[e.str("id")], who)
			wantName[e.str("name")]++
			if e.str("import_from") != "" {
				wantTask["import:"+e.str("name")]++
			}
			// A copy through the object stores (Rackspace) saves its import task: it ran
			// that import, and an export of its source in the source's region.
			if cf, _ := e.attrs["copy_from"].(map[string]any); cf != nil && e.str("import_task_id") != "" {
				wantTask["import:"+e.str("name")]++
				if src, _ := cf["image_id"].(string); src != "" {
					wantTask["export:"+src]++
				}
			}
		case "cloudimages_image_import_task":
			holders[e.str("id")] = append(holders[e.str("id")], who)
			if id := e.str("image_id"); id != "" {
				holders[id] = append(holders[id], who)
				c.keep[id] = true // destroy forgets the task and keeps its image, by design
			}
			wantName[e.str("image_name")]++
			wantTask["import:"+e.str("image_name")]++
		case "cloudimages_image_export_task":
			holders[e.str("id")] = append(holders[e.str("id")], who)
			wantTask["export:"+e.str("image_id")]++
		}
	}
	for id, who := range holders {
		if id != "" && len(who) > 1 {
			c.shared = append(c.shared, id+" in "+strings.Join(who, " and "))
		}
	}

	byName := map[string][]string{}
	for _, img := range allImages(srv) {
		if img.Owner != tenant || preImages[img.ID] {
			continue
		}
		c.images++
		name := ""
		if img.Name != nil {
			name = tokenMark.ReplaceAllString(*img.Name, "")
		}
		byName[name] = append(byName[name], img.ID)
		if len(holders[img.ID]) == 0 {
			c.orphans = append(c.orphans, fmt.Sprintf("%s %q (%s)", img.ID, name, img.Status))
		}
	}
	for name, ids := range byName {
		if extra := len(ids) - max(wantName[name], 1); extra > 0 {
			c.dupN += extra
			c.duplicates = append(c.duplicates, fmt.Sprintf("%d × image %q for %d resources: %s", len(ids), name, wantName[name], strings.Join(ids, ", ")))
		}
	}

	byTask := map[string][]string{}
	for _, task := range allTasks(srv) {
		if task.Owner != tenant || preTasks[task.ID] {
			continue
		}
		key := task.Type + ":"
		switch task.Type {
		case "import":
			props, _ := task.Input["image_properties"].(map[string]any)
			name, _ := props["name"].(string)
			key += tokenMark.ReplaceAllString(name, "")
		case "export":
			id, _ := task.Input["image_uuid"].(string)
			key += id
		}
		byTask[key] = append(byTask[key], task.ID+" ("+task.Status+")")
	}
	for key, ids := range byTask {
		if extra := len(ids) - max(wantTask[key], 1); extra > 0 {
			c.repTasks += extra
			c.repeated = append(c.repeated, fmt.Sprintf("%d × %s task for %d resources: %s", len(ids), key, wantTask[key], strings.Join(ids, ", ")))
		}
	}
	for id, n := range uploads {
		c.storedUploads += n
		// one stored upload per image a state holds; any other is work done again
		if extra := n - btoi(len(holders[id]) > 0); extra > 0 {
			c.repUploads += extra
			c.repeated = append(c.repeated, fmt.Sprintf("%d stored upload(s) to image %s, held by %d entries", n, id, len(holders[id])))
		}
	}
	for _, l := range [][]string{c.orphans, c.duplicates, c.shared, c.repeated} {
		sort.Strings(l)
	}
	return c
}

// countFetches adds the web-downloads beyond one per state entry that asks for one, by
// image name (fetches are the data server's GETs by name).
func (c *census) countFetches(states []stateEntry, fetches map[string]int) {
	want := map[string]int{}
	for _, e := range states {
		if e.typ == "cloudimages_image" && e.attrs["web_download"] == true {
			want[e.str("name")]++
		}
	}
	for name, n := range fetches {
		if extra := n - max(want[name], 1); extra > 0 {
			c.repFetches += extra
			c.repeated = append(c.repeated, fmt.Sprintf("%d × web-download of %q for %d resources", n, name, want[name]))
		}
	}
	sort.Strings(c.repeated)
}

// countObjects adds the objects the provider stored more than once (a copy's object
// streamed again to the same place).
func (c *census) countObjects(stored map[string]int) {
	for path, n := range stored {
		if n > 1 {
			c.repObjects += n - 1
			c.repeated = append(c.repeated, fmt.Sprintf("%d stored PUTs of object %s", n, path))
		}
	}
	sort.Strings(c.repeated)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// imageIDs and taskIDs are the ids on the server now, in every region.
func imageIDs(srv *mockserver.Server) map[string]bool {
	out := map[string]bool{}
	for _, img := range allImages(srv) {
		out[img.ID] = true
	}
	return out
}

func taskIDs(srv *mockserver.Server) map[string]bool {
	out := map[string]bool{}
	for _, task := range allTasks(srv) {
		out[task.ID] = true
	}
	return out
}

// views are the server's regions, each with its own images, tasks and object store (the
// server alone when it has one region).
func views(srv *mockserver.Server) []*mockserver.Server {
	var out []*mockserver.Server
	for _, name := range srv.Regions() {
		out = append(out, srv.InRegion(name))
	}
	return out
}

// allImages and allTasks are the images and the tasks of every region.
func allImages(srv *mockserver.Server) []mockserver.ImageRecord {
	var out []mockserver.ImageRecord
	for _, v := range views(srv) {
		out = append(out, v.Images()...)
	}
	return out
}

func allTasks(srv *mockserver.Server) []mockserver.TaskRecord {
	var out []mockserver.TaskRecord
	for _, v := range views(srv) {
		out = append(out, v.Tasks()...)
	}
	return out
}
