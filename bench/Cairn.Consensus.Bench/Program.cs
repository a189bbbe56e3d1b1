using System.Diagnostics;
using Cairn.Consensus.Bench;

// Throughput baseline for the strongly consistent mode: a 3-node Raft group in one process, zero-latency FIFO network, storage
// that keeps entries in memory (no fsync), every node applying to the replicated key-value state machine.
// Usage: dotnet run -c Release --project bench/Cairn.Consensus.Bench [-- entries=200000 batches=1,10,100,1000 value=64]
var arguments = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
int entries = int.Parse(arguments.GetValueOrDefault("entries", "200000"), System.Globalization.CultureInfo.InvariantCulture);
int valueBytes = int.Parse(arguments.GetValueOrDefault("value", "64"), System.Globalization.CultureInfo.InvariantCulture);
var batches = arguments.GetValueOrDefault("batches", "1,10,100,1000").Split(',').Select(b => int.Parse(b, System.Globalization.CultureInfo.InvariantCulture));

Console.WriteLine($"3 voters, zero-latency network, in-memory storage, {valueBytes}-byte values, {entries} entries per run");
Console.WriteLine($"{"batch",6} {"entries/s",12} {"msgs/entry",11} {"readies/entry",14} {"alloc MB",9}");
foreach (int batch in batches)
{
    // Warm up the JIT, then measure.
    new GroupBenchmark(batch, valueBytes).Run(Math.Min(entries, 20_000));
    var benchmark = new GroupBenchmark(batch, valueBytes);
    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var stopwatch = Stopwatch.StartNew();
    var result = benchmark.Run(entries);
    stopwatch.Stop();
    double allocatedMegabytes = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0 / 1024.0;
    Console.WriteLine(
        $"{batch,6} {result.Committed / stopwatch.Elapsed.TotalSeconds,12:N0} {(double)result.Messages / result.Committed,11:F3} " +
        $"{(double)result.Readies / result.Committed,14:F3} {allocatedMegabytes,9:N0}");
}
