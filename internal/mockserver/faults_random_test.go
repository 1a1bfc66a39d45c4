package mockserver

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pattern sends n GETs of one image and returns which of them got a 503, as a string of
// '1' (faulted) and '0' (answered).
func faultPattern(t *testing.T, s *Server, n int) string {
	t.Helper()
	tok := s.IssueToken(producer)
	id := createImageID(t, s, nil)
	var b strings.Builder
	for range n {
		r := do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok})
		switch r.status {
		case http.StatusServiceUnavailable:
			b.WriteByte('1')
		case http.StatusOK:
			b.WriteByte('0')
		default:
			t.Fatalf("unexpected answer %d %s", r.status, r.body)
		}
	}
	return b.String()
}

func TestFaultsRandom_ShareIsHonoured(t *testing.T) {
	t.Parallel()
	for _, share := range []float64{0.1, 0.25, 0.5} {
		s := startServer(t, Options{})
		s.InjectFault(Fault{Method: "GET", Path: regexp.MustCompile(`^/image/v2/images/[^/]+$`), Status: 503, Times: -1, Share: share, Seed: 7})
		const n = 1000
		got := strings.Count(faultPattern(t, s, n), "1")
		// binomial: sd = sqrt(n p (1-p)) ≤ 16 for n=1000; 4 sd either side
		if want := share * n; float64(got) < want-64 || float64(got) > want+64 {
			t.Errorf("share %.2f: %d of %d faulted", share, got, n)
		}
		if fired := s.FaultsFired()["503"]; fired != got {
			t.Errorf("share %.2f: fired[503] = %d, %d seen", share, fired, got)
		}
	}
}

func TestFaultsRandom_SameSeedSameSequence(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) string {
		s := startServer(t, Options{})
		s.InjectFault(Fault{Method: "GET", Path: regexp.MustCompile(`^/image/v2/images/[^/]+$`), Status: 503, Times: -1, Share: 0.3, Seed: seed})
		return faultPattern(t, s, 200)
	}
	a, b, c := run(42), run(42), run(43)
	if a != b {
		t.Errorf("seed 42 twice:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 42 and 43 gave the same sequence %s", a)
	}
	if !strings.Contains(a, "1") || !strings.Contains(a, "0") {
		t.Errorf("sequence %s is not random", a)
	}
}

// Times counts the faulted requests, not the draws: a random fault with Times 3 fires
// three times and is then gone.
func TestFaultsRandom_TimesCountsFiredOnly(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	s.InjectFault(Fault{Method: "GET", Path: regexp.MustCompile(`^/image/v2/images/[^/]+$`), Status: 503, Times: 3, Share: 0.5, Seed: 1})
	if got := strings.Count(faultPattern(t, s, 100), "1"); got != 3 {
		t.Errorf("%d faulted, want 3", got)
	}
	if faults, _ := s.faults.snapshot(); len(faults) != 0 {
		t.Errorf("fault still armed: %+v", faults)
	}
}

// Several kinds armed at once, each with its own share: every kind fires, a request one
// draw spares reaches the next fault, and the counters add up by kind.
func TestFaultsRandom_SeveralKindsCountedByKind(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	id := createImageID(t, s, nil)
	s.InjectFault(Fault{Status: 503, RetryAfter: "1", Times: -1, Share: 0.1, Seed: 1})
	s.InjectFault(Fault{Status: 429, RetryAfter: "1", Times: -1, Share: 0.1, Seed: 2})
	s.InjectFault(Fault{Drop: true, Times: -1, Share: 0.1, Seed: 3})
	s.InjectFault(Fault{LoseAnswer: true, Times: -1, Share: 0.1, Seed: 4})
	s.InjectFault(Fault{TruncateBody: true, Times: -1, Share: 0.1, Seed: 5})
	seen := map[string]int{}
	const n = 400
	for range n {
		resp, err := send(s, req{method: "GET", path: "/image/v2/images/" + id, token: tok})
		switch {
		case err != nil && strings.Contains(err.Error(), "EOF"):
			seen["cut"]++ // drop and lose_answer look the same to a client
		case err != nil:
			seen["error"]++ // a truncated body fails reading
		default:
			seen[fmt.Sprint(resp.status)]++
		}
	}
	fired := s.FaultsFired()
	for _, kind := range []string{"503", "429", "drop", "lose_answer", "truncate_body"} {
		if fired[kind] < 10 {
			t.Errorf("%s fired %d times in %d requests (%v)", kind, fired[kind], n, fired)
		}
	}
	if seen["503"] != fired["503"] || seen["429"] != fired["429"] {
		t.Errorf("seen %v, fired %v", seen, fired)
	}
	// Go's transport sends a GET again, unseen, when a reused connection closes before
	// any answer: a client sees at most the cuts fired.
	if cut := fired["drop"] + fired["lose_answer"] + fired["truncate_body"]; seen["cut"]+seen["error"] > cut || seen["cut"] == 0 {
		t.Errorf("seen %v, fired %v", seen, fired)
	}
	if seen["200"] == 0 || seen["200"] > n*3/4 {
		t.Errorf("seen %v", seen)
	}
	s.ClearFaults()
	if got := s.FaultsFired(); !reflect.DeepEqual(got, fired) {
		t.Errorf("ClearFaults changed the fired counts: %v, was %v", got, fired)
	}
	s.ResetCounters()
	if got := s.FaultsFired(); len(got) != 0 {
		t.Errorf("after ResetCounters: %v", got)
	}
}

