package task

import (
	"strings"
	"testing"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

const token = "0123456789abcdef"

func TestTokenOf(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"golden [tf-" + token + "]": token,
		"golden":                    "",
		"golden [tf-xyz]":           "", // not the provider's mark
		"[tf-" + token + "]":        "", // the mark follows a space
	} {
		if got := tokenOf(name); got != want {
			t.Errorf("tokenOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestShownName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 250)
	marked := client.TokenName(long, token) // cut to make room for the mark
	cases := []struct{ marked, prior, want string }{
		{"golden [tf-" + token + "]", "", "golden"},                          // terraform import: no prior name
		{"golden [tf-" + token + "]", "golden", "golden"},                    // refresh
		{"golden [tf-" + token + "]", "other", "golden"},                     // the task says what it was
		{"golden", "golden", "golden"},                                       // an unmarked task
		{"someone's [tf-xyz]", "", "someone's [tf-xyz]"},                     // not our mark
		{marked, long, long},                                                 // the uncut name is kept
		{marked, "", client.StripToken(marked)},                              // nothing better known
		{marked, "y" + long[1:], client.StripToken(marked)},                  // a prior name the mark was not made from
		{"golden [tf-" + token + "]", "golden [tf-" + token + "]", "golden"}, // a pending rename's state
	}
	for _, c := range cases {
		if got := shownName(c.marked, c.prior); got != c.want {
			t.Errorf("shownName(%q, %q) = %q, want %q", c.marked, c.prior, got, c.want)
		}
	}
}

func TestOnlyMarkDiffers(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 250)
	cases := []struct {
		state, plan string
		want        bool
	}{
		{"golden [tf-" + token + "]", "golden", true},  // the rename: in place
		{client.TokenName(long, token), long, true},    // also when the mark cut the name
		{"golden [tf-" + token + "]", "silver", false}, // a new name: a new task
		{"golden", "silver", false},
		{"golden", "golden [tf-" + token + "]", false},
		{"golden [tf-xyz]", "golden", false},
	}
	for _, c := range cases {
		if got := onlyMarkDiffers(c.state, c.plan); got != c.want {
			t.Errorf("onlyMarkDiffers(%q, %q) = %v, want %v", c.state, c.plan, got, c.want)
		}
	}
}
