#!/usr/bin/env bash
# Cluster benchmark (issue 7): SET/GET throughput and p50/p99 against one node of a 3-node cluster (N=3 W=2 R=2) as a ratio
# of a single node; then the streaming rate when a 4th node joins a loaded cluster (join_keys=0 skips it). Loopback ports
# BASE..BASE+3 (clients) and BASE+1000..BASE+1003 (peers: below Linux's ephemeral range 32768+, where an outgoing
# connection can hold the port) only, BASE = $CLUSTER_BENCH_PORT or 23780; every server is started here and stopped by
# its PID (CLUSTER_BENCH_PEER_PORT moves the peer ports, e.g. to stay inside a range a shared machine allows). After each cluster run it prints the CPU the three nodes used per request (utime+stime from /proc, in us),
# which varies far less with the machine's load than requests/s.
# CLUSTER_BENCH_WARMUP=n first sends n SETs and n GETs (not measured) to every server measured: a freshly started .NET
# process runs unoptimised (tier-0) code for its first tens of thousands of requests, which costs a 3-node cluster (three
# processes on two cores) far more than a single node; 0 (the default) measures from a cold start as before.
#   [CLUSTER_BENCH_PORT=25100] [CLUSTER_BENCH_PEER_PORT=25200] [CLUSTER_BENCH_WARMUP=n] bench/cluster.sh /path/to/cairn [requests=50000] [join_keys=30000] [join_value_bytes=100]
set -u
CAIRN=${1:?usage: cluster.sh /path/to/cairn [requests] [join_keys]}
REQUESTS=${2:-50000}
JOIN_KEYS=${3:-30000}
JOIN_VALUE_BYTES=${4:-100}
BASE=${CLUSTER_BENCH_PORT:-23780}
WARMUP=${CLUSTER_BENCH_WARMUP:-0}
PEER=${CLUSTER_BENCH_PEER_PORT:-$((BASE + 1000))}
WORK=$(mktemp -d /tmp/cairn-cluster-bench.XXXX)
PIDS=()
# Waits for the servers to exit: a run started right after this one reuses the ports, and a server still shutting down
# there answered the next run's PING and then hung its redis-benchmark.
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]:-}"; do wait "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

wait_port() { for _ in $(seq 1 200); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; exit 1; }
start() { # port dir args... ; sets LAST_PID (the server must be this shell's child)
  local port=$1 dir=$2; shift 2; mkdir -p "$dir"; ( cd "$dir" && exec "$CAIRN" --port "$port" --dir "$dir" --save "" "$@" ) >"$dir/server.log" 2>&1 & LAST_PID=$!; PIDS+=($LAST_PID); wait_port "$port"; }
bench_one() { timeout 300 redis-benchmark -p "$1" -t "$2" -n "$REQUESTS" -c 50 -r 10000 --csv 2>/dev/null | grep -E '^"(SET|GET)"'; }
cpu_ticks() { local total=0; for p in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$total"; }
bench() { # port pids...: each test, then the CPU all the given processes used per request
  local port=$1 test before after hz; shift; hz=$(getconf CLK_TCK)
  [ "$WARMUP" -gt 0 ] && timeout 300 redis-benchmark -p "$port" -t set,get -n "$WARMUP" -c 50 -r 10000 -q >/dev/null 2>&1
  for test in set get; do
    before=$(cpu_ticks "$@"); bench_one "$port" "$test"; after=$(cpu_ticks "$@")
    echo "\"${test^^}-cpu-us-per-request\",\"$(echo "scale=1; ($after - $before) * 1000000 / $hz / $REQUESTS" | bc)\""
  done
}
CLUSTER=(--cluster-enabled yes --cluster-secret bench)

echo "single node (test, rps, avg, min, p50, p95, p99, max ms):"
start "$BASE" "$WORK/single"; single=$LAST_PID
bench "$BASE" "$single"
kill "$single"; wait "$single" 2>/dev/null

echo "3-node cluster, one node benchmarked:"
NODES=()
for i in 0 1 2; do
  start $((BASE + i)) "$WORK/n$i" "${CLUSTER[@]}" --cluster-node-id "node-$i" --cluster-port $((PEER + i)) --cluster-seeds "127.0.0.1:$PEER"
  NODES+=("$LAST_PID")
done
for _ in $(seq 1 100); do [ "$(redis-cli -p "$BASE" info cluster | tr -d '\r' | grep nodes_alive | cut -d: -f2)" = 3 ] && break; sleep 0.1; done
bench "$BASE" "${NODES[@]}"
redis-cli -p "$BASE" info cluster | tr -d '\r' | grep -E 'peer_(frames|messages)_sent|timeouts|noquorum'
[ "$JOIN_KEYS" = 0 ] && exit 0

echo "join: loading ~$JOIN_KEYS keys of $JOIN_VALUE_BYTES bytes, then starting node-3"
redis-benchmark -p "$BASE" -t set -n $((JOIN_KEYS * 3 / 2)) -c 50 -r "$JOIN_KEYS" -d "$JOIN_VALUE_BYTES" -q >/dev/null 2>&1
# DBSIZE answers for the whole cluster (every partition's owner counts its keys): the keys a node holds itself are in
# INFO keyspace, which stays local.
local_keys() { redis-cli -p "$1" info keyspace | tr -d '\r' | sed -n 's/^db0:keys=\([0-9]*\).*/\1/p' | grep . || echo 0; }
echo "keys: $(redis-cli -p "$BASE" dbsize) in the cluster, $(local_keys "$BASE") on node-0"
begin=$(date +%s.%N)
start $((BASE + 3)) "$WORK/n3" "${CLUSTER[@]}" --cluster-node-id node-3 --cluster-port $((PEER + 3)) --cluster-seeds "127.0.0.1:$PEER"
previous=-1; stable=0; last=$begin
for _ in $(seq 1 600); do
  sleep 0.5
  now=$(local_keys $((BASE + 3)))
  if [ "$now" = "$previous" ]; then
    stable=$((stable + 1)); [ "$stable" -ge 6 ] && [ "$now" != 0 ] && break   # 3 s without change: streaming is over
  else
    stable=0; previous=$now; last=$(date +%s.%N)
  fi
done
bytes=$(redis-cli -p $((BASE + 3)) info cluster | tr -d '\r' | grep peer_bytes_received | cut -d: -f2)
seconds=$(echo "$last - $begin" | bc)
echo "node-3 received $now keys, $bytes peer bytes in ${seconds}s (from its process start): $(echo "scale=2; $bytes / 1048576 / $seconds" | bc) MB/s, $(echo "$now / $seconds" | bc) keys/s"
