namespace Cairn.Engine.Memory.Eviction;

/// <summary>The maxmemory settings the engine applies (kept in sync with CONFIG by the command layer).</summary>
public sealed class EvictionSettings
{
    public long MaxMemoryBytes { get; set; }

    public EvictionPolicy Policy { get; set; } = EvictionPolicy.NoEviction;

    public int Samples { get; set; } = 5;

    public int LfuLogFactor { get; set; } = 10;

    public int LfuDecayTimeMinutes { get; set; } = 1;
}
