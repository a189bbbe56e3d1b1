#!/usr/bin/env bash
# Storage-lsm node benchmark (issue 5 item 6).
#  1. The node test at full size: a real `cairn --storage lsm --maxmemory 64mb` process, 1 GB of 4 KB incompressible
#     values loaded through StackExchange.Redis (256 in flight), SHUTDOWN, restart, every key read back and compared.
#     It is the test LsmNodeLoadTests (which runs 256 MB into 16 MB in the normal test run), sized by environment.
#  2. redis-benchmark SET/GET throughput, storage memory vs storage lsm (maxmemory 64mb, 1M-key space, 1 KB values).
# Release build. Loopback port 23770 only; every server is started here and stopped by its PID.
#   bench/lsm-node.sh [megabytes=1024] [maxmemory=64mb] [requests=200000]
set -u
MB=${1:-1024}
MAXMEMORY=${2:-64mb}
REQUESTS=${3:-200000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/cairn-lsm-node.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build -c Release "$ROOT/tests/Cairn.Server.Tests" -v q -nologo >/dev/null || { echo "build failed" >&2; exit 1; }

echo "== node test: $MB MB into maxmemory $MAXMEMORY"
CAIRN_LSM_NODE_MB=$MB CAIRN_LSM_NODE_MAXMEMORY=$MAXMEMORY CAIRN_LSM_NODE_DIR=$WORK CAIRN_LSM_NODE_REPORT=$WORK/report.txt \
  dotnet test "$ROOT/tests/Cairn.Server.Tests" -c Release --no-build -nologo \
  --filter "FullyQualifiedName~LsmNodeLoadTests" 2>&1 | grep -E "Passed!|Failed!|error" | head -5
cat "$WORK/report.txt" 2>/dev/null

CAIRN="$ROOT/src/Cairn.Host/bin/Release/net10.0/cairn"
wait_port() { for _ in $(seq 1 100); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; exit 1; }
start() { local port=$1 dir=$2; shift 2; mkdir -p "$dir"; ( cd "$dir" && exec "$@" ) >"$dir/server.log" 2>&1 & LAST_PID=$!; PIDS+=($LAST_PID); wait_port "$port"; }
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
rps() { redis-benchmark -p "$1" -t "$2" -n "$REQUESTS" -c 50 -r 1000000 -d 1024 $3 -q 2>/dev/null | tr '\r' '\n' | grep -a "requests per second" | tail -1 | awk '{print $2}'; }

echo
echo "== redis-benchmark, 1 KB values, 1M-key space, maxmemory $MAXMEMORY (memory mode: allkeys-lru, so it evicts)"
printf "%-16s %12s %12s %12s %12s\n" "storage" "SET c50" "SET -P16" "GET c50" "GET -P16"
for storage in memory lsm; do
  port=23770; dir="$WORK/bench-$storage"
  args=(--port $port --dir "$dir" --save "" --maxmemory "$MAXMEMORY" --storage "$storage")
  [ "$storage" = memory ] && args+=(--maxmemory-policy allkeys-lru)
  start $port "$dir" "$CAIRN" "${args[@]}"; pid=$LAST_PID
  s1=$(rps $port set ""); s2=$(rps $port set "-P 16"); g1=$(rps $port get ""); g2=$(rps $port get "-P 16")
  printf "%-16s %12s %12s %12s %12s\n" "$storage" "$s1" "$s2" "$g1" "$g2"
  echo "   $(redis-cli -p $port dbsize) keys, $(redis-cli -p $port info memory | grep -a '^used_memory_rss_human' | tr -d '\r')"
  stop "$pid"
done