// A kill_upload_after counts only the uploads it cut; latency alone counts as latency.
func TestFaultsRandom_KillAndLatencyCounted(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	s.InjectFault(Fault{Method: "PUT", KillUploadAfter: 10, Times: 2})
	s.InjectFault(Fault{Method: "GET", Latency: 1, Times: 1})
	formats := map[string]any{"disk_format": "raw", "container_format": "bare"}
	small, big := createImageID(t, s, formats), createImageID(t, s, formats)
	r := do(t, s, req{method: "PUT", path: "/image/v2/images/" + small + "/file", token: tok, body: []byte("0123456789"),
		header: map[string]string{"Content-Type": "application/octet-stream"}})
	if r.status != http.StatusNoContent {
		t.Fatalf("whole small upload: %d %s", r.status, r.body)
	}
	_, err := send(s, req{method: "PUT", path: "/image/v2/images/" + big + "/file", token: tok, body: bytes.Repeat([]byte("x"), 100),
		header: map[string]string{"Content-Type": "application/octet-stream"}})
	if err == nil {
		t.Fatal("a killed upload was answered")
	}
	do(t, s, req{method: "GET", path: "/image/v2/images/" + big, token: tok})
	if got := s.FaultsFired(); !reflect.DeepEqual(got, map[string]int{"kill_upload_after": 1, "latency": 1}) {
		t.Errorf("fired %v", got)
	}
}

func TestFaultsRandom_ControlPath(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	r := ctl(t, s, "POST", "/_mock/faults", `{"method":"GET","status":503,"times":-1,"share":0.5,"seed":9}`)
	expect(t, r, http.StatusCreated, "")
	if got := r.object(t); got["share"] != 0.5 || got["seed"] != 9.0 {
		t.Errorf("armed %v", got)
	}
	for body, msg := range map[string]string{
		`{"status":503,"share":1.5}`: "share must be a probability from 0 to 1",
		`{"status":503,"share":-1}`:  "share must be a probability from 0 to 1",
		`{"status":503,"seed":3}`:    "seed needs a share",
	} {
		r := ctl(t, s, "POST", "/_mock/faults", body)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), msg) {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	faultPattern(t, s, 50)
	listed := ctl(t, s, "GET", "/_mock/faults", "").object(t)
	fired, ok := listed["fired"].(map[string]any)
	if !ok || fired["503"].(float64) < 5 || fired["503"].(float64) != float64(s.FaultsFired()["503"]) {
		t.Errorf("listed fired %v, Go %v", listed["fired"], s.FaultsFired())
	}
}

// A client that gives up during an injected latency leaves a note in the request log, so
// that a test can tell its interruption landed in that request.
func TestFaults_LatencyAbandonedIsLogged(t *testing.T) {
	t.Parallel()
	logged := make(chan string, 16)
	s := startServer(t, Options{Logf: func(format string, args ...any) { logged <- fmt.Sprintf(format, args...) }})
	s.InjectFault(Fault{Method: "GET", Path: regexp.MustCompile(`^/image/v2/images$`), Latency: time.Minute})
	hc := &http.Client{Timeout: 200 * time.Millisecond}
	if resp, err := hc.Get(s.URL() + "/image/v2/images"); err == nil {
		_ = resp.Body.Close()
		t.Fatal("answered during the latency")
	}
	select {
	case l := <-logged:
		if !strings.HasPrefix(l, "GET /image/v2/images ") || !strings.Contains(l, "(client gone during the injected latency)") {
			t.Errorf("logged %q", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing logged")
	}
}

// The same for a request with a body: the server notices the client is gone only once
// the body is read, so the latency reads it first, and the create is never processed.
func TestFaults_LatencyAbandonedWithBodyIsNotProcessed(t *testing.T) {
	t.Parallel()
	logged := make(chan string, 16)
	s := startServer(t, Options{Logf: func(format string, args ...any) { logged <- fmt.Sprintf(format, args...) }})
	s.InjectFault(Fault{Method: "POST", Path: regexp.MustCompile(`^/image/v2/images$`), Latency: time.Minute})
	hc := &http.Client{Timeout: 200 * time.Millisecond}
	rq, _ := http.NewRequest("POST", s.URL()+"/image/v2/images", strings.NewReader(`{"name":"late"}`)) //nolint:noctx // a test
	rq.Header.Set("X-Auth-Token", s.IssueToken(producer))
	rq.Header.Set("Content-Type", "application/json")
	if resp, err := hc.Do(rq); err == nil {
		_ = resp.Body.Close()
		t.Fatal("answered during the latency")
	}
	select {
	case l := <-logged:
		if !strings.Contains(l, "(client gone during the injected latency)") {
			t.Errorf("logged %q", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing logged: the server did not notice the client went away")
	}
	if n := len(s.Images()); n != 0 {
		t.Errorf("%d images: the abandoned create was processed", n)
	}
	// a latency the client waits out still gets the whole body to the handler
	s.InjectFault(Fault{Method: "POST", Path: regexp.MustCompile(`^/image/v2/images$`), Latency: time.Millisecond})
	createImageID(t, s, map[string]any{"name": "in time"})
	if imgs := s.Images(); len(imgs) != 1 || *imgs[0].Name != "in time" {
		t.Errorf("images %+v", imgs)
	}
}
