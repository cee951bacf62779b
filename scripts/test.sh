#!/bin/sh
# Runs sokbo's whole test suite: gofmt, go vet, and every test with the race
# detector, ending with one summary line. The race detector needs cgo, so a
# C compiler is installed first when the machine has none (Debian: gcc); the
# browser tests (e2e/) need Chromium and a Korean font, installed the same
# way (Debian: chromium, fonts-noto-cjk).
# Extra arguments go to go test (./scripts/test.sh -short skips the long
# tests: the crash rounds, the big fills).
set -eu
cd "$(dirname "$0")/.."

if ! command -v gcc >/dev/null 2>&1 && ! command -v cc >/dev/null 2>&1; then
	echo "test.sh: installing gcc (needed by go test -race)" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gcc libc6-dev >/dev/null
fi

if { [ ! -x /usr/bin/chromium ] && ! command -v chromium >/dev/null 2>&1; } ||
	{ command -v dpkg >/dev/null 2>&1 && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; }; then
	echo "test.sh: installing chromium and fonts-noto-cjk (needed by the e2e tests)" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "gofmt would change:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
CGO_ENABLED=1 go test -race -count=1 -timeout 8m -v "$@" ./... >"$log" 2>&1 || status=$?

# Package results, then each failure with its messages.
grep -E '^(ok|FAIL|panic:|\?)' "$log" | grep -v 'no test files' || true
awk '/^ *--- FAIL/ {p=1} /^ *--- (PASS|SKIP)/ || /^=== / {p=0} p' "$log"
if [ "$status" -ne 0 ] && ! grep -q -- '--- FAIL' "$log"; then
	tail -n 40 "$log" # a build failure or a panic outside a test
fi
passed=$(grep -c -- '--- PASS' "$log" || true)
failed=$(grep -c -- '--- FAIL' "$log" || true)
skipped=$(grep -c -- '--- SKIP' "$log" || true)
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
