#!/bin/sh
# Runs every fuzz target of sokbo for FUZZTIME each (default 1m):
#   scripts/fuzz.sh            all targets
#   FUZZTIME=10m scripts/fuzz.sh FuzzParse
# A failing input is written under the package's testdata/fuzz/<target>/
# by go test; commit it with the fix, and it becomes a regular test case.
set -eu
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-1m}
targets="FuzzParse:./feed/ingest FuzzParseBudget:./feed/ingest FuzzHighlights:./feed/ingest FuzzCleanText:./feed/ingest FuzzStyles:./feed/ingest FuzzRender:./feed FuzzClean:./feed FuzzDecodeRecord:./store FuzzTextLang:./feed/ingest FuzzNegotiate:./server FuzzPrefersHTML:./server FuzzMatchesTag:./server FuzzEmbedQuery:./server FuzzOpeningBound:./feed"
for t in $targets; do
	name=${t%%:*}
	pkg=${t#*:}
	if [ $# -gt 0 ] && ! echo " $* " | grep -q " $name "; then
		continue
	fi
	echo "== $name ($pkg) for $FUZZTIME"
	go test -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" "$pkg"
done
