package mockserver

import (
	"sync"
	"time"
)

// lifecycle tracks in-flight requests and pending delayed transitions so Close can wait for
// them before removing the data dir they may write to.
type lifecycle struct {
	mu      sync.Mutex
	closed  bool
	wg      sync.WaitGroup
	timers  map[*pendingTimer]struct{}
	running int // timer functions under way
}

type pendingTimer struct {
	t      *time.Timer
	cancel func() // run instead of fn when shutdown stops the timer; may be nil
}

// enter registers one unit of work; false once shutdown has begun.
func (l *lifecycle) enter() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.wg.Add(1)
	return true
}

func (l *lifecycle) leave() { l.wg.Done() }

// after runs fn once d has passed, unless shutdown comes first.
func (l *lifecycle) after(d time.Duration, fn func()) { l.afterOr(d, fn, nil) }

// afterOr is after with cancel run in fn's place when shutdown stops the timer, so work
// half done can clean up. False (and nothing scheduled) once shutdown has begun.
func (l *lifecycle) afterOr(d time.Duration, fn, cancel func()) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	if l.timers == nil {
		l.timers = map[*pendingTimer]struct{}{}
	}
	l.wg.Add(1)
	p := &pendingTimer{cancel: cancel}
	l.timers[p] = struct{}{}
	p.t = time.AfterFunc(d, func() {
		l.mu.Lock()
		_, pending := l.timers[p]
		delete(l.timers, p)
		if pending {
			l.running++
		}
		l.mu.Unlock()
		if !pending { // shutdown already accounted for it
			return
		}
		defer l.wg.Done()
		defer func() {
			l.mu.Lock()
			l.running--
			l.mu.Unlock()
		}()
		fn()
	})
	return true
}

// idle tells whether no delayed work is pending or running: what follows from earlier
// requests has all happened.
func (l *lifecycle) idle() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.timers) == 0 && l.running == 0
}

// shutdown refuses new work, cancels pending timers and waits for running work.
func (l *lifecycle) shutdown() {
	l.mu.Lock()
	l.closed = true
	for p := range l.timers {
		p.t.Stop()
		delete(l.timers, p)
		if p.cancel != nil {
			p.cancel()
		}
		l.wg.Done()
	}
	l.mu.Unlock()
	l.wg.Wait()
}
