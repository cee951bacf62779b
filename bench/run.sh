#!/usr/bin/env bash
# bench/run.sh — sokbo's load benchmark, in one command. See bench/README.md.
#
#	bench/run.sh                                   # SIZES="1000 100000"
#	SIZES=5000 DURATION=2s ROUNDS=1 bench/run.sh   # a quick look
#
# For each N in $SIZES: a fresh sokbo on a temporary database imports N
# distinct documents read from files (bench/cmd/corpus writes them into
# the temp dir beforehand; bench/cmd/poster POSTs them over 32 keep-alive
# connections, as a newsroom's import does: the ingest measurement), then
# GET /feed.rss and /feed.json are measured with wrk — plain, gzip, br and
# 304 revalidation — against sokbo and, serving the very bytes sokbo
# returned, against nginx (static files, gzip_static) and bench/refserver
# (Go net/http from memory). It prints one table at the end, with sokbo's
# peak RSS (VmHWM, and the RssAnon/RssFile split near the peak) during the
# import and, after resetting the high-water mark, while serving.
#
# Knobs (environment): SIZES="1000 100000"  DURATION=4s  ROUNDS=3  THREADS=2
# CONNS=32  POST_CONNS=32  PORT=18480 (first of four)  DB_DIR (where the
# databases go; default: the temp dir)  DATES=scatter|live (the documents'
# dates: scattered over a year, an archive's import; or advancing, each
# the newest)  KEEP=1 (keep the temp dir with every log and wrk output)
# RESTART=1 (serve from a fresh sokbo on the filled database: see README).
set -euo pipefail

# All of the script is one compound command, which bash reads whole before
# running it: the file may change during a run.
{

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init run.sh

SIZES=${SIZES:-"1000 100000"}
DURATION=${DURATION:-4s}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
POST_CONNS=${POST_CONNS:-32}
PORT=${PORT:-18480}
DATES=${DATES:-scatter}
RESTART=${RESTART:-0}
case $DATES in scatter | live) ;; *) die "DATES must be scatter or live" ;; esac

