#!/usr/bin/env bash
# Per-thread cost of SET -P16 (issue 4): like aof-pinned.sh (server on core 1, redis-benchmark on core 0, 200k warm-up
# SETs, then AB_REQUESTS (default 600k) measured at -c 50 -P 16, 64-byte values over 100k keys), but prints each thread's
# CPU per SET (schedstat) and its voluntary/involuntary context switches over the measured run, and the whole process's
# CPU per SET from /proc/PID/stat (utime+stime in ticks: coarser, but it counts threads that exited during the run, such
# as a rewrite's snapshot thread). Loopback port 24662 only (AB_PORT overrides); servers are stopped by their PID.
#   bench/aof-threads.sh ROUNDS "label|server|args|ENV=value ..." ...
# Example:
#   bench/aof-threads.sh 3 "base|/tmp/aof9-base/cairn|--appendonly yes --appendfsync everysec|" "new|/tmp/aof9-bin/cairn|--appendonly yes --appendfsync everysec|"
set -u
ROUNDS=${1:?usage: aof-threads.sh ROUNDS "label|server|args|env" ...}; shift
PORT=${AB_PORT:-24662}
N=${AB_REQUESTS:-600000}
WORK=$(mktemp -d /tmp/cairn-aof-threads.XXXX)
trap 'rm -rf "$WORK"' EXIT
snapshot() { # tid:name run_ns voluntary involuntary, for every live thread
  for t in /proc/"$1"/task/*; do
    echo "$(basename "$t"):$(tr ' ' _ < "$t/comm" 2>/dev/null) $(cut -d' ' -f1 "$t/schedstat" 2>/dev/null) $(awk '/^(non)?voluntary_ctxt_switches/ {printf "%s ", $2}' "$t/status" 2>/dev/null)"
  done | sort
}
ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
for r in $(seq "$ROUNDS"); do
  for spec in "$@"; do
    IFS='|' read -r label server args envs <<< "$spec"
    rm -rf "$WORK/data"; mkdir -p "$WORK/data"
    # shellcheck disable=SC2086
    ( cd "$WORK/data" && exec env $envs taskset -c 1 "$server" --port $PORT --dir "$WORK/data" --save "" $args ) >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do redis-cli -p $PORT ping >/dev/null 2>&1 && break; sleep 0.1; done
    taskset -c 0 redis-benchmark -p $PORT -t set -n 200000 -c 50 -r 100000 -d 64 -P 16 -q >/dev/null 2>&1
    snapshot $pid > "$WORK/before"; k0=$(ticks $pid)
    rps=$(taskset -c 0 redis-benchmark -p $PORT -t set -n "$N" -c 50 -r 100000 -d 64 -P 16 -q 2>/dev/null | tr '\r' '\n' | grep -a "per second" | tail -1 | awk '{print int($2)}')
    snapshot $pid > "$WORK/after"; k1=$(ticks $pid)
    echo "r$r $label rps=$rps process us/SET=$(awk -v d=$((k1 - k0)) -v n="$N" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.3f", d / hz * 1e6 / n}')"
    join "$WORK/before" "$WORK/after" | awk -v n="$N" '{ d = ($5 - $2) / 1000 / n; if (d >= 0.001) printf "   %-26s us/SET=%.3f voluntary=%d involuntary=%d\n", $1, d, $6 - $3, $7 - $4 }'
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
  done
done
