package mockserver

import (
	"bytes"
	"flag"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestMain checks every JSON body the image API answers, in every test of the package,
// against the schema the same server serves at /v2/schemas/*, as a client validating
// bodies would (issue 13 item 4). A body that does not validate fails the run.
func TestMain(m *testing.M) {
	bodyHook = bodies.check
	code := m.Run()
	if msg := bodies.verdict(); msg != "" {
		fmt.Fprintln(os.Stderr, msg)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// bodySchemas names the schema of each route's successful JSON answer (Glance's
// ResponseSerializer of images, image_members and tasks).
var bodySchemas = map[string]string{
	"GET /image/v2/images":                                "images",
	"POST /image/v2/images":                               "image",
	"GET /image/v2/images/{image_id}":                     "image",
	"PATCH /image/v2/images/{image_id}":                   "image",
	"GET /image/v2/images/{image_id}/members":             "members",
	"POST /image/v2/images/{image_id}/members":            "member",
	"GET /image/v2/images/{image_id}/members/{member_id}": "member",
	"PUT /image/v2/images/{image_id}/members/{member_id}": "member",
	"GET /image/v2/tasks":                                 "tasks",
	"POST /image/v2/tasks":                                "task",
	"GET /image/v2/tasks/{task_id}":                       "task",
}

var bodies = &bodyChecker{schemas: map[*Server]map[string]*jsonschema.Schema{}, checked: map[string]int{}}

// bodyChecker validates answers and remembers what failed.
type bodyChecker struct {
	mu       sync.Mutex
	schemas  map[*Server]map[string]*jsonschema.Schema // compiled once per server and name
	checked  map[string]int                            // bodies validated, by schema name
	failed   int
	failures []string // the first 50
}

func (b *bodyChecker) check(s *Server, route string, r *http.Request, status int, header http.Header, body []byte) {
	name, ok := bodySchemas[r.Method+" "+route]
	ctype, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	if !ok || status < 200 || status > 299 || ctype != "application/json" || len(body) == 0 {
		return
	}
	sch, err := b.schema(s, name)
	if err == nil {
		var v any
		if v, err = jsonschema.UnmarshalJSON(bytes.NewReader(body)); err == nil {
			err = sch.Validate(v)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.checked[name]++
	if err != nil {
		b.failed++
	}
	if err != nil && len(b.failures) < 50 {
		b.failures = append(b.failures, fmt.Sprintf("%s %s (schema %s): %v\n  body: %s", r.Method, r.URL.RequestURI(), name, err, body))
	}
}

// schema fetches /v2/schemas/{name} from s through the route's own handler (not over
// the network, so neither counters nor faults see it) and compiles it.
func (b *bodyChecker) schema(s *Server, name string) (*jsonschema.Schema, error) {
	b.mu.Lock()
	sch := b.schemas[s][name]
	b.mu.Unlock()
	if sch != nil {
		return sch, nil
	}
	rec := httptest.NewRecorder()
	s.getSchema(rec, httptest.NewRequest(http.MethodGet, "/image/v2/schemas/"+name, nil), &call{params: map[string]string{"schema": name}})
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("GET /v2/schemas/%s: %d", name, rec.Code)
	}
	doc, err := jsonschema.UnmarshalJSON(rec.Body)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4) // Glance's schemas are written for draft 4
	url := "http://mock/v2/schemas/" + name
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	if sch, err = c.Compile(url); err != nil {
		return nil, err
	}
	b.mu.Lock()
	if b.schemas[s] == nil {
		b.schemas[s] = map[string]*jsonschema.Schema{}
	}
	b.schemas[s][name] = sch
	b.mu.Unlock()
	return sch, nil
}

// verdict is "" when every body validated and, on a full run, every schema saw bodies.
func (b *bodyChecker) verdict() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	if b.failed > 0 {
		out = append(out, fmt.Sprintf("%d answer bodies do not match the schema the server serves; the first ones:", b.failed))
		out = append(out, b.failures...)
	}
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "" {
		names := slices.Compact(slices.Sorted(func(yield func(string) bool) {
			for _, n := range bodySchemas {
				if !yield(n) {
					return
				}
			}
		}))
		for _, n := range names {
			if b.checked[n] == 0 {
				out = append(out, "no "+n+" body was checked: the schema check proves nothing for it")
			}
		}
	}
	if testing.Verbose() {
		keys := make([]string, 0, len(b.checked))
		for k := range b.checked {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("schema check: %d %s bodies validated\n", b.checked[k], k)
		}
	}
	return strings.Join(out, "\n")
}
