package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestDerivedIDConflict: two undated articles whose titles make the same
// id are two stories: the second is a 409 naming the first (id and title)
// and how to give an id, and the first stays. The same title (but for
// case and spacing) still updates; an explicit id replaces as before; a
// deleted article's id is free again.
func TestDerivedIDConflict(t *testing.T) {
	e := start(t)
	post := func(fm string) []byte { return []byte("---\n" + fm + "\n---\n<p>body of " + fm + "</p>\n") }
	steps := []struct {
		name, method, path string
		doc                []byte
		code               int
		title              string // of weather-update afterwards; "" for none
	}{
		{"first", "POST", "/api/articles", post("title: Weather update!"), http.StatusCreated, "Weather update!"},
		{"another story, same derived id", "POST", "/api/articles", post(`title: "weather: UPDATE"`), http.StatusConflict, "Weather update!"},
		{"the same title, its case and spacing edited", "POST", "/api/articles", post("title: weather  UPDATE!"), http.StatusOK, "weather UPDATE!"},
		{"an id of its own", "POST", "/api/articles", post("title: \"weather: UPDATE\"\nid: weather-update-2"), http.StatusCreated, "weather UPDATE!"},
		{"an explicit id replaces", "POST", "/api/articles", post("title: Other\nid: weather-update"), http.StatusOK, "Other"},
		{"deleted", "DELETE", "/api/articles/weather-update", nil, http.StatusNoContent, ""},
		{"the id of a deleted article is free", "POST", "/api/articles", post(`title: "weather: UPDATE"`), http.StatusCreated, "weather: UPDATE"},
	}
	for _, st := range steps {
		r := e.do(st.method, st.path, st.doc, "Authorization", "Bearer "+token, "Content-Type", "text/html")
		if r.Code != st.code {
			t.Fatalf("%s: %d %s, want %d", st.name, r.Code, r.Body, st.code)
		}
		if st.code == http.StatusConflict {
			var body map[string]string
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("%s: %s: %v", st.name, r.Body, err)
			}
			for _, want := range []string{`"weather-update"`, `"Weather update!"`, "id:", "front matter"} {
				if !strings.Contains(body["error"], want) {
					t.Errorf("%s: error %q does not say %s", st.name, body["error"], want)
				}
			}
		}
		g := e.do("GET", "/api/articles/weather-update", nil)
		switch {
		case st.title == "" && g.Code != http.StatusNotFound:
			t.Errorf("%s: GET weather-update: %d, want 404", st.name, g.Code)
		case st.title != "" && (g.Code != http.StatusOK || decode(t, g.Body).Title != st.title):
			t.Errorf("%s: GET weather-update: %d %s, want the title %q", st.name, g.Code, g.Body, st.title)
		}
	}
}
