package importid

import (
	"strings"
	"testing"
)

const img = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"

func TestParse(t *testing.T) {
	t.Parallel()
	names := []string{"image_id", "member_id"}
	parts, err := Parse(img+"/100002", names, "image_id")
	if err != nil || parts[0] != img || parts[1] != "100002" {
		t.Fatalf("Parse: %v %v", parts, err)
	}
	for id, want := range map[string]string{
		img:                  "of the form image_id/member_id",
		img + "/":            "member_id is empty",
		"abc/100002":         "image_id must be a UUID",
		img + "/100002/more": "of the form image_id/member_id",
	} {
		if _, err := Parse(id, names, "image_id"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", id, err, want)
		}
	}
}

// FuzzParse: any input either parses into exactly the named, non-empty
// parts that join back to it, or is refused with the expected format named.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{img + "/100002", img, "/", "a/b/c", img + "/", "", "abc/100002", img + "/x/y"} {
		f.Add(seed)
	}
	names := []string{"image_id", "member_id"}
	f.Fuzz(func(t *testing.T, id string) {
		parts, err := Parse(id, names, "image_id")
		if err != nil {
			if !strings.Contains(err.Error(), "image_id/member_id") {
				t.Fatalf("error without the expected format: %v", err)
			}
			return
		}
		if len(parts) != 2 || parts[0] == "" || parts[1] == "" || parts[0]+"/"+parts[1] != id {
			t.Fatalf("Parse(%q) = %q", id, parts)
		}
	})
}
