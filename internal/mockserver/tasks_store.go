package mockserver

import (
	"sort"
	"sync"
	"time"
)

// taskStore holds the tasks of every owner. It is first in the lock order (see Server):
// a finishing task stores its image with the tasks locked, so that the task's success
// and its image appear together. Nothing takes it while holding another store's lock.
type taskStore struct {
	mu   sync.Mutex
	byID map[string]*TaskRecord
}

func newTaskStore() *taskStore { return &taskStore{byID: map[string]*TaskRecord{}} }

// add stores a new task.
func (st *taskStore) add(t *TaskRecord) {
	st.mu.Lock()
	st.byID[t.ID] = t
	st.mu.Unlock()
}

// with runs fn on the task of that id (nil when there is none) with the tasks locked.
func (st *taskStore) with(id string, fn func(t *TaskRecord)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	fn(st.byID[id])
}

// scan runs fn with the tasks locked, for lists: fn may read any task, and must not change
// the map.
func (st *taskStore) scan(fn func(byID map[string]*TaskRecord)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	fn(st.byID)
}

// live returns copies of the tasks not expired at now, oldest first.
func (st *taskStore) live(now time.Time) []TaskRecord {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]TaskRecord, 0, len(st.byID))
	for _, t := range st.byID {
		if !expiredAt(t, now) {
			out = append(out, t.clone())
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// expiredAt: past expires_at a task is gone, as Glance soft-deletes it.
func expiredAt(t *TaskRecord, now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}
