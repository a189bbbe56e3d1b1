using Cairn.Primitives;

namespace Cairn.TimeSeries.Tests;

/// <summary>Draws of the awkward values a codec must carry bit-exactly.</summary>
internal static class TestValues
{
    public static double NextDouble(IRandomSource random)
    {
        switch (random.NextInt(12))
        {
            case 0: return double.NaN;
            case 1: return BitConverter.UInt64BitsToDouble(0x7FF8_0000_0000_0000UL | (random.NextUInt64() & 0xF_FFFF_FFFF_FFFFUL)); // NaN payloads
            case 2: return double.PositiveInfinity;
            case 3: return double.NegativeInfinity;
            case 4: return -0.0;
            case 5: return 0.0;
            case 6: return BitConverter.UInt64BitsToDouble(random.NextUInt64()); // any bit pattern
            case 7: return double.Epsilon * random.NextInt(1000);
            case 8: return random.NextInt(100);
            default: return (random.NextDouble() - 0.5) * Math.Pow(10, random.NextInt(30) - 15);
        }
    }

    /// <summary>A gap between consecutive timestamps: mostly regular, sometimes jittered, sometimes huge.</summary>
    public static long NextGap(IRandomSource random) => random.NextInt(10) switch
    {
        0 => 1 + (long)(random.NextUInt64() % (1UL << 40)),
        1 => 1 + random.NextInt(5000),
        2 => 1,
        _ => 10_000 + random.NextInt(21) - 10,
    };

    public static ulong Seed(int index) => 0x5eed_0000UL + (ulong)index;
}
