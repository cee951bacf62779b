#!/usr/bin/env bash
# bench/soak.sh — sokbo under steady mixed traffic for a long while, then
# checked for lost posts and for leaks. See bench/README.md.
#
#	bench/soak.sh                  # 10 minutes at 400 requests/s
#	DURATION=2m bench/soak.sh      # a shorter look
#
# A fresh sokbo on a temporary database imports $PREFILL distinct articles
# from files (bench/cmd/corpus, bench/cmd/poster), gets a warm-up of the
# traffic and a walk over every feed page and article page (so the bounded
# render cache is full before the baseline), then $DURATION of the traffic
# at $RATE requests/s (wrk + bench/soak.lua): the feeds, category feeds, an archive
# page, the pages, in every encoding, some conditional, and $POSTS % POSTs
# of new articles. Afterwards every acknowledged post must be retrievable,
# and after $SETTLE seconds idle, goroutines, open files and the heap
# (GET /api/stats) must be back near the baseline taken before the run.
# $STREAMS live streams (GET /events, bench/cmd/soakcheck) listen from
# before the warm-up to the end, and each must have received every post
# acknowledged meanwhile exactly once.
# It prints one summary; exit status 0 when everything passed.
#
# Knobs (environment): DURATION=10m  RATE=400  POSTS=5  PREFILL=1000
# WARMUP=30s  THREADS=2  CONNS=64  SETTLE=5  SAMPLE=60  PORT=18490
# GOROUTINE_MARGIN=5  FD_MARGIN=5  HEAP_FACTOR=2  HEAP_SLACK_MB=20
# HEAP_CEILING_MB=128 (sokbo's default memory.limit)  STREAMS=1000  KEEP=1
set -euo pipefail

