package acctest

import (
	"encoding/json"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// ArmedFaults is how many injected faults (request and task faults) have not
// fired yet, read over the mock's documented control path, GET /_mock/faults.
// A fault test checks it is 0: a fault that never fired proves nothing.
func ArmedFaults(t *testing.T, srv *mockserver.Server) int {
	t.Helper()
	hc := mockHTTPClient(t, srv)
	resp, err := hc.Get(srv.URL() + "/_mock/faults")
	if err != nil {
		t.Fatalf("GET /_mock/faults: %v", err)
	}
	defer resp.Body.Close()
	var armed struct {
		Faults     []json.RawMessage `json:"faults"`
		TaskFaults []json.RawMessage `json:"task_faults"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&armed); err != nil {
		t.Fatalf("GET /_mock/faults: %v", err)
	}
	return len(armed.Faults) + len(armed.TaskFaults)
}