# ---------------------------------------------------------------- install
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
BROTLI_MOD=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[ -n "$NGINX" ] || need+=(nginx-light)
command -v brotli >/dev/null 2>&1 || need+=(brotli)
command -v gzip >/dev/null 2>&1 || need+=(gzip)
if [ ${#need[@]} -gt 0 ] || [ ! -e "$BROTLI_MOD" ]; then
	say "== installing: ${need[*]} (and the nginx brotli_static module if available)"
	if [ ${#need[@]} -gt 0 ] && ! apt_install "${need[@]}"; then
		# Where nginx-light is not a package of its own, nginx is.
		apt_install "${need[@]/nginx-light/nginx}"
	fi
	apt_install libnginx-mod-http-brotli-static 2>/dev/null ||
		say "   (no libnginx-mod-http-brotli-static: nginx will not serve br)"
	NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
[ -x "$NGINX" ] || die "no nginx binary"

# ---------------------------------------------------------------- build
bench_tmp
chmod 711 "$TMP" # nginx's workers (nobody) must reach $TMP/www
say "== building (temp dir $TMP)"
build_tools bench/refserver bench/cmd/probe bench/cmd/poster bench/cmd/corpus
PROBE="$TMP/probe"
MAX_N=0
for N in $SIZES; do [ "$N" -le "$MAX_N" ] || MAX_N=$N; done
say "== writing $MAX_N distinct documents (bench/cmd/corpus -dates $DATES)"
make_corpus "$TMP/docs" "$MAX_N" -dates "$DATES"
DOCS_BYTES=$(find "$TMP/docs" -name '*.md' -printf '%s\n' | awk '{s += $1} END {print s + 0}')

P_SOKBO=$(next_port "$PORT")
P_NGINX=$(next_port $((P_SOKBO + 1)))
P_REF_RSS=$(next_port $((P_NGINX + 1)))
P_REF_JSON=$(next_port $((P_REF_RSS + 1)))

# ---------------------------------------------------------------- helpers
# probe URL [HEADER...]: prints "status enc bytes etag" (tab-separated).
probe() {
	local url=$1 args=()
	shift
	local h
	for h in "$@"; do args+=(-H "$h"); done
	"$PROBE" "${args[@]+"${args[@]}"}" "$url"
}

RESULTS="$TMP/results.tsv" # N scenario server enc bytes rps p50 p99 errors note
NOTES="$TMP/notes.txt"
: >"$RESULTS"
: >"$NOTES"

# measure N SCENARIO SERVER URL HEADER...: wrk with report.lua, appends a
# row to $RESULTS (one per round, $ROUND; the report takes the median of
# the rounds). The served encoding and size come from one probe first.
measure() {
	local n=$1 scen=$2 server=$3 url=$4 round=${ROUND:-1}
	shift 4
	local st enc bytes etag wargs=() h out
	IFS=$'\t' read -r st enc bytes etag < <(probe "$url" "$@") || st=ERR
	if [ "$st" != 200 ] && [ "$st" != 304 ]; then
		printf '%s\t%s\t%s\t-\t-\t-\t-\t-\t-\tstatus %s\n' "$n" "$scen" "$server" "$st" >>"$RESULTS"
		return
	fi
	[ "$st" = 304 ] && enc=304
	for h in "$@"; do wargs+=(-H "$h"); done
	out="$TMP/wrk-$n-${scen// /_}-$server-$round.txt"
	fgwait wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency --timeout 10s -s "$BENCH_DIR/report.lua" \
		"${wargs[@]+"${wargs[@]}"}" "$url" >"$out" 2>&1
	local _ reqs secs rps p50 p99 rbytes non2xx sockerr
	if ! read -r _ reqs secs rps p50 p99 rbytes non2xx sockerr < <(grep '^GETRESULT' "$out"); then
		printf '%s\t%s\t%s\t%s\t%s\t-\t-\t-\t-\twrk failed\n' "$n" "$scen" "$server" "$enc" "$bytes" >>"$RESULTS"
		return
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n' "$n" "$scen" "$server" "$enc" "$bytes" "$rps" "$p50" "$p99" \
		$((non2xx + sockerr)) >>"$RESULTS"
	say "   $(printf '%-10s %-9s %-8s %8s req/s  p50 %6sus  p99 %7sus' "$scen" "$server" "$enc" "$rps" "$p50" "$p99")"
}

rotate() { # rotate K WORD...: the words, starting from the K-th (cyclically)
	local k=$(( ($1 - 1) % ($# - 1) )) i
	shift
	local w=("$@")
	for i in $(seq 0 $(( ${#w[@]} - 1 ))); do printf '%s ' "${w[$(( (i + k) % ${#w[@]} ))]}"; done
}

na() { # na N SCENARIO SERVER REASON
	printf '%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"
	say "   $(printf '%-10s %-9s n/a: %s' "$2" "$3" "$4")"
}

write_nginx_conf() { # write_nginx_conf DIR WWW PORT
	local dir=$1 www=$2 port=$3 brotli_load="" brotli_on=""
	if [ -e "$BROTLI_MOD" ]; then
		brotli_load="load_module $BROTLI_MOD;"
		brotli_on="brotli_static on;"
	fi
	cat >"$dir/nginx.conf" <<EOF
# Generated by bench/run.sh: the feeds as static files.
$brotli_load
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    types { application/rss+xml rss; application/feed+json json; }
    default_type application/octet-stream;
    charset utf-8;
    charset_types application/rss+xml application/feed+json;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 120s;
    keepalive_requests 10000000;
    open_file_cache max=64 inactive=60s;
    open_file_cache_valid 60s;
    etag on;
    gzip off;
    gzip_static on;
    gzip_vary on;
    $brotli_on
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $www;
        location / { add_header X-Content-Type-Options nosniff; }
    }
}
EOF
	mkdir -p "$dir/tmp"
}

CT_rss="application/rss+xml; charset=utf-8"
CT_json="application/feed+json; charset=utf-8"

# ---------------------------------------------------------------- run
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "== $(nproc) cores, shared by the server under test and wrk (-t$THREADS -c$CONNS)"
for N in $SIZES; do
	say "== N=$N"
	RUN="$TMP/n$N"
	DBDIR="${DB_DIR:-$TMP}/sokbo-db-$N-$$"
	mkdir -p "$RUN" "$RUN/www" "$RUN/nginx"
	mkdir -p -m 700 "$DBDIR"
	TOKEN=$(new_token)
	BASE="http://127.0.0.1:$P_SOKBO"

	start_sokbo "$RUN/sokbo.log" "$DBDIR/sokbo.db" "$P_SOKBO" "$TOKEN"
	start /dev/null rss_sampler "$SOKBO_PID" "$RUN/rss-fill"
	SAMPLER_PID=$STARTED

	# --- import (= the ingest measurement)
	say "   importing $N documents from files (bench/cmd/poster -c $POST_CONNS)…"
	cpu0=$(cpu_ticks "$SOKBO_PID")
	import_docs "$BASE" "$TOKEN" "$TMP/docs" "$N" "$POST_CONNS" "$RUN/fill.txt"
	grep -v '^POSTRESULT' "$RUN/fill.txt" | sed 's/^/   /' >&2 || true
	read -r f_answered f_created f_other f_failed f_secs f_p50 f_p99 f_max f_p90 f_p999 f_cpu <<<"$IMPORT"
	if [ "$f_answered" != "$N" ] || [ "$f_failed" != 0 ]; then
		say "   WARNING: the import did not complete cleanly (answered $f_answered of $N, failed $f_failed); see above"
		echo "N=$N: import incomplete: answered $f_answered of $N, $f_failed failed" >>"$NOTES"
	fi
	cpu1=$(cpu_ticks "$SOKBO_PID")
	# Memory of the fill: its peak (VmHWM) and the RSS split now, then
	# the high-water mark is reset to the current RSS (clear_refs 5), so
	# that the VmHWM at the end is the peak while serving. The reset keeps
	# the file pages the fill left mapped; with RESTART=1 a new sokbo on
	# the filled database serves instead.
	fill_hwm=$(status_kb "$SOKBO_PID" VmHWM)
	fill_rss=$(status_kb "$SOKBO_PID" VmRSS)
	fill_anon=$(status_kb "$SOKBO_PID" RssAnon)
	fill_file=$(status_kb "$SOKBO_PID" RssFile)
	stop_forget "$SAMPLER_PID"
	read -r fill_s_rss fill_s_anon fill_s_file < <(sampled "$RUN/rss-fill")
	if [ "$RESTART" = 1 ]; then
		# A fresh process on the filled database: nothing of the fill's
		# memory (its heap, the file pages it touched) is counted.
		stop_forget "$SOKBO_PID"
		start_sokbo "$RUN/sokbo-2.log" "$DBDIR/sokbo.db" "$P_SOKBO" "$TOKEN"
		serve_how="VmHWM of a sokbo restarted on the filled database, $(mb "$(status_kb "$SOKBO_PID" VmHWM)") when it came up"
	elif { echo 5 >"/proc/$SOKBO_PID/clear_refs"; } 2>/dev/null; then
		serve_how="VmHWM, reset to $(mb "$(status_kb "$SOKBO_PID" VmHWM)") after the fill"
	else
		serve_how="VmHWM, not reset (clear_refs not writable): includes the fill"
		say "   WARNING: could not reset sokbo's VmHWM; the serving peak includes the fill"
	fi
	start /dev/null rss_sampler "$SOKBO_PID" "$RUN/rss-serve"
	SAMPLER_PID=$STARTED
	for id in 0 $((N - 1)); do
		IFS=$'\t' read -r st _ < <(probe "$BASE/api/articles/bench-$id") || st=ERR
		[ "$st" = 200 ] || say "   WARNING: GET /api/articles/bench-$id: $st"
	done

	# --- the feed bytes sokbo serves, as static files for nginx and refserver
	for f in rss json; do
		IFS=$'\t' read -r st enc bytes etag < <("$PROBE" -o "$RUN/www/feed.$f" "$BASE/feed.$f")
		[ "$st" = 200 ] || die "GET /feed.$f: $st"
		IFS=$'\t' read -r st enc bytes etag < <("$PROBE" -H 'Accept-Encoding: gzip' -o "$RUN/sokbo.$f.gz" "$BASE/feed.$f")
		if [ "$enc" = gzip ]; then
			cp "$RUN/sokbo.$f.gz" "$RUN/www/feed.$f.gz"
			gz_src="sokbo's"
		else
			gzip -9 -n -c "$RUN/www/feed.$f" >"$RUN/www/feed.$f.gz"
			gz_src="gzip -9 (sokbo sent $enc)"
		fi
		IFS=$'\t' read -r st enc bytes etag < <("$PROBE" -H 'Accept-Encoding: br' -o "$RUN/sokbo.$f.br" "$BASE/feed.$f")
		if [ "$enc" = br ]; then
			cp "$RUN/sokbo.$f.br" "$RUN/www/feed.$f.br"
			br_src="sokbo's"
		else
			brotli -q 11 -c "$RUN/www/feed.$f" >"$RUN/www/feed.$f.br"
			br_src="brotli -q 11 (sokbo sent $enc)"
		fi
		echo "N=$N: feed.$f: $(stat -c %s "$RUN/www/feed.$f") B identity; gzip $(stat -c %s "$RUN/www/feed.$f.gz") B ($gz_src); br $(stat -c %s "$RUN/www/feed.$f.br") B ($br_src)" >>"$NOTES"
	done
	chmod 755 "$RUN" "$RUN/www"
	chmod 644 "$RUN"/www/*

	write_nginx_conf "$RUN/nginx" "$RUN/www" "$P_NGINX"
	start "$RUN/nginx/stdout.log" "$NGINX" -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/nginx/error.log" -g 'daemon off;'
	NGINX_PID=$STARTED
	start "$RUN/ref-rss.log" "$TMP/refserver" -addr "127.0.0.1:$P_REF_RSS" \
		-body "$RUN/www/feed.rss" -gzip "$RUN/www/feed.rss.gz" -br "$RUN/www/feed.rss.br" -type "$CT_rss"
	REF_RSS_PID=$STARTED
	start "$RUN/ref-json.log" "$TMP/refserver" -addr "127.0.0.1:$P_REF_JSON" \
		-body "$RUN/www/feed.json" -gzip "$RUN/www/feed.json.gz" -br "$RUN/www/feed.json.br" -type "$CT_json"
	REF_JSON_PID=$STARTED
	"$PROBE" -wait 10s "http://127.0.0.1:$P_NGINX/feed.rss" >/dev/null || die "nginx did not come up: $(cat "$RUN/nginx/error.log")"
	"$PROBE" -wait 10s "http://127.0.0.1:$P_REF_RSS/" >/dev/null || die "refserver did not come up"
	"$PROBE" -wait 10s "http://127.0.0.1:$P_REF_JSON/" >/dev/null || die "refserver did not come up"

	# --- the GETs
	for f in rss json; do
		declare -A url=(
			[sokbo]="$BASE/feed.$f"
			[nginx]="http://127.0.0.1:$P_NGINX/feed.$f"
			[refserver]="http://127.0.0.1:$P_REF_RSS/feed.$f"
		)
		[ "$f" = json ] && url[refserver]="http://127.0.0.1:$P_REF_JSON/feed.$f"
		# Each scenario runs ROUNDS times, the servers taking turns in an
		# order that rotates every round, so that a slow spell of the
		# machine falls on all of them; the report gives the medians.
		for ROUND in $(seq "$ROUNDS"); do
			for s in $(rotate "$ROUND" sokbo nginx refserver); do measure "$N" "$f" "$s" "${url[$s]}"; done
		done
		for ROUND in $(seq "$ROUNDS"); do
			for s in $(rotate "$ROUND" sokbo nginx refserver); do measure "$N" "$f gzip" "$s" "${url[$s]}" 'Accept-Encoding: gzip'; done
		done
		for ROUND in $(seq "$ROUNDS"); do
			for s in $(rotate "$ROUND" sokbo nginx refserver); do measure "$N" "$f br" "$s" "${url[$s]}" 'Accept-Encoding: br'; done
		done
		# 304: a feed reader's revalidation, with the ETag this server sent
		# for Accept-Encoding: gzip.
		for ROUND in $(seq "$ROUNDS"); do for s in $(rotate "$ROUND" sokbo nginx refserver); do
			IFS=$'\t' read -r st enc bytes etag < <(probe "${url[$s]}" 'Accept-Encoding: gzip') || st=ERR
			if [ "$etag" = - ] || [ -z "$etag" ]; then
				na "$N" "$f 304" "$s" "no ETag"
				continue
			fi
			IFS=$'\t' read -r st _ < <(probe "${url[$s]}" 'Accept-Encoding: gzip' "If-None-Match: $etag") || st=ERR
			if [ "$st" != 304 ]; then
				na "$N" "$f 304" "$s" "If-None-Match answered $st"
				continue
			fi
			measure "$N" "$f 304" "$s" "${url[$s]}" 'Accept-Encoding: gzip' "If-None-Match: $etag"
		done; done
		ROUND=1
		unset url
	done

	end_hwm=$(status_kb "$SOKBO_PID" VmHWM)
	end_rss=$(status_kb "$SOKBO_PID" VmRSS)
	end_anon=$(status_kb "$SOKBO_PID" RssAnon)
	end_file=$(status_kb "$SOKBO_PID" RssFile)
	stop_forget "$SAMPLER_PID"
	read -r serve_s_rss serve_s_anon serve_s_file < <(sampled "$RUN/rss-serve")
	dbsize=$(du -k "$DBDIR/sokbo.db" | awk '{print $1}')
	fstype=$(stat -f -c %T "$DBDIR")
	printf 'N=%s: ingest %s articles in %ss = %s articles/s (%s created, %s other 2xx, %s failed; POST latency p50 %s us, p90 %s us, p99 %s us, p99.9 %s us, max %s us; %d posters (bench/cmd/poster) reading %s distinct documents, %s KB on average, dates %s; database on %s)\n' \
		"$N" "$f_answered" "$f_secs" "$(awk -v a="$f_answered" -v s="$f_secs" 'BEGIN {if (s > 0) printf "%.0f", a / s; else print "-"}')" \
		"$f_created" "$f_other" "$f_failed" "$f_p50" "$f_p90" "$f_p99" "$f_p999" "$f_max" "$POST_CONNS" "$N" \
		"$(awk -v b="$DOCS_BYTES" -v n="$MAX_N" 'BEGIN {printf "%.1f", b / n / 1024}')" "$DATES" "$fstype" >>"$NOTES"
	printf 'N=%s: CPU during the import: sokbo %s s user+sys = %s ms per article, the poster %s s (of %s cores, shared)\n' "$N" \
		"$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')" \
		"$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$f_answered" 'BEGIN {if (n > 0) printf "%.2f", t / hz * 1000 / n; else print "-"}')" "$f_cpu" "$(nproc)" >>"$NOTES"
	printf 'N=%s: peak RSS during the import: %s (VmHWM); RSS after the import %s = anon %s + file/mmap %s; highest sampled RSS %s = anon %s + file/mmap %s\n' \
		"$N" "$(mb "$fill_hwm")" "$(mb "$fill_rss")" "$(mb "$fill_anon")" "$(mb "$fill_file")" \
		"$(mb "$fill_s_rss")" "$(mb "$fill_s_anon")" "$(mb "$fill_s_file")" >>"$NOTES"
	printf 'N=%s: peak RSS while serving: %s (%s); highest sampled RSS %s = anon %s + file/mmap %s; RSS at the end %s = anon %s + file/mmap %s; database file %s\n' \
		"$N" "$(mb "$end_hwm")" "$serve_how" \
		"$(mb "$serve_s_rss")" "$(mb "$serve_s_anon")" "$(mb "$serve_s_file")" \
		"$(mb "$end_rss")" "$(mb "$end_anon")" "$(mb "$end_file")" "$(mb "$dbsize")" >>"$NOTES"

	for p in "$SOKBO_PID" "$NGINX_PID" "$REF_RSS_PID" "$REF_JSON_PID"; do stop_forget "$p"; done
	if [ -n "${DB_DIR:-}" ] && [ "$KEEP" != 1 ]; then rm -rf "$DBDIR"; fi
done

# ---------------------------------------------------------------- report
commit=$(commit_id)
{
	echo "sokbo load benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit"
	echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM;" \
		"$(go version | awk '{print $3}'), $(wrk -v 2>&1 | awk 'NR==1 {print $1, $2}'), $("$NGINX" -v 2>&1 | sed 's/.*: //')"
	echo "load: wrk -t$THREADS -c$CONNS -d$DURATION on 127.0.0.1, $ROUNDS rounds per row (servers in turn, order rotating; medians shown); wrk and the server share the $(nproc) cores (load average before the run: $LOAD_BEFORE)"
	echo "references serve the bytes sokbo returned: nginx as static files (gzip_static$([ -e "$BROTLI_MOD" ] && echo ", brotli_static"), etag), refserver from memory"
	echo
	awk -F'\t' '
	function lat(us) {
		if (us == "-" || us == "") return "-"
		if (us < 1000) return sprintf("%dus", us)
		if (us < 10000) return sprintf("%.2fms", us / 1000)
		if (us < 1000000) return sprintf("%.0fms", us / 1000)
		return sprintf("%.2fs", us / 1000000)
	}
	function size(b) {
		if (b == "-" || b == "") return "-"
		if (b < 10000) return b "B"
		return sprintf("%.0fK", b / 1024)
	}
	function enc(e) { return e == "identity" ? "id" : e == "gzip" ? "gz" : e }
	function cell(k) {
		if (!(k in rps)) return sprintf("%-28s", "")
		if (rps[k] == "-") return sprintf("%-28.28s", "n/a: " note[k])
		return sprintf("%7.0f %7s %7s %4s", rps[k], lat(p50[k]), lat(p99[k]), enc(en[k]))
	}
	function ratio(a, b) {
		if (!(a in rps) || !(b in rps) || rps[a] == "-" || rps[b] == "-" || rps[b] == 0) return "     -"
		return sprintf("%5.2f%s", rps[a] / rps[b], en[a] == en[b] ? " " : "*")
	}
	# median of the rounds values of key k in array a (by round)
	function median(a, k, cnt,   i, j, t, v) {
		for (i = 1; i <= cnt; i++) v[i] = a[k, i]
		for (i = 2; i <= cnt; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
		return cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2
	}
	{
		k = $1 SUBSEP $2 SUBSEP $3
		if (!(($1 SUBSEP $2) in seen)) { seen[$1 SUBSEP $2] = 1; order[++n] = $1 SUBSEP $2 }
		en[k] = $4; by[k] = $5; errs[k] = $9; note[k] = $10
		if ($6 == "-") { rps[k] = "-"; next }
		c = ++cnt[k]; r_rps[k, c] = $6; r_p50[k, c] = $7; r_p99[k, c] = $8
		if ($9 != "-" && $9 > 0) bad = bad sprintf("  N=%s %s %s: %d errors or non-2xx/3xx answers\n", $1, $2, $3, $9)
	}
	END {
		for (k in cnt) { rps[k] = median(r_rps, k, cnt[k]); p50[k] = median(r_p50, k, cnt[k]); p99[k] = median(r_p99, k, cnt[k]) }
		hdr = sprintf("%-7s %-10s | %-28s | %-28s | %-28s | %6s %6s", "N", "GET", "sokbo", "nginx", "refserver", "s/ref", "s/ngx")
		sub2 = sprintf("%-7s %-10s | %7s %7s %7s %4s | %7s %7s %7s %4s | %7s %7s %7s %4s | %6s %6s", "", "", "req/s", "p50", "p99", "enc", "req/s", "p50", "p99", "enc", "req/s", "p50", "p99", "enc", "", "")
		print hdr; print sub2
		gsub(/./, "-", sub2); print sub2
		for (i = 1; i <= n; i++) {
			split(order[i], f, SUBSEP)
			s = order[i] SUBSEP "sokbo"; g = order[i] SUBSEP "nginx"; r = order[i] SUBSEP "refserver"
			printf "%-7s %-10s | %s | %s | %s | %6s %6s\n", f[1], f[2], cell(s), cell(g), cell(r), ratio(s, r), ratio(s, g)
		}
		print ""
		print "enc: what the server answered (id = identity, gz, br, 304); * = sokbo answered another encoding than the reference."
		print "s/ref, s/ngx: sokbo requests/s divided by refserver'"'"'s, nginx'"'"'s."
		if (bad != "") { print "errors:"; printf "%s", bad }
	}' "$RESULTS"
	echo
	cat "$NOTES"
} | tee "$TMP/table.txt"

exit 0
}
