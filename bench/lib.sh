# bench/lib.sh — what bench/run.sh and bench/soak.sh share; sourced, not run.
#
#	. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#	bench_init NAME          # say/die as NAME, cleanup traps, BENCH_DIR, ROOT
#
# then: apt_install, bench_tmp, build_tools, make_corpus, start/fgwait/
# stop_pid/forget_pid, next_port, new_token, start_sokbo, import_docs, and
# the /proc readers (status_kb, cpu_ticks, rss_sampler, sampled, mb).
# Needs bash; the caller runs with set -euo pipefail. Everything a script
# starts through start/fgwait/start_sokbo is stopped when it exits, however
# it exits; its temp dir is removed unless KEEP=1.

# bench_init NAME: the common preamble.
bench_init() {
	BENCH_NAME=$1
	BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	ROOT=$(cd "$BENCH_DIR/.." && pwd)
	KEEP=${KEEP:-0}
	PIDS=()
	TMP=""
	POLICY_RC=""
	SUDO=""
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	command -v go >/dev/null 2>&1 || die "no go toolchain"
}

say() { printf '%s\n' "$*" >&2; }
die() { say "$BENCH_NAME: $*"; exit 1; }

# ---------------------------------------------------------------- processes
stop_pid() { # stop_pid PID: TERM, then KILL after 10 s
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
forget_pid() { # forget_pid PID: no longer stopped at exit
	local keep=() p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	PIDS=("${keep[@]+"${keep[@]}"}")
}
stop_forget() { stop_pid "$1"; forget_pid "$1"; }

bench_cleanup() {
	local rc=$? p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$p"; done
	[ -z "$POLICY_RC" ] || $SUDO rm -f "$POLICY_RC"
	if [ -n "$TMP" ] && [ -d "$TMP" ]; then
		if [ "$KEEP" = 1 ]; then say "kept $TMP"; else rm -rf "$TMP"; fi
	fi
	exit "$rc"
}

# start LOG CMD...: CMD in the background, output to LOG; its pid in
# $STARTED and in PIDS.
start() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 &
	STARTED=$!
	PIDS+=("$STARTED")
}

# fgwait CMD...: CMD in the background, waited for, so that a signal to the
# script is handled (and CMD stopped) at once, not after CMD ends. Sets
# $FG_RC to CMD's exit status; never fails itself.
fgwait() {
	"$@" &
	local pid=$!
	PIDS+=("$pid")
	FG_RC=0
	wait "$pid" || FG_RC=$?
	forget_pid "$pid"
}

# ---------------------------------------------------------------- install
# apt_install PKG...: installs the packages with apt-get, as root or
# through sudo, keeping their maintainer scripts from starting services
# (a system nginx). Fails when any cannot be installed.
apt_install() {
	command -v apt-get >/dev/null 2>&1 || die "missing $* and no apt-get"
	SUDO=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || die "missing $*: not root and no sudo"
		SUDO="sudo"
	fi
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		POLICY_RC=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY_RC" >/dev/null
		$SUDO chmod 755 "$POLICY_RC"
	fi
	if [ -z "${APT_UPDATED:-}" ]; then
		$SUDO apt-get update -qq >/dev/null
		APT_UPDATED=1
	fi
	local rc=0
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || rc=$?
	if [ -n "$POLICY_RC" ]; then $SUDO rm -f "$POLICY_RC"; POLICY_RC=""; fi
	return "$rc"
}

# need_wrk: installs wrk when it is missing.
need_wrk() {
	command -v wrk >/dev/null 2>&1 && return 0
	say "== installing wrk"
	apt_install wrk
}

# ---------------------------------------------------------------- build
# bench_tmp: makes the temp dir $TMP (removed at exit unless KEEP=1).
bench_tmp() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/sokbo-${BENCH_NAME%.sh}.XXXXXX")
}

