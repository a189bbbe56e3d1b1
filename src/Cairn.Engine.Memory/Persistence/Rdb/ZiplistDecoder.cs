using System.Buffers.Binary;
using Cairn.Engine.Memory.Sets;

using Cairn.Primitives;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Reads a Redis ziplist (ziplist.c, RDB types 10, 12, 13 and the nodes of quicklist type 14) with validation as
/// ziplistValidateIntegrity: header totals, each entry's prevlen equal to the previous entry's size, known encodings,
/// the tail offset, the count (unless 65535 = unknown) and the 0xFF terminator. Integers come out as decimal text.
/// </summary>
public static class ZiplistDecoder
{
    private const int HeaderBytes = 10;

    public static bool TryDecode(ReadOnlySpan<byte> blob, List<byte[]> output)
    {
        if (blob.Length < HeaderBytes + 1 || BinaryPrimitives.ReadUInt32LittleEndian(blob) != (uint)blob.Length
            || blob[^1] != 0xff)
        {
            return false;
        }
        uint tail = BinaryPrimitives.ReadUInt32LittleEndian(blob[4..]);
        int declared = BinaryPrimitives.ReadUInt16LittleEndian(blob[8..]);
        int pos = HeaderBytes;
        int end = blob.Length - 1;
        int previousSize = 0;
        int lastStart = HeaderBytes;
        int count = 0;
        while (pos < end)
        {
            int start = pos;
            int previous;
            if (blob[pos] < 254)
            {
                previous = blob[pos];
                pos += 1;
            }
            else if (blob[pos] == 254 && pos + 5 <= end)
            {
                previous = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(blob[(pos + 1)..]), int.MaxValue);
                pos += 5;
            }
            else
            {
                return false;
            }
            if (previous != previousSize || pos >= end || !TryReadEntry(blob[pos..end], out byte[] element, out int size))
            {
                return false;
            }
            pos += size;
            output.Add(element);
            previousSize = pos - start;
            lastStart = start;
            count++;
        }
        return pos == end && tail == (count == 0 ? HeaderBytes : lastStart) && (declared == 65535 || declared == count);
    }

    private static bool TryReadEntry(ReadOnlySpan<byte> s, out byte[] element, out int size)
    {
        element = [];
        byte e = s[0];
        int header;
        int length;
        switch (e >> 6)
        {
            case 0:
                header = 1;
                length = e & 0x3f;
                break;
            case 1:
                if (s.Length < 2)
                {
                    size = 0;
                    return false;
                }
                header = 2;
                length = ((e & 0x3f) << 8) | s[1];
                break;
            case 2:
                if (e != 0x80 || s.Length < 5)
                {
                    size = 0;
                    return false;
                }
                header = 5;
                length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(s[1..]), int.MaxValue - 5);
                break;
            default:
                return TryReadInteger(s, out element, out size);
        }
        size = header + length;
        if (size > s.Length)
        {
            return false;
        }
        element = s.Slice(header, length).ToArray();
        return true;
    }

    private static bool TryReadInteger(ReadOnlySpan<byte> s, out byte[] element, out int size)
    {
        element = [];
        byte e = s[0];
        int payload;
        switch (e)
        {
            case 0xc0:
                payload = 2;
                break;
            case 0xd0:
                payload = 4;
                break;
            case 0xe0:
                payload = 8;
                break;
            case 0xf0:
                payload = 3;
                break;
            case 0xfe:
                payload = 1;
                break;
            case >= 0xf1 and <= 0xfd:
                size = 1;
                element = IntegerText.ToBytes((e & 0x0f) - 1);
                return true;
            default:
                size = 0;
                return false;
        }
        size = 1 + payload;
        if (size > s.Length)
        {
            return false;
        }
        ReadOnlySpan<byte> p = s[1..size];
        long value = e switch
        {
            0xc0 => BinaryPrimitives.ReadInt16LittleEndian(p),
            0xd0 => BinaryPrimitives.ReadInt32LittleEndian(p),
            0xe0 => BinaryPrimitives.ReadInt64LittleEndian(p),
            0xf0 => (p[0] | (p[1] << 8) | (p[2] << 16)) << 8 >> 8,
            _ => (sbyte)p[0],
        };
        element = IntegerText.ToBytes(value);
        return true;
    }
}
