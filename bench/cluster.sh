#!/usr/bin/env bash
# Cluster benchmark (issue 7): SET/GET throughput and p50/p99 against one node of a 3-node cluster (N=3 W=2 R=2) as a ratio
# of a single node; then the streaming rate when a 4th node joins a loaded cluster. Loopback ports 23780-23783 (clients)
# and 24780-24783 (peers: below Linux's ephemeral range 32768+, where an outgoing connection can hold the port) only;
# every server is started here and stopped by its PID.
#   bench/cluster.sh /path/to/cairn [requests=50000] [join_keys=30000] [join_value_bytes=100]
set -u
CAIRN=${1:?usage: cluster.sh /path/to/cairn [requests] [join_keys]}
REQUESTS=${2:-50000}
JOIN_KEYS=${3:-30000}
JOIN_VALUE_BYTES=${4:-100}
WORK=$(mktemp -d /tmp/cairn-cluster-bench.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

wait_port() { for _ in $(seq 1 200); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; exit 1; }
start() { # port dir args... ; sets LAST_PID (the server must be this shell's child)
  local port=$1 dir=$2; shift 2; mkdir -p "$dir"; ( cd "$dir" && exec "$CAIRN" --port "$port" --dir "$dir" --save "" "$@" ) >"$dir/server.log" 2>&1 & LAST_PID=$!; PIDS+=($LAST_PID); wait_port "$port"; }
bench() { timeout 300 redis-benchmark -p "$1" -t set,get -n "$REQUESTS" -c 50 -r 10000 --csv 2>/dev/null | grep -E '^"(SET|GET)"'; }
CLUSTER=(--cluster-enabled yes --cluster-secret bench)

echo "single node (test, rps, avg, min, p50, p95, p99, max ms):"
start 23780 "$WORK/single"; single=$LAST_PID
bench 23780
kill "$single"; wait "$single" 2>/dev/null

echo "3-node cluster, one node benchmarked:"
for i in 0 1 2; do
  start $((23780 + i)) "$WORK/n$i" "${CLUSTER[@]}" --cluster-node-id "node-$i" --cluster-port $((24780 + i)) --cluster-seeds 127.0.0.1:24780
done
for _ in $(seq 1 100); do [ "$(redis-cli -p 23780 info cluster | tr -d '\r' | grep nodes_alive | cut -d: -f2)" = 3 ] && break; sleep 0.1; done
bench 23780
redis-cli -p 23780 info cluster | tr -d '\r' | grep -E 'peer_(frames|messages)_sent|timeouts|noquorum'

echo "join: loading ~$JOIN_KEYS keys of $JOIN_VALUE_BYTES bytes, then starting node-3"
redis-benchmark -p 23780 -t set -n $((JOIN_KEYS * 3 / 2)) -c 50 -r "$JOIN_KEYS" -d "$JOIN_VALUE_BYTES" -q >/dev/null 2>&1
echo "keys: $(redis-cli -p 23780 dbsize)"
begin=$(date +%s.%N)
start 23783 "$WORK/n3" "${CLUSTER[@]}" --cluster-node-id node-3 --cluster-port 24783 --cluster-seeds 127.0.0.1:24780
previous=-1; stable=0; last=$begin
for _ in $(seq 1 600); do
  sleep 0.5
  now=$(redis-cli -p 23783 dbsize)
  if [ "$now" = "$previous" ]; then
    stable=$((stable + 1)); [ "$stable" -ge 6 ] && [ "$now" != 0 ] && break   # 3 s without change: streaming is over
  else
    stable=0; previous=$now; last=$(date +%s.%N)
  fi
done
bytes=$(redis-cli -p 23783 info cluster | tr -d '\r' | grep peer_bytes_received | cut -d: -f2)
seconds=$(echo "$last - $begin" | bc)
echo "node-3 received $now keys, $bytes peer bytes in ${seconds}s (from its process start): $(echo "scale=2; $bytes / 1048576 / $seconds" | bc) MB/s, $(echo "$now / $seconds" | bc) keys/s"
