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
