// Command commitfloor measures what a post's durable write costs in a
// sokbo database, and how much of it the store's indexes add: the floor
// under issue 13's freshness loop, whose POST waits for that write. It
// writes new corpus articles (bench/corpus) into a database — pass a copy:
// it changes it — one at a time, -gap apart as the loop posts them:
//
//	commitfloor -db copy.db -mode store                        # store.Put, as sokbo writes
//	commitfloor -db copy.db -mode bolt                         # the record, time and category indexes
//	commitfloor -db copy.db -mode bolt -with facets,seq,changes
//
// In bolt mode each post is one bbolt transaction that writes, into the
// store's own buckets, the article's record (its JSON, s2-compressed: the
// store's size, not its framing), its time-index entry and its categories' entries:
// what the site's and the category's feeds are read from. -with adds, as
// the store lays them out, the tag and author indexes (facets), the arrival
// index (seq) and the change log (changes). Parsing is not timed. It
// prints the write's median and p90 and, in bolt mode, the pages a commit
// wrote on average.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/klauspost/compress/s2"
	bolt "go.etcd.io/bbolt"

	"sokbo/bench/corpus"
	"sokbo/feed"
	"sokbo/feed/ingest"
	"sokbo/store"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		log.Fatal("commitfloor: ", err)
	}
}

type options struct {
	db, mode string
	with     map[string]bool
	n        int
	gap      time.Duration
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("commitfloor", flag.ContinueOnError)
	var o options
	var with string
	fs.StringVar(&o.db, "db", "", "a copy of a sokbo database (written to)")
	fs.StringVar(&o.mode, "mode", "store", "store (store.Put) or bolt (the indexes chosen)")
	fs.StringVar(&with, "with", "", "bolt mode: also facets, seq, changes (comma-separated)")
	fs.IntVar(&o.n, "n", 200, "posts measured (after 5 not counted)")
	fs.DurationVar(&o.gap, "gap", 50*time.Millisecond, "pause between posts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.with = map[string]bool{}
	for w := range strings.SplitSeq(with, ",") {
		switch w {
		case "":
		case "facets", "seq", "changes":
			o.with[w] = true
		default:
			return fmt.Errorf("-with: unknown %q", w)
		}
	}
	if o.db == "" || o.n < 1 {
		return errors.New("-db is required, -n at least 1")
	}
	var w writer
	var err error
	switch o.mode {
	case "store":
		w, err = openStore(o.db)
	case "bolt":
		w, err = openBolt(o.db, o.with)
	default:
		return fmt.Errorf("-mode: unknown %q", o.mode)
	}
	if err != nil {
		return err
	}
	defer w.close()
	return measure(o, w, out)
}

// writer writes one article durably; pages is what its commit wrote, when
// known.
type writer interface {
	write(a *feed.Article) (pages int, err error)
	close()
}

func measure(o options, w writer, out io.Writer) error {
	base, _ := url.Parse("https://news.example/")
	seed := uint64(time.Now().UnixNano())
	var took []time.Duration
	pages := 0
	for i := range o.n + 5 {
		doc := corpus.Article(i, corpus.New(seed, i))
		res, err := ingest.Parse(context.Background(), doc, ingest.Options{BaseURL: base, Lang: "ko"})
		if err != nil {
			return fmt.Errorf("parse: %w", err)
		}
		a := res.Article
		a.ID = fmt.Sprintf("floor-%d-%d", seed, i)
		a.Published = time.Now()
		start := time.Now()
		p, err := w.write(a)
		if err != nil {
			return err
		}
		if i >= 5 {
			took = append(took, time.Since(start))
			pages += p
		}
		time.Sleep(o.gap)
	}
	slices.Sort(took)
	name := o.mode
	if len(o.with) > 0 {
		name += " +" + strings.Join(slices.Sorted(maps.Keys(o.with)), ",")
	}
	fmt.Fprintf(out, "%s: %d posts, write p50 %.2f ms, p90 %.2f ms", name, len(took), ms(took[len(took)/2]), ms(took[len(took)*9/10]))
	if o.mode == "bolt" {
		fmt.Fprintf(out, ", %.1f pages a commit", float64(pages)/float64(len(took)))
	}
	fmt.Fprintln(out)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type storeWriter struct{ db *store.DB }

func openStore(path string) (*storeWriter, error) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return nil, err
	}
	return &storeWriter{db}, nil
}

