package mockserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
)

const (
	stranger    = "100003" // no relation to the image
	otherMember = "100005" // a second member, who must not see the first one
)

// memberCall is one call on an image's members as tenant; member "" means the collection.
func memberCall(t *testing.T, s *Server, tenant, method, imageID, member string, body any) response {
	t.Helper()
	path := "/image/v2/images/" + imageID + "/members"
	if member != "" {
		path += "/" + member
	}
	return do(t, s, req{method: method, path: path, token: s.IssueToken(tenant), body: body})
}

// sharedImage creates a producer image (visibility shared) with the given members.
func sharedImage(t *testing.T, s *Server, memberIDs ...string) string {
	t.Helper()
	id := createImageID(t, s, map[string]any{"name": "shared"})
	for _, m := range memberIDs {
		expect(t, memberCall(t, s, producer, "POST", id, "", map[string]any{"member": m}), http.StatusOK, "")
	}
	return id
}

func memberIDs(t *testing.T, r response) []string {
	t.Helper()
	var ids []string
	for _, m := range r.object(t)["members"].([]any) {
		ids = append(ids, m.(map[string]any)["member_id"].(string))
	}
	return ids
}

func TestMembers_CreateShape(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Now: newClock().Now})
	id := createImageID(t, s, nil)
	r := memberCall(t, s, producer, "POST", id, "", map[string]any{"member": consumer})
	expect(t, r, http.StatusOK, "")
	want := map[string]any{
		"image_id": id, "member_id": consumer, "status": "pending", "schema": "/v2/schemas/member",
		"created_at": "2026-03-01T12:00:00Z", "updated_at": "2026-03-01T12:00:00Z",
	}
	got := r.object(t)
	if len(got) != len(want) {
		t.Errorf("member = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if r.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
	list := memberCall(t, s, producer, "GET", id, "", nil)
	expect(t, list, http.StatusOK, "")
	if list.object(t)["schema"] != "/v2/schemas/members" || len(memberIDs(t, list)) != 1 {
		t.Errorf("list = %s", list.body)
	}
}

// TestMembers_PermissionMatrix is REFERENCE §2.2: owner, member, another member and a
// stranger against every call.
func TestMembers_PermissionMatrix(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := sharedImage(t, s, consumer, otherMember)
	notAllowed := func(verb string) string { return "Not allowed to " + verb + " members for image " + id + "." }
	imageNotFound := "Image " + id + " not found."
	consumerNotFound := consumer + " not found in the member list of the image " + id + "."
	accept := map[string]any{"status": "accepted"}
	cases := []struct {
		name, tenant, method, member string
		body                         any
		status                       int
		msg                          string
	}{
		{"owner adds", producer, "POST", "", map[string]any{"member": "100004"}, 200, ""},
		{"member adds", consumer, "POST", "", map[string]any{"member": "100006"}, 403, notAllowed("create")},
		{"member adds itself again", consumer, "POST", "", map[string]any{"member": consumer}, 403, notAllowed("create")},
		{"stranger adds", stranger, "POST", "", map[string]any{"member": stranger}, 404, imageNotFound},

		{"owner shows", producer, "GET", consumer, nil, 200, ""},
		{"member shows itself", consumer, "GET", consumer, nil, 200, ""},
		{"other member shows", otherMember, "GET", consumer, nil, 404, consumerNotFound},
		{"stranger shows", stranger, "GET", consumer, nil, 404, imageNotFound},
		{"owner shows a non-member", producer, "GET", stranger, nil, 404, stranger + " not found in the member list of the image " + id + "."},

		{"owner sets status", producer, "PUT", consumer, accept, 403, notAllowed("update")},
		{"other member sets status", otherMember, "PUT", consumer, accept, 404, consumerNotFound},
		{"stranger sets status", stranger, "PUT", consumer, accept, 404, imageNotFound},
		{"member sets status", consumer, "PUT", consumer, accept, 200, ""},

		{"member deletes", consumer, "DELETE", consumer, nil, 403, notAllowed("delete")},
		{"stranger deletes", stranger, "DELETE", consumer, nil, 404, imageNotFound},
		{"owner deletes", producer, "DELETE", consumer, nil, 204, ""},
		{"owner deletes again", producer, "DELETE", consumer, nil, 404, consumerNotFound},
		{"removed member shows", consumer, "GET", consumer, nil, 404, imageNotFound},
	}
	for _, tc := range cases {
		r := memberCall(t, s, tc.tenant, tc.method, id, tc.member, tc.body)
		if r.status != tc.status {
			t.Errorf("%s: %d %s", tc.name, r.status, r.body)
			continue
		}
		if tc.msg != "" {
			expect(t, r, tc.status, tc.msg)
		}
	}

	// Listing: the owner sees everyone, a member only itself, a stranger nothing.
	if got := memberIDs(t, memberCall(t, s, producer, "GET", id, "", nil)); !sameSet(got, otherMember, "100004") {
		t.Errorf("owner lists %v", got)
	}
	if got := memberIDs(t, memberCall(t, s, otherMember, "GET", id, "", nil)); !sameSet(got, otherMember) {
		t.Errorf("member lists %v", got)
	}
	expect(t, memberCall(t, s, stranger, "GET", id, "", nil), http.StatusNotFound, imageNotFound)
	expect(t, memberCall(t, s, consumer, "GET", id, "", nil), http.StatusNotFound, imageNotFound)
}

func TestMembers_Validation(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := sharedImage(t, s, consumer)
	cases := []struct {
		tenant, method, member string
		body                   any
		status                 int
		msg                    string
	}{
		{producer, "POST", "", "", 400, "Body expected in request."},
		{producer, "POST", "", "{", 400, "Malformed JSON in request body."},
		{producer, "POST", "", map[string]any{}, 400, "Member to be added not specified"},
		{producer, "POST", "", map[string]any{"member": ""}, 400, "Member can't be empty"},
		{producer, "POST", "", map[string]any{"member": nil}, 400, "Member can't be empty"},
		{producer, "POST", "", map[string]any{"member": 5}, 400, memberFormMessage},
		{producer, "POST", "", []any{}, 400, memberFormMessage},
		{producer, "POST", "", map[string]any{"member": consumer}, 409, "Member " + consumer + " is duplicated for image " + id},
		{consumer, "PUT", consumer, map[string]any{}, 400, "Status not specified"},
		{consumer, "PUT", consumer, []any{"accepted"}, 400, statusFormMessage},
		{consumer, "PUT", consumer, map[string]any{"status": "maybe"}, 400, badStatusMessage},
		{consumer, "PUT", consumer, map[string]any{"status": 1}, 400, badStatusMessage},
		// The status is checked after the permissions.
		{producer, "PUT", consumer, map[string]any{"status": "maybe"}, 403, "Not allowed to update members for image " + id + "."},
		{producer, "POST", "", map[string]any{"member": stranger}, 200, ""},
		{consumer, "GET", "", map[string]any{"x": 1}, 400, "A body is not expected with this request."},
	}
	for _, tc := range cases {
		r := memberCall(t, s, tc.tenant, tc.method, id, tc.member, tc.body)
		if r.status != tc.status {
			t.Errorf("%s %v: %d %s", tc.method, tc.body, r.status, r.body)
			continue
		}
		if tc.msg != "" {
			expect(t, r, tc.status, tc.msg)
		}
	}
	r := memberCall(t, s, producer, "PATCH", id, consumer, nil)
	if expect(t, r, http.StatusMethodNotAllowed, ""); r.header.Get("Allow") != "GET, PUT, DELETE" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	r = memberCall(t, s, producer, "DELETE", id, "", nil)
	if expect(t, r, http.StatusMethodNotAllowed, ""); r.header.Get("Allow") != "GET, POST" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
}

// TestMembers_OnlySharedImages: Glance keeps members to visibility shared (REFERENCE §2.2).
func TestMembers_OnlySharedImages(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	private := createImageID(t, s, map[string]any{"visibility": "private"})
	community := createImageID(t, s, map[string]any{"visibility": "community"})
	add := map[string]any{"member": consumer}
	for _, id := range []string{private, community} {
		expect(t, memberCall(t, s, producer, "POST", id, "", add), 403, "Not allowed to create members for image "+id+".")
		expect(t, memberCall(t, s, producer, "GET", id, "", nil), 403,
			"Not allowed to list members for image "+id+": Only shared images have members.")
		expect(t, memberCall(t, s, producer, "GET", id, consumer, nil), 404, "Only shared images have members.")
		expect(t, memberCall(t, s, producer, "DELETE", id, consumer, nil), 403, "Not allowed to delete members for image "+id+".")
	}
	expect(t, memberCall(t, s, consumer, "PUT", private, consumer, map[string]any{"status": "accepted"}), 404,
		"Image "+private+" not found.")
	// A community image is visible to everyone, so a non-owner gets 403 rather than 404.
	expect(t, memberCall(t, s, stranger, "POST", community, "", add), 403, "Not allowed to create members for image "+community+".")
	expect(t, memberCall(t, s, stranger, "PUT", community, stranger, map[string]any{"status": "accepted"}), 403,
		"Not allowed to update members for image "+community+".")

	// Members of an image made private lose it, and get it back when it is shared again.
	id := sharedImage(t, s, consumer)
	expect(t, patch(t, s, producer, id, patchV21, `[{"op":"replace","path":"/visibility","value":"private"}]`), 200, "")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: s.IssueToken(consumer)}), 404, "")
	expect(t, patch(t, s, producer, id, patchV21, `[{"op":"replace","path":"/visibility","value":"shared"}]`), 200, "")
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: s.IssueToken(consumer)}), 200, "")
}

