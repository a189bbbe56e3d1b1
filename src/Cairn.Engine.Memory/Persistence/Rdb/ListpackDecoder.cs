using System.Buffers.Binary;
using Cairn.Engine.Memory.Sets;

using Cairn.Primitives;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Reads a Redis listpack (listpack.c) with full validation, as lpValidateIntegrity with deep checking: the header's
/// total matches the blob, every entry's encoding and back-length are well formed, the count matches unless it is the
/// 65535 "unknown" marker, and the 0xFF terminator ends the blob exactly. Integers come out as their decimal text.
/// </summary>
public static class ListpackDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> blob, List<byte[]> output)
    {
        if (blob.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(blob) != (uint)blob.Length || blob[^1] != 0xff)
        {
            return false;
        }
        int declared = BinaryPrimitives.ReadUInt16LittleEndian(blob[4..]);
        int pos = 6;
        int count = 0;
        int end = blob.Length - 1;
        Span<byte> backLength = stackalloc byte[5];
        while (pos < end)
        {
            if (!TryReadEntry(blob[pos..end], out byte[] element, out int size))
            {
                return false;
            }
            int backBytes = ListpackBuilder.EncodeBackLength(size, backLength);
            if (pos + size + backBytes > end || !blob.Slice(pos + size, backBytes).SequenceEqual(backLength[..backBytes]))
            {
                return false;
            }
            output.Add(element);
            pos += size + backBytes;
            count++;
        }
        return pos == end && (declared == 65535 || declared == count);
    }

    /// <summary>One entry (encoding byte + payload, without the back-length); <paramref name="size"/> is its length.</summary>
    private static bool TryReadEntry(ReadOnlySpan<byte> s, out byte[] element, out int size)
    {
        element = [];
        size = 0;
        byte b = s[0];
        long integer;
        if ((b & 0x80) == 0)
        {
            integer = b & 0x7f;
            size = 1;
        }
        else if ((b & 0xc0) == 0x80)
        {
            return TryString(s, 1, b & 0x3f, out element, out size);
        }
        else if ((b & 0xe0) == 0xc0)
        {
            if (s.Length < 2)
            {
                return false;
            }
            int u = ((b & 0x1f) << 8) | s[1];
            integer = u >= 1 << 12 ? u - (1 << 13) : u;
            size = 2;
        }
        else if ((b & 0xf0) == 0xe0)
        {
            if (s.Length < 2)
            {
                return false;
            }
            return TryString(s, 2, ((b & 0x0f) << 8) | s[1], out element, out size);
        }
        else
        {
            switch (b)
            {
                case 0xf0:
                    if (s.Length < 5)
                    {
                        return false;
                    }
                    uint length = BinaryPrimitives.ReadUInt32LittleEndian(s[1..]);
                    return length <= int.MaxValue - 5 && TryString(s, 5, (int)length, out element, out size);
                case 0xf1:
                    size = 3;
                    break;
                case 0xf2:
                    size = 4;
                    break;
                case 0xf3:
                    size = 5;
                    break;
                case 0xf4:
                    size = 9;
                    break;
                default:
                    return false;
            }
            if (s.Length < size)
            {
                return false;
            }
            ReadOnlySpan<byte> p = s[1..size];
            integer = b switch
            {
                0xf1 => BinaryPrimitives.ReadInt16LittleEndian(p),
                0xf2 => (p[0] | (p[1] << 8) | (p[2] << 16)) << 8 >> 8,
                0xf3 => BinaryPrimitives.ReadInt32LittleEndian(p),
                _ => BinaryPrimitives.ReadInt64LittleEndian(p),
            };
        }
        element = IntegerText.ToBytes(integer);
        return true;
    }

    private static bool TryString(ReadOnlySpan<byte> s, int header, int length, out byte[] element, out int size)
    {
        element = [];
        size = header + length;
        if (length < 0 || size > s.Length)
        {
            return false;
        }
        element = s.Slice(header, length).ToArray();
        return true;
    }
}
