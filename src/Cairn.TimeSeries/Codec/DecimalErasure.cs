using Cairn.Primitives;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// Erasure of mantissa bits that a decimal value does not need (the idea of Elf, Li et al., VLDB 2023). Monitoring values are
/// mostly short decimals (45.3, 0.25, 1024); their doubles carry ~50 mantissa bits of binary noise that defeat XOR encoding.
/// When a value v is exactly <c>n / 10^d</c> for an integer n (|n| &lt; 2^53, d &lt;= 14), the low mantissa bits are zeroed
/// as long as the result v' stays within a quarter of 10^-d of v; the decoder restores <c>round(v' * 10^d) / 10^d</c>.
/// Every step is a single correctly rounded IEEE operation, so restoring is deterministic on every platform, and the encoder
/// verifies the restore bit-for-bit before using an erasure: the scheme is lossless by construction.
/// </summary>
internal static class DecimalErasure
{
    /// <summary>The code for "not erased": the stored bits are the value's bits.</summary>
    public const int NotErased = 15;

    public const int MaximumDecimals = 14;

    private const double ExactIntegerLimit = 9007199254740992.0; // 2^53

    private static readonly double[] s_powersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
    ];

    /// <summary>
    /// floor(log2(0.25 * 10^-d)): mantissa bits below this weight may be zeroed. Written out rather than computed so that the
    /// encoder never depends on a libm's log2 (the persisted bits must not vary by platform).
    /// </summary>
    private static readonly int[] s_toleranceExponents = [-2, -6, -9, -12, -16, -19, -22, -26, -29, -32, -36, -39, -42, -46, -49];

    /// <summary>
    /// Chooses a code for <paramref name="value"/> (trying <paramref name="preferredCode"/> first, to keep codes stable along
    /// a series) and returns it with the bits to XOR-encode.
    /// </summary>
    public static int Erase(double value, int preferredCode, out ulong erasedBits)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        erasedBits = bits;
        int biasedExponent = (int)((bits >> 52) & 0x7FF);
        if (biasedExponent is 0 or 0x7FF)
        {
            return NotErased; // zero, subnormal, infinity, NaN: nothing to gain, and keep every payload bit
        }
        int decimals = -1;
        if (preferredCode <= MaximumDecimals && IsExactDecimal(value, preferredCode))
        {
            decimals = preferredCode;
        }
        else
        {
            for (int d = 0; d <= MaximumDecimals; d++)
            {
                if (IsExactDecimal(value, d))
                {
                    decimals = d;
                    break;
                }
            }
        }
        if (decimals < 0)
        {
            return NotErased;
        }
        int erasable = s_toleranceExponents[decimals] - (biasedExponent - 1023) + 52;
        if (erasable <= 0)
        {
            return NotErased;
        }
        erasable = Math.Min(erasable, 52);
        ulong candidate = bits & ~((1UL << erasable) - 1);
        if (BitConverter.DoubleToUInt64Bits(Restore(candidate, decimals)) != bits)
        {
            return NotErased;
        }
        erasedBits = candidate;
        return decimals;
    }

    public static double Restore(ulong storedBits, int code)
    {
        double stored = BitConverter.UInt64BitsToDouble(storedBits);
        if (code == NotErased)
        {
            return stored;
        }
        Invariant.Require((uint)code <= MaximumDecimals, "bad erasure code");
        double power = s_powersOfTen[code];
        return Math.Round(stored * power) / power;
    }

    private static bool IsExactDecimal(double value, int decimals)
    {
        double power = s_powersOfTen[decimals];
        double scaled = Math.Round(value * power);
        return Math.Abs(scaled) < ExactIntegerLimit
            && BitConverter.DoubleToUInt64Bits(scaled / power) == BitConverter.DoubleToUInt64Bits(value);
    }
}
