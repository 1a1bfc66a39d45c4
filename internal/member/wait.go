package member

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// With producer and consumer in one configuration, the two sides of a share
// are made in the same apply. The consumer's status waits for the share to
// arrive, and the producer's member can wait for the consumer's answer, so
// that one apply leaves both states as the server has them (no "changed
// outside of Terraform" at the next plan).

const (
	// defaultAnswerTimeout bounds cloudimages_image_member's wait for the
	// consumer's answer (wait_for_answer).
	defaultAnswerTimeout = 10 * time.Minute
	// defaultShareTimeout bounds cloudimages_image_member_status's wait for
	// a share that is not there yet: long enough for a producer's create in
	// the same apply, short enough that a wrong image id fails soon.
	defaultShareTimeout = 2 * time.Minute
)

// createTimeoutBlock is the timeouts block of a resource that only waits
// when it is created.
func createTimeoutBlock(ctx context.Context, what string) schema.Block {
	b := timeouts.Block(ctx, timeouts.Opts{Create: true})
	if nested, ok := b.(schema.SingleNestedBlock); ok {
		nested.MarkdownDescription = what
		return nested
	}
	return b
}

// noTimeouts is the timeouts of a state made without a configuration
// (import, a move, a listed object).
func noTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType})}
}

// waitForAnswer polls the share until its consumer accepts or rejects it.
func waitForAnswer(ctx context.Context, c *client.Client, imageID, memberID string) (*client.Member, error) {
	var last *client.Member
	err := client.Wait(ctx, client.DefaultWaitOptions, func(ctx context.Context) (bool, error) {
		mem, err := c.GetMember(ctx, imageID, memberID)
		if err != nil {
			return false, err
		}
		last = mem
		return mem.Status != client.MemberPending, nil
	})
	if err != nil && last != nil && ctx.Err() != nil {
		return last, fmt.Errorf("the share is still %s: %w", last.Status, err)
	}
	return last, err
}

// setWhenShared sets the status, waiting (within ctx) for a share that does
// not exist yet: the producer may be making it in the same apply. Any other
// refusal ends the wait at once.
func setWhenShared(ctx context.Context, c *client.Client, imageID, memberID, status string) (*client.Member, error) {
	var mem *client.Member
	var lastErr error
	waited := false
	err := client.Wait(ctx, client.DefaultWaitOptions, func(ctx context.Context) (bool, error) {
		var err error
		mem, err = c.SetMemberStatus(ctx, imageID, memberID, status)
		if client.StatusCode(err) == http.StatusNotFound {
			if !waited {
				tflog.Info(ctx, "the image is not shared with this tenant yet: waiting for the producer's share",
					map[string]any{"image_id": imageID, "member_id": memberID})
				waited = true
			}
			lastErr = err
			return false, nil
		}
		return err == nil, err
	})
	if err != nil && lastErr != nil && errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w (%v)", lastErr, err)
	}
	return mem, err
}
