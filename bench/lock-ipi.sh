#!/usr/bin/env bash
# Store-lock contention and cross-CPU wake-ups under SET -c 50 -P 16 (issue 4; docs/threading.md "The store lock"):
# starts each spec's server in an empty directory, warms it with 1M SETs, then during a 6M-SET load measures for 4 s
# the requests/s, the reschedule (RES) and function-call (CAL) IPIs per 1k requests from /proc/interrupts, and, when
# dotnet-counters is installed (dotnet tool install -g dotnet-counters), the runtime's lock contentions (futex sleeps)
# per 1k requests. Unpinned, loopback port 24677 only (AB_PORT overrides); servers are stopped by their PID.
#   bench/lock-ipi.sh ROUNDS "label|server|args|ENV=value ..." ...
# Example: bench/lock-ipi.sh 2 "none|/tmp/cairn/cairn|--appendonly no|" "everysec|/tmp/cairn/cairn|--appendonly yes|"
set -u
ROUNDS=${1:?usage: lock-ipi.sh ROUNDS "label|server|args|env" ...}; shift
PORT=${AB_PORT:-24677}
COUNTERS=$(command -v dotnet-counters || ls ~/.dotnet/tools/dotnet-counters 2>/dev/null)
WORK=$(mktemp -d /tmp/cairn-lock-ipi.XXXX)
trap 'rm -rf "$WORK"' EXIT
source "$(dirname "$0")/spec-server.sh"
irqs() { awk -v k="$1:" '$1 == k { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s }' /proc/interrupts; }
commands() { redis-cli -p $PORT info stats | tr -d '\r' | awk -F: '/^total_commands_processed:/ {print $2}'; }
for r in $(seq "$ROUNDS"); do
  for spec in "$@"; do
    start_spec "$spec"
    timeout 60 redis-benchmark -p $PORT -t set -n 1000000 -c 50 -r 100000 -d 64 -P 16 -q >/dev/null 2>&1
    timeout 60 redis-benchmark -p $PORT -t set -n 6000000 -c 50 -r 100000 -d 64 -P 16 -q >/dev/null 2>&1 &
    load=$!
    sleep 1
    c0=$(commands); res0=$(irqs RES); cal0=$(irqs CAL); t0=$(date +%s.%N)
    if [ -n "$COUNTERS" ]; then
      "$COUNTERS" collect -p $pid --counters System.Runtime --refresh-interval 1 --duration 00:00:04 --format csv -o "$WORK/counters.csv" >/dev/null 2>&1
      contentions=$(awk -F, '/lock_contentions/ {s += $5} END {print s + 0}' "$WORK/counters.csv")
    else
      sleep 4; contentions=""
    fi
    c1=$(commands); res1=$(irqs RES); cal1=$(irqs CAL); t1=$(date +%s.%N)
    kill $load 2>/dev/null; wait $load 2>/dev/null
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    n=$((c1 - c0))
    awk -v l="$label" -v r="$r" -v n=$n -v s="$t1" -v s0="$t0" -v res=$((res1 - res0)) -v cal=$((cal1 - cal0)) -v c="$contentions" 'BEGIN {
      printf "r%s %-12s requests/s=%d RES/1k=%.2f CAL/1k=%.2f", r, l, n / (s - s0), res / n * 1000, cal / n * 1000
      if (c != "") printf " lock-sleeps/1k=%.2f", c / n * 1000
      printf "\n" }'
  done
done
