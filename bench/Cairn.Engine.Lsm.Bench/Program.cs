using System.Diagnostics;
using System.Globalization;
using Cairn.Engine.Lsm.Bench;
using Cairn.Engine.Lsm.Table;
using Cairn.Primitives;

// db_bench's classic workloads against Cairn.Engine.Lsm and RocksDB in one run:
//   dotnet run -c Release --project bench/Cairn.Engine.Lsm.Bench -- [--num 1000000] [--seeks N] [--budget-mb 256] [--dir PATH]
// Keys are 16 bytes, values 100 bytes compressible to about half (as db_bench), WAL on without sync.

int num = 1_000_000;
int seeks = -1;
int budgetMb = 256;
string root = Path.Combine(Path.GetTempPath(), "cairn-lsm-bench");
string engines = "cairn,rocksdb";
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--num": num = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seeks": seeks = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--budget-mb": budgetMb = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--dir": root = args[i + 1]; break;
        case "--engines": engines = args[i + 1]; break;
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

Console.WriteLine($"num {num}, key {KeyBytes} B, value {ValueBytes} B (compressible ~50%), seekrandom {seeks} seeks x {SeekNexts} nexts, " +
    $"memory budget {budgetMb} MiB each, WAL on, no sync, {Environment.ProcessorCount} cores");
Console.WriteLine($"bloom filter (10 bits/key) measured false-positive rate: {MeasureBloomFalsePositiveRate():P2}");

var values = new ValueGenerator(301);
var results = new Dictionary<string, Dictionary<string, double>>();
var notes = new Dictionary<string, List<string>>();
foreach (string engineName in engines.Split(','))
{
    var rates = new Dictionary<string, double>();
    var engineNotes = new List<string>();
    results[engineName] = rates;
    notes[engineName] = engineNotes;
    string directory = Path.Combine(root, engineName);
    byte[] key = new byte[KeyBytes];

    // fillseq on a fresh database.
    Reset(directory);
    using (IBenchEngine engine = Create(engineName, directory, budgetBytes))
    {
        rates["fillseq"] = Measure(num, () =>
        {
            for (int i = 0; i < num; i++)
            {
                FormatKey(key, i);
                engine.Put(key, values.Next(ValueBytes));
            }
        });
    }

    // fillrandom on a fresh database, then overwrite and the reads on the same one.
    Reset(directory);
    using (IBenchEngine engine = Create(engineName, directory, budgetBytes))
    {
        var random = new SeededRandom(1);
        var written = new bool[num];
        int unique = 0;
        rates["fillrandom"] = Measure(num, () =>
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
        rates["overwrite"] = Measure(num, () =>
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
        long found = 0;
        var readRandom = new SeededRandom(2);
        rates["readrandom"] = Measure(num, () =>
        {
            for (int i = 0; i < num; i++)
            {
                FormatKey(key, readRandom.NextInt(num));
                if (engine.Get(key) >= 0)
                {
                    found++;
                }
            }
        });
        long scanned = 0, bytes = 0;
        rates["readseq"] = Measure(unique, () => scanned = engine.ScanAll(ref bytes));
        long seekRead = 0;
        var seekRandom = new SeededRandom(3);
        rates["seekrandom"] = Measure(seeks, () =>
        {
            for (int i = 0; i < seeks; i++)
            {
                FormatKey(key, seekRandom.NextInt(num));
                seekRead += engine.SeekAndScan(key, SeekNexts);
            }
        });
        long logical = (long)unique * (KeyBytes + ValueBytes);
        rates["write-amp"] = engine.WriteAmplification;
        rates["space-amp"] = engine.LiveTableBytes / (double)logical;
        engineNotes.Add($"readrandom found {found}/{num}; readseq {scanned} keys ({bytes >> 20} MiB); seekrandom read {seekRead} entries");
        engineNotes.Add($"live tables {engine.LiveTableBytes >> 20} MiB for {logical >> 20} MiB of live keys and values; {engine.Describe()}");
    }
    Reset(directory);
}

Console.WriteLine();
Console.WriteLine("| workload | cairn ops/s | rocksdb ops/s | cairn / rocksdb | goal |");
Console.WriteLine("|---|---:|---:|---:|---|");
foreach (string workload in new[] { "fillseq", "fillrandom", "overwrite", "readrandom", "readseq", "seekrandom" })
{
    double cairn = results.GetValueOrDefault("cairn")?.GetValueOrDefault(workload) ?? 0;
    double rocks = results.GetValueOrDefault("rocksdb")?.GetValueOrDefault(workload) ?? 0;
    string goal = workload switch { "readrandom" or "seekrandom" => ">= 1.0x", "fillrandom" => ">= 0.7x", _ => "" };
    Console.WriteLine($"| {workload} | {cairn:N0} | {rocks:N0} | {(rocks > 0 ? cairn / rocks : 0):F2}x | {goal} |");
}
foreach (string metric in new[] { "write-amp", "space-amp" })
{
    double cairn = results.GetValueOrDefault("cairn")?.GetValueOrDefault(metric) ?? 0;
    double rocks = results.GetValueOrDefault("rocksdb")?.GetValueOrDefault(metric) ?? 0;
    Console.WriteLine($"| {metric} (after fillrandom+overwrite) | {cairn:F2} | {rocks:F2} | | lower is better |");
}
Console.WriteLine();
foreach ((string engineName, List<string> lines) in notes)
{
    foreach (string line in lines)
    {
        Console.WriteLine($"{engineName}: {line}");
    }
}
return 0;

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
