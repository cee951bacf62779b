#!/usr/bin/env bash
# bench/push.sh — how soon a POST reaches live subscribers (issue 14).
# See bench/README.md, "Push (issue 14)".
#
#	bench/push.sh                          # 10,000 SSE streams, 1,000 WebSub callbacks
#	SSE=1000 CALLBACKS=100 bench/push.sh   # a quick look
#
# A fresh sokbo on a temporary database (hub on, private callbacks
# allowed, bounds raised for the load) and bench/cmd/push in another
# process on the same machine: POST latency with nobody subscribed, then
# $CALLBACKS callbacks subscribed to the site's JSON Feed and $SSE streams
# on /events, the server's RSS before and after the streams, then $POSTS
# posts $GAP apart, each timed from its POST's response to its receipt at
# every subscriber.
#
# Knobs (environment): SSE=10000  CALLBACKS=1000  POSTS=20  GAP=1s
# CONTENT=full (websub.content)  TOPIC=feed.json  PORT=18600  KEEP=1
set -euo pipefail

# The whole script is one compound command, read before it runs.
{

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init push.sh

SSE=${SSE:-10000}
CALLBACKS=${CALLBACKS:-1000}
POSTS=${POSTS:-20}
GAP=${GAP:-1s}
CONTENT=${CONTENT:-full}
TOPIC=${TOPIC:-feed.json}
PORT=${PORT:-18600}

bench_tmp
say "== building (temp dir $TMP)"
build_tools bench/cmd/probe bench/cmd/push
P=$(next_port "$PORT")
BASE="http://127.0.0.1:$P"
TOKEN=$(new_token)
cat >"$TMP/config.yaml" <<YAML
listen: 127.0.0.1:$P
database: $TMP/db/sokbo.db
token: $TOKEN
memory:
  limit: 0
websub:
  content: $CONTENT
  allow_private_callbacks: true
  max_subscriptions: $((CALLBACKS + 100))
  max_per_host: $((CALLBACKS + 100))
live:
  max_streams: $((SSE + 100))
YAML
start "$TMP/sokbo.log" "$TMP/sokbo" serve -config "$TMP/config.yaml"
SOKBO_PID=$STARTED
"$TMP/probe" -wait 60s "$BASE/healthz" >/dev/null || die "sokbo did not come up: $(tail -5 "$TMP/sokbo.log")"

say "== $SSE streams, $CALLBACKS callbacks ($CONTENT), $POSTS posts $GAP apart"
SOKBO_TOKEN=$TOKEN fgwait "$TMP/push" -sse "$SSE" -callbacks "$CALLBACKS" -posts "$POSTS" -gap "$GAP" \
	-topic "$TOPIC" -pid "$SOKBO_PID" "$BASE/"
[ "$FG_RC" = 0 ] || die "push failed (exit $FG_RC); server log: $(tail -5 "$TMP/sokbo.log")"
exit 0
}
