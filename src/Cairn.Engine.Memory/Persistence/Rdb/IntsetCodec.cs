using System.Buffers.Binary;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Redis's intset (intset.c, RDB type 11): encoding width (2, 4 or 8 bytes), count, then the members ascending,
/// little-endian, in the narrowest width that holds them all.
/// </summary>
public static class IntsetCodec
{
    private const int HeaderBytes = 8;

    /// <summary>Encodes members that are already sorted ascending and distinct.</summary>
    public static byte[] Encode(ReadOnlySpan<long> sorted)
    {
        int width = 2;
        foreach (long v in sorted)
        {
            if (v is < int.MinValue or > int.MaxValue)
            {
                width = 8;
                break;
            }
            if (v is < short.MinValue or > short.MaxValue)
            {
                width = 4;
            }
        }
        byte[] blob = new byte[HeaderBytes + width * sorted.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(blob, (uint)width);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), (uint)sorted.Length);
        for (int i = 0; i < sorted.Length; i++)
        {
            Span<byte> slot = blob.AsSpan(HeaderBytes + i * width);
            switch (width)
            {
                case 2:
                    BinaryPrimitives.WriteInt16LittleEndian(slot, (short)sorted[i]);
                    break;
                case 4:
                    BinaryPrimitives.WriteInt32LittleEndian(slot, (int)sorted[i]);
                    break;
                default:
                    BinaryPrimitives.WriteInt64LittleEndian(slot, sorted[i]);
                    break;
            }
        }
        return blob;
    }

    /// <summary>Decodes with intsetValidateIntegrity's checks: a known width, the exact size, strictly ascending.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> blob, List<long> output)
    {
        if (blob.Length < HeaderBytes)
        {
            return false;
        }
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(blob[4..]);
        if (width is not (2 or 4 or 8) || (ulong)blob.Length != HeaderBytes + (ulong)width * count)
        {
            return false;
        }
        long previous = long.MinValue;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> slot = blob[(HeaderBytes + i * (int)width)..];
            long v = width switch
            {
                2 => BinaryPrimitives.ReadInt16LittleEndian(slot),
                4 => BinaryPrimitives.ReadInt32LittleEndian(slot),
                _ => BinaryPrimitives.ReadInt64LittleEndian(slot),
            };
            if (i > 0 && v <= previous)
            {
                return false;
            }
            previous = v;
            output.Add(v);
        }
        return true;
    }
}
