using System.Runtime.CompilerServices;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// Values that are short decimals (45.3, 1024, 0.25) as scaled integers: v is taken at scale d when
/// <c>(double)n / 10^d</c> gives back v's exact bits for the integer n = round(v * 10^d), |n| &lt; 10^15. Decoding is one
/// correctly rounded IEEE division of two exact doubles, so it is deterministic on every platform, and the encoder checks
/// it before using a scale: lossless by construction (-0.0, NaN, infinities and subnormals simply never qualify).
/// </summary>
internal static class DecimalScale
{
    /// <summary>The scale code for "not a decimal": the value's raw bits are XOR-encoded.</summary>
    public const int Raw = 15;

    public const int MaximumDecimals = 14;

    /// <summary>
    /// At most 15 significant digits: every such decimal survives a round trip through a double, while 16- and 17-digit
    /// ones are mostly binary noise that happens to print exactly (and is cheaper XOR-encoded). Below 2^53, so n is exact.
    /// </summary>
    private const double ScaledLimit = 1e15;

    private static readonly double[] s_powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
    ];

    private static readonly long[] s_integerPowers =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
    ];

    /// <summary>
    /// The scale to use: <paramref name="preferred"/> when it fits (keeps a series on one scale), else the smallest that fits.
    /// Leaving the raw scale also requires <paramref name="previous"/> to fit: most full-precision doubles happen to be exact
    /// 12- or 13-decimal numbers, and hopping to such a scale for one sample and back costs more than it saves.
    /// </summary>
    public static int Choose(double value, int preferred, double? previous, out long scaled)
    {
        if (preferred <= MaximumDecimals && TryScale(value, preferred, out scaled))
        {
            return preferred;
        }
        for (int decimals = 0; decimals <= MaximumDecimals; decimals++)
        {
            if (TryScale(value, decimals, out scaled)
                && (preferred != Raw || previous is not { } before || TryScale(before, decimals, out _)))
            {
                return decimals;
            }
        }
        scaled = 0;
        return Raw;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryScale(double value, int decimals, out long scaled)
    {
        scaled = 0;
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        if ((bits & 0x7FF0_0000_0000_0000UL) == 0x7FF0_0000_0000_0000UL)
        {
            return false;
        }
        double power = s_powers[decimals];
        double rounded = Math.Round(value * power);
        if (!(Math.Abs(rounded) < ScaledLimit))
        {
            return false;
        }
        long candidate = (long)rounded;
        if (BitConverter.DoubleToUInt64Bits(Restore(candidate, decimals)) != bits)
        {
            return false;
        }
        scaled = candidate;
        return true;
    }

    /// <summary>REQUIRES 0 &lt;= decimals &lt;= 14 and |scaled| &lt; 2^53 (true of anything <see cref="TryScale"/> produced).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Restore(long scaled, int decimals) => scaled / s_powers[decimals];

    /// <summary>A prediction of <paramref name="scaled"/> at another scale (a predictor only: overflow wraps, division truncates).</summary>
    public static long Rescale(long scaled, int fromDecimals, int toDecimals) => unchecked(toDecimals >= fromDecimals
        ? scaled * s_integerPowers[toDecimals - fromDecimals]
        : scaled / s_integerPowers[fromDecimals - toDecimals]);
}
