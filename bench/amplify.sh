#!/usr/bin/env bash
# bench/amplify.sh — render amplification (issue 12): how much a flood of
# requests for uncached feed variants slows the cached feed. See
# bench/README.md, "Render amplification".
#
#	bench/amplify.sh
#	N=200 DURATION=5s bench/amplify.sh     # a quick look
#
# A fresh sokbo on a temporary database imports N newsroom-shaped articles
# (bench/cmd/corpus, bench/cmd/poster). Then GET /feed.rss (PROBE_ENCODING)
# is probed with paced.lua — PROBE_CONNS connections, each waiting PACE ms
# between requests — first alone (idle), then while FLOOD_CONNS connections
# run amplify.lua as fast as they can: random limits, pages, formats,
# encodings, categories in random case and junk parameters. It prints the
# probe's p50 and p99 in both phases, their ratio, the flood's rate and
# statuses, and sokbo's CPU during each phase.
#
# Knobs (environment): N=1000  DURATION=10s  ROUNDS=3 (idle and loaded
# alternate; medians shown)  PROBE_CONNS=2  PACE=5 (ms)
# PROBE_ENCODING=gzip ("" for identity)  FLOOD_CONNS=8  PORT=18500  KEEP=1
set -euo pipefail

# All of the script is one compound command, which bash reads whole before
# running it: the file may change during a run.
{

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init amplify.sh

N=${N:-1000}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
PROBE_CONNS=${PROBE_CONNS:-2}
PACE=${PACE:-5}
PROBE_ENCODING=${PROBE_ENCODING-gzip}
FLOOD_CONNS=${FLOOD_CONNS:-8}
PORT=${PORT:-18500}

need_wrk
bench_tmp
say "== building into $TMP"
build_tools bench/cmd/probe bench/cmd/corpus bench/cmd/poster

PORT=$(next_port "$PORT")
BASE="http://127.0.0.1:$PORT"
TOKEN=$(new_token)
start_sokbo "$TMP/sokbo.log" "$TMP/sokbo.db" "$PORT" "$TOKEN"
say "== importing $N articles"
make_corpus "$TMP/docs" "$N" -dates live
import_docs "$BASE" "$TOKEN" "$TMP/docs" "$N" 16 "$TMP/import.txt"
read -r _ created _ <<<"$IMPORT"
[ "$created" = "$N" ] || die "import: $IMPORT"

hdr=()
[ -z "$PROBE_ENCODING" ] || hdr=(-H "Accept-Encoding: $PROBE_ENCODING")
"$TMP/probe" "${hdr[@]}" "$BASE/feed.rss" >/dev/null

# probe OUT: the paced probe of /feed.rss for DURATION; its PACED line in OUT.
probe() {
	fgwait wrk -t1 -c"$PROBE_CONNS" -d"$DURATION" --latency --timeout 10s -s "$BENCH_DIR/paced.lua" \
		"${hdr[@]}" "$BASE/feed.rss" -- "$PACE" >"$1" 2>&1
	grep -q '^PACED' "$1" || die "probe: $(tail -3 "$1")"
}

RESULTS="$TMP/results.txt"
: >"$RESULTS"
for round in $(seq "$ROUNDS"); do
	say "== round $round: idle"
	c0=$(cpu_ticks "$SOKBO_PID")
	probe "$TMP/idle-$round.txt"
	c1=$(cpu_ticks "$SOKBO_PID")
	say "== round $round: under the flood"
	start "$TMP/flood-$round.txt" wrk -t1 -c"$FLOOD_CONNS" -d"$(( ${DURATION%s} + 4 ))s" --latency --timeout 30s \
		-s "$BENCH_DIR/amplify.lua" "$BASE/"
	flood=$STARTED
	sleep 2
	c2=$(cpu_ticks "$SOKBO_PID")
	probe "$TMP/loaded-$round.txt"
	c3=$(cpu_ticks "$SOKBO_PID")
	wait "$flood" || true
	forget_pid "$flood"
	read -r _ _ _ _ ip50 ip99 ierr isock < <(grep '^PACED' "$TMP/idle-$round.txt")
	read -r _ _ _ _ lp50 lp99 lerr lsock < <(grep '^PACED' "$TMP/loaded-$round.txt")
	fline=$(grep '^AMPLIFY' "$TMP/flood-$round.txt" || echo "AMPLIFY - - - - - none")
	printf '%s %s %s %s %s %s %s %s %s %s\n' "$round" "$ip50" "$ip99" "$lp50" "$lp99" \
		$((ierr + isock + lerr + lsock)) $((c1 - c0)) $((c3 - c2)) "${DURATION%s}" "${fline#AMPLIFY }" >>"$RESULTS"
done

commit=$(commit_id)
{
	echo "sokbo render amplification — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit"
	echo "machine: $(nproc) cores, $(go version | awk '{print $3}'); $N articles; probe: wrk -t1 -c$PROBE_CONNS, ${PACE} ms between requests, GET /feed.rss${PROBE_ENCODING:+ (Accept-Encoding: $PROBE_ENCODING)}, $DURATION; flood: wrk -t1 -c$FLOOD_CONNS -s amplify.lua"
	echo
	awk -v hz="$(getconf CLK_TCK)" '
	function ms(us) { return sprintf("%.2f", us / 1000) }
	{
		n++; ip50[n] = $2; lp50[n] = $4
		printf "round %d: idle p50 %s ms p99 %s ms (sokbo CPU %.0f%%) | loaded p50 %s ms p99 %s ms (sokbo CPU %.0f%%) | ratio %.2f | probe errors %d\n",
			$1, ms($2), ms($3), 100 * $7 / hz / $9, ms($4), ms($5), 100 * $8 / hz / $9, $4 / $2, $6
		printf "         flood: %s requests, %s req/s, p50 %s ms, p99 %s ms; statuses %s\n", $10, $12, ms($13), ms($14), substr($0, index($0, $15))
	}
	function median(a, cnt,   i, j, t) {
		for (i = 2; i <= cnt; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
	}
	END {
		i = median(ip50, n); l = median(lp50, n)
		printf "\nmedian of %d rounds: idle p50 %s ms, loaded p50 %s ms, ratio %.2f (target ≤ 2)\n", n, ms(i), ms(l), l / i
	}' "$RESULTS"
} | tee "$TMP/table.txt"

exit 0
}
