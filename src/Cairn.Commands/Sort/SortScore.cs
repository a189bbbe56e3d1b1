using System.Globalization;

namespace Cairn.Commands.Sort;

/// <summary>
/// SORT's numeric reading of a value, as sort.c does it: C strtod over the value as a C string (up to the first NUL), accepted
/// when strtod consumed everything, did not overflow or underflow (ERANGE) and did not read NaN. So leading white space, hex
/// floats ("0x1p4"), "inf"/"infinity" are accepted, trailing white space is not, and the empty string reads as 0 (strtod
/// converts nothing and stops at the terminator). This is deliberately looser than the string2d rules of ZADD/INCRBYFLOAT.
/// </summary>
internal static class SortScore
{
    private const int MaximumDecimalLength = 5000;

    public static bool TryParse(ReadOnlySpan<byte> value, out double score)
    {
        score = 0;
        int nul = value.IndexOf((byte)0);
        ReadOnlySpan<byte> text = nul < 0 ? value : value[..nul];
        if (text.IsEmpty)
        {
            return true;
        }
        int position = 0;
        while (position < text.Length && IsCSpace(text[position]))
        {
            position++;
        }
        text = text[position..];
        bool negative = false;
        ReadOnlySpan<byte> unsigned = text;
        if (!unsigned.IsEmpty && (unsigned[0] == (byte)'+' || unsigned[0] == (byte)'-'))
        {
            negative = unsigned[0] == (byte)'-';
            unsigned = unsigned[1..];
        }
        if (IsWord(unsigned, "inf"u8) || IsWord(unsigned, "infinity"u8))
        {
            score = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        double magnitude;
        bool nonZeroDigits;
        if (unsigned.Length > 2 && unsigned[0] == (byte)'0' && (unsigned[1] | 0x20) == (byte)'x')
        {
            if (!TryParseHex(unsigned[2..], out magnitude, out nonZeroDigits))
            {
                return false;
            }
        }
        else if (!TryParseDecimal(unsigned, out magnitude, out nonZeroDigits))
        {
            return false;
        }
        if (double.IsInfinity(magnitude) || (nonZeroDigits && (magnitude == 0 || !double.IsNormal(magnitude))))
        {
            return false; // strtod sets ERANGE on overflow and underflow
        }
        score = negative ? -magnitude : magnitude;
        return true;
    }

    private static bool TryParseDecimal(ReadOnlySpan<byte> text, out double magnitude, out bool nonZeroDigits)
    {
        magnitude = 0;
        nonZeroDigits = false;
        if (text.Length > MaximumDecimalLength)
        {
            return false;
        }
        int i = 0;
        int digits = 0;
        while (i < text.Length && IsDigit(text[i]))
        {
            nonZeroDigits |= text[i] != (byte)'0';
            i++;
            digits++;
        }
        if (i < text.Length && text[i] == (byte)'.')
        {
            i++;
            while (i < text.Length && IsDigit(text[i]))
            {
                nonZeroDigits |= text[i] != (byte)'0';
                i++;
                digits++;
            }
        }
        if (digits == 0)
        {
            return false;
        }
        if (i < text.Length && (text[i] | 0x20) == (byte)'e')
        {
            int exponent = i + 1;
            if (exponent < text.Length && (text[exponent] == (byte)'+' || text[exponent] == (byte)'-'))
            {
                exponent++;
            }
            int exponentDigits = 0;
            while (exponent < text.Length && IsDigit(text[exponent]))
            {
                exponent++;
                exponentDigits++;
            }
            if (exponentDigits > 0)
            {
                i = exponent;
            }
        }
        if (i != text.Length)
        {
            return false;
        }
        Span<char> chars = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        for (int c = 0; c < text.Length; c++)
        {
            chars[c] = (char)text[c];
        }
        return double.TryParse(chars, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out magnitude);
    }

    private static bool TryParseHex(ReadOnlySpan<byte> text, out double magnitude, out bool nonZeroDigits)
    {
        magnitude = 0;
        nonZeroDigits = false;
        int i = 0;
        int digits = 0;
        int binaryExponent = 0;
        bool fraction = false;
        for (; i < text.Length; i++)
        {
            byte b = text[i];
            if (b == (byte)'.' && !fraction)
            {
                fraction = true;
                continue;
            }
            int digit = HexValue(b);
            if (digit < 0)
            {
                break;
            }
            digits++;
            nonZeroDigits |= digit != 0;
            magnitude = magnitude * 16 + digit;
            if (fraction)
            {
                binaryExponent -= 4;
            }
        }
        if (digits == 0)
        {
            return false;
        }
        if (i < text.Length && (text[i] | 0x20) == (byte)'p')
        {
            int exponent = i + 1;
            bool negativeExponent = false;
            if (exponent < text.Length && (text[exponent] == (byte)'+' || text[exponent] == (byte)'-'))
            {
                negativeExponent = text[exponent] == (byte)'-';
                exponent++;
            }
            int value = 0;
            int exponentDigits = 0;
            while (exponent < text.Length && IsDigit(text[exponent]))
            {
                value = Math.Min(100_000, value * 10 + (text[exponent] - '0'));
                exponent++;
                exponentDigits++;
            }
            if (exponentDigits > 0)
            {
                binaryExponent += negativeExponent ? -value : value;
                i = exponent;
            }
        }
        if (i != text.Length)
        {
            return false;
        }
        magnitude = Math.ScaleB(magnitude, binaryExponent);
        return true;
    }

    private static bool IsWord(ReadOnlySpan<byte> text, ReadOnlySpan<byte> word)
    {
        if (text.Length != word.Length)
        {
            return false;
        }
        for (int i = 0; i < word.Length; i++)
        {
            if ((text[i] | 0x20) != word[i])
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsCSpace(byte b) => b == (byte)' ' || (b >= (byte)'\t' && b <= (byte)'\r');

    private static bool IsDigit(byte b) => b >= (byte)'0' && b <= (byte)'9';

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
