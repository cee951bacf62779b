package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"sokbo/feed"
	"sokbo/feed/ingest"
)

// TestParseBudgetRejects checks each of the budget's limits with the
// shape that used to cost seconds and gigabytes (or was stored emptied):
// a 400 naming the body (or front matter), the line, and what to do.
func TestParseBudgetRejects(t *testing.T) {
	t.Parallel()
	md := "---\ntitle: T\n---\n" // the body starts on line 4
	htm := "---\ntitle: T\nformat: html\n---\n"
	var formatting strings.Builder
	formatting.WriteString(htm + "<p>")
	for i := range 400 {
		fmt.Fprintf(&formatting, "<b id=%d>", i)
	}
	formatting.WriteString("</p>" + strings.Repeat("<p>a", 300))
	tests := []struct {
		name  string
		doc   string
		field string
		line  int
		msg   string
	}{
		{"wide table", md + "intro\n\n" + strings.Repeat("|h", 1000) + "|\n" + strings.Repeat("|-", 1000) + "|\n" + strings.Repeat("|a\n", 3000),
			"body", 7, "table of 1000 columns"},
		{"reference used over and over", md + "[r]: https://example.com/" + strings.Repeat("x", 8000) + "\n\n" + strings.Repeat("[r]\n\n", 400),
			"body", 136, "renders to more than"},
		{"unclosed link destinations", md + "intro\n\n" + strings.Repeat("[a](", 5000) + "\n",
			"body", 6, "format: html"},
		{"nested brackets", md + strings.Repeat("[", 6000) + "x" + strings.Repeat("]", 6000) + "\n",
			"body", 4, "12000 brackets"},
		{"many paragraphs", md + strings.Repeat("a\n\n", 20000),
			"body", 4 + 25000, "more than 25000 elements"},
		{"emphasis run", md + strings.Repeat("*a", 40000),
			"body", 4, "more than 25000 elements"},
		{"html nested deeper than 512", htm + strings.Repeat("<div>\n", 600) + "text",
			"body", 5 + 511, "nested deeper than 512"},
		{"markdown html nested deeper than 512", md + "intro\n\n" + strings.Repeat("<span>", 600) + "text\n",
			"body", 4, "nested deeper than 512"},
		{"formatting nested deeper than 512", htm + strings.Repeat("<b><i><u>a</p>", 200),
			"body", 5, "nested deeper than 512"},
		{"html tiny elements", htm + strings.Repeat("<b>a</b>\n", 40000),
			"body", 5 + 25000, "more than 25000 elements"},
		{"html links", htm + strings.Repeat("<a href=\"/x\">a</a>\n", 12000),
			"body", 5 + 5000, "more than 5000 links"},
		{"formatting re-opened in every paragraph", formatting.String(),
			"body", 5, "formatting elements"},
		{"front matter of many keys", "---\ntitle: T\n" + strings.Repeat("k: v\n", 20000) + "---\n",
			"front matter", 2 + 10000, "more than 10000 lines"},
		{"front matter of a long flow list", "---\ntitle: T\ntags: [" + strings.Repeat("a, ", 20000) + "a]\n---\n",
			"front matter", 3, "more than 10000 lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := ingest.Parse(context.Background(), []byte(tt.doc), options(t))
			var ie *feed.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Parse = %v, %v; want a *feed.InputError", r, err)
			}
			if ie.Field != tt.field || ie.Line != tt.line || !strings.Contains(ie.Msg, tt.msg) {
				t.Errorf("error %v; want field %q, line %d, a message with %q", err, tt.field, tt.line, tt.msg)
			}
		})
	}
}

// TestParseBudgetAccepts checks that what articles do stays within the
// budget: the seed's body repeated up to the largest body, and Markdown
// prose with links, emphasis, a table and lists at that size. Not in
// parallel: checkBudget counts the whole process's allocations.
func TestParseBudgetAccepts(t *testing.T) {
	s := string(seed(t))
	end := strings.Index(s[3:], "\n---\n") + 3 + len("\n---\n")
	var big strings.Builder
	big.WriteString(s[:end])
	for big.Len()+len(s)-end < maxBody {
		big.WriteString(s[end:])
	}
	para := "The coast guard said [twelve people](https://example.com/rescue) were rescued *overnight*, " +
		"and three boats searched the area through the night. 해양경찰은 오늘 새벽 여객선 승객 열두 명을 구조했다고 밝혔으며, " +
		"수색 작업은 밤새 이어졌다. Officials said the weather had improved by morning and the ferry, carrying " +
		"forty passengers, was towed back to port. 해경은 사고 원인을 조사하고 있다고 덧붙였다.\n"
	var md strings.Builder
	md.WriteString("---\ntitle: T\n---\n| a | b | c |\n|---|:-:|--:|\n| 1 | 2 | 3 |\n\n- one\n- two\n\n")
	for md.Len()+len(para)+1 < maxBody {
		md.WriteString(para + "\n")
	}
	for _, doc := range []string{big.String(), md.String()} {
		checkBudget(t, []byte(doc), options(t))
		r, err := ingest.Parse(context.Background(), []byte(doc), options(t))
		if err != nil {
			t.Errorf("Parse of a %d-byte article: %v", len(doc), err)
			continue
		}
		if len(r.Article.ContentHTML) < len(doc)/2 {
			t.Errorf("Parse of a %d-byte article stored %d bytes of body", len(doc), len(r.Article.ContentHTML))
		}
	}
}
