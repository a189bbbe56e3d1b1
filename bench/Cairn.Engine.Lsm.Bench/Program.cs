using System.Diagnostics;
using System.Globalization;
using Cairn.Engine.Lsm.Bench;
using Cairn.Engine.Lsm.Table;
using Cairn.Primitives;

// db_bench's classic workloads against Cairn.Engine.Lsm and RocksDB in one run:
//   dotnet run -c Release --project bench/Cairn.Engine.Lsm.Bench -- [--num 1000000] [--seeks N] [--rounds 3] [--budget-mb 256] [--dir PATH]
// Keys are 16 bytes, values 100 bytes compressible to about half (as db_bench), WAL on without sync.
// Both engines are open side by side and each workload runs on one then the other (order alternating), after waiting for
// both to finish background work, so that a noisy machine penalises both alike. Read workloads run in rounds; the best
// round of each engine is reported.

int num = 1_000_000;
int seeks = -1;
int rounds = 3;
int budgetMb = 256;
string root = Path.Combine(Path.GetTempPath(), "cairn-lsm-bench");
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--num": num = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seeks": seeks = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--budget-mb": budgetMb = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--dir": root = args[i + 1]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
if (seeks < 0)
{
    seeks = Math.Max(1000, num / 10);
}
const int KeyBytes = 16;
const int ValueBytes = 100;
const int SeekNexts = 100;
long budgetBytes = budgetMb * 1024L * 1024;
string[] engineNames = ["cairn", "rocksdb"];

Console.WriteLine($"num {num}, key {KeyBytes} B, value {ValueBytes} B (compressible ~50%), seekrandom {seeks} seeks x {SeekNexts} nexts, " +
    $"memory budget {budgetMb} MiB each, WAL on, no sync, {Environment.ProcessorCount} cores, read rounds {rounds} (best kept)");
Console.WriteLine($"bloom filter (10 bits/key) measured false-positive rate: {MeasureBloomFalsePositiveRate():P2}");

var results = new Dictionary<string, Dictionary<string, double>> { ["cairn"] = [], ["rocksdb"] = [] };
var notes = new List<string>();
var values = new ValueGenerator(301);

// fillseq, each engine on a fresh database.
RunFill("fillseq", (engine, key) =>
{
    for (int i = 0; i < num; i++)
    {
        FormatKey(key, i);
        engine.Put(key, values.Next(ValueBytes));
    }
});

// fillrandom on fresh databases, then overwrite and the reads on the same ones.
var engines = new Dictionary<string, IBenchEngine>();
foreach (string name in engineNames)
{
    Reset(Path.Combine(root, name));
    engines[name] = Create(name, Path.Combine(root, name), budgetBytes);
}
var written = new bool[num];
int unique = 0;
foreach (string workload in new[] { "fillrandom", "overwrite" })
{
    ulong seed = workload == "fillrandom" ? 1UL : 2UL;
    for (int turn = 0; turn < engineNames.Length; turn++)
    {
        string name = engineNames[(turn + (workload == "overwrite" ? 1 : 0)) % engineNames.Length];
        IBenchEngine engine = engines[name];
        WaitIdle(engines.Values);
        var random = new SeededRandom(seed);
        var key = new byte[KeyBytes];
        results[name][workload] = Measure(num, () =>
        {
            for (int i = 0; i < num; i++)
            {
                int k = random.NextInt(num);
                if (!written[k])
                {
                    written[k] = true;
                    unique++;
                }
                FormatKey(key, k);
                engine.Put(key, values.Next(ValueBytes));
            }
        });
    }
}
foreach (string name in engineNames)
{
    results[name]["write-amp"] = engines[name].WriteAmplification;
}
WaitIdle(engines.Values);
for (int round = 0; round < rounds; round++)
{
    for (int turn = 0; turn < engineNames.Length; turn++)
    {
        string name = engineNames[(turn + round) % engineNames.Length];
        IBenchEngine engine = engines[name];
        var key = new byte[KeyBytes];
        long found = 0;
        var readRandom = new SeededRandom(10 + (ulong)round);
        int reads = num;
        Best(name, "readrandom", Measure(reads, () =>
        {
            for (int i = 0; i < reads; i++)
            {
                FormatKey(key, readRandom.NextInt(num));
                if (engine.Get(key) >= 0)
                {
                    found++;
                }
            }
        }));
        long scanned = 0, bytes = 0;
        Best(name, "readseq", Measure(unique, () => scanned = engine.ScanAll(ref bytes)));
        long seekRead = 0;
        var seekRandom = new SeededRandom(20 + (ulong)round);
        Best(name, "seekrandom", Measure(seeks, () =>
        {
            for (int i = 0; i < seeks; i++)
            {
                FormatKey(key, seekRandom.NextInt(num));
                seekRead += engine.SeekAndScan(key, SeekNexts);
            }
        }));
        if (round == 0)
        {
            notes.Add($"{name}: readrandom found {found}/{reads}; readseq {scanned} keys ({bytes >> 20} MiB); seekrandom read {seekRead} entries");
        }
    }
}
long logical = (long)unique * (KeyBytes + ValueBytes);
foreach (string name in engineNames)
{
    results[name]["space-amp"] = engines[name].LiveTableBytes / (double)logical;
    notes.Add($"{name}: live tables {engines[name].LiveTableBytes >> 20} MiB for {logical >> 20} MiB of live keys and values; {engines[name].Describe()}");
    engines[name].Dispose();
    Reset(Path.Combine(root, name));
}

