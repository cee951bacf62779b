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

// The tests here measure how much of the store's file is resident in
// the process's page tables (the Rss of its mapping in /proc/self/smaps),
// and only around an explicit release, whose effect is the store's own:
// before and after it, not against a ceiling. Neither the process's other
// mappings (code pages run for the first time, other tests' stores) nor
// the kernel's reclaim on a loaded machine can make them fail: reclaim
// only makes less resident.

// mappedRSS returns the resident bytes of the mappings of db's file.
func mappedRSS(tb testing.TB, db *DB) int64 {
	tb.Helper()
	path, err := filepath.EvalSymlinks(db.bolt.Path())
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		tb.Skip("no /proc/self/smaps:", err)
	}
	defer f.Close()
	var rss int64
	in, found := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if !strings.HasSuffix(fields[0], ":") {
			// A mapping's header: address perms offset dev inode [path].
			in = len(fields) >= 6 && strings.Join(fields[5:], " ") == path
			found = found || in
			continue
		}
		if rest, ok := strings.CutPrefix(line, "Rss:"); ok && in {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				tb.Fatalf("smaps: %q: %v", line, err)
			}
			rss += kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if !found {
		tb.Fatalf("no mapping of %s in /proc/self/smaps", path)
	}
	return rss
}

// bigArticle is an article of about 8 KB, stored compressed in about as
// many: its text is random syllables.
func bigArticle(i int) *feed.Article {
	id := bigID(i)
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
	}
}

// bigID is the id of the i-th big article: ids do not sort as i does.
func bigID(i int) string { return fmt.Sprintf("a-%08x", uint32(i)*2654435761) }

// bigArticles is how many articles the tests store: about 25 MB.
const bigArticles = 3000

// fillRandom stores n big articles in random order from 16 writers, the
// way a bulk import touches pages all over the file.
func fillRandom(tb testing.TB, db *DB, n int) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("fills a store with 25 MB of articles")
	}
	order := rand.Perm(n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range next {
				if _, err := db.Put(context.Background(), bigArticle(i)); err != nil {
					tb.Errorf("Put(%s): %v", bigID(i), err)
				}
			}
		})
	}
	for _, i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
	if tb.Failed() {
		tb.FailNow()
	}
}

