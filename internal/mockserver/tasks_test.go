package mockserver

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/tasks"
)

// seedObject creates the container if needed and stores data as container/name.
func seedObject(t *testing.T, s *Server, tenant, containerName, name string, data []byte) {
	t.Helper()
	if err := s.CreateContainer(tenant, containerName); err != nil {
		t.Fatal(err)
	}
	if err := s.PutObject(tenant, containerName, name, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

// postTask creates a task as tenant and returns the 201 body.
func postTask(t *testing.T, s *Server, tenant, typ string, input map[string]any) map[string]any {
	t.Helper()
	r := do(t, s, req{method: "POST", path: "/image/v2/tasks", token: s.IssueToken(tenant),
		body: map[string]any{"type": typ, "input": input}})
	expect(t, r, http.StatusCreated, "")
	task := r.object(t)
	if r.header.Get("Location") != "/v2/tasks/"+task["id"].(string) {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	return task
}

func getTask(t *testing.T, s *Server, tenant, id string) response {
	t.Helper()
	return do(t, s, req{method: "GET", path: "/image/v2/tasks/" + id, token: s.IssueToken(tenant)})
}

// finished creates a task (server Delay 0, so it is done at once) and returns its JSON.
func finished(t *testing.T, s *Server, tenant, typ string, input map[string]any) map[string]any {
	t.Helper()
	id := postTask(t, s, tenant, typ, input)["id"].(string)
	r := getTask(t, s, tenant, id)
	expect(t, r, http.StatusOK, "")
	return r.object(t)
}

func importInput(name, from string) map[string]any {
	return map[string]any{"image_properties": map[string]any{"name": name}, "import_from": from}
}

func TestTasks_ImportSuccess(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	disk := vhdBytes(t, 1<<20)
	seedObject(t, s, producer, "images", "dir/disk.vhd", disk)
	input := importInput("My excellent custom image", "images/dir/disk.vhd")

	created := postTask(t, s, producer, "import", input)
	id := created["id"].(string)
	want := map[string]any{
		"type": "import", "status": "pending", "owner": producer, "message": "", "result": nil,
		"self": "/v2/tasks/" + id, "schema": "/v2/schemas/task",
		"created_at": "2026-03-01T12:00:00Z", "updated_at": "2026-03-01T12:00:00Z",
	}
	for k, v := range want {
		if got, ok := created[k]; !ok || got != v {
			t.Errorf("created %s = %v, want %v", k, got, v)
		}
	}
	if _, ok := created["expires_at"]; ok || created["input"].(map[string]any)["import_from"] != "images/dir/disk.vhd" ||
		len(created) != len(want)+2 {
		t.Errorf("created = %v", created)
	}

	done := getTask(t, s, producer, id).object(t)
	result, _ := done["result"].(map[string]any)
	imageID, _ := result["image_id"].(string)
	if done["status"] != "success" || imageID == "" || done["expires_at"] != "2026-03-03T12:00:00Z" || done["message"] != "" {
		t.Fatalf("task = %v", done)
	}
	img, ok := s.Image(imageID)
	obj, _ := s.Object(producer, "images", "dir/disk.vhd")
	sha := sha512.Sum512(disk)
	if !ok || img.Status != "active" || *img.Name != "My excellent custom image" || img.Owner != producer ||
		*img.DiskFormat != "vhd" || *img.ContainerFormat != "ovf" || *img.Size != int64(len(disk)) ||
		*img.VirtualSize != 1<<20 || *img.Checksum != obj.ETag || *img.OSHashValue != hex.EncodeToString(sha[:]) ||
		img.Visibility != "shared" {
		t.Fatalf("image = %+v", img)
	}
	r := do(t, s, req{method: "GET", path: "/image/v2/images/" + imageID + "/file", token: s.IssueToken(producer)})
	if expect(t, r, http.StatusOK, ""); !bytes.Equal(r.body, disk) {
		t.Error("downloaded image differs from the object")
	}
	rec, ok := s.Task(id)
	if !ok || rec.Status != "success" || rec.Result["image_id"] != imageID || rec.ExpiresAt == nil ||
		!rec.ExpiresAt.Equal(rec.UpdatedAt.Add(48*time.Hour)) || rec.Input["import_from"] != "images/dir/disk.vhd" {
		t.Errorf("record = %+v", rec)
	}
	rec.Input["import_from"] = "changed" // a copy
	if again, _ := s.Task(id); again.Input["import_from"] != "images/dir/disk.vhd" {
		t.Error("Task returned the stored map")
	}

	// Any known disk format; only vhd is checked and gets the ovf container.
	seedObject(t, s, producer, "images", "raw.img", []byte("raw bytes"))
	in := importInput("raw", "images/raw.img")
	in["import_from_format"] = "raw"
	done = finished(t, s, producer, "import", in)
	imageID = done["result"].(map[string]any)["image_id"].(string)
	if img, _ := s.Image(imageID); *img.ContainerFormat != "bare" || *img.DiskFormat != "raw" || *img.VirtualSize != 9 {
		t.Errorf("raw import = %+v", img)
	}
}

func TestTasks_ImportFailures(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	seedObject(t, s, producer, "images", "disk.vhd", vhdBytes(t, 4096))
	seedObject(t, s, producer, "images", "notes.txt", []byte(strings.Repeat("hello ", 200)))
	seedObject(t, s, consumer, "theirs", "disk.vhd", vhdBytes(t, 4096))
	withProps := func(props map[string]any) map[string]any {
		return map[string]any{"image_properties": props, "import_from": "images/disk.vhd"}
	}
	withFormat := func(f any) map[string]any {
		in := importInput("n", "images/disk.vhd")
		in["import_from_format"] = f
		return in
	}
	cases := []struct {
		name, tenant string
		input        map[string]any
		msg          string
	}{
		{"missing container", producer, importInput("n", "nonexistentcontainer/noimage.vhd"), importNotFound},
		{"missing object", producer, importInput("n", "images/noimage.vhd"), importNotFound},
		{"no object name", producer, importInput("n", "images"), importNotFound},
		{"not a string", producer, map[string]any{"image_properties": map[string]any{"name": "n"}, "import_from": 5}, importNotFound},
		{"another tenant's object", consumer, importInput("n", "images/disk.vhd"), importNotFound},
		{"the other way round", producer, importInput("n", "theirs/disk.vhd"), importNotFound},
		{"not a VHD", producer, importInput("n", "images/notes.txt"), "Error: 396 - The image cannot be imported. The file is not a valid VHD."},
		{"extra property", producer, withProps(map[string]any{"name": "n", "os_distro": "x", "min_disk": 1}),
			"Error: Name is the only property that can be included in image_properties; found 'min_disk', 'os_distro'"},
		{"no name", producer, withProps(map[string]any{}), "Error: image_properties must contain the image's name"},
		{"empty name", producer, withProps(map[string]any{"name": ""}), "Error: image_properties must contain the image's name"},
		{"long name", producer, withProps(map[string]any{"name": strings.Repeat("n", 256)}), "Error: The image name is longer than 255 characters"},
		{"properties not an object", producer, withProps(nil), "Error: image_properties must be an object holding the image's name"},
		{"no properties", producer, map[string]any{"import_from": "images/disk.vhd"}, "Input does not contain 'image_properties' field"},
		{"no location", producer, map[string]any{"image_properties": map[string]any{"name": "n"}}, "Input does not contain 'import_from' field"},
		{"unknown format", producer, withFormat("floppy"), "Error: Invalid import_from_format 'floppy': must be one of " + strings.Join(diskFormats, ", ")},
	}
	for _, tc := range cases {
		task := finished(t, s, tc.tenant, "import", tc.input)
		if task["status"] != "failure" || task["message"] != tc.msg || task["result"] != nil || task["expires_at"] == nil {
			t.Errorf("%s: %v", tc.name, task)
		}
	}
	if imgs := s.Images(); len(imgs) != 0 {
		t.Errorf("failed imports left images: %+v", imgs)
	}
	if files := dataFilesIn(t, s, "images"); len(files) != 0 {
		t.Errorf("failed imports left files: %v", files)
	}
}

func TestTasks_ExportSuccess(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	data := string(randomData(200<<10 + 1))
	id := activeImage(t, s, map[string]any{"name": "to export"}, data)
	if err := s.CreateContainer(producer, "exports"); err != nil {
		t.Fatal(err)
	}
	task := finished(t, s, producer, "export", map[string]any{"image_uuid": id, "receiving_swift_container": "exports"})
	if task["status"] != "success" || task["result"].(map[string]any)["export_location"] != "exports/"+id+".vhd" {
		t.Fatalf("task = %v", task)
	}
	obj, ok := s.Object(producer, "exports", id+".vhd")
	img, _ := s.Image(id)
	if !ok || obj.Size != int64(len(data)) || obj.ETag != *img.Checksum {
		t.Fatalf("object = %+v", obj)
	}
	r := swift(t, s, producer, "GET", "/exports/"+id+".vhd", nil, nil)
	if expect(t, r, http.StatusOK, ""); string(r.body) != data || r.header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("exported object differs (%d bytes, %v)", len(r.body), r.header)
	}

	// An exported VHD imports back as the same bytes.
	disk := vhdBytes(t, 8192)
	seedObject(t, s, producer, "images", "disk.vhd", disk)
	imported := finished(t, s, producer, "import", importInput("round trip", "images/disk.vhd"))
	newID := imported["result"].(map[string]any)["image_id"].(string)
	finished(t, s, producer, "export", map[string]any{"image_uuid": newID, "receiving_swift_container": "exports"})
	back, _ := s.Object(producer, "exports", newID+".vhd")
	if onDisk, err := os.ReadFile(back.DataPath); err != nil || !bytes.Equal(onDisk, disk) {
		t.Errorf("round trip differs: %v", err)
	}
}

func TestTasks_ExportFailures(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	mine := activeImage(t, s, nil, "mine")
	queued := createImageID(t, s, nil)
	deactivated := activeImage(t, s, nil, "old")
	expect(t, do(t, s, req{method: "POST", path: "/image/v2/images/" + deactivated + "/actions/deactivate", token: s.IssueToken(producer)}), 204, "")
	theirs := createImage(t, s, consumer, map[string]any{"disk_format": "raw", "container_format": "bare"})["id"].(string)
	expect(t, upload(t, s, consumer, theirs, "theirs", nil), 204, "")
	for _, c := range []string{"exports", "full"} {
		if err := s.CreateContainer(producer, c); err != nil {
			t.Fatal(err)
		}
	}
	seedObject(t, s, producer, "full", mine+".vhd", []byte("already here"))
	export := func(id, c string) map[string]any {
		return map[string]any{"image_uuid": id, "receiving_swift_container": c}
	}
	missing := "6f1c8a3e-0d3b-4a4e-9d55-2f4a3b2c1d0e"
	cases := []struct {
		name  string
		input map[string]any
		msg   string
	}{
		{"another tenant's image", export(theirs, "exports"), "Requested image for export was not found: " + theirs},
		{"no such image", export(missing, "exports"), "Requested image for export was not found: " + missing},
		{"deactivated", export(deactivated, "exports"), "Error: Image " + deactivated + " is deactivated. A deactivated image cannot be exported."},
		{"no data", export(queued, "exports"), "Error: Image " + queued + " is not active (status queued). Only active images can be exported."},
		{"existing object", export(mine, "full"), "Swift already has an object with id '" + mine + ".vhd' in container 'full'"},
		{"period", export(mine, "ex.ports"), "Error: Invalid receiving_swift_container 'ex.ports': the name may not contain '/', '?' or '.'"},
		{"slash", export(mine, "ex/ports"), "Error: Invalid receiving_swift_container 'ex/ports': the name may not contain '/', '?' or '.'"},
		{"question mark", export(mine, "exports?"), "Error: Invalid receiving_swift_container 'exports?': the name may not contain '/', '?' or '.'"},
		{"missing container", export(mine, "nowhere"), "Error: Swift container 'nowhere' does not exist"},
		{"no image", map[string]any{"receiving_swift_container": "exports"}, "Input does not contain 'image_uuid' field"},
		{"no container", map[string]any{"image_uuid": mine}, "Input does not contain 'receiving_swift_container' field"},
	}
	for _, tc := range cases {
		task := finished(t, s, producer, "export", tc.input)
		if task["status"] != "failure" || task["message"] != tc.msg || task["result"] != nil {
			t.Errorf("%s: %v", tc.name, task)
		}
	}
	if got, _ := s.Object(producer, "full", mine+".vhd"); got.Size != int64(len("already here")) {
		t.Errorf("existing object overwritten: %+v", got)
	}
	if objs := s.Objects(producer); len(objs) != 1 {
		t.Errorf("failed exports left objects: %+v", objs)
	}
}

func TestTasks_CreateValidation(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	cases := []struct {
		body any
		msg  string
	}{
		{"", "Body expected in request."},
		{"{", "Malformed JSON in request body."},
		{map[string]any{}, "Task 'type' is required"},
		{[]any{"import"}, "Task 'type' is required"},
		{map[string]any{"type": "import"}, "Task 'input' is required"},
		{map[string]any{"input": map[string]any{}}, "Task 'type' is required"},
		{map[string]any{"type": "copy", "input": map[string]any{}},
			"Provided object does not match schema 'task': 'copy' is not one of ['import', 'export']"},
		{map[string]any{"type": 1, "input": map[string]any{}},
			"Provided object does not match schema 'task': 1 is not one of ['import', 'export']"},
		{map[string]any{"type": "import", "input": "x"}, "Provided object does not match schema 'task': 'x' is not of type 'object'"},
		{map[string]any{"type": "import", "input": nil}, "Provided object does not match schema 'task': None is not of type 'object'"},
		{map[string]any{"type": "import", "input": map[string]any{}, "priority": 1},
			"Provided object does not match schema 'task': Additional properties are not allowed ('priority' was unexpected)"},
	}
	for _, tc := range cases {
		r := do(t, s, req{method: "POST", path: "/image/v2/tasks", token: tok, body: tc.body})
		expect(t, r, http.StatusBadRequest, tc.msg)
	}
	if n := len(s.Tasks()); n != 0 {
		t.Errorf("%d tasks created by bad requests", n)
	}
	// Wrong contents are the task's business, not the request's.
	task := postTask(t, s, producer, "export", map[string]any{"anything": true})
	if task["status"] != "pending" {
		t.Errorf("task = %v", task)
	}
}

func TestTasks_DeleteNotAllowed(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := postTask(t, s, producer, "import", importInput("n", "a/b"))["id"].(string)
	for _, tenant := range []string{producer, consumer} {
		r := do(t, s, req{method: "DELETE", path: "/image/v2/tasks/" + id, token: s.IssueToken(tenant)})
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET" {
			t.Fatalf("%s: %d %v", tenant, r.status, r.header)
		}
		if m := r.object(t); m["message"] != taskDeleteMessage || m["code"] != "405 Method Not Allowed" {
			t.Errorf("body %s", r.body)
		}
	}
	r := do(t, s, req{method: "DELETE", path: "/image/v2/tasks/" + id, token: s.IssueToken(producer), header: map[string]string{"Accept": ""}})
	if string(r.body) != "405 Method Not Allowed\n\n"+taskDeleteMessage {
		t.Errorf("plain body %q", r.body)
	}
	r = do(t, s, req{method: "PUT", path: "/image/v2/tasks/" + id, token: s.IssueToken(producer)})
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, DELETE" {
		t.Errorf("PUT: %d %v", r.status, r.header)
	}
	if _, ok := s.Task(id); !ok {
		t.Error("task deleted")
	}
}

