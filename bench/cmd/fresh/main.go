// Command fresh measures how soon a posted article reaches the feeds: the
// freshness loop issue 13 is judged by.
//
//	fresh [-url http://127.0.0.1:8080] [-rounds 200] [-category News] [-readers 0|8] ...
//
// Each round posts a new, distinct, seed-shaped article (bench/corpus) in
// the category, dated now so that it is the newest, then GETs the site
// feed and the category feed in RSS, Atom and JSON Feed, in that order,
// each again until its first item is the new article — all on one
// keep-alive HTTP/1.1 connection with Accept-Encoding: gzip, the bodies
// decompressed here to check. It records the freshness (from the start of
// the POST until all six feeds show the article on top), the POST's
// latency, and the latency of the first GET after the POST (the site's
// RSS feed, whatever it returns).
//
// With -readers N, N more connections GET the feeds, pages and archive as
// fast as they can in bench/soak.lua's mix of formats, encodings and
// revalidations (its GETs; the POSTs are this loop's) while the rounds run.
//
// It prints the percentiles of each measure, then one machine-readable
// line (times in microseconds):
//
//	FRESHRESULT rounds fresh_p50 fresh_p90 fresh_p99 fresh_max post_p50 post_p90 post_p99 post_max first_p50 first_p90 first_p99 first_max readers readers_rps extra_gets check_p50
//
// "client's checks" is the time this program spent decompressing and
// parsing the bodies in a round; the freshness ends when the last feed's
// body is received, so all but that last check fall inside it (a feed
// reader pays them too). It should stay far below the freshness.
//
// The token is -token or $SOKBO_TOKEN. Exit status 1 when a POST or a GET
// fails or an article does not reach a feed within -timeout.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "sokbo's base URL")
	token := flag.String("token", os.Getenv("SOKBO_TOKEN"), "ingest token (default $SOKBO_TOKEN)")
	rounds := flag.Int("rounds", 200, "measured rounds")
	warmup := flag.Int("warmup", 5, "rounds before the measured ones, not counted")
	category := flag.String("category", "News", "the category of the posted articles (its feed is measured)")
	readers := flag.Int("readers", 0, "connections reading in the soak's mix alongside (0: none)")
	prefill := flag.Int("prefill", 1000, "articles bench-0 … bench-(N-1) stored, whose pages the readers ask for")
	gap := flag.Duration("gap", 50*time.Millisecond, "pause between rounds")
	timeout := flag.Duration("timeout", 10*time.Second, "give up on a round after this")
	seed := flag.Uint64("seed", 0, "corpus seed of the posted articles (0: from the clock)")
	flag.Parse()
	if flag.NArg() != 0 || *rounds < 1 || *readers < 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	cfg := config{
		base:     strings.TrimSuffix(*base, "/"),
		token:    *token,
		category: *category,
		timeout:  *timeout,
		seed:     *seed,
		// Ids unique to this run, so that runs against one database
		// never update an article instead of creating one.
		run: fmt.Sprintf("fresh-%x", *seed),
	}
	if err := run(cfg, *rounds, *warmup, *readers, *prefill, *gap); err != nil {
		fmt.Fprintln(os.Stderr, "fresh:", err)
		os.Exit(1)
	}
}

func run(cfg config, rounds, warmup, readers, prefill int, gap time.Duration) error {
	l, err := newLoop(cfg)
	if err != nil {
		return err
	}
	defer l.close()

	ctx, stop := context.WithCancel(context.Background())
	rs := startReaders(ctx, cfg.base, readers, prefill)
	defer func() { stop(); rs.wait() }()

	var fresh, post, first, check []time.Duration
	extra := 0
	var start time.Time
	var before readerCounts
	for i := range warmup + rounds {
		if i == warmup {
			// The readers' rate is counted over the measured rounds.
			start, before = time.Now(), rs.counts()
		}
		r, err := l.round(i)
		if err != nil {
			return fmt.Errorf("round %d: %w", i, err)
		}
		if i >= warmup {
			fresh = append(fresh, r.fresh)
			post = append(post, r.post)
			first = append(first, r.first)
			check = append(check, r.check)
			extra += r.gets - len(l.feeds)
		}
		time.Sleep(gap)
	}
	elapsed := time.Since(start)
	rc := rs.counts().minus(before)
	if rc.errors > 0 && readers > 0 {
		return fmt.Errorf("readers: %d failed requests (first: %s)", rc.errors, rs.firstError())
	}

	fs, ps, gs := summarize(fresh), summarize(post), summarize(first)
	fmt.Printf("fresh: %d rounds (+%d warm-up), category %q, %d readers, %v between rounds\n",
		rounds, warmup, cfg.category, readers, gap)
	fmt.Printf("%-16s %9s %9s %9s %9s\n", "", "p50", "p90", "p99", "max")
	fs.print("freshness")
	ps.print("POST")
	gs.print("first gzip GET")
	cs := summarize(check)
	cs.print("client's checks")
	fmt.Printf("GETs beyond the six (an article not yet on top): %d in %d rounds\n", extra, rounds)
	rps := float64(rc.requests) / elapsed.Seconds()
	if readers > 0 {
		fmt.Printf("readers: %d connections, %.0f requests/s (%s)\n", readers, rps, rc.statuses())
	}
	fmt.Printf("FRESHRESULT %d %s %s %s %d %.0f %d %d\n", rounds, fs.fields(), ps.fields(), gs.fields(), readers, rps, extra, cs.p50.Microseconds())
	return nil
}
