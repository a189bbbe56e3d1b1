using Cairn.Primitives;

namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// The bytes an element takes in a Redis listpack (encoding header, payload, back-length), so that the compact encodings
/// convert at exactly the sizes Redis converts and memory accounting matches Redis's.
/// </summary>
public static class ListpackSize
{
    /// <summary>Header (total bytes + element count) and end byte of an empty listpack.</summary>
    public const long EmptyBytes = 7;

    public static long Entry(ReadOnlySpan<byte> element)
    {
        long encoded = Encoded(element);
        return encoded + BackLength(encoded);
    }

    private static long Encoded(ReadOnlySpan<byte> element)
    {
        if (TryParseInteger(element, out long value))
        {
            if (value is >= 0 and <= 127)
            {
                return 1;
            }
            if (value is >= -4096 and <= 4095)
            {
                return 2;
            }
            if (value is >= short.MinValue and <= short.MaxValue)
            {
                return 3;
            }
            if (value is >= -8388608 and <= 8388607)
            {
                return 4;
            }
            return value is >= int.MinValue and <= int.MaxValue ? 5 : 9;
        }
        int length = element.Length;
        return length < 64 ? 1 + length : length < 4096 ? 2 + length : 5 + length;
    }

    private static long BackLength(long encoded) =>
        encoded <= 127 ? 1 : encoded < 16383 ? 2 : encoded < 2097151 ? 3 : encoded < 268435455 ? 4 : 5;

    private static bool TryParseInteger(ReadOnlySpan<byte> text, out long value) => IntegerText.TryParse(text, out value);
}
