namespace Cairn.Primitives;

/// <summary>LEB128 unsigned varints (as protobuf and LevelDB), used by durable formats.</summary>
public static class Varint
{
    public const int MaxLength64 = 10;

    public static int Write(Span<byte> destination, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    public static int SizeOf(ulong value)
    {
        int n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    /// <summary>Reads a varint; returns the bytes consumed, or 0 when the input is truncated or longer than 10 bytes.</summary>
    public static int TryRead(ReadOnlySpan<byte> source, out ulong value)
    {
        value = 0;
        int shift = 0;
        for (int i = 0; i < source.Length && i < MaxLength64; i++)
        {
            byte b = source[i];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return i + 1;
            }
            shift += 7;
        }
        value = 0;
        return 0;
    }

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
