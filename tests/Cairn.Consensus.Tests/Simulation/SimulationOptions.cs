using Cairn.Primitives;

namespace Cairn.Consensus.Tests.Simulation;

/// <summary>One simulation run. Everything else (fault choices, delays, workload) is drawn from <see cref="Seed"/>.</summary>
public sealed record SimulationOptions
{
    public required ulong Seed { get; init; }
    public int InitialVoters { get; init; } = 3;
    public FaultKinds Faults { get; init; }
    public ReadMode ReadMode { get; init; } = ReadMode.ReadIndex;
    public bool PreVote { get; init; } = true;
    public int Clients { get; init; } = 4;
    public int Keys { get; init; } = 3;
    public long FaultPhaseMicros { get; init; } = 1_500_000;
    public long QuietPhaseMicros { get; init; } = 500_000;
    public int ElectionTimeoutTicks { get; init; } = 10;
    public int HeartbeatIntervalTicks { get; init; } = 2;
    public long TickMicros { get; init; } = 1_000;

    /// <summary>Derives a run's shape from its seed alone, so a seed number is all a failure report needs.</summary>
    public static SimulationOptions FromSeed(ulong seed)
    {
        var random = new SeededRandom(seed ^ 0x5EED_F00D_CAFE_BABEUL);
        var faults = FaultKinds.None;
        for (int bit = 0; (1 << bit) < (int)FaultKinds.All; bit++)
        {
            if (random.NextInt(2) == 0)
            {
                faults |= (FaultKinds)(1 << bit);
            }
        }
        return new SimulationOptions
        {
            Seed = seed,
            InitialVoters = random.NextInt(3) == 0 ? 5 : 3,
            Faults = faults,
            ReadMode = random.NextInt(2) == 0 ? ReadMode.ReadIndex : ReadMode.LeaderLease,
            PreVote = random.NextInt(5) != 0,
            Clients = 2 + random.NextInt(4),
            Keys = 1 + random.NextInt(4),
        };
    }
}
