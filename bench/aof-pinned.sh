#!/usr/bin/env bash
# Pinned server CPU per SET -P16 (issue 4): the server and all its threads (event loop, AOF writer, rewrite) on core 1,
# redis-benchmark on core 0. Each round starts every spec's server in turn in an empty directory of its own, warms it with
# 200k SETs, then measures AB_REQUESTS (default 600k) SETs at -c 50 -P 16 (64-byte values over 100k keys) and prints
# requests/s and the server's CPU per SET in µs, summed over every thread from /proc/PID/task/*/schedstat (run time in
# ns: finer than /proc/PID/stat's ticks). With AB_PER_THREAD=1 it also prints the whole process's CPU per SET from
# /proc/PID/stat (utime+stime in ticks: coarser, but it counts threads that exited during the run, such as a rewrite's
# snapshot thread) and, for each thread, its CPU per SET and its voluntary/involuntary context switches over the run.
# Loopback port 24661 only (AB_PORT overrides); servers are stopped by their PID.
#   bench/aof-pinned.sh ROUNDS "label|server|args|ENV=value ..." ...
# Examples:
#   bench/aof-pinned.sh 6 "none|/tmp/aof7-bin/cairn|--appendonly no|" "everysec|/tmp/aof7-bin/cairn|--appendonly yes --appendfsync everysec|"
#   AB_PER_THREAD=1 bench/aof-pinned.sh 3 "base|/tmp/aof9-base/cairn|--appendonly yes --appendfsync everysec|" "new|/tmp/aof9-bin/cairn|--appendonly yes --appendfsync everysec|"
set -u
ROUNDS=${1:?usage: aof-pinned.sh ROUNDS "label|server|args|env" ...}; shift
PORT=${AB_PORT:-24661}
N=${AB_REQUESTS:-600000}
PER_THREAD=${AB_PER_THREAD:-0}
WORK=$(mktemp -d /tmp/cairn-aof-pinned.XXXX)
trap 'rm -rf "$WORK"' EXIT
source "$(dirname "$0")/spec-server.sh"
cpu_ns() { local t=0 f; for f in /proc/"$1"/task/*/schedstat; do t=$((t + $(cut -d' ' -f1 "$f" 2>/dev/null || echo 0))); done; echo $t; }
ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
snapshot() { # tid:name run_ns voluntary involuntary, for every live thread
  for t in /proc/"$1"/task/*; do
    echo "$(basename "$t"):$(tr ' ' _ < "$t/comm" 2>/dev/null) $(cut -d' ' -f1 "$t/schedstat" 2>/dev/null) $(awk '/^(non)?voluntary_ctxt_switches/ {printf "%s ", $2}' "$t/status" 2>/dev/null)"
  done | sort
}
for r in $(seq "$ROUNDS"); do
  for spec in "$@"; do
    start_spec "$spec" taskset -c 1
    taskset -c 0 redis-benchmark -p $PORT -t set -n 200000 -c 50 -r 100000 -d 64 -P 16 -q >/dev/null 2>&1
    [ "$PER_THREAD" = 1 ] && { snapshot $pid > "$WORK/before"; k0=$(ticks $pid); }
    t0=$(cpu_ns $pid)
    rps=$(taskset -c 0 redis-benchmark -p $PORT -t set -n "$N" -c 50 -r 100000 -d 64 -P 16 -q 2>/dev/null | tr '\r' '\n' | grep -a "per second" | tail -1 | awk '{print int($2)}')
    t1=$(cpu_ns $pid)
    echo "r$r $label rps=$rps us/SET=$(awk -v d=$((t1 - t0)) -v n="$N" 'BEGIN{printf "%.3f", d / 1000 / n}')"
    if [ "$PER_THREAD" = 1 ]; then
      snapshot $pid > "$WORK/after"; k1=$(ticks $pid)
      echo "   process us/SET=$(awk -v d=$((k1 - k0)) -v n="$N" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.3f", d / hz * 1e6 / n}')"
      join "$WORK/before" "$WORK/after" | awk -v n="$N" '{ d = ($5 - $2) / 1000 / n; if (d >= 0.001) printf "   %-26s us/SET=%.3f voluntary=%d involuntary=%d\n", $1, d, $6 - $3, $7 - $4 }'
    fi
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
  done
done
