using System.Buffers.Binary;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Reads a Redis zipmap (zipmap.c, RDB type 9, hashes written by Redis before 2.6): a count byte, then per pair a
/// length (1 byte, or 254 and 4 bytes), the field, a length, a free-bytes count, the value and its free bytes; 0xFF ends
/// it. Fields and values come out alternately, as in a listpack hash.
/// </summary>
public static class ZipmapDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> blob, List<byte[]> output)
    {
        if (blob.Length < 2)
        {
            return false;
        }
        int pos = 1;
        while (true)
        {
            if (pos >= blob.Length)
            {
                return false;
            }
            if (blob[pos] == 0xff)
            {
                return pos == blob.Length - 1 && output.Count % 2 == 0;
            }
            if (!TryReadLength(blob, ref pos, out int fieldLength) || pos + fieldLength > blob.Length)
            {
                return false;
            }
            output.Add(blob.Slice(pos, fieldLength).ToArray());
            pos += fieldLength;
            if (!TryReadLength(blob, ref pos, out int valueLength) || pos >= blob.Length)
            {
                return false;
            }
            int free = blob[pos++];
            if (pos + valueLength + free > blob.Length)
            {
                return false;
            }
            output.Add(blob.Slice(pos, valueLength).ToArray());
            pos += valueLength + free;
        }
    }

    private static bool TryReadLength(ReadOnlySpan<byte> blob, ref int pos, out int length)
    {
        length = 0;
        if (pos >= blob.Length)
        {
            return false;
        }
        byte first = blob[pos++];
        if (first < 254)
        {
            length = first;
            return true;
        }
        if (first != 254 || pos + 4 > blob.Length)
        {
            return false;
        }
        uint big = BinaryPrimitives.ReadUInt32LittleEndian(blob[pos..]);
        pos += 4;
        length = (int)Math.Min(big, int.MaxValue);
        return true;
    }
}
