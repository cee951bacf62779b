#!/usr/bin/env bash
# bench/fresh.sh — how soon a posted article tops the feeds (issue 13).
# See bench/README.md, "Freshness (issue 13)".
#
#	bench/fresh.sh                         # SIZES="1000 100000", readers 0 and 8
#	SIZES=1000 ROUNDS=100 bench/fresh.sh   # a quick look
#
# For each N in $SIZES: a fresh sokbo on a temporary database imports N
# distinct documents (bench/cmd/corpus, bench/cmd/poster, as run.sh does),
# then bench/cmd/fresh runs its freshness loop — POST a new article, GET
# the site feed and its category feed in RSS, Atom and JSON Feed (gzip,
# one keep-alive connection) until it tops all six — once for each count
# of concurrent readers in $READERS. One table at the end.
#
# Knobs (environment): SIZES="1000 100000"  READERS="0 8"  ROUNDS=200
# WARMUP=5 (rounds not counted)  GAP=50ms (between rounds)  CATEGORY=News
# POST_CONNS=32 (the import)  PORT=18500  DB_DIR (default: the temp dir)
# REV (a git revision: build everything from it, not from the work tree)
# KEEP=1 (keep the temp dir: logs, each fresh output)
set -euo pipefail

# The whole script is one compound command, read before it runs.
{

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init fresh.sh

SIZES=${SIZES:-"1000 100000"}
READERS=${READERS:-"0 8"}
ROUNDS=${ROUNDS:-200}
WARMUP=${WARMUP:-5}
GAP=${GAP:-50ms}
CATEGORY=${CATEGORY:-News}
POST_CONNS=${POST_CONNS:-32}
PORT=${PORT:-18500}

bench_tmp
COMMIT=$(commit_id)
if [ -n "${REV:-}" ]; then
	# A revision measured as committed, whatever the work tree holds
	# (others' edits in progress); this tool comes from the work tree
	# when the revision predates it.
	COMMIT=$(cd "$ROOT" && git rev-parse --short "$REV^{commit}") || die "no revision $REV"
	mkdir "$TMP/src"
	(cd "$ROOT" && git archive "$COMMIT") | tar -x -C "$TMP/src"
	[ -d "$TMP/src/bench/cmd/fresh" ] || cp -r "$ROOT/bench/cmd/fresh" "$TMP/src/bench/cmd/"
	ROOT=$TMP/src
fi
say "== building $COMMIT (temp dir $TMP)"
build_tools bench/cmd/probe bench/cmd/poster bench/cmd/corpus bench/cmd/fresh
MAX_N=0
for N in $SIZES; do [ "$N" -le "$MAX_N" ] || MAX_N=$N; done
say "== writing $MAX_N distinct documents (bench/cmd/corpus)"
make_corpus "$TMP/docs" "$MAX_N"
P=$(next_port "$PORT")
BASE="http://127.0.0.1:$P"

RESULTS="$TMP/results.txt" # N readers, then fresh's FRESHRESULT fields
: >"$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for N in $SIZES; do
	say "== N=$N"
	DBDIR="${DB_DIR:-$TMP}/sokbo-db-$N-$$"
	mkdir -p -m 700 "$DBDIR"
	TOKEN=$(new_token)
	start_sokbo "$TMP/sokbo-$N.log" "$DBDIR/sokbo.db" "$P" "$TOKEN"
	say "   importing $N documents (bench/cmd/poster -c $POST_CONNS)…"
	import_docs "$BASE" "$TOKEN" "$TMP/docs" "$N" "$POST_CONNS" "$TMP/import-$N.txt"
	read -r answered _ _ failed secs _ <<<"$IMPORT"
	[ "$answered" = "$N" ] && [ "$failed" = 0 ] ||
		die "import incomplete (answered $answered of $N, $failed failed): $(tail -3 "$TMP/import-$N.txt")"
	say "   imported in ${secs}s"
	for R in $READERS; do
		sleep 2 # let the import's last commits and collections pass
		say "   fresh: $ROUNDS rounds, $R readers…"
		OUT="$TMP/fresh-$N-$R.txt"
		T0=$(cpu_ticks "$SOKBO_PID")
		SOKBO_TOKEN=$TOKEN fgwait "$TMP/fresh" -url "$BASE" -rounds "$ROUNDS" -warmup "$WARMUP" \
			-gap "$GAP" -category "$CATEGORY" -readers "$R" -prefill "$N" >"$OUT" 2>&1
		[ "$FG_RC" = 0 ] || die "fresh failed (N=$N, readers $R): $(tail -3 "$OUT")"
		sed 's/^/      /' "$OUT" | grep -v FRESHRESULT >&2
		CPU=$(awk -v t="$(($(cpu_ticks "$SOKBO_PID") - T0))" -v hz="$(getconf CLK_TCK)" -v n="$((ROUNDS + WARMUP))" \
			'BEGIN {printf "%.0f", t / hz * 1e6 / n}')
		echo "$N $R $(sed -n 's/^FRESHRESULT //p' "$OUT") $CPU" >>"$RESULTS"
	done
	stop_forget "$SOKBO_PID"
	rm -rf "$DBDIR"
done

# ---------------------------------------------------------------- table
ms() { awk -v us="$1" 'BEGIN {printf "%.1f", us / 1000}'; }
{
	echo "sokbo freshness — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT"
	echo "machine: $(nproc) cores, shared by sokbo and the client; load average before the run: $LOAD_BEFORE"
	echo "$ROUNDS rounds (+$WARMUP warm-up) per row, $GAP apart: POST one article (category $CATEGORY), then GET"
	echo "the site's and the category's feeds, rss/atom/json, gzip, one keep-alive connection, until each has it on top"
	echo
	printf '%-8s %7s | %-29s | %-15s | %-15s | %6s | %8s %6s | %6s\n' "" "" "freshness (ms)" "first gzip GET" "POST (ms)" "client" "readers'" "extra" "sokbo"
	printf '%-8s %7s | %6s %6s %6s %8s | %7s %7s | %7s %7s | %6s | %8s %6s | %6s\n' N readers p50 p90 p99 max p50 p99 p50 p99 "chk" "req/s" GETs "CPU"
	echo "---------------------------------------------------------------------------------------------------------------------"
	while read -r n r _ f50 f90 f99 fmax p50 _ p99 _ g50 _ g99 _ _ rps extra chk cpu; do
		rr=$rps
		[ "$r" != 0 ] || rr=-
		printf '%-8s %7s | %6s %6s %6s %8s | %7s %7s | %7s %7s | %6s | %8s %6s | %6s\n' "$n" "$r" \
			"$(ms "$f50")" "$(ms "$f90")" "$(ms "$f99")" "$(ms "$fmax")" "$(ms "$g50")" "$(ms "$g99")" \
			"$(ms "$p50")" "$(ms "$p99")" "$(ms "$chk")" "$rr" "$extra" "$(ms "$cpu")"
	done <"$RESULTS"
	echo
	echo "freshness: from the POST's start until the last of the six feeds showed the article first."
	echo "first gzip GET: the site's RSS feed, the first request after the POST's answer."
	echo "client chk: p50 of the time the client spent decompressing and checking a round's bodies (all but the last inside the freshness)."
	echo "extra GETs: re-fetches because a feed did not have the article on top yet (0: every GET after the POST had it)."
	echo "sokbo CPU: the server's user+system CPU over the row's rounds (warm-up included; with readers, theirs too), in ms a round."
}
}
