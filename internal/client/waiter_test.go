package client

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

func TestWait_schedule(t *testing.T) {
	t.Parallel()
	var calls []time.Time
	start := time.Now()
	err := Wait(testCtx(t), WaitOptions{Initial: 40 * time.Millisecond, Factor: 1.5, Max: 100 * time.Millisecond}, func(context.Context) (bool, error) {
		calls = append(calls, time.Now())
		return len(calls) == 7, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 7 {
		t.Fatalf("%d calls", len(calls))
	}
	if first := calls[0].Sub(start); first > 20*time.Millisecond {
		t.Errorf("first check after %s, want at once", first)
	}
	// expected sleeps: 40, 60, 90, 100 (cap), 100, 100 ms, each ±10%
	ms := time.Millisecond
	expected := []time.Duration{40 * ms, 60 * ms, 90 * ms, 100 * ms, 100 * ms, 100 * ms}
	for i, e := range expected {
		gap := calls[i+1].Sub(calls[i])
		if gap < e*85/100 || gap > e+150*time.Millisecond {
			t.Errorf("sleep %d = %s, want about %s", i, gap, e)
		}
	}
}

func TestWait_defaults(t *testing.T) {
	t.Parallel()
	o := WaitOptions{}.withDefaults()
	if o != DefaultWaitOptions || o.Initial != 200*time.Millisecond || o.Factor != 1.09 || o.Max != 2800*time.Millisecond {
		t.Errorf("defaults %+v", o)
	}
	for i := 0; i < 100; i++ {
		if j := jitter(time.Second); j < 900*time.Millisecond || j > 1100*time.Millisecond {
			t.Fatalf("jitter %s beyond ±10%%", j)
		}
	}
}

func TestWait_neverSleepsPastTheDeadline(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	n := 0
	err := Wait(ctx, WaitOptions{Initial: 10 * time.Second, Factor: 2, Max: time.Minute}, func(context.Context) (bool, error) {
		n++
		return false, nil
	})
	if el := time.Since(start); el > time.Second {
		t.Errorf("returned after %s", el)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "stopped waiting") || n != 1 {
		t.Errorf("err %v after %d polls", err, n)
	}
}

func TestWait_cancelAndPollError(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	err := Wait(ctx, WaitOptions{Initial: time.Hour}, func(context.Context) (bool, error) { return false, nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: %v", err)
	}

	boom := errors.New("boom")
	n := 0
	err = Wait(testCtx(t), WaitOptions{Initial: time.Millisecond}, func(context.Context) (bool, error) {
		n++
		if n == 3 {
			return false, boom
		}
		return false, nil
	})
	if err != boom || n != 3 { //nolint:errorlint // returned as is
		t.Errorf("poll error %v after %d", err, n)
	}

	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if err := Wait(cctx, WaitOptions{}, func(context.Context) (bool, error) { t.Error("polled a cancelled context"); return false, nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("already cancelled: %v", err)
	}
}

// imageWithStatusSeq is a client and a queued image of a fresh mock, whose
// status moves through seq as the client reads it (scriptStatuses).
func imageWithStatusSeq(t *testing.T, seq ...string) (*Client, *mockserver.Server, string) {
	t.Helper()
	c, srv := newTestClient(t)
	id := seedImage(t, srv, nil, nil)
	scriptStatuses(t, srv, c, map[string][]string{id: seq})
	return c, srv, id
}

// imageGETs is how many times images were read from srv.
func imageGETs(srv *mockserver.Server) int {
	return srv.RequestCount("GET", "/image/v2/images/{image_id}")
}

func TestWaitForImage_active(t *testing.T) {
	t.Parallel()
	c, srv, id := imageWithStatusSeq(t, "queued", "saving", "saving", "active")
	img, err := c.WaitForImage(testCtx(t), id, StatusActive)
	if err != nil {
		t.Fatal(err)
	}
	if img.Status != "active" || imageGETs(srv) != 4 {
		t.Errorf("status %q after %d GETs", img.Status, imageGETs(srv))
	}
	// default target is active
	if img, err := c.WaitForImage(testCtx(t), id); err != nil || img.Status != "active" {
		t.Errorf("%v %v", img, err)
	}
}

func TestWaitForImage_killedFailsFast(t *testing.T) {
	t.Parallel()
	c, srv, id := imageWithStatusSeq(t, "saving", "killed", "active")
	img, err := c.WaitForImage(testCtx(t), id, StatusActive)
	if err == nil || !strings.Contains(err.Error(), id) || !strings.Contains(err.Error(), `"killed"`) || !strings.Contains(err.Error(), "create it again") {
		t.Fatalf("err %v", err)
	}
	if img == nil || img.Status != "killed" || imageGETs(srv) != 2 {
		t.Errorf("last image %v after %d GETs", img, imageGETs(srv))
	}
}

func TestWaitForImage_backToQueuedFails(t *testing.T) {
	t.Parallel()
	c, _, id := imageWithStatusSeq(t, "queued", "saving", "queued")
	_, err := c.WaitForImage(testCtx(t), id, StatusActive)
	if err == nil || !strings.Contains(err.Error(), `from "saving" to "queued"`) {
		t.Fatalf("err %v", err)
	}
}

func TestWaitForImage_timeoutNamesLastStatus(t *testing.T) {
	t.Parallel()
	c, _, id := imageWithStatusSeq(t, "saving")
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.WaitForImage(ctx, id, StatusActive)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `last status "saving"`) || !strings.Contains(err.Error(), id) {
		t.Fatalf("err %v", err)
	}
	if el := time.Since(start); el > 1500*time.Millisecond {
		t.Errorf("took %s past a 400ms deadline", el)
	}
}

func TestWaitForImage_disappears(t *testing.T) {
	t.Parallel()
	c, _, id := imageWithStatusSeq(t, "saving", "gone")
	_, err := c.WaitForImage(testCtx(t), id)
	if !IsNotFound(err) || !strings.Contains(err.Error(), "disappeared") {
		t.Errorf("err %v", err)
	}
}

func TestWaitForImageDeleted(t *testing.T) {
	t.Parallel()
	c, srv := newTestClient(t)
	gone, stays := seedImage(t, srv, nil, nil), seedImage(t, srv, nil, nil)
	scriptStatuses(t, srv, c, map[string][]string{gone: {"active", "pending_delete", "gone"}, stays: {"active"}})
	if err := c.WaitForImageDeleted(testCtx(t), gone); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := c.WaitForImageDeleted(ctx, stays); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `"active"`) {
		t.Errorf("err %v", err)
	}
}

func TestWaitForImage_concurrent(t *testing.T) {
	t.Parallel()
	c, srv := newTestClient(t)
	var ids []string
	scripts := map[string][]string{}
	for i := 0; i < 16; i++ {
		id := seedImage(t, srv, nil, nil)
		scripts[id] = []string{"queued", "saving", "active"}
		ids = append(ids, id)
	}
	scriptStatuses(t, srv, c, scripts)
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for _, id := range ids {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			_, err := c.WaitForImage(testCtx(t), id)
			errs <- err
		}(id)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
