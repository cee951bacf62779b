#!/bin/sh
# Runs sokbo's whole test suite: gofmt, go vet, and every test with the race
# detector. The race detector needs cgo, so a C compiler is installed first
# when the machine has none (Debian: apt-get install gcc).
set -eu
cd "$(dirname "$0")/.."

if ! command -v gcc >/dev/null 2>&1 && ! command -v cc >/dev/null 2>&1; then
	echo "test.sh: installing gcc (needed by go test -race)" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gcc libc6-dev >/dev/null
fi

unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "gofmt would change:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
CGO_ENABLED=1 go test -race -count=1 -timeout 8m ./...
