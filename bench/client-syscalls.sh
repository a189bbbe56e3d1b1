#!/usr/bin/env bash
# What redis-benchmark itself does per request against a server: its CPU, its context switches and its epoll_wait,
# recvfrom and sendto calls (perf stat with syscall tracepoints, so exact counts at little cost), beside the server's
# CPU per request from /proc/PID/stat. When the client is the bottleneck (unpipelined, or -P16 LRANGE), these say
# whether a server makes its client work harder or only lets it wait.
#   bench/client-syscalls.sh RUNS "label|server command with PORT" TEST [redis-benchmark arguments...]
# Environment: CS_PIN=1 runs the server on core 1 and the client on core 0 (default 0: unpinned); CS_N requests per
# measured run (400000); CS_PORT (24731). The server starts in an empty directory of its own, is warmed with 200k
# requests of the test and is stopped by its PID. Needs perf with the syscalls tracepoints (run as root).
# Example: bench/client-syscalls.sh 2 "cairn|/tmp/cairn/cairn --port PORT --save ''" lrange_100 -P 16 -r 100000 -d 64
set -u
RUNS=${1:?usage: client-syscalls.sh RUNS "label|cmd" TEST [args...]}; SPEC=$2; TEST=$3; shift 3
PORT=${CS_PORT:-24731}
N=${CS_N:-400000}
if [ "${CS_PIN:-0}" = 1 ]; then SERVER_PIN="taskset -c 1"; CLIENT_PIN="taskset -c 0"; else SERVER_PIN=""; CLIENT_PIN=""; fi
LABEL=${SPEC%%|*}; CMD=${SPEC#*|}; CMD=${CMD//PORT/$PORT}
WORK=$(mktemp -d /tmp/cairn-client-syscalls.XXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/data"
(cd "$WORK/data" && exec $SERVER_PIN bash -c "exec $CMD") > "$WORK/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do redis-cli -p "$PORT" ping > /dev/null 2>&1 && break; sleep 0.1; done
$CLIENT_PIN redis-benchmark -p "$PORT" -t "$TEST" -n 200000 -c 50 -q "$@" > /dev/null
events=task-clock,context-switches,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendto
for _ in $(seq "$RUNS"); do
  read -r s0 < <(awk '{print $14 + $15}' "/proc/$pid/stat")
  perf stat -x, -e "$events" -o "$WORK/perf" $CLIENT_PIN redis-benchmark -p "$PORT" -t "$TEST" -n "$N" -c 50 --csv "$@" \
    > "$WORK/out" 2> /dev/null
  read -r s1 < <(awk '{print $14 + $15}' "/proc/$pid/stat")
  # The last CSV row is the test itself (LRANGE's LPUSH pre-step comes first); its syscalls are counted in too.
  rps=$(grep -v '^"test"' "$WORK/out" | tail -1 | cut -d, -f2 | tr -d '"')
  get() { grep "$1" "$WORK/perf" | cut -d, -f1; }
  python3 -c "
n = $N; ticks = $s1 - $s0
print(f'$LABEL $TEST rps={float(\"$rps\"):.0f} client_us={float(\"$(get task-clock)\") * 1000 / n:.2f}'
      f' server_us={ticks * 1e6 / $(getconf CLK_TCK) / n:.2f} per request: context_switches={$(get context-switches) / n:.3f}'
      f' epoll_wait={$(get epoll_wait) / n:.3f} recvfrom={$(get sys_enter_recvfrom) / n:.3f} sendto={$(get sys_enter_sendto) / n:.3f}')"
done
kill "$pid"; wait "$pid" 2> /dev/null
