package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/bench/corpus"
)

const token = "floor-test-token"

func post(t *testing.T, url, tok string, doc []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/api/articles", strings.NewReader(string(doc)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		ID string `json:"id"`
	}
	if resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("answer: %v", err)
		}
	}
	return resp.StatusCode, body.ID
}

// TestPostSeed posts sokbo's seed article to a floor server on 127.0.0.1
// and reads back what it stored in the bbolt file.
func TestPostSeed(t *testing.T) {
	seed, err := os.ReadFile("../../../feed/ingest/testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "floor.db")
	db, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newServer(db, token)) // listens on 127.0.0.1
	wantID := "대통령실-미국-측-긴밀-협력-계획-밝혀졌다"

	if code, _ := post(t, srv.URL, "wrong", seed); code != http.StatusUnauthorized {
		t.Errorf("wrong token: status %d, want 401", code)
	}
	if code, id := post(t, srv.URL, token, seed); code != http.StatusCreated || id != wantID {
		t.Errorf("seed: status %d, id %q; want 201, %q", code, id, wantID)
	}
	// The seed has no date: posted again it is dated anew, and its old
	// time-index entry must go.
	time.Sleep(time.Millisecond)
	if code, id := post(t, srv.URL, token, seed); code != http.StatusOK || id != wantID {
		t.Errorf("seed again: status %d, id %q; want 200, %q", code, id, wantID)
	}
	hostile := "---\nid: hostile\ntitle: x\ndate: 2026-11-24 09:30:00 +0900\n---\n" +
		`<script>alert(1)</script><p onclick="steal()">Plain, <a href="javascript:steal()">link</a> and <mark>marked text</mark>.</p>`
	if code, id := post(t, srv.URL, token, []byte(hostile)); code != http.StatusCreated || id != "hostile" {
		t.Errorf("hostile: status %d, id %q; want 201, hostile", code, id)
	}
	if code, _ := post(t, srv.URL, token, []byte("no front matter")); code != http.StatusBadRequest {
		t.Errorf("no front matter: status %d, want 400", code)
	}
	srv.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var seedRec, hostileRec article
	timeEntries := 0
	err = db.View(func(tx *bolt.Tx) error {
		arts := tx.Bucket(bucketArticles)
		for id, dst := range map[string]*article{wantID: &seedRec, "hostile": &hostileRec} {
			v := arts.Get([]byte(id))
			if v == nil {
				t.Fatalf("article %q not in the bbolt file", id)
			}
			if err := json.Unmarshal(v, dst); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketTime).ForEach(func(_, _ []byte) error { timeEntries++; return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	if timeEntries != 2 {
		t.Errorf("time index: %d entries, want 2", timeEntries)
	}

	if seedRec.Title != "대통령실 미국 측 긴밀 협력 계획 밝혀졌다!" || !slices.Equal(seedRec.Categories, []string{"News"}) {
		t.Errorf("seed: title %q, categories %q", seedRec.Title, seedRec.Categories)
	}
	if !slices.Contains(seedRec.Highlights, "양국 간 긴밀한 협력은 지속적으로 유지될 것") ||
		!slices.Contains(seedRec.Highlights, "대통령실 관계자는 한미 동맹에 대한 미국 내 지지는 초당적이라고 강조했습니다") {
		t.Errorf("seed: highlights lack a coloured and a background-coloured span: %q", seedRec.Highlights)
	}
	if !strings.Contains(seedRec.Content, `<span style="color: #ee2323">`) || strings.Contains(seedRec.Content, "data-ke-size") {
		t.Errorf("seed: the sanitizer dropped the colour or kept data-ke-size:\n%.600s", seedRec.Content)
	}
	if !strings.HasPrefix(seedRec.Lead, "한미동맹과 미국 내 지지 대통령실은") {
		t.Errorf("seed: lead %q", seedRec.Lead)
	}
	for _, bad := range []string{"script", "alert", "onclick", "javascript"} {
		if strings.Contains(hostileRec.Content, bad) {
			t.Errorf("hostile: stored content keeps %q: %s", bad, hostileRec.Content)
		}
	}
	if !slices.Equal(hostileRec.Highlights, []string{"marked text"}) || hostileRec.Lead != "Plain, link and marked text." {
		t.Errorf("hostile: highlights %q, lead %q", hostileRec.Highlights, hostileRec.Lead)
	}
}

// BenchmarkParse is the floor's CPU per article without the store and
// HTTP: front matter, sanitizer, tree and walk, over corpus documents.
func BenchmarkParse(b *testing.B) {
	s := &server{policy: newPolicy()}
	var docs [][]byte
	for i := range 64 {
		docs = append(docs, corpus.Article(i, corpus.New(1, i)))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.parse(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
