package member

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// shareHint explains a refused change to an image's members: the image is
// not shared, or these are not the owner's credentials. resourceType names
// the resource to configure with the producer's credentials.
func shareHint(ctx context.Context, c *client.Client, resourceType, imageID string, err error) string {
	switch client.StatusCode(err) {
	case http.StatusForbidden:
		img, getErr := c.GetImage(ctx, imageID)
		if getErr != nil {
			return ""
		}
		if hint := ownerHint(c, resourceType, img); hint != "" {
			return hint
		}
		if img.Visibility != "shared" {
			return fmt.Sprintf("Image %s has visibility %q: only images with visibility = \"shared\" can have members. "+
				"Set visibility = \"shared\" on the image, apply, then share it.", imageID, img.Visibility)
		}
	case http.StatusNotFound:
		return "The image does not exist or is not visible to this tenant; members are added with the owner's credentials."
	}
	return ""
}

// ownerHint is "" when the provider is authenticated as the image's owner
// (or does not know its tenant), and otherwise says whose credentials to use.
func ownerHint(c *client.Client, resourceType string, img *client.Image) string {
	if c.TenantID() == "" || img.Owner == c.TenantID() {
		return ""
	}
	return fmt.Sprintf("Only the image's owner (tenant %s) can share it, and this provider is authenticated as tenant %s. "+
		"Configure %s with the producer's credentials (a provider alias); the consumer "+
		"accepts the share with cloudimages_image_member_status.", img.Owner, c.TenantID(), resourceType)
}
