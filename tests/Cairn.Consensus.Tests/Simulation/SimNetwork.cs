using Cairn.Primitives;

namespace Cairn.Consensus.Tests.Simulation;

/// <summary>
/// The simulated network: per-message loss, duplication and random delay (which reorders), plus blocked directed links for
/// symmetric and asymmetric partitions. Draws only from the simulation's random source.
/// </summary>
internal sealed class SimNetwork
{
    private readonly HashSet<(ulong From, ulong To)> _blocked = [];

    public double LossProbability { get; set; }
    public double DuplicationProbability { get; set; }
    public long MinDelayMicros { get; set; } = 100;
    public long MaxDelayMicros { get; set; } = 500;

    public long Sent { get; private set; }
    public long Dropped { get; private set; }
    public long Duplicated { get; private set; }

    public bool IsPartitioned => _blocked.Count > 0;

    public bool IsBlocked(ulong from, ulong to) => _blocked.Contains((from, to));

    public void Block(ulong from, ulong to) => _blocked.Add((from, to));

    public void Heal() => _blocked.Clear();

    /// <summary>Delays (0, 1 or 2 of them) after which copies of a message sent now arrive.</summary>
    public void Route(ulong from, ulong to, IRandomSource random, List<long> delays)
    {
        delays.Clear();
        Sent++;
        if (IsBlocked(from, to) || (LossProbability > 0 && random.NextDouble() < LossProbability))
        {
            Dropped++;
            return;
        }
        delays.Add(Delay(random));
        if (DuplicationProbability > 0 && random.NextDouble() < DuplicationProbability)
        {
            Duplicated++;
            delays.Add(Delay(random));
        }
    }

    private long Delay(IRandomSource random) =>
        MinDelayMicros + random.NextInt((int)(MaxDelayMicros - MinDelayMicros + 1));
}
