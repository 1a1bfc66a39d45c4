package member

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"weak"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The two producer resources must not manage one image: cloudimages_image_access
// removes the members it does not list, cloudimages_image_member adds one.
// Terraform shows a resource nothing of the others, so each records, while
// it plans, the image it plans for, in a registry per provider configuration
// (keyed by the client that configuration built: one per configure, shared by
// its resources). Terraform plans resources concurrently; the record and the
// check are one step under a lock, so whichever plans second sees the first
// and warns.

// managedBy is which kinds of resource plan for an image.
type managedBy uint8

const (
	managedByMember managedBy = 1 << iota
	managedByAccess
)

type planRegistry struct {
	mu     sync.Mutex
	images map[weak.Pointer[client.Client]]map[string]managedBy
}

var plans = &planRegistry{images: map[weak.Pointer[client.Client]]map[string]managedBy{}}

// record notes that kind plans for imageID in the configuration of c, and
// reports whether both kinds now do.
func (p *planRegistry) record(c *client.Client, imageID string, kind managedBy) bool {
	key := weak.Make(c)
	p.mu.Lock()
	defer p.mu.Unlock()
	byImage, ok := p.images[key]
	if !ok {
		byImage = map[string]managedBy{}
		p.images[key] = byImage
		// A provider served in-process (the tests) is configured again and
		// again: forget each configuration with its client.
		runtime.AddCleanup(c, p.forget, key)
	}
	byImage[imageID] |= kind
	return byImage[imageID] == managedByMember|managedByAccess
}

func (p *planRegistry) forget(key weak.Pointer[client.Client]) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.images, key)
}

// warnIfManagedTwice records the image a plan is for, when known, and warns
// on image_id when the other kind of resource plans for it too.
func warnIfManagedTwice(ctx context.Context, c *client.Client, plan tfsdk.Plan, kind managedBy, diags *diag.Diagnostics) {
	if c == nil || plan.Raw.IsNull() { // not configured yet, or a destroy
		return
	}
	var imageID types.String
	diags.Append(plan.GetAttribute(ctx, path.Root("image_id"), &imageID)...)
	if imageID.IsNull() || imageID.IsUnknown() || !plans.record(c, imageID.ValueString(), kind) {
		return
	}
	id := imageID.ValueString()
	diags.AddAttributeWarning(path.Root("image_id"), "Image "+id+" is managed by both "+accessType+" and cloudimages_image_member",
		fmt.Sprintf("%s manages the complete member list of image %s and removes members it does not list; "+
			"cloudimages_image_member also manages a member of it: use one or the other (add the member to member_ids "+
			"and remove the cloudimages_image_member).", accessType, id))
}