func TestMembers_Quota(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := createImageID(t, s, nil)
	tok := s.IssueToken(producer)
	for i := range maxMembers {
		r := do(t, s, req{method: "POST", path: "/image/v2/images/" + id + "/members", token: tok,
			body: map[string]any{"member": fmt.Sprint(200000 + i)}})
		expect(t, r, http.StatusOK, "")
	}
	r := do(t, s, req{method: "POST", path: "/image/v2/images/" + id + "/members", token: tok,
		body: map[string]any{"member": "999999"}})
	expect(t, r, http.StatusRequestEntityTooLarge, "Image member limit exceeded for image "+id+
		": The limit has been exceeded on the number of allowed image members for this image. Attempted: 129, Maximum: 128:")
	if n := len(s.Members(id)); n != maxMembers {
		t.Errorf("%d members", n)
	}
}

// TestMembers_StatusDrivesConsumerList is REFERENCE §2.3: the status decides the list, any
// status gives read access, removal takes it away.
func TestMembers_StatusDrivesConsumerList(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := startServer(t, Options{Now: clock.Now})
	id := activeImage(t, s, map[string]any{"name": "gift"}, "image bytes")
	expect(t, memberCall(t, s, producer, "POST", id, "", map[string]any{"member": consumer}), 200, "")
	tok := s.IssueToken(consumer)
	listed := func(query string) bool {
		t.Helper()
		return sameSet(listNames(t, s, consumer, query), "gift")
	}
	readable := func() {
		t.Helper()
		expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok}), 200, "")
		r := do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file", token: tok})
		if r.status != 200 || string(r.body) != "image bytes" {
			t.Errorf("download: %d %q", r.status, r.body)
		}
	}
	setStatus := func(st string) {
		t.Helper()
		clock.Advance(time.Minute)
		r := memberCall(t, s, consumer, "PUT", id, consumer, map[string]any{"status": st})
		expect(t, r, 200, "")
		if m := r.object(t); m["status"] != st || m["updated_at"] == m["created_at"] {
			t.Errorf("after %s: %v", st, m)
		}
	}

	readable()
	if listed("") || !listed("member_status=pending") || !listed("visibility=shared&member_status=pending") ||
		!listed("member_status=all") || listed("member_status=rejected") {
		t.Error("pending member: wrong lists")
	}
	setStatus("accepted")
	if !listed("") || !listed("visibility=shared") || listed("visibility=private") || listed("member_status=pending") {
		t.Error("accepted member: wrong lists")
	}
	setStatus("rejected")
	readable()
	if listed("") || !listed("member_status=rejected") || !listed("member_status=all") {
		t.Error("rejected member: wrong lists")
	}
	setStatus("pending")
	if listed("") {
		t.Error("back to pending: listed")
	}
	if ms := s.Members(id); len(ms) != 1 || ms[0].Status != "pending" || !ms[0].UpdatedAt.After(ms[0].CreatedAt) {
		t.Errorf("Members = %+v", ms)
	}

	// Behind Terraform's back.
	if err := s.SetMemberStatus(id, consumer, "accepted"); err != nil {
		t.Fatal(err)
	}
	if !listed("") {
		t.Error("SetMemberStatus accepted: not listed")
	}
	if err := s.DeleteMember(id, consumer); err != nil {
		t.Fatal(err)
	}
	if listed("member_status=all") {
		t.Error("deleted member still lists the image")
	}
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok}), 404, "No image found with ID "+id)
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id + "/file", token: tok}), 404, "")
	// The owner's own list does not depend on members.
	if !sameSet(listNames(t, s, producer, ""), "gift") {
		t.Error("owner list")
	}
}

