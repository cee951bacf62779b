package server

import (
	"strings"
	"testing"
)

// TestPageBody: the paragraphs that show nothing go, the rest stay as
// they were; images get an alt; the lead image is found by its src.
func TestPageBody(t *testing.T) {
	for _, tc := range []struct {
		name, in, src, want string
		shows               bool
	}{
		{"nbsp", `<p>a</p><p>&nbsp;</p><p>b</p>`, "", `<p>a</p><p>b</p>`, false},
		{"br and spaces", "<p> <br/> </p><p>\u00a0<span> </span></p><h2>t</h2>", "", `<h2>t</h2>`, false},
		{"nested", `<div><p><b>&nbsp;</b></p><p>x</p></div>`, "", `<div><p>x</p></div>`, false},
		{"an image is not blank", `<p><img src="https://a/i.jpg"/></p>`, "https://a/i.jpg", `<p><img src="https://a/i.jpg" alt=""/></p>`, true},
		{"alt kept", `<p><img src="https://a/j.jpg" alt="사진"/></p>`, "https://a/i.jpg", `<p><img src="https://a/j.jpg" alt="사진"/></p>`, false},
		{"text kept", `<p>0</p>`, "", `<p>0</p>`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, shows := pageBody(tc.in, tc.src)
			if string(got) != tc.want || shows != tc.shows {
				t.Errorf("pageBody(%q) = %q, %v; want %q, %v", tc.in, got, shows, tc.want, tc.shows)
			}
		})
	}
}

// TestPageStyle: text colours become a light and a dark shade readable
// on their backgrounds; other declarations stay; unreadable ones go.
func TestPageStyle(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"color: #ee2323;", "--c: #e22121; --cd: #f03939;"},
		{"color: #1a5490;", "--c: #1a5490; --cd: #5f87b1;"},
		{"background-color: #21538527;", "background-color: #21538527;"},
		{"color: rgb(255, 255, 0); font-weight: bold", "--c: #737300; --cd: #ffff00; font-weight: bold;"},
		{"color: #fff", "--c: #737373; --cd: #ffffff;"},
		{"color: red", ""},
	} {
		got := pageStyle(tc.in)
		if got != tc.want {
			t.Errorf("pageStyle(%q) = %q, want %q", tc.in, got, tc.want)
		}
		for _, decl := range strings.Split(got, ";") {
			k, v, _ := strings.Cut(decl, ":")
			c, ok := parseColor(strings.TrimSpace(v))
			switch strings.TrimSpace(k) {
			case "--c":
				if !ok || contrast(c, lightBG) < minContrast {
					t.Errorf("%q: light %q below 4.5:1", tc.in, v)
				}
			case "--cd":
				if !ok || contrast(c, darkBG) < minContrast {
					t.Errorf("%q: dark %q below 4.5:1", tc.in, v)
				}
			}
		}
	}
}
