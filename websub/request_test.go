package websub_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRequestErrors: a malformed subscription request is answered with
// its status and a JSON error naming the field; parameters the hub does
// not know are ignored.
func TestRequestErrors(t *testing.T) {
	e := newEnv(t, nil)
	s := newSubscriber(t)
	topic := e.url + "feed.rss"
	form := func(kv ...string) string {
		v := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {s.url}}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "-" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v.Encode()
	}
	const formType = "application/x-www-form-urlencoded"
	tests := []struct {
		name, ctype, body string
		code              int
		says              string // the start of the error; "" when accepted
	}{
		{"accepted", formType, form(), http.StatusAccepted, ""},
		{"content type with charset", formType + "; charset=utf-8", form(), http.StatusAccepted, ""},
		{"unknown parameter", formType, form("hub.verify", "sync", "x", "y"), http.StatusAccepted, ""},
		{"unsubscribe", formType, form("hub.mode", "unsubscribe"), http.StatusAccepted, ""},
		{"secret of 199 bytes", formType, form("hub.secret", strings.Repeat("s", 199)), http.StatusAccepted, ""},
		{"callback with a query", formType, form("hub.callback", s.url+"?id=7"), http.StatusAccepted, ""},
		{"lease on an unsubscription is ignored", formType, form("hub.mode", "unsubscribe", "hub.lease_seconds", "soon"), http.StatusAccepted, ""},

		{"JSON", "application/json", `{"hub.mode":"subscribe"}`, http.StatusUnsupportedMediaType, "Content-Type"},
		{"no content type", "", form(), http.StatusUnsupportedMediaType, "Content-Type"},
		{"too large", formType, form("hub.secret", strings.Repeat("s", 20<<10)), http.StatusRequestEntityTooLarge, "body"},
		{"not a form", formType, "hub.mode=%zz", http.StatusBadRequest, "body"},
		{"no mode", formType, form("hub.mode", "-"), http.StatusBadRequest, "hub.mode: missing"},
		{"publish", formType, form("hub.mode", "publish"), http.StatusBadRequest, "hub.mode: "},
		{"mode twice", formType, form() + "&hub.mode=unsubscribe", http.StatusBadRequest, "hub.mode: given 2 times"},
		{"no callback", formType, form("hub.callback", "-"), http.StatusBadRequest, "hub.callback: missing"},
		{"relative callback", formType, form("hub.callback", "/cb"), http.StatusBadRequest, "hub.callback: not an absolute"},
		{"ftp callback", formType, form("hub.callback", "ftp://example.com/cb"), http.StatusBadRequest, "hub.callback: not an absolute"},
		{"callback with a fragment", formType, form("hub.callback", s.url+"#x"), http.StatusBadRequest, "hub.callback: has a fragment"},
		{"callback with user info", formType, form("hub.callback", "http://me:pw@example.com/cb"), http.StatusBadRequest, "hub.callback: user info"},
		{"callback without host", formType, form("hub.callback", "http:///cb"), http.StatusBadRequest, "hub.callback: no host"},
		{"long callback", formType, form("hub.callback", "https://example.com/"+strings.Repeat("a", 2100)), http.StatusBadRequest, "hub.callback: "},
		{"bad callback", formType, form("hub.callback", "http://example.com/%zz"), http.StatusBadRequest, "hub.callback: not a URL"},
		{"no topic", formType, form("hub.topic", "-"), http.StatusBadRequest, "hub.topic: missing"},
		{"relative topic", formType, form("hub.topic", "/feed.rss"), http.StatusBadRequest, "hub.topic: not an absolute URL"},
		{"long topic", formType, form("hub.topic", e.url+strings.Repeat("a", 2100)), http.StatusBadRequest, "hub.topic: "},
		{"negative lease", formType, form("hub.lease_seconds", "-5"), http.StatusBadRequest, "hub.lease_seconds: "},
		{"lease in words", formType, form("hub.lease_seconds", "ten"), http.StatusBadRequest, "hub.lease_seconds: "},
		{"empty lease", formType, form("hub.lease_seconds", ""), http.StatusBadRequest, "hub.lease_seconds: "},
		{"secret of 200 bytes", formType, form("hub.secret", strings.Repeat("s", 200)), http.StatusBadRequest, "hub.secret: 200 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, e.url+"websub", strings.NewReader(tt.body))
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var body map[string]string
			if err := jsonDecode(res, &body); err != nil {
				t.Fatalf("%d, the answer is not JSON: %v", res.StatusCode, err)
			}
			if res.StatusCode != tt.code {
				t.Errorf("status %d %v, want %d", res.StatusCode, body, tt.code)
			}
			if tt.says != "" && !strings.HasPrefix(body["error"], tt.says) {
				t.Errorf("error %q, want it to start with %q", body["error"], tt.says)
			}
			if tt.says == "" && body["error"] != "" {
				t.Errorf("error %q on an accepted request", body["error"])
			}
		})
	}
}

// TestVerificationKeepsQuery: the hub adds its parameters to the
// callback's own query (WebSub 5.3).
func TestVerificationKeepsQuery(t *testing.T) {
	e := newEnv(t, nil)
	s := newSubscriber(t)
	e.mustSubscribe("subscribe", e.url+"feed.rss", s.url+"?feed=7&user=a%20b")
	q := s.waitRequest(t, "subscribe")
	if q.Get("feed") != "7" || q.Get("user") != "a b" || q.Get("hub.challenge") == "" {
		t.Errorf("verification query %v", q)
	}
}
