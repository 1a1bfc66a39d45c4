package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// WaitOptions shape the polling schedule of Wait: check at once, sleep
// Initial, then grow the sleep by Factor up to Max, each sleep with ±10% jitter.
type WaitOptions struct {
	Initial, Max time.Duration
	Factor       float64
}

// DefaultWaitOptions keep the time between the server reaching a status and
// Terraform moving on within about a tenth of the wait plus 0.25 s: a
// geometric schedule from 200 ms by 9 % is an interval of 0.09·elapsed +
// 0.2 s, which with 5 % jitter stays under 0.1·elapsed + 0.25 s; capped at
// 2.8 s. The price is requests: about 31 GETs for a 30 s wait, where a
// 10 s-interval poller makes 6 but answers up to 10 s late.
var DefaultWaitOptions = WaitOptions{Initial: 200 * time.Millisecond, Factor: 1.09, Max: 2800 * time.Millisecond}

const waitJitter = 0.05

func (o WaitOptions) withDefaults() WaitOptions {
	if o.Initial <= 0 {
		o.Initial = DefaultWaitOptions.Initial
	}
	if o.Factor < 1 {
		o.Factor = DefaultWaitOptions.Factor
	}
	if o.Max <= 0 {
		o.Max = DefaultWaitOptions.Max
	}
	if o.Max < o.Initial {
		o.Max = o.Initial
	}
	return o
}

// Wait calls poll at once, then on the schedule of opts, until poll reports
// done or fails. It never sleeps past ctx's deadline; on cancellation or
// deadline it returns ctx.Err() wrapped with how long it waited. An error
// from poll is returned as is.
func Wait(ctx context.Context, opts WaitOptions, poll func(ctx context.Context) (done bool, err error)) error {
	opts = opts.withDefaults()
	start := time.Now()
	interval := opts.Initial
	for checks := 1; ; checks++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped waiting after %s and %d checks: %w", roundDuration(time.Since(start)), checks-1, err)
		}
		done, err := poll(ctx)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		d := jitter(interval)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= d {
			// The next check would come after the deadline: wait for it and stop.
			<-ctx.Done()
			return fmt.Errorf("stopped waiting after %s and %d checks: %w", roundDuration(time.Since(start)), checks, ctx.Err())
		}
		if err := sleepCtx(ctx, d); err != nil {
			return fmt.Errorf("stopped waiting after %s and %d checks: %w", roundDuration(time.Since(start)), checks, err)
		}
		next := time.Duration(float64(interval) * opts.Factor)
		if next > opts.Max || next <= 0 {
			next = opts.Max
		}
		interval = next
	}
}

func jitter(d time.Duration) time.Duration {
	f := 1 + waitJitter*(2*rand.Float64()-1)
	return time.Duration(float64(d) * f)
}

