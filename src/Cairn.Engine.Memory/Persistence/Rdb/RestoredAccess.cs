using Cairn.Engine.Memory.Eviction;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Redis's objectSetLRUOrLFU: the access field a restored or loaded key gets from a FREQ counter (used only under an
/// LFU policy) or an IDLE time in seconds (used only under an LRU-clock policy). -1 means not given.
/// </summary>
public static class RestoredAccess
{
    private const long LruClockMax = (1 << 24) - 1;

    public static void Apply(ref KeyEntry entry, EvictionSettings settings, long frequency, long idleSeconds, long nowMilliseconds)
    {
        bool lfu = EvictionPolicies.IsLfu(settings.Policy);
        if (frequency >= 0)
        {
            if (lfu)
            {
                entry.Access = (AccessClock.LfuMinutes(nowMilliseconds) << 8) | (uint)Math.Min(frequency, 255);
            }
            return;
        }
        if (idleSeconds >= 0 && !lfu)
        {
            long clock = AccessClock.LruSeconds(nowMilliseconds);
            long absolute = clock - idleSeconds;
            if (absolute < 0)
            {
                // The clock wraps: the best is a time half-way round, so the key still looks long idle.
                absolute = (clock + LruClockMax / 2) % LruClockMax;
            }
            entry.Access = (uint)absolute;
        }
    }
}
