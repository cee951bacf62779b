package store

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// rssFile is the process's resident file-backed memory in bytes.
func rssFile(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "RssFile:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no RssFile in /proc/self/status")
	return 0
}

// bigArticle is an article of about 8 KB, stored compressed in about as
// many: its text is random syllables.
func bigArticle(id string, i int) *feed.Article {
	rng := rand.New(rand.NewPCG(uint64(i), 1))
	var text strings.Builder
	for text.Len() < 8<<10 {
		text.WriteRune(rune(0xAC00 + rng.IntN(11172)))
	}
	return &feed.Article{
		ID:          id,
		GUID:        "tag:example.org,2024:" + id,
		Title:       "Title of " + id,
		Categories:  []string{"News"},
		ContentHTML: "<p>" + text.String() + "</p>",
		Published:   time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
		DateSet:     true,
		Hash:        "hash-" + id,
	}
}

// fillRandom stores n big articles in random id order from 16 writers, the
// way a bulk import touches pages all over the file.
func fillRandom(t *testing.T, db *DB, n int) {
	t.Helper()
	order := rand.Perm(n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range next {
				if _, _, err := db.Put(context.Background(), bigArticle(fmt.Sprintf("a-%08x", uint32(i)*2654435761), i)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for _, i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// TestRelease: release unmaps the pages a read touched, and the data reads
// back the same after it.
func TestRelease(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "sokbo.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.releaseEvery.Store(1 << 62) // only the explicit release below
	const n = 3000
	fillRandom(t, db, n)

	readAll := func() (sum []byte) {
		err := db.bolt.View(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketItems).ForEach(func(k, v []byte) error {
				sum = append(sum, v[len(v)/2], v[len(v)-1])
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	before := readAll()
	touched := rssFile(t)
	if err := db.release(); err != nil {
		t.Fatalf("release: %v", err)
	}
	released := rssFile(t)
	// n articles of 8 KB were mapped by the read: at least half of that
	// must have left the process's RSS.
	if drop := touched - released; drop < n*8<<10/2 {
		t.Errorf("RssFile %d MB before release, %d MB after: dropped less than %d MB", touched>>20, released>>20, n*8<<10/2>>20)
	}
	if after := readAll(); !bytes.Equal(before, after) {
		t.Error("articles read differently after release")
	}
	if problems, err := db.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("Check after release: %v %q", err, problems)
	}
}

// TestWriterReleases: a bulk import in random order keeps the mapped file's
// resident pages near the release threshold instead of near the file size.
func TestWriterReleases(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "sokbo.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.releaseEvery.Store(2 << 20)
	base := rssFile(t)
	const n = 3000 // ≈ 25 MB of articles
	fillRandom(t, db, n)
	grown := rssFile(t) - base
	if limit := int64(n * 8 << 10 / 3); grown > limit {
		t.Errorf("RssFile grew by %d MB during the import; want under %d MB", grown>>20, limit>>20)
	}
}

// TestReadsRelease: reading every article of a store — a client walking
// the archives — releases the mapping as a bulk import does.
func TestReadsRelease(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "sokbo.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.releaseEvery.Store(1 << 62)
	const n = 3000 // ≈ 25 MB of articles
	fillRandom(t, db, n)
	if err := db.release(); err != nil {
		t.Fatal(err)
	}
	db.releaseEvery.Store(2 << 20)
	base := rssFile(t)
	ctx := context.Background()
	for off := 0; off < n; off += 500 {
		if _, err := db.Latest(ctx, "", off, 500); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Arrived(ctx, 1, n); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := db.Get(ctx, fmt.Sprintf("a-%08x", uint32(i)*2654435761)); err != nil {
			t.Fatal(err)
		}
	}
	// Reading maps all n articles (and the indexes, and code pages of
	// the test binary run for the first time): half of them must have
	// been released.
	if grown, limit := rssFile(t)-base, int64(n*8<<10/2); grown > limit {
		t.Errorf("RssFile grew by %d MB reading every article three ways; want under %d MB", grown>>20, limit>>20)
	}
}
