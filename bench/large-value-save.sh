#!/usr/bin/env bash
# A BGSAVE of one large list: the longest and 99th-percentile PING during it (from a second connection, one PING at a
# time), the BGSAVE's duration, and the server's RSS and GC figures after it; with an LPUSH flood on the same list during
# the BGSAVE (a write to the value the snapshot is writing), with a light load of about a thousand such writes a second
# (one at a time from one connection, 1 ms apart), and without. Compares Cairn builds, or Cairn and Redis.
# Loopback port 23770 only; every server is started here and stopped by its PID. Pinned: server on CPU 1, clients on 0.
#   bench/large-value-save.sh [elements=1320000] /path/to/cairn-or-redis-server [more servers...]
# LVS_TYPE=hash, set or zset makes the value a hash (HSET of fields f:<random> with 64-byte values), a set (SADD of
# 64-byte members) or a sorted set (ZADD of 64-byte members, the score random too) instead, filled and flooded with random
# names from ten times as many as the elements asked for (so about a tenth of the flood's writes hit a field or member
# already there: a sorted set's moves to a new score).
set -u
ELEMENTS=1320000
TYPE=${LVS_TYPE:-list}
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then ELEMENTS=$1; shift; fi
[ $# -ge 1 ] || { echo "usage: large-value-save.sh [elements] /path/to/server..." >&2; exit 2; }
PORT=23770
WORK=$(mktemp -d /tmp/cairn-largesave.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

wait_port() { for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server did not start" >&2; exit 1; }

# PINGs one at a time from the moment BGSAVE is accepted until the save is over: count, p99 and max milliseconds.
probe() {
  taskset -c 0 python3 - "$PORT" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(("127.0.0.1", port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); return s
def call(s, *args):
    s.sendall(("*%d\r\n" % len(args) + "".join("$%d\r\n%s\r\n" % (len(a), a) for a in args)).encode())
    data = s.recv(65536)
    while b"\r\n" not in data:
        data += s.recv(65536)
    if data.startswith(b"$"):  # a bulk string: its length, then the bytes and CRLF
        head = data.index(b"\r\n")
        while len(data) < head + 2 + int(data[1:head]) + 2:
            data += s.recv(65536)
    return data
ping, ctl = conn(), conn()
for _ in range(2000): call(ping, "PING")
t0 = time.perf_counter(); call(ctl, "BGSAVE"); lat = []
while True:
    t = time.perf_counter(); call(ping, "PING"); lat.append(time.perf_counter() - t)
    if len(lat) % 200 == 0 and b"rdb_bgsave_in_progress:0" in call(ctl, "INFO", "persistence"): break
took = time.perf_counter() - t0
lat.sort()
print("%7d %8.2f %8.2f %8.2f" % (len(lat), lat[int(len(lat) * 0.99)] * 1e3, lat[-1] * 1e3, took))
EOF
}

PAD=$(head -c 48 /dev/zero | tr '\0' x)
# The redis-benchmark arguments that write one element to the value.
case $TYPE in
  list) WRITE=(-d 64 -t lpush) ;;
  hash) WRITE=(-r $((ELEMENTS * 10)) hset bighash "f:__rand_int__" "v:__rand_int__$PAD") ;;
  set) WRITE=(-r $((ELEMENTS * 10)) sadd bigset "m:__rand_int__$PAD") ;;
  zset) WRITE=(-r $((ELEMENTS * 10)) zadd bigzset __rand_int__ "m:__rand_int__$PAD") ;;
  *) echo "LVS_TYPE is list, hash, set or zset" >&2; exit 2 ;;
esac
# gc_ms and gen2: the GC's pause time and gen2 collections during the BGSAVE (Cairn only).
gc() { redis-cli -p $PORT info memory | tr -d '\r' | awk -F: '/^gc_pause_total_ms:/{p=$2} /^gc_gen2_collections:/{g=$2} END{print (p==""?"-":p), (g==""?"-":g)}'; }
printf "%-34s %-6s %7s %8s %8s %8s %9s %9s %6s %5s  (%s)\n" server flood pings p99_ms max_ms save_s rss_MB heap_MB gc_ms gen2 "$TYPE"
for server in "$@"; do
  for flood in no light yes; do
    dir="$WORK/data"; rm -rf "$dir"; mkdir -p "$dir"
    if [[ "$(basename "$server")" == redis-server ]]; then
      ( cd "$dir" && exec taskset -c 1 "$server" --port $PORT --bind 127.0.0.1 --save "" --appendonly no --protected-mode no ) >"$WORK/server.log" 2>&1 &
    else
      ( cd "$dir" && exec taskset -c 1 "$server" --port $PORT --dir "$dir" --save "" ) >"$WORK/server.log" 2>&1 &
    fi
    pid=$!; PIDS+=($pid); wait_port
    taskset -c 0 redis-benchmark -p $PORT -c 50 -n "$ELEMENTS" -P 16 -q "${WRITE[@]}" >/dev/null 2>&1
    fpid=
    if [ $flood = yes ]; then
      taskset -c 0 redis-benchmark -p $PORT -c 20 -n 100000000 -P 16 -q "${WRITE[@]}" >/dev/null 2>&1 & fpid=$!
      sleep 1
    elif [ $flood = light ]; then
      taskset -c 0 python3 - "$PORT" "$TYPE" "$PAD" <<'PY' & fpid=$!
import random, socket, sys, time
port, kind, pad = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while True:
    n = "%012d" % random.randrange(10 ** 9)
    args = {"list": ["LPUSH", "mylist", "v" * 64], "hash": ["HSET", "bighash", "f:" + n, "v:" + n + pad],
            "set": ["SADD", "bigset", "m:" + n + pad], "zset": ["ZADD", "bigzset", n, "m:" + n + pad]}[kind]
    s.sendall(("*%d\r\n" % len(args) + "".join("$%d\r\n%s\r\n" % (len(a), a) for a in args)).encode())
    s.recv(100)
    time.sleep(0.001)
PY
      sleep 0.5
    fi
    read -r pause0 gen0 <<< "$(gc)"
    line=$(probe)
    read -r pause1 gen1 <<< "$(gc)"
    [ -n "$fpid" ] && { kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null; }
    rss=$(awk '/VmRSS/{printf "%d", $2/1024}' /proc/$pid/status)
    heap=$(redis-cli -p $PORT info memory | tr -d '\r' | awk -F: '/^managed_heap_bytes:/{printf "%d", $2/1048576}')
    if [ "$pause0" = - ]; then dpause=-; dgen=-; else dpause=$((pause1 - pause0)); dgen=$((gen1 - gen0)); fi
    printf "%-34s %-6s %s %9s %9s %6s %5s\n" "$(basename "$(dirname "$server")")/$(basename "$server")" $flood "$line" "$rss" "${heap:--}" "$dpause" "$dgen"
    kill $pid; wait $pid 2>/dev/null
  done
done
