namespace Cairn.Engine.Memory.Eviction;

/// <summary>maxmemory-policy values.</summary>
public enum EvictionPolicy
{
    NoEviction,
    AllKeysLru,
    AllKeysLfu,
    AllKeysRandom,
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
}
