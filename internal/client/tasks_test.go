package client

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestTask_UnmarshalJSON(t *testing.T) {
	t.Parallel()
	var pending Task
	if err := json.Unmarshal([]byte(`{"id":"t1","type":"import","status":"pending","message":"None","owner":"00000123",
		"input":{"import_from":"exports/a.vhd"},"created_at":"2014-02-26T02:58:46Z","updated_at":"2014-02-26T02:58:46Z"}`), &pending); err != nil {
		t.Fatal(err)
	}
	if pending.Message != "" || pending.ExpiresAt != nil || pending.Input["import_from"] != "exports/a.vhd" || pending.CreatedAt.IsZero() {
		t.Fatalf("pending task: %+v", pending)
	}
	var done Task
	if err := json.Unmarshal([]byte(`{"id":"t1","type":"import","status":"success","message":"",
		"result":{"image_id":"img"},"expires_at":"2014-02-28T03:28:18Z"}`), &done); err != nil {
		t.Fatal(err)
	}
	if done.ResultString("image_id") != "img" || done.ResultString("missing") != "" || done.ExpiresAt == nil || done.ExpiresAt.Day() != 28 {
		t.Fatalf("finished task: %+v", done)
	}
	if msg := (&TaskFailedError{Task: &Task{ID: "t2", Type: "export"}}).Error(); msg != "export task t2 failed: the server gave no message" {
		t.Fatalf("message: %q", msg)
	}
}

func TestMember_UnmarshalJSON(t *testing.T) {
	t.Parallel()
	var m Member
	if err := json.Unmarshal([]byte(`{"created_at":"2013-09-20T19:22:19Z","image_id":"a96b","member_id":"8989",
		"schema":"/v2/schemas/member","status":"pending","updated_at":"2013-09-20T19:25:31Z"}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.ImageID != "a96b" || m.MemberID != "8989" || m.Status != MemberPending || m.UpdatedAt.Minute() != 25 {
		t.Fatalf("member: %+v", m)
	}
}

func TestTokenName_roundTrip(t *testing.T) {
	t.Parallel()
	tok := NewToken()
	if len(tok) != 16 || NewToken() == tok {
		t.Fatalf("tokens %q: want 16 hex digits, fresh each time", tok)
	}
	marked := TokenName("golden", tok)
	if marked != "golden [tf-"+tok+"]" || StripToken(marked) != "golden" {
		t.Fatalf("TokenName = %q, stripped %q", marked, StripToken(marked))
	}
	if StripToken("golden [tf-xyz]") != "golden [tf-xyz]" || TokenName("golden", "") != "golden" {
		t.Fatal("only the provider's own mark is stripped, and no token is no mark")
	}
	long := strings.Repeat("n", 250)
	if m := TokenName(long, tok); len(m) != maxImageName || !strings.HasPrefix(long, StripToken(m)) {
		t.Fatalf("a long name is cut to fit the mark: %d characters, %q", len(m), StripToken(m))
	}
}

func TestRenameMarkedImage(t *testing.T) {
	t.Parallel()
	c, srv := newTestClient(t)
	marked := TokenName("golden", "0123456789abcdef")
	marks := seedImage(t, srv, map[string]any{"name": marked}, nil)
	other := seedImage(t, srv, map[string]any{"name": "renamed by hand"}, nil)
	ctx := testCtx(t)

	renamed, err := c.RenameMarkedImage(ctx, marks, marked, "golden")
	if err != nil || !renamed {
		t.Fatalf("renamed = %v, %v; want the marked image renamed", renamed, err)
	}
	if img, _ := c.GetImage(ctx, marks); img.Name != "golden" {
		t.Fatalf("image is named %q after the rename", img.Name)
	}
	// Once renamed, or renamed by someone else, or gone: nothing to do, no PATCH.
	sent := recordRequests(t, c)
	for _, id := range []string{marks, other, "00000000-0000-4000-8000-000000000999"} {
		if renamed, err := c.RenameMarkedImage(ctx, id, marked, "golden"); err != nil || renamed {
			t.Fatalf("image %s: renamed = %v, %v; want nothing done", id, renamed, err)
		}
	}
	for _, r := range sent.images() {
		if r.Method == http.MethodPatch {
			t.Fatalf("a PATCH was sent to %s though the image no longer bears the mark", r.Path)
		}
	}
	if img, _ := c.GetImage(ctx, other); img.Name != "renamed by hand" {
		t.Fatalf("someone else's name was replaced: %q", img.Name)
	}
}