# The whole script is one compound command, read before it runs.
{

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init soak.sh

DURATION=${DURATION:-10m}
RATE=${RATE:-400}
POSTS=${POSTS:-5}
PREFILL=${PREFILL:-1000}
WARMUP=${WARMUP:-30s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
SETTLE=${SETTLE:-5}
SAMPLE=${SAMPLE:-60}
PORT=${PORT:-18490}
GOROUTINE_MARGIN=${GOROUTINE_MARGIN:-5}
FD_MARGIN=${FD_MARGIN:-5}
HEAP_FACTOR=${HEAP_FACTOR:-2}
HEAP_SLACK_MB=${HEAP_SLACK_MB:-20}
HEAP_CEILING_MB=${HEAP_CEILING_MB:-128}
STREAMS=${STREAMS:-1000}

# ---------------------------------------------------------------- install
need_wrk

# ---------------------------------------------------------------- build
bench_tmp
say "== building (temp dir $TMP)"
build_tools bench/cmd/probe bench/cmd/soakcheck bench/cmd/poster bench/cmd/corpus
"$TMP/corpus" -template "$TMP/template.txt"
make_corpus "$TMP/docs" "$PREFILL"
CHECK="$TMP/soakcheck"
P=$(next_port "$PORT")
BASE="http://127.0.0.1:$P"

kb() { status_kb "$@"; }
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MB", b / 1048576}'; }
# stats: "goroutines heap_alloc heap_inuse open_fds cache_entries"
stats() { SOKBO_TOKEN=$TOKEN "$CHECK" stats "$BASE"; }

# sampler: every $SAMPLE s, one line of vital signs and RSS into $SERIES.
SERIES="$TMP/series.txt"
sampler() {
	local t0=$SECONDS line
	while kill -0 "$SOKBO_PID" 2>/dev/null; do
		sleep "$SAMPLE"
		line=$(stats 2>/dev/null) || line="- - - - -"
		printf '%s %s %s %s\n' $((SECONDS - t0)) "$line" "$(kb "$SOKBO_PID" RssAnon)" "$(kb "$SOKBO_PID" RssFile)" >>"$SERIES"
	done
}

# soak NAME DURATION: one wrk run of bench/soak.lua; output in $TMP/NAME.txt.
soak() {
	SOKBO_TOKEN=$TOKEN fgwait wrk -t"$THREADS" -c"$CONNS" -d"$2" --timeout 10s --latency \
		-s "$BENCH_DIR/soak.lua" "$BASE" -- template="$TMP/template.txt" rate="$RATE" \
		threads="$THREADS" conns="$CONNS" out="$TMP/acked" run="$1" prefill="$PREFILL" \
		posts="$POSTS" >"$TMP/$1.txt" 2>&1
}

# ---------------------------------------------------------------- run
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
TOKEN=$(new_token)
mkdir -p -m 700 "$TMP/db"
mkdir -p "$TMP/acked"
start_sokbo "$TMP/sokbo.log" "$TMP/db/sokbo.db" "$P" "$TOKEN"

say "== pre-filling $PREFILL articles"
import_docs "$BASE" "$TOKEN" "$TMP/docs" "$PREFILL" 32 "$TMP/prefill.txt"
read -r f_answered f_created _ f_failed _ <<<"$IMPORT"
[ "$f_answered" = "$PREFILL" ] && [ "$f_failed" = 0 ] ||
	die "pre-fill incomplete (answered $f_answered of $PREFILL, $f_failed failed): $(tail -5 "$TMP/prefill.txt")"
seq 0 $((PREFILL - 1)) | sed 's/^/bench-/' >"$TMP/acked/prefill.txt"

if [ "$STREAMS" -gt 0 ]; then
	say "== opening $STREAMS live streams"
	start "$TMP/streams.txt" "$CHECK" streams "$BASE" "$STREAMS" "$TMP/acked"
	STREAMS_PID=$STARTED
	for _ in $(seq 600); do grep -q '^ready' "$TMP/streams.txt" 2>/dev/null && break; sleep 0.1; done
	grep -q '^ready' "$TMP/streams.txt" || die "the live streams did not open: $(tail -3 "$TMP/streams.txt")"
fi

if [ "$WARMUP" != 0 ] && [ "$WARMUP" != 0s ]; then
	say "== warm-up: $WARMUP of the traffic"
	soak w "$WARMUP"
fi
# The render cache is bounded (entries and bytes): filled to its bound
# before the baseline, it weighs in the baseline as it does after hours.
say "== filling the render cache (every feed page, every pre-filled article's page)"
WARMED=$("$CHECK" warm "$BASE" "$PREFILL") || die "warming the cache failed"
sleep "$SETTLE"
read -r b_gor b_halloc b_heap b_fds b_cache < <(stats) || die "GET /api/stats failed"
b_anon=$(kb "$SOKBO_PID" RssAnon)
b_file=$(kb "$SOKBO_PID" RssFile)
printf 'base %s %s %s %s %s %s %s\n' "$b_gor" "$b_halloc" "$b_heap" "$b_fds" "$b_cache" "$b_anon" "$b_file" >"$SERIES"

say "== soak: $DURATION at $RATE requests/s (wrk -t$THREADS -c$CONNS, $POSTS% POSTs)"
start /dev/null sampler
SAMPLER_PID=$STARTED
cpu0=$(awk '{print $14 + $15}' "/proc/$SOKBO_PID/stat")
soak s "$DURATION"
cpu1=$(awk '{print $14 + $15}' "/proc/$SOKBO_PID/stat" 2>/dev/null || echo "$cpu0")
stop_forget "$SAMPLER_PID"
ALIVE=yes
kill -0 "$SOKBO_PID" 2>/dev/null || ALIVE=no

say "== checking the acknowledged posts"
STREAMED="streams 0 ok 0 missed 0 duplicates 0 dropped 0 posts 0"
if [ "$STREAMS" -gt 0 ]; then
	sleep 1 # the last posts' events are on their way
	stop_forget "$STREAMS_PID"
	STREAMED=$(grep '^streams' "$TMP/streams.txt" || echo "streams $STREAMS ok 0 missed ? duplicates ? dropped ? posts ?")
fi
read -r _ s_n _ s_ok _ s_missed _ s_dup _ s_dropped _ s_posts <<<"$STREAMED"
CHECKED=$(SOKBO_TOKEN=$TOKEN "$CHECK" articles "$BASE" "$TMP"/acked/*.txt 2>"$TMP/lost.txt") || true
read -r _ n_checked _ n_ok _ n_lost <<<"${CHECKED:-checked 0 ok 0 lost ?}"

sleep "$SETTLE"
read -r a_gor a_halloc a_heap a_fds a_cache < <(stats) || { a_gor=- a_halloc=- a_heap=- a_fds=- a_cache=-; }
a_anon=$(kb "$SOKBO_PID" RssAnon)
a_file=$(kb "$SOKBO_PID" RssFile)
a_hwm=$(kb "$SOKBO_PID" VmHWM)
printf 'after %s %s %s %s %s %s %s\n' "$a_gor" "$a_halloc" "$a_heap" "$a_fds" "$a_cache" "$a_anon" "$a_file" >>"$SERIES"

# ---------------------------------------------------------------- report
OUT="$TMP/s.txt"
read -r _ requests secs p50 p99 p999 pmax < <(grep '^SOAK ' "$OUT" || echo "- 0 0 0 0 0 0")
read -r _ p_sent p_answered p_acked p_failed < <(grep '^SOAKPOSTS' "$OUT" || echo "- 0 0 0 0")
read -r _ e_conn e_read e_write e_timeout < <(grep '^SOAKSOCKET' "$OUT" || echo "- 0 0 0 0")
w_acked=0
[ ! -f "$TMP/w.txt" ] || read -r _ _ _ w_acked _ < <(grep '^SOAKPOSTS' "$TMP/w.txt" || echo "- 0 0 0 0")
log_errors=$(grep -c 'level=ERROR' "$TMP/sokbo.log" || true)
log_warns=$(grep -c 'level=WARN' "$TMP/sokbo.log" || true)
panics=$(grep -c '^panic\|goroutine .* \[running\]' "$TMP/sokbo.log" || true)

n5xx=0 other=""
while read -r _ code n; do
	case $code in
	2?? | 304) ;;
	5??) n5xx=$((n5xx + n)) other="$other $code×$n" ;;
	*) other="$other $code×$n" ;;
	esac
done < <(grep '^SOAKSTATUS' "$OUT" || true)
socket=$((e_conn + e_read + e_write + e_timeout))
heap_limit=$(awk -v b="$b_heap" -v f="$HEAP_FACTOR" -v s="$HEAP_SLACK_MB" -v c="$HEAP_CEILING_MB" 'BEGIN {x = b * f; y = b + s * 1048576; z = c * 1048576; if (y > x) x = y; if (z > x) x = z; printf "%.0f", x}')

# The verdicts, PASS or FAIL each; FAILED names the failures.
FAILED=()
judge() { # judge VAR NAME TEST...: sets VAR to PASS when TEST succeeds
	if "${@:3}" 2>/dev/null; then
		printf -v "$1" PASS
	else
		printf -v "$1" FAIL
		FAILED+=("$2")
	fi
}
judge v_5xx "5xx answers" [ "$n5xx" = 0 ]
judge v_socket "socket errors" [ "$socket" = 0 ]
judge v_lost "lost posts" eval '[ "$n_lost" = 0 ] && [ "$n_checked" -gt 0 ]'
judge v_streams "live streams" eval '[ "$s_ok" = "$s_n" ] && [ "$s_dropped" = 0 ]'
judge v_server "server" eval '[ "$ALIVE" = yes ] && [ "$panics" = 0 ]'
judge v_gor goroutines eval '[ "$a_gor" -le $((b_gor + GOROUTINE_MARGIN)) ]'
judge v_fds open_fds eval '[ "$a_fds" -le $((b_fds + FD_MARGIN)) ]'
judge v_heap heap_inuse eval '[ "$a_heap" -le "$heap_limit" ]'

commit=$(commit_id)
lat() { awk -v us="$1" 'BEGIN {
	if (us < 1000) printf "%dus", us; else if (us < 1000000) printf "%.1fms", us / 1000; else printf "%.2fs", us / 1000000 }'; }
{
	echo "sokbo soak — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit"
	echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM;" \
		"$(go version | awk '{print $3}'), $(wrk -v 2>&1 | awk 'NR==1 {print $1, $2}'); load average before: $LOAD_BEFORE"
	echo "traffic: $DURATION at $RATE req/s target (wrk -t$THREADS -c$CONNS, paced by soak.lua), $POSTS% POSTs of new articles," \
		"after $PREFILL pre-filled articles and a $WARMUP warm-up; the rest GETs of feeds (site, category, archive), /, category and article pages," \
		"identity/gzip/br, 1/3 conditional"
	echo
	printf '%-28s %s\n' "requests" "$requests in $(awk -v s="$secs" 'BEGIN {printf "%.0f", s}') s = $(awk -v r="$requests" -v s="$secs" 'BEGIN {if (s > 0) printf "%.1f", r / s; else print 0}') req/s (target $RATE)"
	printf '%-28s %s\n' "latency" "p50 $(lat "$p50"), p99 $(lat "$p99"), p99.9 $(lat "$p999"), max $(lat "$pmax")"
	printf '%-28s %s\n' "statuses" "$(grep '^SOAKSTATUS' "$OUT" | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $3}')"
	printf '%-28s %-44s %s\n' "non-2xx/304 answers" "${other:- none}" "$v_5xx"
	printf '%-28s %-44s %s\n' "socket errors" "connect $e_conn, read $e_read, write $e_write, timeout $e_timeout"  "$v_socket"
	printf '%-28s %s\n' "posts" "$p_sent sent, $p_answered answered, $p_acked acknowledged (2xx), $p_failed failed"
	printf '%-28s %-44s %s\n' "lost posts: ${n_lost}" "of $n_checked acknowledged ($PREFILL pre-fill + $w_acked warm-up + $p_acked soak)"  "$v_lost"
	printf '%-28s %-44s %s\n' "live streams: $s_n" "$s_ok got all $s_posts posts once; $s_missed missed, $s_dup twice, $s_dropped dropped"  "$v_streams"
	printf '%-28s %-44s %s\n' "server" "alive: $ALIVE; log: $log_errors errors, $log_warns warnings, $panics panics"  "$v_server"
	printf '%-28s %s\n' "sokbo CPU" "$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v r="$requests" 'BEGIN {printf "%.0f s user+sys = %.2f ms per request", t / hz, (r > 0 ? t / hz * 1000 / r : 0)}')"
	echo
	echo "vital signs (GET /api/stats), $SETTLE s idle before each reading; nothing forced (no GC);"
	echo "the baseline follows the warm-up and a walk that filled the render cache ($WARMED):"
	printf '  %-14s %12s %12s  %-28s %s\n' "" "baseline" "after" "limit" ""
	printf '  %-14s %12s %12s  %-28s %s\n' goroutines "$b_gor" "$a_gor" "≤ baseline + $GOROUTINE_MARGIN"  "$v_gor"
	printf '  %-14s %12s %12s  %-28s %s\n' open_fds "$b_fds" "$a_fds" "≤ baseline + $FD_MARGIN"  "$v_fds"
	printf '  %-14s %12s %12s  %-28s %s\n' heap_inuse "$(mib "$b_heap")" "$(mib "${a_heap/-/0}")" "≤ $(mib "$heap_limit") (${HEAP_FACTOR}×, +$HEAP_SLACK_MB MB or $HEAP_CEILING_MB MiB)"  "$v_heap"
	printf '  %-14s %12s %12s\n' heap_alloc "$(mib "$b_halloc")" "$(mib "${a_halloc/-/0}")"
	printf '  %-14s %12s %12s\n' cache_entries "$b_cache" "$a_cache"
	printf '  %-14s %12s %12s\n' "RSS anon" "$(mib $((b_anon * 1024)))" "$(mib $((a_anon * 1024)))"
	printf '  %-14s %12s %12s   (peak RSS, VmHWM, over the whole run: %s)\n' "RSS file" "$(mib $((b_file * 1024)))" "$(mib $((a_file * 1024)))" "$(mib $((a_hwm * 1024)))"
	echo
	echo "over time (base: the baseline; then every ${SAMPLE}s of the soak; after: $SETTLE s after the check):"
	printf '  %6s %10s %11s %11s %8s %8s %10s %10s\n' "t" goroutines heap_alloc heap_inuse open_fds cache "RSS anon" "RSS file"
	awk '{t = ($1 ~ /^[0-9]+$/) ? $1 "s" : $1
		printf "  %6s %10s %9.1fMB %9.1fMB %8s %8s %8.1fMB %8.1fMB\n", t, $2, $3 / 1048576, $4 / 1048576, $5, $6, $7 / 1024, $8 / 1024}' "$SERIES"

	if [ -s "$TMP/lost.txt" ]; then
		echo
		echo "not retrievable:"
		cat "$TMP/lost.txt"
	fi
	if grep -q '^first failures' "$OUT"; then
		echo
		sed -n '/^first failures/,$p' "$OUT" | head -12
	fi
	echo
	if [ ${#FAILED[@]} -eq 0 ]; then
		echo "RESULT: PASS"
	else
		echo "RESULT: FAIL: $(IFS=,; echo "${FAILED[*]}" | sed 's/,/, /g')"
	fi
} | tee "$TMP/summary.txt"

[ ${#FAILED[@]} -eq 0 ]
}
