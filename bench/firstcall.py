#!/usr/bin/env python3
"""First and second call latency of 22 commands on a fresh server (what a command's first call compiles).

    bench/firstcall.py PORT

Start the server on a loopback PORT, wait as long as the case needs (e.g. 8 s for an idle node), then run this once: it
sends each command twice on one connection, waits for each reply, and prints both round trips in ms and the sum of the
first ones. Only the first run against a fresh process means anything; the keys it writes are its own (k, z, s, j, ...).
"""
import socket
import sys
import time

sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
reader = sock.makefile("rb")


def read_reply():
    """Reads one RESP2 reply whole."""
    line = reader.readline()
    kind, rest = line[:1], line[1:-2]
    if kind == b"$" and int(rest) >= 0:
        reader.read(int(rest) + 2)
    elif kind == b"*":
        for _ in range(max(int(rest), 0)):
            read_reply()


def call(*args):
    frame = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in (x.encode() for x in args))
    start = time.perf_counter()
    sock.sendall(frame)
    read_reply()
    return (time.perf_counter() - start) * 1000


COMMANDS = [
    ("SET", "k", "v"), ("GET", "k"), ("ZADD", "z", "1", "a", "2", "b"), ("ZUNIONSTORE", "z2", "1", "z"),
    ("ZRANGE", "z", "0", "-1", "WITHSCORES"), ("XADD", "s", "*", "f", "v"), ("XRANGE", "s", "-", "+"),
    ("JSON.SET", "j", "$", '{"a":[1,2,{"b":3}]}'), ("JSON.GET", "j", "$..b"),
    ("FT.CREATE", "idx", "ON", "JSON", "SCHEMA", "$.a", "AS", "a", "TAG"), ("FT.SEARCH", "idx", "*"),
    ("TS.ADD", "ts", "1", "1"), ("TS.RANGE", "ts", "-", "+"), ("SORT", "z", "ALPHA"), ("HSET", "h", "f", "v"),
    ("HRANDFIELD", "h", "2", "WITHVALUES"), ("SINTERSTORE", "s3", "z"), ("LPOS", "l", "x"),
    ("OBJECT", "ENCODING", "z"), ("BITCOUNT", "k"), ("MEMORY", "USAGE", "z"), ("INFO",),
]

total = 0.0
for command in COMMANDS:
    first = call(*command)
    second = call(*command)
    total += first
    print(f"{command[0]:12} first {first:7.2f} ms  second {second:6.2f} ms")
print(f"total first {total:.0f} ms")
