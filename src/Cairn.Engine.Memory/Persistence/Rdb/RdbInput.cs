using System.Buffers.Binary;
using Cairn.Engine.Memory.Sets;

using Cairn.Primitives;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// A cursor over RDB bytes (a DUMP payload or a whole RDB file) with the format's primitive readers: lengths, strings
/// (plain, integer-encoded, LZF-compressed), doubles. Every read is bounds-checked; malformed input throws
/// <see cref="RdbFormatException"/> at the offset where it was found. Not thread-safe.
/// </summary>
public sealed class RdbInput
{
    /// <summary>A bound on one decompressed string, so a corrupt length cannot make us allocate without limit.</summary>
    private const long MaxStringBytes = 512L * 1024 * 1024;

    private readonly ReadOnlyMemory<byte> _data;

    public RdbInput(ReadOnlyMemory<byte> data)
    {
        _data = data;
    }

    public int Position { get; set; }

    public int Remaining => _data.Length - Position;

    public RdbFormatException Fail(string reason) => new(Position, reason);

    public byte ReadByte()
    {
        if (Position >= _data.Length)
        {
            throw Fail("unexpected end of data");
        }
        return _data.Span[Position++];
    }

    public ReadOnlySpan<byte> ReadBytes(long count)
    {
        if (count < 0 || count > Remaining)
        {
            throw Fail($"a field of {count} bytes runs past the end of the data");
        }
        ReadOnlySpan<byte> span = _data.Span.Slice(Position, (int)count);
        Position += (int)count;
        return span;
    }

    /// <summary>rdbLoadLen: a length, or (<paramref name="isEncoded"/>) a special string encoding number.</summary>
    public ulong ReadLength(out bool isEncoded)
    {
        isEncoded = false;
        byte first = ReadByte();
        switch (first >> 6)
        {
            case 0:
                return (ulong)(first & 0x3f);
            case 1:
                return (ulong)(((first & 0x3f) << 8) | ReadByte());
            case 3:
                isEncoded = true;
                return (ulong)(first & 0x3f);
        }
        if (first == 0x80)
        {
            return BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4));
        }
        if (first == 0x81)
        {
            return BinaryPrimitives.ReadUInt64BigEndian(ReadBytes(8));
        }
        Position--;
        throw Fail($"unknown length encoding 0x{first:x2}");
    }

    /// <summary>A length that must be a plain count no larger than <paramref name="limit"/>.</summary>
    public int ReadCount(long limit = int.MaxValue)
    {
        int start = Position;
        ulong length = ReadLength(out bool isEncoded);
        if (isEncoded || length > (ulong)Math.Min(limit, int.MaxValue))
        {
            Position = start;
            throw Fail(isEncoded ? "an encoded value where a length was expected" : $"length {length} out of range");
        }
        return (int)length;
    }

    /// <summary>rdbGenericLoadStringObject: a string in any of its encodings, as a fresh array.</summary>
    public byte[] ReadString()
    {
        int start = Position;
        ulong length = ReadLength(out bool isEncoded);
        if (!isEncoded)
        {
            return ReadBytes(length > int.MaxValue ? -1 : (long)length).ToArray();
        }
        switch (length)
        {
            case 0:
                return IntegerText.ToBytes((sbyte)ReadByte());
            case 1:
                return IntegerText.ToBytes(BinaryPrimitives.ReadInt16LittleEndian(ReadBytes(2)));
            case 2:
                return IntegerText.ToBytes(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
            case 3:
                ulong compressedLength = ReadLength(out bool compressedEncoded);
                ulong plainLength = ReadLength(out bool plainEncoded);
                // A 3-byte LZF back reference expands to at most 264 bytes, so a larger claimed ratio is corrupt (and
                // must not make us allocate a huge buffer).
                if (compressedEncoded || plainEncoded || compressedLength > int.MaxValue || plainLength > MaxStringBytes
                    || plainLength > compressedLength * 88 + 32)
                {
                    throw Fail("bad LZF string lengths");
                }
                ReadOnlySpan<byte> compressed = ReadBytes((long)compressedLength);
                byte[] plain = new byte[plainLength];
                if (Lzf.Decompress(compressed, plain) != plain.Length)
                {
                    throw new RdbFormatException(start, "invalid LZF compressed string");
                }
                return plain;
            default:
                Position = start;
                throw Fail($"unknown string encoding {length}");
        }
    }

    /// <summary>rdbLoadDoubleValue: the text score of RDB_TYPE_ZSET (253 nan, 254 +inf, 255 -inf).</summary>
    public double ReadDoubleText()
    {
        byte length = ReadByte();
        switch (length)
        {
            case 253:
                return double.NaN;
            case 254:
                return double.PositiveInfinity;
            case 255:
                return double.NegativeInfinity;
        }
        ReadOnlySpan<byte> text = ReadBytes(length);
        if (!RdbNumbers.TryParseDouble(text, out double value))
        {
            throw Fail("invalid double");
        }
        return value;
    }

    /// <summary>rdbLoadBinaryDoubleValue: 8 bytes, little-endian IEEE 754.</summary>
    public double ReadDoubleBinary() => BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(8));
}