func (w *storeWriter) write(a *feed.Article) (int, error) {
	_, err := w.db.Put(context.Background(), a)
	return 0, err
}

func (w *storeWriter) close() { w.db.Close() }

// The store's buckets (store/store.go): bolt mode writes into them so that
// its trees are as deep as the store's.
var (
	bucketItems   = []byte("items")
	bucketTime    = []byte("time")
	bucketSeq     = []byte("seq")
	bucketChanges = []byte("changes")
	facetBuckets  = map[feed.FacetKind][]byte{feed.CategoryFacet: []byte("cats"), feed.TagFacet: []byte("tags"), feed.AuthorFacet: []byte("authors")}
)

type boltWriter struct {
	db   *bolt.DB
	with map[string]bool
}

func openBolt(path string, with map[string]bool) (*boltWriter, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err // bbolt would make a new file
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, err
	}
	return &boltWriter{db, with}, nil
}

func (w *boltWriter) close() { w.db.Close() }

func (w *boltWriter) write(a *feed.Article) (pages int, err error) {
	js, err := json.Marshal(a)
	if err != nil {
		return 0, err
	}
	record := s2.Encode(nil, js)
	tk := binary.BigEndian.AppendUint64(nil, uint64(a.Published.UnixNano())^1<<63)
	tk = append(tk, a.ID...)
	kinds := []feed.FacetKind{feed.CategoryFacet}
	if w.with["facets"] {
		kinds = append(kinds, feed.TagFacet, feed.AuthorFacet)
	}
	err = w.db.Update(func(tx *bolt.Tx) error {
		put := func(parent *bolt.Bucket, name, k, v []byte) (*bolt.Bucket, error) {
			var b *bolt.Bucket
			var err error
			if parent == nil {
				b, err = tx.CreateBucketIfNotExists(name) // a store made before the change log has none
			} else {
				b, err = parent.CreateBucketIfNotExists(name)
			}
			if err != nil {
				return nil, fmt.Errorf("bucket %s: %w", name, err)
			}
			if k == nil { // the sequence's next number
				seq, _ := b.NextSequence()
				k = binary.BigEndian.AppendUint64(nil, seq)
			}
			return b, b.Put(k, v)
		}
		if _, err := put(nil, bucketItems, []byte(a.ID), record); err != nil {
			return err
		}
		if _, err := put(nil, bucketTime, tk, []byte{}); err != nil {
			return err
		}
		for _, kind := range kinds {
			parent, err := tx.CreateBucketIfNotExists(facetBuckets[kind])
			if err != nil {
				return err
			}
			for _, name := range feed.UniqueCategories(kind.Of(a)) {
				if _, err := put(parent, []byte(feed.CategoryKey(name)), tk, []byte{}); err != nil {
					return err
				}
			}
		}
		if w.with["seq"] {
			if _, err := put(nil, bucketSeq, nil, []byte(a.ID)); err != nil {
				return err
			}
		}
		if w.with["changes"] {
			entry := fmt.Appendf(nil, `{"outcome":1,"id":%q,"categories":%q}`, a.ID, a.Categories)
			b, err := put(nil, bucketChanges, nil, entry)
			if err != nil {
				return err
			}
			if seq := b.Sequence(); seq > 10000 { // the store keeps the last 10,000 changes
				if err := b.Delete(binary.BigEndian.AppendUint64(nil, seq-10000)); err != nil {
					return err
				}
			}
		}
		tx.OnCommit(func() {
			st := tx.Stats()
			pages = int(st.GetWrite())
		})
		return nil
	})
	return pages, err
}
