#!/usr/bin/env bash
# Document memory as the server reports it: loads N user profiles (the README's user:123 shape) into a Cairn node with
# redis-cli --pipe, then compares JSON.DEBUG MEMORY, MEMORY USAGE and the growth of INFO memory's used_memory with the
# JSON text length. Usage: bench/Cairn.Documents.Bench/server-memory.sh [count] [port]
# (CAIRN_BIN=/path/to/dir-with-cairn skips the Release build.)
set -u
count=${1:-10000}
port=${2:-7391}
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
bin=${CAIRN_BIN:-$dir/bin}
[ -n "${CAIRN_BIN:-}" ] || dotnet build -c Release "$root/src/Cairn.Host" -o "$bin" >/dev/null || exit 1
"$bin/cairn" --port "$port" --dir "$dir" --save "" --appendonly no >"$dir/log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.2; done
used() { redis-cli -p "$port" INFO memory | tr -d '\r' | awk -F: '$1=="used_memory"{print $2}'; }
before=$(used)
python3 - "$count" >"$dir/load.txt" 2>/dev/null <<'PY'
import random, sys
random.seed(11)
first=["John","Ann","Maria","Wei","Olu","Sven","Priya","Luis"]; last=["Doe","Smith","Garcia","Chen","Okafor","Berg","Patel","Silva"]
cities=["New York","Paris","Lagos","Tokyo","Lima","Oslo","Pune","Austin"]; tags=["premium","verified","beta","staff","trial","vip"]
total=0
for i in range(int(sys.argv[1])):
    f=random.choice(first); l=random.choice(last)
    doc='{"name":"%s %s","email":"%s%d@example.com","address":{"city":"%s","zip":"%d"},"tags":["%s","%s"],"age":%d}' % (
        f,l,f.lower(),i,random.choice(cities),random.randint(10000,99999),random.choice(tags),random.choice(tags),random.randint(18,80))
    total+=len(doc.encode())
    args=["JSON.SET","user:%d"%i,"$",doc]
    sys.stdout.write("*%d\r\n"%len(args)+"".join("$%d\r\n%s\r\n"%(len(a.encode()),a) for a in args))
sys.stderr.write("%d\n"%total)
PY
text_total=$(python3 - "$count" 2>&1 >/dev/null <<'PY'
import random, sys
random.seed(11)
first=["John","Ann","Maria","Wei","Olu","Sven","Priya","Luis"]; last=["Doe","Smith","Garcia","Chen","Okafor","Berg","Patel","Silva"]
cities=["New York","Paris","Lagos","Tokyo","Lima","Oslo","Pune","Austin"]; tags=["premium","verified","beta","staff","trial","vip"]
total=0
for i in range(int(sys.argv[1])):
    f=random.choice(first); l=random.choice(last)
    doc='{"name":"%s %s","email":"%s%d@example.com","address":{"city":"%s","zip":"%d"},"tags":["%s","%s"],"age":%d}' % (
        f,l,f.lower(),i,random.choice(cities),random.randint(10000,99999),random.choice(tags),random.choice(tags),random.randint(18,80))
    total+=len(doc.encode())
sys.stderr.write("%d\n"%total)
PY
)
redis-cli -p "$port" --pipe <"$dir/load.txt" >/dev/null
after=$(used)
sample=$(redis-cli -p "$port" JSON.GET user:123)
echo "documents: $count, average text $((text_total / count)) bytes; user:123 = $sample (${#sample} bytes)"
echo "JSON.DEBUG MEMORY user:123 -> $(redis-cli -p "$port" JSON.DEBUG MEMORY user:123)"
echo "MEMORY USAGE user:123      -> $(redis-cli -p "$port" MEMORY USAGE user:123)"
echo "used_memory growth per document: $(( (after - before) / count )) bytes = $(python3 -c "print(round(($after-$before)/$text_total,2))")x text"
