package mockserver

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

func TestDeactivateReactivate(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	action := func(id, name, tenant string) response {
		return do(t, s, req{method: "POST", path: "/image/v2/images/" + id + "/actions/" + name, token: s.IssueToken(tenant)})
	}
	queued := createImage(t, s, producer, nil)["id"].(string)
	expect(t, action(queued, "deactivate", producer), http.StatusForbidden, "Not allowed to deactivate image in status 'queued'")
	expect(t, action(queued, "reactivate", producer), http.StatusForbidden, "Not allowed to reactivate image in status 'queued'")

	id := activeImage(t, s, map[string]any{"visibility": "community"}, "data")
	expect(t, action(id, "reactivate", producer), http.StatusNoContent, "") // already active: no-op
	expect(t, action(id, "deactivate", consumer), http.StatusForbidden, "You are not authorized to complete deactivate action.")
	expect(t, action(id, "deactivate", producer), http.StatusNoContent, "")
	expect(t, action(id, "deactivate", producer), http.StatusNoContent, "") // no-op
	if rec, _ := s.Image(id); rec.Status != "deactivated" {
		t.Fatalf("status %s", rec.Status)
	}
	// Metadata calls still work on a deactivated image.
	expect(t, do(t, s, req{method: "GET", path: "/image/v2/images/" + id, token: tok}), http.StatusOK, "")
	expect(t, patch(t, s, producer, id, patchV21, `[{"op":"add","path":"/k","value":"v"}]`), http.StatusOK, "")
	expect(t, action(id, "reactivate", producer), http.StatusNoContent, "")
	if rec, _ := s.Image(id); rec.Status != "active" {
		t.Fatalf("status %s", rec.Status)
	}
	expect(t, action("00000000-0000-0000-0000-000000000000", "deactivate", producer), http.StatusNotFound, "")
}

func TestTags(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := s.IssueToken(producer)
	id := createImage(t, s, producer, map[string]any{"tags": []string{"a"}, "visibility": "community"})["id"].(string)
	tag := func(method, tag, token string) response {
		return do(t, s, req{method: method, path: "/image/v2/images/" + id + "/tags/" + url.PathEscape(tag), token: token})
	}
	expect(t, tag("PUT", "b/c d", tok), http.StatusNoContent, "")
	expect(t, tag("PUT", "b/c d", tok), http.StatusNoContent, "") // idempotent
	expect(t, tag("DELETE", "a", tok), http.StatusNoContent, "")
	expect(t, tag("DELETE", "a", tok), http.StatusNotFound, "Tag a not found.")
	expect(t, tag("PUT", "x", s.IssueToken(consumer)), http.StatusForbidden, "")
	if rec, _ := s.Image(id); !slices.Equal(rec.Tags, []string{"b/c d"}) {
		t.Fatalf("tags = %q", rec.Tags)
	}
}