// TestTasks_ExpiryAndOwners: a finished task is gone 48 hours later, its image is not;
// other tenants never see it.
func TestTasks_ExpiryAndOwners(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	seedObject(t, s, producer, "images", "disk.vhd", vhdBytes(t, 2048))
	task := finished(t, s, producer, "import", importInput("kept", "images/disk.vhd"))
	id, imageID := task["id"].(string), task["result"].(map[string]any)["image_id"].(string)
	clock.Advance(time.Second)
	later := postTask(t, s, producer, "import", importInput("n", "x/y"))["id"].(string)

	expect(t, getTask(t, s, consumer, id), http.StatusNotFound, "Could not find task "+id)
	if ids := taskIDs(t, s, consumer, ""); len(ids) != 0 {
		t.Errorf("consumer lists %v", ids)
	}

	clock.Advance(48*time.Hour - 2*time.Second)
	expect(t, getTask(t, s, producer, id), http.StatusOK, "")
	if ids := taskIDs(t, s, producer, ""); !sameSet(ids, id, later) {
		t.Errorf("before expiry: %v", ids)
	}
	clock.Advance(time.Second)
	expect(t, getTask(t, s, producer, id), http.StatusNotFound, "Could not find task "+id)
	if _, ok := s.Task(id); ok {
		t.Error("Task still returns the expired task")
	}
	// The second task finished a second later than the first, so it is still here.
	if ids := taskIDs(t, s, producer, ""); !sameSet(ids, later) {
		t.Errorf("after expiry: %v", ids)
	}
	if _, ok := s.Image(imageID); !ok {
		t.Error("the imported image expired with its task")
	}
	r := do(t, s, req{method: "GET", path: "/image/v2/tasks?marker=" + id, token: s.IssueToken(producer)})
	expect(t, r, http.StatusBadRequest, "Task with the given id "+id+" was not found")
}

