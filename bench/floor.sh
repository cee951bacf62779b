#!/usr/bin/env bash
# bench/floor.sh — sokbo's durable ingest against its floor (issue 11's
# target: ≥ 2,000 articles/s with 32 posters).
#
#	bench/floor.sh                      # N=30000 ROUNDS=3
#	N=500 ROUNDS=1 bench/floor.sh       # a smoke test
#
# Writes N distinct documents once (bench/cmd/corpus), then, ROUNDS times,
# imports them into a fresh temporary database with a fresh sokbo and with
# a fresh bench/cmd/ingestfloor — a minimal server doing only what any
# correct implementation of the ingest must do with the project's
# libraries (see its doc comment) — taking turns, the order swapped every
# round, each import with bench/cmd/poster over POST_CONNS keep-alive
# connections as bench/run.sh does. Prints, per round and server,
# articles/s, the server's CPU (user+sys from /proc/PID/stat, before and
# after the import) and the poster's CPU per article, and the failures;
# then the medians. Every POST must answer 201, or the run fails.
#
# Knobs (environment): N=30000  ROUNDS=3  POST_CONNS=32  PORT=18470
# DATES=scatter|live (bench/cmd/corpus -dates)  DB_DIR (where the
# databases go; default: the temp dir)  FLOOR_FLAGS (more ingestfloor
# flags, e.g. "-batch-delay 2ms")  KEEP=1 (keep the temp dir: logs,
# poster outputs, databases)
set -euo pipefail

# All of the script is one compound command, which bash reads whole before
# running it: the file may change during a run.
{

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init floor.sh

N=${N:-30000}
ROUNDS=${ROUNDS:-3}
POST_CONNS=${POST_CONNS:-32}
PORT=${PORT:-18470}
DATES=${DATES:-scatter}
FLOOR_FLAGS=${FLOOR_FLAGS:-}
case $DATES in scatter | live) ;; *) die "DATES must be scatter or live" ;; esac
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive number"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number"
read -r -a floor_flags <<<"$FLOOR_FLAGS"

bench_tmp
say "== building (temp dir $TMP)"
build_tools bench/cmd/ingestfloor bench/cmd/probe bench/cmd/poster bench/cmd/corpus
say "== writing $N distinct documents (bench/cmd/corpus -dates $DATES)"
make_corpus "$TMP/docs" "$N" -dates "$DATES"
P=$(next_port "$PORT")
BASE="http://127.0.0.1:$P"
HZ=$(getconf CLK_TCK)
RESULTS="$TMP/results.tsv" # round server articles/s server-ms poster-ms failed
: >"$RESULTS"

# start_floor LOG DB PORT TOKEN: an ingestfloor on DB, ready when this
# returns; its pid in $FLOOR_PID.
start_floor() {
	local log=$1 db=$2 port=$3 token=$4
	SOKBO_TOKEN=$token start "$log" "$TMP/ingestfloor" -addr "127.0.0.1:$port" -db "$db" \
		"${floor_flags[@]+"${floor_flags[@]}"}"
	FLOOR_PID=$STARTED
	"$TMP/probe" -wait 60s "http://127.0.0.1:$port/healthz" >/dev/null ||
		die "ingestfloor did not come up: $(tail -5 "$log")"
}

