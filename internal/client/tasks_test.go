package client

import (
	"encoding/json"
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