func roundDuration(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// failedStatuses end a wait at once unless they are the target.
var failedStatuses = map[string]string{
	StatusKilled:        "the server failed to store or import the image data (an upload or import error)",
	StatusDeleted:       "the image was deleted",
	StatusPendingDelete: "the image is being deleted",
}

// busyStatuses: leaving one of them for "queued" means the data was rejected
// (Glance v2 restores an image to queued when an upload or import fails).
var busyStatuses = []string{StatusSaving, StatusUploading, StatusImporting}

// WaitForImage polls GetImage until the image's status is one of target
// (default "active"). "killed" (and deleted / pending_delete, and a fall back
// from saving/importing to queued) fail at once; each status transition is
// logged; at the ctx deadline the error names the last status. The last image
// seen is returned with errors too (nil if none was read).
func (c *Client) WaitForImage(ctx context.Context, id string, target ...string) (*Image, error) {
	if len(target) == 0 {
		target = []string{StatusActive}
	}
	want := strings.Join(target, " or ")
	var last *Image
	start := time.Now()
	lastStatus := ""
	err := Wait(ctx, DefaultWaitOptions, func(ctx context.Context) (bool, error) {
		img, err := c.GetImage(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			if IsNotFound(err) {
				return false, fmt.Errorf("image %s disappeared while waiting for it to become %s (last status %q): %w", id, want, lastStatus, err)
			}
			if transient(err) {
				c.readFailedWhileWaiting(ctx, "image", id, err)
				return false, nil // the image is still there: keep waiting
			}
			return false, fmt.Errorf("reading image %s while waiting for it to become %s: %w", id, want, err)
		}
		last = img
		prev := lastStatus
		if img.Status != prev {
			fields := map[string]any{"image_id": id, "status": img.Status, "target": want, "elapsed": roundDuration(time.Since(start)).String()}
			if prev != "" {
				fields["previous_status"] = prev
			}
			tflog.Info(c.secrets.mask(ctx), "Image status changed", fields)
			lastStatus = img.Status
		}
		if slices.Contains(target, img.Status) {
			return true, nil
		}
		if why, failed := failedStatuses[img.Status]; failed {
			return false, fmt.Errorf("image %s is %q while waiting for it to become %s: %s; delete it and create it again", id, img.Status, want, why)
		}
		failedImport := img.Properties["os_glance_failed_import"]
		if img.Status == StatusQueued && (slices.Contains(busyStatuses, prev) || failedImport != "") {
			if method := failedImport; method != "" {
				return false, fmt.Errorf("image %s went back from %q to %q: the %s import failed on the server (os_glance_failed_import); check that the server can fetch the data and that it matches disk_format", id, prev, img.Status, method)
			}
			return false, fmt.Errorf("image %s went back from %q to %q while waiting for it to become %s: the server rejected the image data; check the data and its disk_format, then upload again", id, prev, img.Status, want)
		}
		return false, nil
	})
	if err == nil {
		return last, nil
	}
	if ctx.Err() != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		return last, &WaitIncompleteError{What: "image", ID: id, Target: want, LastStatus: lastStatus,
			Elapsed: roundDuration(time.Since(start)), Err: ctx.Err()}
	}
	return last, err
}

// WaitIncompleteError is a wait that ended before its object reached the
// target: the deadline passed or the caller gave up (Ctrl-C). The work goes
// on on the server; callers keep what they know of it so that it can be
// waited for again.
type WaitIncompleteError struct {
	What       string // "image", "task"
	ID         string
	Target     string // "active", "success"
	LastStatus string // "" when no read succeeded
	Elapsed    time.Duration
	Err        error // context.DeadlineExceeded or context.Canceled
}

func (e *WaitIncompleteError) Error() string {
	verb := "timed out"
	if e.Interrupted() {
		verb = "interrupted"
	}
	status := e.LastStatus
	if status == "" {
		status = "unknown: no read succeeded"
	}
	return fmt.Sprintf("%s after %s waiting for %s %s to become %s: last status %q", verb, e.Elapsed, e.What, e.ID, e.Target, status)
}

func (e *WaitIncompleteError) Unwrap() error { return e.Err }

// Interrupted: the caller cancelled the wait, rather than its deadline passing.
func (e *WaitIncompleteError) Interrupted() bool { return errors.Is(e.Err, context.Canceled) }

// readFailedWhileWaiting logs a read that failed for a passing reason (the
// transport's retries ran out, or the answer was cut off): the wait goes on,
// since the object's state on the server is unchanged by a failed read.
func (c *Client) readFailedWhileWaiting(ctx context.Context, kind, id string, err error) {
	tflog.Warn(c.secrets.mask(ctx), "A read failed while waiting; still waiting", map[string]any{kind + "_id": id, "error": err.Error()})
}

// WaitForImageDeleted polls until GET says 404 (or status "deleted").
func (c *Client) WaitForImageDeleted(ctx context.Context, id string) error {
	start := time.Now()
	lastStatus := ""
	err := Wait(ctx, DefaultWaitOptions, func(ctx context.Context) (bool, error) {
		img, err := c.GetImage(ctx, id)
		if err != nil {
			if IsNotFound(err) {
				return true, nil
			}
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			if transient(err) {
				c.readFailedWhileWaiting(ctx, "image", id, err)
				return false, nil
			}
			return false, fmt.Errorf("reading image %s while waiting for its deletion: %w", id, err)
		}
		if img.Status != lastStatus {
			tflog.Info(c.secrets.mask(ctx), "Image status changed", map[string]any{"image_id": id, "status": img.Status, "target": "deleted"})
			lastStatus = img.Status
		}
		return img.Status == StatusDeleted, nil
	})
	if err != nil && ctx.Err() != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		return fmt.Errorf("gave up after %s waiting for image %s to be deleted: last status %q: %w",
			roundDuration(time.Since(start)), id, lastStatus, ctx.Err())
	}
	return err
}
