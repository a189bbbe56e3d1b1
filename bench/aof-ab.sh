#!/usr/bin/env bash
# Interleaved, unpinned A/B of SET throughput with and without the AOF (issue 4): each round starts every spec's server
# in turn, warms it with 100k SETs, then measures SET at -c 50 (200k requests) and -c 50 -P 16 (1M requests), 64-byte
# values over 100k keys, as /tmp/aof-ab.sh of session 6 did. Loopback port 24652 only (AB_PORT overrides); each server
# is started here, in an empty directory of its own, and stopped by its PID.
#   bench/aof-ab.sh ROUNDS "label|server|args|ENV=value ..." ...
# Example (a build against main, with Redis):
#   bench/aof-ab.sh 3 "base-none|/tmp/base/cairn|--appendonly no|" "base-everysec|/tmp/base/cairn|--appendonly yes --appendfsync everysec|" \
#     "redis-none|redis-server|--appendonly no|" "redis-everysec|redis-server|--appendonly yes --appendfsync everysec|"
set -u
ROUNDS=${1:?usage: aof-ab.sh ROUNDS "label|server|args|env" ...}; shift
PORT=${AB_PORT:-24652}
WORK=$(mktemp -d /tmp/cairn-aof-ab.XXXX)
trap 'rm -rf "$WORK"' EXIT
source "$(dirname "$0")/spec-server.sh"
rps() { redis-benchmark -p $PORT -t set -n "$1" -c 50 -r 100000 -d 64 $2 -q 2>/dev/null | tr '\r' '\n' | grep -a "requests per second" | tail -1 | awk '{print int($2)}'; }
for r in $(seq "$ROUNDS"); do
  for spec in "$@"; do
    start_spec "$spec"
    rps 100000 "" >/dev/null
    echo "r$r $label c50=$(rps 200000 '') P16=$(rps 1000000 '-P 16')"
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
  done
done
