package acctest

import (
	"regexp"
	"strings"
)

// ErrorLike matches an error output that contains the parts in order.
// Terraform wraps long diagnostics, so any space in a part matches any run of
// white space, line breaks included.
func ErrorLike(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
