package feed

import (
	"net/url"
	"testing"
)

func TestBaseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://news.example.com", "https://news.example.com/"},
		{"https://news.example.com/", "https://news.example.com/"},
		{"http://example.com/news", "http://example.com/news/"},
		{"https://user:pw@example.com/news/?q=1#top", "https://example.com/news/"},
		{"https://example.com/%EB%89%B4%EC%8A%A4", "https://example.com/%EB%89%B4%EC%8A%A4/"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/"},
		{"ftp://example.com/", ""},
		{"/news/", ""},
		{"https:///news/", ""},
		{"news.example.com", ""},
	} {
		u, err := url.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := BaseURL(u)
		if tc.want == "" {
			if err == nil {
				t.Errorf("BaseURL(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("BaseURL(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
		if got == u {
			t.Errorf("BaseURL(%q) returned its argument, not a copy", tc.in)
		}
	}
	if _, err := BaseURL(nil); err == nil {
		t.Error("BaseURL(nil): no error")
	}
}
