using System.Numerics;
using System.Text;

namespace Cairn.Commands.Strings;

/// <summary>
/// The x87 80-bit long double that Redis's INCRBYFLOAT computes with (a 64-bit mantissa), emulated exactly so the
/// replies match Redis on x86-64: strtold parsing (correctly rounded), one rounded addition, and "%.17Lf" with trailing
/// zeros removed (ld2string's LD_STR_HUMAN). A double would print 0.1 + 0.2 as 0.30000000000000004 where Redis says 0.3.
/// Value = (-1)^Negative * Mantissa * 2^Exponent, Mantissa below 2^64; not a hot path, so BigInteger is fine.
/// </summary>
internal readonly struct ExtendedDouble
{
    private const int MantissaBits = 64;

    // Largest finite long double is just below 2^16384; the smallest subnormal is 2^-16445.
    private const int MaxBinaryExponent = 16384;
    private const int MinBinaryExponent = -16445;

    // string2ld's buffer: MAX_LONG_DOUBLE_CHARS (5 KiB) including the terminator.
    private const int MaxTextLength = 5 * 1024;

    private static readonly BigInteger FractionScale = BigInteger.Pow(10, 17);

    private readonly BigInteger _mantissa;
    private readonly int _exponent;
    private readonly bool _negative;
    private readonly bool _infinite;

    private ExtendedDouble(BigInteger mantissa, int exponent, bool negative, bool infinite)
    {
        _mantissa = mantissa;
        _exponent = exponent;
        _negative = negative;
        _infinite = infinite;
    }

    public static ExtendedDouble Zero => new(BigInteger.Zero, 0, false, false);

    public bool IsFinite => !_infinite;

    private static ExtendedDouble Infinity(bool negative) => new(BigInteger.Zero, 0, negative, true);

    /// <summary>Redis's string2ld: the whole text must be a number strtold accepts; no leading space, no NaN, no overflow.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out ExtendedDouble value)
    {
        value = Zero;
        if (text.IsEmpty || text.Length >= MaxTextLength || IsSpace(text[0]))
        {
            return false;
        }
        int i = 0;
        bool negative = false;
        if (text[0] is (byte)'+' or (byte)'-')
        {
            negative = text[0] == '-';
            i = 1;
        }
        ReadOnlySpan<byte> rest = text[i..];
        if (EqualsIgnoreCase(rest, "inf"u8) || EqualsIgnoreCase(rest, "infinity"u8))
        {
            value = Infinity(negative);
            return true;
        }
        bool parsed = rest.Length > 2 && rest[0] == '0' && (rest[1] | 0x20) == 'x'
            ? TryParseHex(rest[2..], negative, out value)
            : TryParseDecimal(rest, negative, out value);
        // strtold reports ERANGE for overflow (HUGE_VALL) and for an underflow to zero; string2ld refuses both.
        return parsed && value._infinite == false;
    }

    private static bool TryParseDecimal(ReadOnlySpan<byte> text, bool negative, out ExtendedDouble value)
    {
        value = Zero;
        BigInteger digits = BigInteger.Zero;
        int digitCount = 0;
        long exponent10 = 0;
        int i = 0;
        bool seenPoint = false;
        bool anyDigit = false;
        for (; i < text.Length; i++)
        {
            byte c = text[i];
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                anyDigit = true;
                if (digits.IsZero && c == '0')
                {
                    if (seenPoint)
                    {
                        exponent10--;
                    }
                    continue;
                }
                digits = digits * 10 + (c - '0');
                digitCount++;
                if (seenPoint)
                {
                    exponent10--;
                }
            }
            else if (c == '.' && !seenPoint)
            {
                seenPoint = true;
            }
            else
            {
                break;
            }
        }
        if (!anyDigit)
        {
            return false;
        }
        if (i < text.Length)
        {
            if ((text[i] | 0x20) != 'e' || !TryParseExponent(text[(i + 1)..], out long explicitExponent))
            {
                return false;
            }
            exponent10 += explicitExponent;
        }
        if (digits.IsZero)
        {
            value = new ExtendedDouble(BigInteger.Zero, 0, negative, false);
            return true;
        }
        // Far outside the long double range: overflow (refused) or underflow to zero (refused, as strtold's ERANGE).
        if (exponent10 + digitCount > 4940)
        {
            value = Infinity(negative);
            return true;
        }
        if (exponent10 + digitCount < -4960)
        {
            return false;
        }
        if (exponent10 >= 0)
        {
            value = Round(digits * BigInteger.Pow(10, (int)exponent10), 0, false, negative);
        }
        else
        {
            BigInteger divisor = BigInteger.Pow(10, (int)-exponent10);
            int shift = (int)Math.Max(0, MantissaBits + 2 + divisor.GetBitLength() - digits.GetBitLength());
            BigInteger quotient = BigInteger.DivRem(digits << shift, divisor, out BigInteger remainder);
            value = Round(quotient, -shift, !remainder.IsZero, negative);
        }
        return value._infinite || !value._mantissa.IsZero;
    }

    private static bool TryParseExponent(ReadOnlySpan<byte> text, out long exponent)
    {
        exponent = 0;
        int i = 0;
        bool negative = false;
        if (i < text.Length && text[i] is (byte)'+' or (byte)'-')
        {
            negative = text[i] == '-';
            i++;
        }
        if (i == text.Length)
        {
            return false;
        }
        for (; i < text.Length; i++)
        {
            if (text[i] is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            // Saturate: anything this large is already far out of range.
            exponent = Math.Min(exponent * 10 + (text[i] - '0'), 1_000_000);
        }
        exponent = negative ? -exponent : exponent;
        return true;
    }

    private static bool TryParseHex(ReadOnlySpan<byte> text, bool negative, out ExtendedDouble value)
    {
        value = Zero;
        BigInteger digits = BigInteger.Zero;
        long exponent2 = 0;
        bool seenPoint = false;
        bool anyDigit = false;
        int i = 0;
        for (; i < text.Length; i++)
        {
            int nibble = HexValue(text[i]);
            if (nibble >= 0)
            {
                anyDigit = true;
                digits = (digits << 4) + nibble;
                if (seenPoint)
                {
                    exponent2 -= 4;
                }
            }
            else if (text[i] == '.' && !seenPoint)
            {
                seenPoint = true;
            }
            else
            {
                break;
            }
        }
        if (!anyDigit)
        {
            return false;
        }
        if (i < text.Length)
        {
            if ((text[i] | 0x20) != 'p' || !TryParseExponent(text[(i + 1)..], out long explicitExponent))
            {
                return false;
            }
            exponent2 += explicitExponent;
        }
        if (digits.IsZero)
        {
            value = new ExtendedDouble(BigInteger.Zero, 0, negative, false);
            return true;
        }
        long top = exponent2 + (long)digits.GetBitLength();
        if (top > MaxBinaryExponent)
        {
            value = Infinity(negative);
            return true;
        }
        if (top < MinBinaryExponent)
        {
            return false;
        }
        value = Round(digits, (int)exponent2, false, negative);
        return !value._mantissa.IsZero;
    }

    /// <summary>The correctly rounded (to nearest, ties to even) sum, as one x87 FADD in extended precision.</summary>
    public static ExtendedDouble Add(ExtendedDouble a, ExtendedDouble b)
    {
        if (a._infinite || b._infinite)
        {
            // inf + -inf is NaN: reported like infinity (both are refused by INCRBYFLOAT).
            return Infinity(a._infinite ? a._negative : b._negative);
        }
        if (a._mantissa.IsZero && b._mantissa.IsZero)
        {
            return new ExtendedDouble(BigInteger.Zero, 0, a._negative && b._negative, false);
        }
        if (a._mantissa.IsZero)
        {
            return b;
        }
        if (b._mantissa.IsZero)
        {
            return a;
        }
        int exponent = Math.Min(a._exponent, b._exponent);
        BigInteger left = a._mantissa << (a._exponent - exponent);
        BigInteger right = b._mantissa << (b._exponent - exponent);
        BigInteger sum = (a._negative ? -left : left) + (b._negative ? -right : right);
        if (sum.IsZero)
        {
            return Zero;
        }
        return Round(BigInteger.Abs(sum), exponent, false, sum.Sign < 0);
    }

    /// <summary>Rounds magnitude * 2^exponent (plus a sticky bit for a dropped non-zero tail) to a 64-bit mantissa.</summary>
    private static ExtendedDouble Round(BigInteger magnitude, int exponent, bool sticky, bool negative)
    {
        long bits = (long)magnitude.GetBitLength();
        if (bits > MantissaBits)
        {
            int shift = (int)(bits - MantissaBits);
            BigInteger kept = magnitude >> shift;
            BigInteger dropped = magnitude - (kept << shift);
            BigInteger half = BigInteger.One << (shift - 1);
            int compare = dropped.CompareTo(half);
            if (compare > 0 || (compare == 0 && (sticky || !kept.IsEven)))
            {
                kept += 1;
                if (kept.GetBitLength() > MantissaBits)
                {
                    kept >>= 1;
                    shift++;
                }
            }
            magnitude = kept;
            exponent += shift;
        }
        if (exponent + (long)magnitude.GetBitLength() > MaxBinaryExponent)
        {
            return Infinity(negative);
        }
        return new ExtendedDouble(magnitude, exponent, negative, false);
    }

    /// <summary>ld2string(..., LD_STR_HUMAN): "%.17Lf", trailing zeros (and a bare point) removed, "-0" printed as "0".</summary>
    public byte[] ToHumanFriendlyBytes()
    {
        BigInteger integerPart;
        BigInteger fraction;
        if (_exponent >= 0)
        {
            integerPart = _mantissa << _exponent;
            fraction = BigInteger.Zero;
        }
        else
        {
            BigInteger scaled = _mantissa * FractionScale;
            int shift = -_exponent;
            BigInteger rounded = scaled >> shift;
            BigInteger dropped = scaled - (rounded << shift);
            int compare = dropped.CompareTo(BigInteger.One << (shift - 1));
            if (compare > 0 || (compare == 0 && !rounded.IsEven))
            {
                rounded += 1;
            }
            integerPart = BigInteger.DivRem(rounded, FractionScale, out fraction);
        }
        var text = new StringBuilder();
        if (_negative)
        {
            text.Append('-');
        }
        text.Append(integerPart.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!fraction.IsZero)
        {
            string digits = fraction.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(17, '0').TrimEnd('0');
            text.Append('.').Append(digits);
        }
        if (text.Length == 2 && text[0] == '-' && text[1] == '0')
        {
            return "0"u8.ToArray();
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> lower)
    {
        if (value.Length != lower.Length)
        {
            return false;
        }
        for (int i = 0; i < value.Length; i++)
        {
            if ((value[i] | 0x20) != lower[i])
            {
                return false;
            }
        }
        return true;
    }
}