// taskIDs lists the tenant's tasks with a raw query, ids in order.
func taskIDs(t *testing.T, s *Server, tenant, query string) []string {
	t.Helper()
	r := do(t, s, req{method: "GET", path: "/image/v2/tasks?" + query, token: s.IssueToken(tenant)})
	expect(t, r, http.StatusOK, "")
	var ids []string
	for _, e := range r.object(t)["tasks"].([]any) {
		ids = append(ids, e.(map[string]any)["id"].(string))
	}
	return ids
}

func TestTasks_ListFiltersAndPaging(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	seedObject(t, s, producer, "images", "disk.vhd", vhdBytes(t, 1024))
	if err := s.CreateContainer(producer, "exports"); err != nil {
		t.Fatal(err)
	}
	var ids []string // oldest first: import ok, import failed, export ok, export failed
	imported := finished(t, s, producer, "import", importInput("a", "images/disk.vhd"))
	ids = append(ids, imported["id"].(string))
	clock.Advance(time.Minute)
	ids = append(ids, finished(t, s, producer, "import", importInput("b", "images/none"))["id"].(string))
	clock.Advance(time.Minute)
	imageID := imported["result"].(map[string]any)["image_id"].(string)
	ids = append(ids, finished(t, s, producer, "export", map[string]any{"image_uuid": imageID, "receiving_swift_container": "exports"})["id"].(string))
	clock.Advance(time.Minute)
	ids = append(ids, finished(t, s, producer, "export", map[string]any{"image_uuid": imageID, "receiving_swift_container": "exports"})["id"].(string))
	finished(t, s, consumer, "import", importInput("c", "images/disk.vhd"))

	newestFirst := []string{ids[3], ids[2], ids[1], ids[0]}
	cases := []struct {
		query string
		want  []string
	}{
		{"", newestFirst},
		{"sort_dir=asc", ids},
		{"type=export", []string{ids[3], ids[2]}},
		{"status=failure", []string{ids[3], ids[1]}},
		{"type=import&status=success", []string{ids[0]}},
		{"status=pending", nil},
		{"sort_key=type&sort_dir=asc", []string{ids[2], ids[3], ids[0], ids[1]}},
		{"sort_key=status&sort_dir=desc", []string{ids[2], ids[0], ids[3], ids[1]}},
		{"limit=2", newestFirst[:2]},
		{"limit=2&marker=" + ids[2], []string{ids[1], ids[0]}},
	}
	for _, tc := range cases {
		if got := taskIDs(t, s, producer, tc.query); !equalStrings(got, tc.want) {
			t.Errorf("%q: %v, want %v", tc.query, got, tc.want)
		}
	}

	r := do(t, s, req{method: "GET", path: "/image/v2/tasks?limit=2&type=import", token: s.IssueToken(producer)})
	body := r.object(t)
	if body["first"] != "/v2/tasks?limit=2&type=import" || body["next"] != "/v2/tasks?limit=2&marker="+ids[0]+"&type=import" ||
		body["schema"] != "/v2/schemas/tasks" {
		t.Errorf("links %v", body)
	}
	stub := body["tasks"].([]any)[0].(map[string]any)
	for _, k := range []string{"input", "result", "message"} {
		if _, ok := stub[k]; ok {
			t.Errorf("list entry has %s: %v", k, stub)
		}
	}
	if stub["expires_at"] == nil || stub["self"] != "/v2/tasks/"+stub["id"].(string) || len(stub) != 9 {
		t.Errorf("stub %v", stub)
	}
	if body := do(t, s, req{method: "GET", path: "/image/v2/tasks?type=export", token: s.IssueToken(producer)}).object(t); body["next"] != nil {
		t.Errorf("next on a partial page: %v", body)
	}

	for query, msg := range map[string]string{
		"limit=x":          "limit param must be an integer",
		"limit=-1":         "limit param must be positive",
		"marker=abc":       "Invalid marker format",
		"sort_dir=up":      "Invalid sort direction: up",
		"sort_key=name":    "Sort key supplied was not valid.",
		"status=done":      "Invalid status value: done",
		"type=copy":        "Invalid type value: copy",
		"marker=" + ids[0]: "Task with the given id " + ids[0] + " was not found", // not the consumer's
	} {
		r := do(t, s, req{method: "GET", path: "/image/v2/tasks?" + query, token: s.IssueToken(consumer)})
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", query, r.status)
		} else if msg != "" {
			expect(t, r, http.StatusBadRequest, msg)
		}
	}
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, ",") == strings.Join(b, ",")
}

