using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Eviction;

/// <summary>
/// The per-key access field, as Redis's robj.lru: under LRU policies the low 24 bits are a seconds clock; under LFU
/// policies the high 16 bits are the minutes of the last decrement and the low 8 bits a logarithmic access counter.
/// </summary>
public static class AccessClock
{
    /// <summary>Counter given to new keys so they are not evicted before they have a chance to be used (LFU_INIT_VAL).</summary>
    public const int LfuInitialValue = 5;

    public static uint LruSeconds(long nowMilliseconds) => (uint)(nowMilliseconds / 1000) & 0xFFFFFF;

    public static uint LfuMinutes(long nowMilliseconds) => (uint)(nowMilliseconds / 60000) & 0xFFFF;

    public static uint Initial(EvictionSettings settings, long nowMilliseconds) =>
        EvictionPolicies.IsLfu(settings.Policy) ? (LfuMinutes(nowMilliseconds) << 8) | LfuInitialValue : LruSeconds(nowMilliseconds);

    /// <summary>Idle seconds under the LRU clock (wrapping at 24 bits, as Redis's estimateObjectIdleTime).</summary>
    public static long IdleSeconds(uint access, long nowMilliseconds)
    {
        uint now = LruSeconds(nowMilliseconds);
        uint lru = access & 0xFFFFFF;
        return now >= lru ? now - lru : (0xFFFFFF - lru) + now;
    }

    /// <summary>The LFU counter after decay for the minutes elapsed (Redis's LFUDecrAndReturn).</summary>
    public static int LfuCounter(uint access, EvictionSettings settings, long nowMilliseconds)
    {
        uint last = access >> 8;
        int counter = (int)(access & 0xFF);
        uint now = LfuMinutes(nowMilliseconds);
        uint elapsed = now >= last ? now - last : (0xFFFF - last) + now;
        long periods = settings.LfuDecayTimeMinutes > 0 ? elapsed / settings.LfuDecayTimeMinutes : 0;
        return periods > counter ? 0 : counter - (int)periods;
    }

    /// <summary>Records one access.</summary>
    public static void Touch(ref KeyEntry entry, EvictionSettings settings, IRandomSource random, long nowMilliseconds)
    {
        if (!EvictionPolicies.IsLfu(settings.Policy))
        {
            entry.Access = LruSeconds(nowMilliseconds);
            return;
        }
        int counter = LfuCounter(entry.Access, settings, nowMilliseconds);
        if (counter < 255)
        {
            // Logarithmic increment: the more hits, the less likely the next one counts (LFULogIncr).
            double baseValue = Math.Max(0, counter - LfuInitialValue);
            double probability = 1.0 / (baseValue * settings.LfuLogFactor + 1);
            if (random.NextDouble() < probability)
            {
                counter++;
            }
        }
        entry.Access = (LfuMinutes(nowMilliseconds) << 8) | (uint)counter;
    }
}
