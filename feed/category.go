package feed

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// CategoryKey is the form under which a category is indexed and looked up:
// Unicode NFC (Korean typed on some systems arrives decomposed), white space
// folded, lower case. "경제/산업", "경제/산업 " and a decomposed "경제/산업" are
// one category; so are "News" and "news".
func CategoryKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(name)), " "))
}

// UniqueCategories returns names without those that repeat an earlier one
// (by CategoryKey) or fold to nothing, keeping the first spelling, in
// order. It is the one rule for "the same category" in every layer.
func UniqueCategories(names []string) []string {
	var out []string
	seen := make(map[string]bool, len(names))
	for _, name := range names {
		k := CategoryKey(name)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, name)
	}
	return out
}