// TestTasks_DelayedStatuses: with a delay each step waits for it, in order, and the image
// appears only with success.
func TestTasks_DelayedStatuses(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Delay: 250 * time.Millisecond}) // each status lasts long enough to be seen
	seedObject(t, s, producer, "images", "disk.vhd", vhdBytes(t, 4096))
	id := postTask(t, s, producer, "import", importInput("slow", "images/disk.vhd"))["id"].(string)
	var seen []string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		rec, _ := s.Task(id)
		if len(seen) == 0 || seen[len(seen)-1] != rec.Status {
			seen = append(seen, rec.Status)
			if rec.Status != "success" && len(s.Images()) != 0 {
				t.Errorf("image exists while the task is %s", rec.Status)
			}
		}
		if rec.Status == "success" || rec.Status == "failure" {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if strings.Join(seen, ",") != "pending,processing,success" {
		t.Fatalf("statuses %v", seen)
	}
	if len(s.Images()) != 1 {
		t.Error("no image after success")
	}
}

// TestTasks_CloseWhileProcessing: a task cut short by Close leaves no data behind.
func TestTasks_CloseWhileProcessing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Start(Options{DataDir: dir, Delay: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	seedObject(t, s, producer, "images", "disk.vhd", vhdBytes(t, 4096))
	id := postTask(t, s, producer, "import", importInput("cut", "images/disk.vhd"))["id"].(string)
	waitFor(t, "processing", func() bool { rec, _ := s.Task(id); return rec.Status == "processing" })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir + "/images")
	if err != nil || len(entries) != 0 {
		t.Errorf("left in images/: %v %v", entries, err)
	}
}

