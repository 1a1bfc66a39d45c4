package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Member statuses (REFERENCE.md §2).
const (
	MemberPending  = "pending"
	MemberAccepted = "accepted"
	MemberRejected = "rejected"
)

// Member is one tenant an image is shared with, and where the share stands.
type Member struct {
	ImageID   string
	MemberID  string
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// UnmarshalJSON reads the API's member document.
func (m *Member) UnmarshalJSON(b []byte) error {
	var raw struct {
		ImageID   string `json:"image_id"`
		MemberID  string `json:"member_id"`
		Status    string `json:"status"`
		CreatedAt string `json:"created_at"`
		UpdatedAt string `json:"updated_at"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*m = Member{ImageID: raw.ImageID, MemberID: raw.MemberID, Status: raw.Status,
		CreatedAt: parseTime(raw.CreatedAt), UpdatedAt: parseTime(raw.UpdatedAt)}
	return nil
}

func (c *Client) memberURL(imageID, memberID string) string {
	if memberID == "" {
		return c.imageURL(imageID, "members")
	}
	return c.imageURL(imageID, "members", url.PathEscape(memberID))
}

// AddMember is POST /v2/images/{id}/members: the owner shares the image
// with a tenant, whose status starts as pending. The POST is safe to repeat
// (a tenant is a member once at most: a repeat gets 409, which the caller
// can adopt), so it is retried like a GET.
func (c *Client) AddMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	var m Member
	err := c.call(repeatablePost(ctx), http.MethodPost, c.memberURL(imageID, ""), map[string]string{"member": memberID}, []int{http.StatusOK}, &m)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// GetMember is GET /v2/images/{id}/members/{member}.
func (c *Client) GetMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	var m Member
	if err := c.call(ctx, http.MethodGet, c.memberURL(imageID, memberID), nil, []int{http.StatusOK}, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// ListMembers is GET /v2/images/{id}/members: all members for the owner,
// only the caller's own entry for a member.
func (c *Client) ListMembers(ctx context.Context, imageID string) ([]Member, error) {
	var out struct {
		Members []Member `json:"members"`
	}
	if err := c.call(ctx, http.MethodGet, c.memberURL(imageID, ""), nil, []int{http.StatusOK}, &out); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// SetMemberStatus is PUT /v2/images/{id}/members/{member}: only the member
// itself may accept, reject or return a share to pending.
func (c *Client) SetMemberStatus(ctx context.Context, imageID, memberID, status string) (*Member, error) {
	var m Member
	err := c.call(ctx, http.MethodPut, c.memberURL(imageID, memberID), map[string]string{"status": status}, []int{http.StatusOK}, &m)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// RemoveMember is DELETE /v2/images/{id}/members/{member}.
func (c *Client) RemoveMember(ctx context.Context, imageID, memberID string) error {
	return c.call(ctx, http.MethodDelete, c.memberURL(imageID, memberID), nil, []int{http.StatusNoContent}, nil)
}
