#!/usr/bin/env bash
# Persistence benchmark: SET throughput without persistence, with appendfsync everysec and always (Cairn and Redis), and
# snapshot time and peak RSS for N keys (Cairn BGSAVE vs Redis BGSAVE), and client throughput during back-to-back BGSAVEs. Loopback ports 23760-23769 only; every server is
# started here and stopped by its PID.
#   bench/persistence.sh /path/to/cairn [keys=1000000] [requests=200000]
set -u
CAIRN=${1:?usage: persistence.sh /path/to/cairn [keys] [requests]}
KEYS=${2:-1000000}
REQUESTS=${3:-200000}
WORK=$(mktemp -d /tmp/cairn-persist.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

wait_port() { for _ in $(seq 1 100); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; exit 1; }
rps() { redis-benchmark -p "$1" -t set -n "$REQUESTS" -c 50 -r 100000 -d 64 $2 -q 2>/dev/null | tr '\r' '\n' | grep -a "requests per second" | tail -1 | awk '{print $2}'; }
start() { # port dir cmd... ; sets LAST_PID (no command substitution: the server must be this shell's child)
  local port=$1 dir=$2; shift 2; mkdir -p "$dir"; ( cd "$dir" && exec "$@" ) >"$dir/server.log" 2>&1 & LAST_PID=$!; PIDS+=($LAST_PID); wait_port "$port"; }
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

printf "%-28s %14s %14s\n" "SET throughput" "c50" "c50 -P16"
for mode in none everysec always; do
  for server in cairn redis; do
    port=23760; dir="$WORK/$server-$mode"
    if [ "$server" = cairn ]; then
      args=(--port $port --dir "$dir" --save "")
      [ "$mode" != none ] && args+=(--appendonly yes --appendfsync "$mode")
      start $port "$dir" "$CAIRN" "${args[@]}"; pid=$LAST_PID
    else
      args=(--port $port --dir "$dir" --save "" --protected-mode no)
      if [ "$mode" != none ]; then args+=(--appendonly yes --appendfsync "$mode"); else args+=(--appendonly no); fi
      start $port "$dir" redis-server "${args[@]}"; pid=$LAST_PID
    fi
    a=$(rps $port ""); b=$(rps $port "-P 16")
    printf "%-28s %14s %14s\n" "$server appendfsync=$mode" "$a" "$b"
    stop "$pid"
  done
done

SNAP_LINES=()
echo
printf "%-10s %10s %14s %14s %14s\n" "snapshot" "keys" "seconds" "rss_before_kB" "rss_peak_kB"
for server in cairn redis; do
  port=23761; dir="$WORK/$server-snap"
  if [ "$server" = cairn ]; then start $port "$dir" "$CAIRN" --port $port --dir "$dir" --save ""; pid=$LAST_PID
  else start $port "$dir" redis-server --port $port --dir "$dir" --save "" --appendonly no --protected-mode no; pid=$LAST_PID; fi
  redis-benchmark -p $port -t set -n "$KEYS" -r 100000000 -d 64 -c 50 -P 32 -q >/dev/null 2>&1 || true
  # Redis's BGSAVE forks: measure the whole process tree's RSS.
  tree_rss() { local total=0; for p in $(pgrep -P "$pid") "$pid"; do r=$(awk '/VmRSS/{print $2}' /proc/$p/status 2>/dev/null || echo 0); total=$((total + r)); done; echo $total; }
  keys=$(redis-cli -p $port dbsize)
  before=$(tree_rss); peak=$before
  t0=$(date +%s.%N)
  redis-cli -p $port bgsave >/dev/null
  sleep 0.05
  while redis-cli -p $port info persistence | grep -q "rdb_bgsave_in_progress:1"; do r=$(tree_rss); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.02; done
  t1=$(date +%s.%N)
  printf "%-10s %10s %14.2f %14s %14s\n" "$server" "$keys" "$(echo "$t1 - $t0" | bc)" "$before" "$peak"
  # Clients during snapshots: SET and GET over the whole data set with and without back-to-back BGSAVEs running.
  plain=$(redis-benchmark -p $port -t set,get -n "$REQUESTS" -c 50 -r "$keys" -d 64 -q 2>/dev/null | tr '\r' '\n' | grep -a "requests per second" | awk '{print $2}' | paste -sd' ')
  rm -f "$WORK/stop-saves" "$WORK/saves"
  ( while [ ! -f "$WORK/stop-saves" ]; do
      redis-cli -p $port bgsave >/dev/null 2>&1; sleep 0.05
      while redis-cli -p $port info persistence | grep -q "rdb_bgsave_in_progress:1"; do sleep 0.02; done
      echo >> "$WORK/saves"
    done ) & saver=$!
  during=$(redis-benchmark -p $port -t set,get -n "$REQUESTS" -c 50 -r "$keys" -d 64 -q 2>/dev/null | tr '\r' '\n' | grep -a "requests per second" | awk '{print $2}' | paste -sd' ')
  touch "$WORK/stop-saves"; wait $saver
  SNAP_LINES+=("$(printf "%-10s %-22s %-22s %8s" "$server" "$plain" "$during" "$(wc -l < "$WORK/saves")")")
  stop "$pid"
done

echo
printf "%-10s %-22s %-22s %8s\n" "clients" "SET GET no snapshot" "SET GET during BGSAVEs" "BGSAVEs"
for line in "${SNAP_LINES[@]}"; do echo "$line"; done