func TestTasks_Gophercloud(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	sc := imageClient(t, s)
	seedObject(t, s, producer, "images", "disk.vhd", vhdBytes(t, 4096))
	if err := s.CreateContainer(producer, "exports"); err != nil {
		t.Fatal(err)
	}
	created, err := tasks.Create(ctx, sc, tasks.CreateOpts{Type: "import", Input: map[string]any{
		"import_from": "images/disk.vhd", "import_from_format": "vhd", "image_properties": map[string]any{"name": "n"},
	}}).Extract()
	if err != nil || created.Status != string(tasks.TaskStatusPending) || created.Owner != producer || !created.ExpiresAt.IsZero() {
		t.Fatalf("Create = %+v, %v", created, err)
	}
	got, err := tasks.Get(ctx, sc, created.ID).Extract()
	if err != nil || got.Status != string(tasks.TaskStatusSuccess) || got.ExpiresAt.Sub(got.UpdatedAt) != 48*time.Hour {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	imageID, _ := got.Result["image_id"].(string)
	exported, err := tasks.Create(ctx, sc, tasks.CreateOpts{Type: "export", Input: map[string]any{
		"image_uuid": imageID, "receiving_swift_container": "exports",
	}}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := tasks.Get(ctx, sc, exported.ID).Extract(); got.Result["export_location"] != "exports/"+imageID+".vhd" {
		t.Fatalf("export = %+v", got)
	}
	pages, err := tasks.List(sc, tasks.ListOpts{Limit: 1, SortDir: "asc"}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := tasks.ExtractTasks(pages)
	if err != nil || len(all) != 2 || all[0].ID != created.ID || all[1].ID != exported.ID || all[0].Input != nil {
		t.Fatalf("List = %+v, %v", all, err)
	}
	if _, err := tasks.Get(ctx, imageClientFor(s, consumer), created.ID).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("other tenant: %v", err)
	}
}