# import_into SERVER ROUND: a fresh SERVER (sokbo or floor) on a fresh
# database imports the N documents; appends a row to $RESULTS.
import_into() {
	local server=$1 round=$2 dbdir token pid out cpu0 cpu1
	dbdir=$(mktemp -d "${DB_DIR:-$TMP}/floor-db-$server-$round.XXXXXX")
	chmod 700 "$dbdir"
	token=$(new_token)
	out="$TMP/post-$server-$round.txt"
	case $server in
	sokbo)
		start_sokbo "$TMP/$server-$round.log" "$dbdir/sokbo.db" "$P" "$token"
		pid=$SOKBO_PID
		;;
	floor)
		start_floor "$TMP/$server-$round.log" "$dbdir/floor.db" "$P" "$token"
		pid=$FLOOR_PID
		;;
	esac
	cpu0=$(cpu_ticks "$pid")
	import_docs "$BASE" "$token" "$TMP/docs" "$N" "$POST_CONNS" "$out"
	cpu1=$(cpu_ticks "$pid")
	kill -0 "$pid" 2>/dev/null || die "round $round: $server exited during the import: $(tail -5 "$TMP/$server-$round.log")"
	stop_forget "$pid"
	local answered created other failed secs _p50 _p99 _max _p90 _p999 pcpu
	read -r answered created other failed secs _p50 _p99 _max _p90 _p999 pcpu <<<"$IMPORT"
	if [ "$FG_RC" != 0 ] || [ "$answered" != "$N" ] || [ "$created" != "$N" ] || [ "$failed" != 0 ]; then
		sed 's/^/   /' "$out" >&2
		die "round $round: $server: not every POST succeeded (of $N: answered $answered, created $created, other 2xx $other, failed $failed; poster exit $FG_RC)"
	fi
	[ "$KEEP" = 1 ] || rm -rf "$dbdir"
	awk -v r="$round" -v s="$server" -v n="$N" -v secs="$secs" -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v pcpu="$pcpu" -v f="$failed" \
		'BEGIN {printf "%s\t%s\t%.0f\t%.3f\t%.3f\t%s\n", r, s, n / secs, t / hz * 1000 / n, pcpu * 1000 / n, f}' >>"$RESULTS"
	say "   $(tail -1 "$RESULTS" | awk -F'\t' '{printf "round %s  %-5s %6s articles/s  server %s ms/article  poster %s ms/article  failed %s", $1, $2, $3, $4, $5, $6}')"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "== $ROUNDS rounds of $N articles, $POST_CONNS posters, sokbo and ingestfloor taking turns"
for round in $(seq "$ROUNDS"); do
	if [ $((round % 2)) = 1 ]; then order="sokbo floor"; else order="floor sokbo"; fi
	for server in $order; do import_into "$server" "$round"; done
done

# ---------------------------------------------------------------- report
{
	echo "sokbo ingest against its floor — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(commit_id)"
	echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(go version | awk '{print $3}'); load average before the run: $LOAD_BEFORE"
	echo "import: $N distinct documents (bench/cmd/corpus -dates $DATES), bench/cmd/poster -c $POST_CONNS, a fresh server and database each (on $(stat -f -c %T "${DB_DIR:-$TMP}")); floor = bench/cmd/ingestfloor ${FLOOR_FLAGS:-(defaults)}"
	echo
	awk -F'\t' '
	function median(a, cnt,   i, j, t) {
		for (i = 2; i <= cnt; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
	}
	BEGIN { printf "%-8s %-6s %11s %18s %18s %8s\n", "round", "server", "articles/s", "server ms/article", "poster ms/article", "failed" }
	{
		printf "%-8s %-6s %11s %18s %18s %8s\n", $1, $2, $3, $4, $5, $6
		c = ++cnt[$2]; rate[$2, c] = $3; sms[$2, c] = $4; pms[$2, c] = $5; fails[$2] += $6
	}
	END {
		for (s in cnt) {
			for (i = 1; i <= cnt[s]; i++) { r[i] = rate[s, i]; a[i] = sms[s, i]; b[i] = pms[s, i] }
			mr[s] = median(r, cnt[s]); ms[s] = median(a, cnt[s]); mp[s] = median(b, cnt[s])
		}
		for (k = 1; k <= 2; k++) {
			s = k == 1 ? "sokbo" : "floor"
			printf "%-8s %-6s %11.0f %18.3f %18.3f %8d\n", "median", s, mr[s], ms[s], mp[s], fails[s]
		}
		if (mr["floor"] > 0 && ms["floor"] > 0)
			printf "\nsokbo / floor (medians): articles/s %.2f, server CPU per article %.2f\n", mr["sokbo"] / mr["floor"], ms["sokbo"] / ms["floor"]
	}' "$RESULTS"
} | tee "$TMP/table.txt"

exit 0
}
