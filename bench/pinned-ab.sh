#!/usr/bin/env bash
# Interleaved A/B of server builds or settings, pinned (server on core 1, redis-benchmark on core 0): a mixed warm-up
# (60k requests of each compare.sh test at -P 1 and -P 16), then SET/GET/INCR at -P 16 (400k each) and GET at -c 50
# (200k), each as requests/s and server CPU per request. Loopback port 23876 only (AB_PORT overrides); each server is
# started here and stopped by its PID.
#   bench/pinned-ab.sh ROUNDS "label|/path/to/server|server args|ENV=value ..." ...
# AB_TESTS="zadd sadd hset" measures those tests at -P 16 instead (AB_REQUESTS each, default 400000; no -c 50 GET);
# AB_P=1 measures them unpipelined. AB_WARMUPS=3 repeats the warm-up three times (tiered code takes seconds to settle).
# Example (tiering on against off, and Redis):
#   bench/pinned-ab.sh 2 "tc0|/tmp/cairn/cairn||" "tiered|/tmp/cairn/cairn||DOTNET_TieredCompilation=1" "redis|redis-server||"
set -u
ROUNDS=${1:?usage: pinned-ab.sh ROUNDS "label|server|args|env" ...}; shift
PORT=${AB_PORT:-23876}
WORK=$(mktemp -d /tmp/cairn-ab.XXXX)
trap 'rm -rf "$WORK"' EXIT
source "$(dirname "$0")/spec-server.sh"
rps() { taskset -c 0 redis-benchmark -p $PORT -q -n "$1" -c 50 -r 100000 -d 64 -P "$2" -t "$3" 2>/dev/null | tr '\r' '\n' | grep -a "per second" | tail -1 | awk '{for (i = 2; i <= NF; i++) if ($i == "requests") print int($(i-1)/1000)"k"}'; }
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# requests/s, and the server's CPU time (user + system) per request in microseconds: far steadier than requests/s when
# other work shares the machine.
measure() { local t0 r t1; t0=$(ticks); r=$(rps "$@"); t1=$(ticks); echo "$r/$(awk -v t="$((t1 - t0))" -v n="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2fus", t * 1e6 / hz / n}')"; }
for r in $(seq "$ROUNDS"); do
  for spec in "$@"; do
    SPEC_ARGS="--appendonly no" start_spec "$spec" taskset -c 1
    for _ in $(seq "${AB_WARMUPS:-1}"); do
      for P in 1 16; do rps 60000 $P set,get,incr,lpush,lpop,sadd,hset,zadd >/dev/null; done
    done
    if [[ -n "${AB_TESTS:-}" ]]; then
      line="r$r $label -P${AB_P:-16}:"
      for t in $AB_TESTS; do line="$line $t=$(measure "${AB_REQUESTS:-400000}" "${AB_P:-16}" "$t")"; done
      echo "$line"
    else
      echo "r$r $label -P16: set=$(measure 400000 16 set) get=$(measure 400000 16 get) incr=$(measure 400000 16 incr) | -c50 get=$(measure 200000 1 get)"
    fi
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
  done
done