Console.WriteLine();
Console.WriteLine("| workload | cairn ops/s | rocksdb ops/s | cairn / rocksdb | goal |");
Console.WriteLine("|---|---:|---:|---:|---|");
foreach (string workload in new[] { "fillseq", "fillrandom", "overwrite", "readrandom", "readseq", "seekrandom" })
{
    double cairn = results["cairn"].GetValueOrDefault(workload);
    double rocks = results["rocksdb"].GetValueOrDefault(workload);
    string goal = workload switch { "readrandom" or "seekrandom" => ">= 1.0x", "fillrandom" => ">= 0.7x", _ => "" };
    Console.WriteLine($"| {workload} | {cairn:N0} | {rocks:N0} | {(rocks > 0 ? cairn / rocks : 0):F2}x | {goal} |");
}
foreach (string metric in new[] { "write-amp", "space-amp" })
{
    Console.WriteLine($"| {metric} (after fillrandom+overwrite) | {results["cairn"][metric]:F2} | {results["rocksdb"][metric]:F2} | | lower is better |");
}
Console.WriteLine();
foreach (string line in notes)
{
    Console.WriteLine(line);
}
return 0;

void RunFill(string workload, Action<IBenchEngine, byte[]> fill)
{
    foreach (string name in engineNames)
    {
        string directory = Path.Combine(root, name);
        Reset(directory);
        using IBenchEngine engine = Create(name, directory, budgetBytes);
        var key = new byte[KeyBytes];
        results[name][workload] = Measure(num, () => fill(engine, key));
        WaitIdle([engine]);
    }
    foreach (string name in engineNames)
    {
        Reset(Path.Combine(root, name));
    }
}

void Best(string name, string workload, double rate) =>
    results[name][workload] = Math.Max(rate, results[name].GetValueOrDefault(workload));

static void WaitIdle(IEnumerable<IBenchEngine> engines)
{
    var deadline = Stopwatch.StartNew();
    foreach (IBenchEngine engine in engines)
    {
        while (!engine.IsIdle && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(50);
        }
    }
}

static IBenchEngine Create(string name, string directory, long budgetBytes) => name switch
{
    "cairn" => new CairnEngine(directory, budgetBytes),
    "rocksdb" => new RocksDbEngine(directory, budgetBytes),
    _ => throw new ArgumentException($"unknown engine {name}"),
};

static void Reset(string directory)
{
    if (Directory.Exists(directory))
    {
        Directory.Delete(directory, recursive: true);
    }
    Directory.CreateDirectory(directory);
}

static void FormatKey(byte[] key, int value)
{
    // 16 ASCII digits, as db_bench's default key format.
    for (int i = key.Length - 1; i >= 0; i--)
    {
        key[i] = (byte)('0' + (value % 10));
        value /= 10;
    }
}

static double Measure(long operations, Action action)
{
    GC.Collect();
    long start = Stopwatch.GetTimestamp();
    action();
    double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    return operations / seconds;
}

static double MeasureBloomFalsePositiveRate()
{
    const int Keys = 100_000;
    var hashes = new List<ulong>(Keys);
    var key = new byte[16];
    for (int i = 0; i < Keys; i++)
    {
        FormatKey(key, i);
        hashes.Add(BloomFilter.Hash(key));
    }
    var filter = new BloomFilter(BloomFilter.Build(hashes, 10));
    int falsePositives = 0;
    const int Probes = 1_000_000;
    for (int i = 0; i < Probes; i++)
    {
        FormatKey(key, Keys + 1 + i);
        if (filter.MayContain(BloomFilter.Hash(key)))
        {
            falsePositives++;
        }
    }
    return falsePositives / (double)Probes;
}