// storedBytes is the sum of the stored sizes of every article.
func storedBytes(tb testing.TB, db *DB) int64 {
	tb.Helper()
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketItems).ForEach(func(_, v []byte) error {
			n += int64(len(v))
			return nil
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestMapped: reads count their bytes until lookEvery, and the reader
// that crosses it looks (the count starts again from zero).
func TestMapped(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t, Options{})
	for _, step := range []struct {
		add, want int64
	}{
		{0, 0},
		{-5, 0},
		{lookEvery / 2, lookEvery / 2},
		{lookEvery/2 - 1, lookEvery - 1},
		{1, 0}, // reaches the threshold: looked
		{3 * lookEvery, 0},
		{70, 70},
	} {
		db.mapped(step.add)
		if got := db.mappedBytes.Load(); got != step.want {
			t.Errorf("after mapped(%d): count %d, want %d", step.add, got, step.want)
		}
	}
}

// TestResidentFile: the process's resident file-backed memory grows when
// the store's file is read through the mapping, and shrinks when it is
// released.
func TestResidentFile(t *testing.T) {
	db, _ := openTest(t, Options{})
	db.releaseAbove.Store(1 << 62) // only the explicit release below
	fillRandom(t, db, bigArticles)
	if err := db.release(); err != nil {
		t.Fatal(err)
	}
	base := residentFile()
	if base <= 0 {
		t.Fatalf("residentFile() = %d", base)
	}
	readAll(t, db)
	read := residentFile()
	db.releaseAbove.Store(1) // any growth calls for a release
	db.look()
	after := residentFile()
	t.Logf("resident file-backed memory: %d kB after a release, %d kB after reading the file, %d kB after look", base>>10, read>>10, after>>10)
	if mapped := mappedRSS(t, db); mapped > storedBytes(t, db)/16 {
		t.Errorf("%d kB of the file resident after look released it", mapped>>10)
	}
	if read-after < (read-base)/2 {
		t.Errorf("look released %d kB of the %d kB the read mapped", (read-after)>>10, (read-base)>>10)
	}
}

// TestReadsCountMapped: every read through the mapping (Get, Latest,
// Arrived) counts the bytes of the articles it read.
func TestReadsCountMapped(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t, Options{})
	db.releaseAbove.Store(1 << 62) // never released here
	const n = 50
	for i := range n {
		if _, err := db.Put(context.Background(), bigArticle(i)); err != nil {
			t.Fatal(err)
		}
	}
	stored := storedBytes(t, db)

	ctx := context.Background()
	reads := []struct {
		name string
		read func() error
	}{
		{"Latest", func() error { _, err := db.Latest(ctx, "", 0, n); return err }},
		{"Latest category", func() error { _, err := db.Latest(ctx, "news", 0, n); return err }},
		{"Arrived", func() error { _, err := db.Arrived(ctx, 1, n); return err }},
		{"Get", func() error {
			for i := range n {
				if _, err := db.Get(ctx, bigID(i)); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, r := range reads {
		db.mappedBytes.Store(-1 << 40) // never reaches lookEvery here
		if err := r.read(); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		if got := db.mappedBytes.Load() + 1<<40; got != stored {
			t.Errorf("%s of every article counted %d bytes, want %d", r.name, got, stored)
		}
	}
}

// readAll reads a byte of the middle and the end of every stored article
// through the mapping, and returns them.
func readAll(tb testing.TB, db *DB) (sum []byte) {
	tb.Helper()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketItems).ForEach(func(k, v []byte) error {
			sum = append(sum, v[len(v)/2], v[len(v)-1])
			return nil
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return sum
}

// releaseRSS releases the mapping explicitly and returns how much of the
// file was resident before and after.
func releaseRSS(tb testing.TB, db *DB) (before, after int64) {
	tb.Helper()
	before = mappedRSS(tb, db)
	if err := db.release(); err != nil {
		tb.Fatalf("release: %v", err)
	}
	after = mappedRSS(tb, db)
	tb.Logf("%d kB of the file resident before release, %d kB after", before>>10, after>>10)
	return before, after
}

// TestRelease: release unmaps the pages of the file that a read mapped,
// and the data reads back the same after it.
func TestRelease(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t, Options{})
	db.releaseAbove.Store(1 << 62) // only the explicit releases below
	fillRandom(t, db, bigArticles)
	stored := storedBytes(t, db)
	releaseRSS(t, db)

	first := readAll(t, db)
	touched, after := releaseRSS(t, db)
	if touched < stored/2 {
		// The kernel reclaimed the pages as fast as the read mapped them:
		// there is little for release to drop.
		t.Skipf("reading %d MB of articles left only %d MB resident", stored>>20, touched>>20)
	}
	if after > stored/16 {
		t.Errorf("%d MB of the file resident after reading %d MB of articles, %d MB after release; want under %d MB",
			touched>>20, stored>>20, after>>20, stored/16>>20)
	}
	if again := readAll(t, db); !bytes.Equal(first, again) {
		t.Error("articles read differently after release")
	}
	if problems, err := db.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("Check after release: %v %q", err, problems)
	}
}

// releaseAboveTest is the release threshold of the tests below, smaller
// than the default so that a store of 25 MB crosses it many times.
const releaseAboveTest = 512 << 10

// TestWriterReleases: a bulk import in random order leaves few of the
// file's pages resident, since the writer releases them as it goes.
// (Without the writer's releases most of the file is resident then.)
func TestWriterReleases(t *testing.T) {
	// Not parallel: the release follows the process's resident
	// file-backed memory, which other tests' stores move too.
	db, _ := openTest(t, Options{})
	db.releaseAbove.Store(releaseAboveTest)
	fillRandom(t, db, bigArticles)
	if resident, stored := mappedRSS(t, db), storedBytes(t, db); resident > stored/2 {
		t.Errorf("%d MB of the file resident after importing %d MB; want under half", resident>>20, stored>>20)
	}
}

// TestReadsRelease: reading every article of a store — a client walking
// the archives — releases the mapping as a bulk import does.
func TestReadsRelease(t *testing.T) {
	// Not parallel: the release follows the process's resident
	// file-backed memory, which other tests' stores move too.
	db, _ := openTest(t, Options{})
	db.releaseAbove.Store(1 << 62)
	fillRandom(t, db, bigArticles)
	releaseRSS(t, db)
	db.residentBase.Store(residentFile())
	db.releaseAbove.Store(releaseAboveTest)
	ctx := context.Background()
	for off := 0; off < bigArticles; off += 500 {
		if _, err := db.Latest(ctx, "", off, 500); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Arrived(ctx, 1, bigArticles); err != nil {
		t.Fatal(err)
	}
	for i := range bigArticles {
		if _, err := db.Get(ctx, bigID(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Reading mapped every article three times over: at most a half of
	// them may still be resident.
	if resident, stored := mappedRSS(t, db), storedBytes(t, db); resident > stored/2 {
		t.Errorf("%d MB of the file resident after reading %d MB of articles three ways; want under half", resident>>20, stored>>20)
	}
}