func TestMembers_Backdoor(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	id := sharedImage(t, s, consumer, otherMember)
	if err := s.SetMemberStatus(id, consumer, "bogus"); err == nil {
		t.Error("bogus status accepted")
	}
	if err := s.SetMemberStatus(id, stranger, "accepted"); err == nil {
		t.Error("status of a non-member set")
	}
	if err := s.DeleteMember(id, stranger); err == nil {
		t.Error("non-member deleted")
	}
	if ms := s.Members(id); len(ms) != 2 || ms[0].MemberID != consumer || ms[1].MemberID != otherMember || ms[0].ImageID != id {
		t.Errorf("Members = %+v", ms)
	}
	// Deleting an image deletes its members, through the API or behind its back.
	expect(t, do(t, s, req{method: "DELETE", path: "/image/v2/images/" + id, token: s.IssueToken(producer)}), 204, "")
	if ms := s.Members(id); len(ms) != 0 {
		t.Errorf("members outlive their image: %+v", ms)
	}
	id = sharedImage(t, s, consumer)
	if err := s.DeleteImage(id); err != nil {
		t.Fatal(err)
	}
	if ms := s.Members(id); len(ms) != 0 {
		t.Errorf("members outlive DeleteImage: %+v", ms)
	}
}

// TestMembers_Gophercloud drives sharing through gophercloud's members package, producer and
// consumer each with their own client.
func TestMembers_Gophercloud(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	id := activeImage(t, s, nil, "shared data")
	owner, guest := imageClient(t, s), imageClientFor(s, consumer)

	m, err := members.Create(ctx, owner, id, consumer).Extract()
	if err != nil || m.Status != "pending" || m.MemberID != consumer || m.ImageID != id || m.CreatedAt.IsZero() {
		t.Fatalf("Create = %+v, %v", m, err)
	}
	if _, err := members.Create(ctx, owner, id, consumer).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusConflict) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := members.Create(ctx, guest, id, stranger).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusForbidden) {
		t.Errorf("member adds: %v", err)
	}
	m, err = members.Update(ctx, guest, id, consumer, members.UpdateOpts{Status: "accepted"}).Extract()
	if err != nil || m.Status != "accepted" {
		t.Fatalf("Update = %+v, %v", m, err)
	}
	if _, err := members.Update(ctx, owner, id, consumer, members.UpdateOpts{Status: "rejected"}).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusForbidden) {
		t.Errorf("owner updates: %v", err)
	}
	pages, err := members.List(owner, id).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := members.ExtractMembers(pages)
	if err != nil || len(all) != 1 || all[0].Status != "accepted" {
		t.Fatalf("List = %+v, %v", all, err)
	}
	if got, err := members.Get(ctx, guest, id, consumer).Extract(); err != nil || got.Status != "accepted" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	rc, err := imagedata.Download(ctx, guest, id).Extract()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if string(data) != "shared data" {
		t.Errorf("member downloads %q", data)
	}
	if err := members.Delete(ctx, owner, id, consumer).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if _, err := members.Get(ctx, guest, id, consumer).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("after delete: %v", err)
	}
}
