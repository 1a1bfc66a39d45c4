package mockserver

import (
	"sync"
	"time"
)

// objectStore holds every tenant's containers. Its lock is a leaf (see Server): tasks
// reach it through openObject and storeObject with no other lock held. A file is opened
// under it, never copied.
type objectStore struct {
	mu       sync.Mutex
	byTenant map[string]map[string]*container // by tenant, then name
	opened   time.Time                        // the accounts' X-Timestamp: when the server started
}

func newObjectStore(now time.Time) *objectStore {
	return &objectStore{byTenant: map[string]map[string]*container{}, opened: now}
}

// account runs fn on the tenant's containers (nil when it has none) with the store
// locked. fn may delete from the map, never add to it (ensure does).
func (st *objectStore) account(tenant string, fn func(containers map[string]*container)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	fn(st.byTenant[tenant])
}

// withContainer runs fn on the tenant's container of that name (nil when there is none)
// with the store locked.
func (st *objectStore) withContainer(tenant, name string, fn func(c *container)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	fn(st.byTenant[tenant][name])
}

// ensure creates a container unless it exists; true when it was created.
func (st *objectStore) ensure(tenant, name string, now time.Time) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.byTenant[tenant][name] != nil {
		return false
	}
	if st.byTenant[tenant] == nil {
		st.byTenant[tenant] = map[string]*container{}
	}
	st.byTenant[tenant][name] = &container{name: name, created: now, objects: map[string]*storedObject{}}
	return true
}
