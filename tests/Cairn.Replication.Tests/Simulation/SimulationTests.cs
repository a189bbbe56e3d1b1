using System.Diagnostics;
using Xunit.Abstractions;

namespace Cairn.Replication.Tests.Simulation;

public sealed class SimulationTests(ITestOutputHelper output)
{
    private static int SeedCount => int.TryParse(Environment.GetEnvironmentVariable("CAIRN_REPL_SIM_SEEDS"), out int n) ? n : 40;

    private static ulong SeedStart => ulong.TryParse(Environment.GetEnvironmentVariable("CAIRN_REPL_SIM_SEED_START"), out ulong s) ? s : 1;

    /// <summary>Seeds that once failed; each replays its scenario as extra coverage.</summary>
    public static TheoryData<ulong> RegressionSeeds => new() { 3, 15, 16, 50 }; // a stale read from coarse HLC time (16, 50), a request lost with its crashed coordinator (15)

    [Fact]
    public void RandomSeedsKeepAcknowledgedWritesAndConverge()
    {
        var watch = Stopwatch.StartNew();
        long acknowledged = 0;
        long reads = 0;
        long refusals = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For((long)SeedStart, (long)SeedStart + SeedCount, new ParallelOptions { MaxDegreeOfParallelism = 2 }, seed =>
        {
            var simulator = new ClusterSimulator((ulong)seed);
            try
            {
                simulator.Run();
                Interlocked.Add(ref acknowledged, simulator.AcknowledgedWrites);
                Interlocked.Add(ref reads, simulator.ReadsChecked);
                Interlocked.Add(ref refusals, simulator.Refusals);
            }
            catch (Exception e)
            {
                failures.Add($"seed {seed} failed: {e.Message.Split('\n')[0]}");
            }
        });
        output.WriteLine($"{SeedCount} seeds in {watch.ElapsedMilliseconds} ms: {acknowledged} acknowledged writes, {reads} reads checked, {refusals} refusals");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Order()) + "\nReplay one with CAIRN_REPL_SIM_REPLAY=<seed> and ReplaySeedWithTrace.");
        Assert.True(acknowledged > SeedCount * 10, "the workload made progress");
    }

    [Theory]
    [MemberData(nameof(RegressionSeeds))]
    public void RegressionSeedsStillPass(ulong seed) => new ClusterSimulator(seed).Run();

    [Fact]
    public void ReplaySeedWithTrace()
    {
        if (!ulong.TryParse(Environment.GetEnvironmentVariable("CAIRN_REPL_SIM_REPLAY"), out ulong seed))
        {
            return;
        }
        var simulator = new ClusterSimulator(seed);
        try
        {
            simulator.Run();
        }
        finally
        {
            output.WriteLine(simulator.Trace);
        }
    }

    [Fact]
    public void ASeedReplaysTheSameRun()
    {
        var a = new ClusterSimulator(12345);
        var b = new ClusterSimulator(12345);
        a.Run();
        b.Run();
        Assert.Equal(a.Trace, b.Trace);
        Assert.Equal(a.AcknowledgedWrites, b.AcknowledgedWrites);
    }
}
