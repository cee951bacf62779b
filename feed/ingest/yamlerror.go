package ingest

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"sokbo/feed"
)

// yamlError converts a YAML syntax error in the front matter fm into an
// InputError at its document line. yaml.v3 gives the position only in
// the text of its message, and not consistently: its scanner's lines are
// 1-based, its parser's 0-based, and a line 0 is left out.
func yamlError(err error, fm string) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &feed.InputError{Field: "front matter", Msg: "invalid YAML: " + msg}
	switch m := yamlLineRE.FindStringSubmatchIndex(msg); {
	case m != nil:
		n, _ := strconv.Atoi(msg[m[2]:m[3]]) // digits, by the pattern
		if slices.ContainsFunc(parserProblems, func(p string) bool { return strings.HasSuffix(msg, p) }) {
			n++
		}
		e.Line = n + fmLine
		e.Msg = "invalid YAML: " + strings.TrimSpace(msg[:m[0]]+msg[m[1]:])
	case anchorRE.MatchString(msg):
		// No position at all: find the alias's first use.
		alias := "*" + anchorRE.FindStringSubmatch(msg)[1]
		for n, line := range strings.Split(fm, "\n") {
			if strings.Contains(line, alias) {
				e.Line = n + 1 + fmLine
				break
			}
		}
	default:
		// The problem is on the YAML's first line (its line 0 is left
		// out), which is the document's second.
		e.Line = 1 + fmLine
	}
	return e
}

// yamlLineRE finds the line in a YAML error message.
var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// anchorRE finds the alias in yaml.v3's unknown-anchor message.
var anchorRE = regexp.MustCompile(`unknown anchor '([^']*)' referenced`)

// parserProblems are the problems yaml.v3's parser (as opposed to its
// scanner) reports, whose lines are 0-based.
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}
