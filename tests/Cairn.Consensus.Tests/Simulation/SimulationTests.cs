using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Cairn.Consensus.Tests.Simulation;

/// <summary>
/// Random simulation over many seeds. CI runs <see cref="DefaultSeedCount"/> seeds; set CAIRN_SIM_SEEDS (count) and optionally
/// CAIRN_SIM_SEED_START for a soak. A failure names its seed; replay it with CAIRN_SIM_SEED_START=n CAIRN_SIM_SEEDS=1, and add it
/// to <see cref="RegressionSeeds"/>.
/// </summary>
public sealed class SimulationTests
{
    private const int DefaultSeedCount = 200;
    private readonly ITestOutputHelper _output;

    public SimulationTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void RandomSeedsKeepRaftSafeLinearizableAndLive()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("CAIRN_SIM_SEEDS"), out int n) ? n : DefaultSeedCount;
        ulong start = ulong.TryParse(Environment.GetEnvironmentVariable("CAIRN_SIM_SEED_START"), out ulong s) ? s : 1;
        var failures = new ConcurrentBag<string>();
        var totals = new ConcurrentDictionary<string, long>();
        var faultCounts = new ConcurrentDictionary<FaultKinds, int>();
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            ulong seed = start + (ulong)i;
            var options = SimulationOptions.FromSeed(seed);
            var seedStopwatch = Stopwatch.StartNew();
            try
            {
                var statistics = new Simulator(options).Run();
                if (seedStopwatch.Elapsed.TotalSeconds > 2)
                {
                    failures.Add($"(slow, not a failure) seed {seed} took {seedStopwatch.Elapsed.TotalSeconds:F1}s: {statistics}");
                }
                totals.AddOrUpdate("events", statistics.Events, (_, v) => v + statistics.Events);
                totals.AddOrUpdate("messages", statistics.MessagesSent, (_, v) => v + statistics.MessagesSent);
                totals.AddOrUpdate("crashes", statistics.Crashes, (_, v) => v + statistics.Crashes);
                totals.AddOrUpdate("partitions", statistics.Partitions, (_, v) => v + statistics.Partitions);
                totals.AddOrUpdate("membership", statistics.MembershipChanges, (_, v) => v + statistics.MembershipChanges);
                totals.AddOrUpdate("transfers", statistics.Transfers, (_, v) => v + statistics.Transfers);
                totals.AddOrUpdate("snapshotsInstalled", statistics.SnapshotsInstalled, (_, v) => v + statistics.SnapshotsInstalled);
                totals.AddOrUpdate("opsCompleted", statistics.OperationsCompleted, (_, v) => v + statistics.OperationsCompleted);
                totals.AddOrUpdate("inconclusive", statistics.Linearizability == LinearizabilityResult.Inconclusive ? 1 : 0, (_, v) => v + (statistics.Linearizability == LinearizabilityResult.Inconclusive ? 1 : 0));
                foreach (var kind in Enum.GetValues<FaultKinds>())
                {
                    if (kind is not (FaultKinds.None or FaultKinds.All) && options.Faults.HasFlag(kind))
                    {
                        faultCounts.AddOrUpdate(kind, 1, (_, v) => v + 1);
                    }
                }
            }
            catch (Exception exception) when (exception is SimulationFailureException or Primitives.InvariantViolationException)
            {
                failures.Add($"seed {seed} ({options.Faults}, {options.ReadMode}, voters={options.InitialVoters}): {exception.Message}");
            }
        });
        _output.WriteLine($"{count} seeds from {start} in {stopwatch.Elapsed.TotalSeconds:F1}s");
        _output.WriteLine(string.Join(", ", totals.OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}")));
        _output.WriteLine(string.Join(", ", faultCounts.OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}")));
        foreach (var failure in failures.OrderBy(f => f))
        {
            _output.WriteLine(failure);
        }
        Assert.True(failures.All(f => f.StartsWith("(slow", StringComparison.Ordinal)), $"{failures.Count} failing seeds:\n{string.Join("\n", failures.OrderBy(f => f))}");
    }

    /// <summary>
    /// Seeds that once failed: 2, 8, 12 (replication stalled behind a full in-flight window), 5 (joiner without the bootstrap
    /// configuration elected itself), 1077, 1170 (the simulator's clients avoided a leader whose removal was truncated). A seed
    /// replays its scenario only while the simulator draws the same numbers; they stay as extra random coverage regardless.
    /// </summary>
    public static TheoryData<ulong> RegressionSeeds => [2, 5, 8, 12, 1077, 1170];

    [Theory]
    [MemberData(nameof(RegressionSeeds))]
    public void RegressionSeedStaysFixed(ulong seed) => new Simulator(SimulationOptions.FromSeed(seed)).Run();

    [Fact]
    public void SameSeedReplaysTheSameRun()
    {
        var first = new Simulator(SimulationOptions.FromSeed(42)).Run().ToString();
        var second = new Simulator(SimulationOptions.FromSeed(42)).Run().ToString();
        Assert.Equal(first, second);
    }
}
