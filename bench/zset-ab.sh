#!/usr/bin/env bash
# Sorted-set reads and writes, CPU per request, pinned and interleaved: for each round and each server, starts it on core 1
# (redis-benchmark on core 0), fills `myzset` with redis-benchmark's ZADD (random member of 100k, random score) until it
# holds nearly all 100k members, then measures each command below at -c 50 -P $P and prints k requests/s and the
# server's CPU (utime+stime from /proc/PID/stat) per request in µs.
#
#   bench/zset-ab.sh ROUNDS P "label|server-binary" ...
#   PORT=24012 bench/zset-ab.sh 3 16 "base|/tmp/zset3-base/cairn" "new|/tmp/zset3-bin/cairn" "redis|redis-server"
#
# Commands: ZADD (moves a member), ZSCORE and ZRANK of a random member, ZRANGE 0 99 and ZREVRANGE 0 99 (N/10 of them),
# ZRANGEBYSCORE from a random score LIMIT 0 10 (redis-benchmark's scores and __rand_int__ are integers 0..99999).
set -euo pipefail
ROUNDS=$1; P=$2; shift 2
PORT=${PORT:-24012}
N=${N:-200000}
DIR=$(mktemp -d /tmp/zset-ab.XXXXXX)
run() { # label n args...
    local label=$1 n=$2; shift 2
    local t0 t1 out
    t0=$(awk '{print $14+$15}' /proc/$pid/stat)
    out=$(taskset -c 0 redis-benchmark -p "$PORT" -q -n "$n" -c 50 -r 100000 -P "$P" "$@" 2>/dev/null | tr '\r' '\n' | grep -a "per second" | tail -1 | awk '{for (i = 2; i <= NF; i++) if ($i == "requests") print int($(i-1)/1000)"k"}')
    t1=$(awk '{print $14+$15}' /proc/$pid/stat)
    printf ' %s=%s/%s' "$label" "$out" "$(awk -v t=$((t1-t0)) -v n="$n" 'BEGIN{printf "%.2f", t*1e6/100/n}')"
}
for r in $(seq "$ROUNDS"); do for spec in "$@"; do
    IFS='|' read -r label server <<< "$spec"
    rm -rf "${DIR:?}"/*
    ( cd "$DIR" && exec taskset -c 1 $server --port "$PORT" --save '' --appendonly no ) >/dev/null 2>&1 & pid=$!
    for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    taskset -c 0 redis-benchmark -p "$PORT" -q -n 600000 -c 50 -r 100000 -P 16 -t zadd >/dev/null 2>&1
    printf 'r%s %s P%s card=%s:' "$r" "$label" "$P" "$(redis-cli -p "$PORT" zcard myzset)"
    run zadd "$N" -t zadd
    run zscore "$N" zscore myzset element:__rand_int__
    run zrank "$N" zrank myzset element:__rand_int__
    run zrange100 $((N / 10)) zrange myzset 0 99
    run zrevrange100 $((N / 10)) zrevrange myzset 0 99
    run zrangebyscore "$N" zrangebyscore myzset __rand_int__ +inf limit 0 10
    echo
    kill "$pid"; wait "$pid" 2>/dev/null || true
done; done
rm -rf "$DIR"
