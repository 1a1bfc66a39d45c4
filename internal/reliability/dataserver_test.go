package reliability

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"
)

// dataServer serves one image file at every path, as a web server with images does, and
// counts the fetches per path: a web-download the server made twice is work repeated.
type dataServer struct {
	*httptest.Server
	mu      sync.Mutex
	fetches map[string]int
}

func serveData(t *testing.T, path string) *dataServer {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := &dataServer{fetches: map[string]int{}}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			d.mu.Lock()
			d.fetches[r.URL.Path]++
			d.mu.Unlock()
		}
		http.ServeContent(w, r, "disk.raw", time.Time{}, bytes.NewReader(data))
	}))
	t.Cleanup(d.Close)
	return d
}

// fetched is how many GETs each path got, by path.
func (d *dataServer) fetched() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]int, len(d.fetches))
	for k, v := range d.fetches {
		out[k] = v
	}
	return out
}