# build_tools PKG...: builds sokbo and each Go package (a path from the
# module's root: bench/cmd/poster) into $TMP, named after its last element.
build_tools() {
	local p
	(
		cd "$ROOT"
		go build -o "$TMP/sokbo" ./cmd/sokbo
		for p in "$@"; do go build -o "$TMP/${p##*/}" "./$p"; done
	)
}

# make_corpus DIR N [corpus flags]: N distinct benchmark documents in DIR
# (DIR/bench-0.md …), written by bench/cmd/corpus (built by build_tools).
make_corpus() {
	local dir=$1 n=$2
	shift 2
	"$TMP/corpus" -n "$n" -out "$dir" "$@"
}

# ---------------------------------------------------------------- sokbo
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
next_port() { # next_port P: the first free port from P on
	local p=$1
	while ! port_free "$p"; do p=$((p + 1)); done
	echo "$p"
}
new_token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# start_sokbo LOG DB PORT TOKEN: a sokbo serving DB on 127.0.0.1:PORT,
# ready when this returns; its pid in $SOKBO_PID.
start_sokbo() {
	local log=$1 db=$2 port=$3 token=$4
	SOKBO_TOKEN=$token SOKBO_DB=$db SOKBO_ADDR="127.0.0.1:$port" start "$log" "$TMP/sokbo" serve
	SOKBO_PID=$STARTED
	"$TMP/probe" -wait 60s "http://127.0.0.1:$port/healthz" >/dev/null ||
		die "sokbo did not come up: $(tail -5 "$log")"
}

# import_docs BASE TOKEN DIR N CONNS OUT: POSTs DIR's first N documents
# with bench/cmd/poster over CONNS connections, its output in OUT. Sets
# IMPORT to its POSTRESULT fields (answered created other2xx failed
# seconds p50_us p99_us max_us p90_us p999_us poster_cpu_s), dashes when
# it printed none.
import_docs() {
	local base=$1 token=$2 dir=$3 n=$4 conns=$5 out=$6 line
	SOKBO_TOKEN=$token fgwait "$TMP/poster" -c "$conns" -n "$n" "$base" "$dir" >"$out" 2>&1
	IMPORT="- - - - - - - - - - -"
	if line=$(grep '^POSTRESULT' "$out"); then IMPORT=${line#POSTRESULT }; fi
}

# ---------------------------------------------------------------- /proc
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; } # status_kb PID VmHWM
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }              # user+sys, in clock ticks
mb() { awk -v kb="$1" 'BEGIN {printf "%.0f MB", kb / 1024}'; }                              # mb KB

# rss_sampler PID OUT: every 0.2 s reads PID's VmRSS, RssAnon and RssFile
# (kB) and keeps in OUT "rss anon file" of the sample with the highest
# VmRSS. The kernel's VmHWM has no anon/file split, so this gives the split
# at (about) the peak. Runs until PID exits or it is stopped.
rss_sampler() {
	local pid=$1 out=$2 k v rss anon file best=-1
	while :; do
		rss=0 anon=0 file=0
		{ while read -r k v _; do
			case $k in
			VmRSS:) rss=$v ;;
			RssAnon:) anon=$v ;;
			RssFile:) file=$v ;;
			esac
		done <"/proc/$pid/status"; } 2>/dev/null || break
		if [ "$rss" -gt "$best" ]; then
			best=$rss
			printf '%s %s %s\n' "$rss" "$anon" "$file" >"$out.tmp" && mv -f "$out.tmp" "$out"
		fi
		sleep 0.2
	done
}
# sampled OUT: a stopped sampler's "rss anon file" (zeros when it recorded
# nothing).
sampled() { if [ -s "$1" ]; then cat "$1"; else echo "0 0 0"; fi; }

# commit_id: the checked-out commit, "+changes" when tracked files differ.
commit_id() {
	local c
	c=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
	if [ "$c" != unknown ] && [ -n "$(cd "$ROOT" && GIT_OPTIONAL_LOCKS=0 git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
		c="$c+changes"
	fi
	echo "$c"
}
