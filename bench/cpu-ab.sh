#!/usr/bin/env bash
# A/B of two server commands under redis-benchmark -c 50, in ABBA order (A B B A per test and repetition, so that a
# drift of the machine over time falls on both), printing for each run the requests/s and the CPU time per request of
# the server and of the client (user and system apart, from /proc/PID/stat and /usr/bin/time), then per test the
# medians and the median of the paired ratios B/A. The client's CPU per request is the steadier signal unpipelined:
# redis-benchmark is the bottleneck there (bench/README.md, "Unpipelined: who waits for whom").
#   bench/cpu-ab.sh REPS "labelA|server command with PORT" "labelB|server command with PORT" TEST...
# Environment: CPU_AB_PIN=1 (default) runs the server on core 1 and the client on core 0, 0 leaves both unpinned;
# CPU_AB_N requests per measured run (300000); CPU_AB_EXTRA more redis-benchmark arguments (e.g. "-P 16");
# CPU_AB_PORT (24721). Each server starts in an empty directory of its own as its working directory, is warmed with
# 200k requests of the test and is stopped by its PID. Example (the build before a change against the change):
#   bench/cpu-ab.sh 2 "base|/tmp/base/cairn --port PORT --save ''" "new|/tmp/new/cairn --port PORT --save ''" lpush hset
set -u
REPS=${1:?usage: cpu-ab.sh REPS "labelA|cmd" "labelB|cmd" TEST...}; A=$2; B=$3; shift 3
PORT=${CPU_AB_PORT:-24721}
N=${CPU_AB_N:-300000}
EXTRA=${CPU_AB_EXTRA:-}
if [ "${CPU_AB_PIN:-1}" = 1 ]; then SERVER_PIN="taskset -c 1"; CLIENT_PIN="taskset -c 0"; else SERVER_PIN=""; CLIENT_PIN=""; fi
WORK=$(mktemp -d /tmp/cairn-cpu-ab.XXXX)
trap 'rm -rf "$WORK"' EXIT

run() { # label "command with PORT" test
  local label=$1 cmd=${2//PORT/$PORT} test=$3
  rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  (cd "$WORK/data" && exec $SERVER_PIN bash -c "exec $cmd") > "$WORK/server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do redis-cli -p "$PORT" ping > /dev/null 2>&1 && break; sleep 0.1; done
  $CLIENT_PIN redis-benchmark -p "$PORT" -t "$test" -n 200000 -c 50 -q $EXTRA > /dev/null
  local u0 s0 u1 s1 t0 t1 out
  read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  t0=$(date +%s.%N)
  out=$( { /usr/bin/time -f "CLIENT %U %S" $CLIENT_PIN redis-benchmark -p "$PORT" -t "$test" -n "$N" -c 50 -q $EXTRA; } 2>&1 )
  t1=$(date +%s.%N)
  read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2> /dev/null
  local rps cu cs
  rps=$(echo "$out" | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1)
  cu=$(echo "$out" | grep CLIENT | awk '{print $2}'); cs=$(echo "$out" | grep CLIENT | awk '{print $3}')
  python3 -c "
n=$N; wall=$t1-$t0; su=($u1-$u0)/100; ss=($s1-$s0)/100
print(f'$label $test rps={float(\"$rps\"):.0f} server_user_us={su/n*1e6:.2f} server_sys_us={ss/n*1e6:.2f} server_util={(su+ss)/wall:.2f} client_user_us={$cu/n*1e6:.2f} client_sys_us={$cs/n*1e6:.2f} client_util={($cu+$cs)/wall:.2f}')"
}

for _ in $(seq "$REPS"); do
  for test in "$@"; do
    for spec in "$A" "$B" "$B" "$A"; do
      run "${spec%%|*}" "${spec#*|}" "$test" | tee -a "$WORK/runs"
    done
  done
done
python3 - "$WORK/runs" "${A%%|*}" "${B%%|*}" <<'EOF'
import collections, statistics, sys
path, a, b = sys.argv[1:]
runs = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(path):
    label, test, *fields = line.split()
    values = dict(f.split('=') for f in fields)
    runs[test][label].append({k: float(v) for k, v in values.items()})
for test, by in runs.items():
    ra, rb = by[a], by[b]
    ratios = [y['rps'] / x['rps'] for x, y in zip(ra, rb)]
    med = lambda rows, k: statistics.median(r[k] for r in rows)
    print(f"{test}: {a} {med(ra, 'rps'):.0f}/s client {med(ra, 'client_user_us') + med(ra, 'client_sys_us'):.2f} us/req, "
          f"{b} {med(rb, 'rps'):.0f}/s client {med(rb, 'client_user_us') + med(rb, 'client_sys_us'):.2f} us/req; "
          f"{b}/{a} median {statistics.median(ratios):.3f} (range {min(ratios):.2f}-{max(ratios):.2f}, {len(ratios)} pairs)")
EOF
