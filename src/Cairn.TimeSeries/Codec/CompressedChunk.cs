using System.Numerics;
using Cairn.Primitives;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// The Gorilla encoding (Pelkonen et al., VLDB 2015): the first sample as two raw 64-bit words, then per sample a
/// delta-of-delta timestamp in a prefix-coded bucket and the value XORed with the previous value's bits.
///
/// Timestamp buckets ('|' separates prefix from payload, payloads are two's complement):
///   0 -> delta of delta is 0;  10|7 bits;  110|9 bits;  1110|12 bits;  11110|32 bits;  11111|64 bits.
/// Value: 0 -> same bits as the previous value; 10|meaningful bits inside the previous window;
///   11|5 bits leading zeros|6 bits meaningful length (0 means 64)|meaningful bits.
/// Every double bit pattern round-trips (NaN payloads, infinities, negative zero) because only bits are compared.
/// Not thread-safe.
/// </summary>
internal sealed class CompressedChunk : Chunk
{
    private const int HeaderBits = 128;

    private readonly BitWriter _writer;
    private readonly int _capacityBytes;
    private int _count;
    private long _firstTimestamp;
    private long _lastTimestamp;
    private long _lastDelta;
    private ulong _lastValueBits;
    private int _leadingZeros = -1;
    private int _trailingZeros;

    public CompressedChunk(int capacityBytes)
    {
        Invariant.Require(capacityBytes > 0, "chunk capacity must be positive");
        _capacityBytes = capacityBytes;
        _writer = new BitWriter(Math.Min(capacityBytes + 32, 1 << 20));
    }

    public override ChunkEncoding Encoding => ChunkEncoding.Compressed;

    public override int Count => _count;

    public override long FirstTimestamp => _firstTimestamp;

    public override long LastTimestamp => _lastTimestamp;

    public override double LastValue => BitConverter.UInt64BitsToDouble(_lastValueBits);

    public override int SizeBytes => _writer.ByteLength;

    public override int CapacityBytes => _capacityBytes;

    public override bool IsFull => _writer.ByteLength >= _capacityBytes;

    internal long BitLength => _writer.BitLength;

    internal ReadOnlySpan<byte> EncodedBytes => _writer.Bytes;

    public override void Append(long timestamp, double value)
    {
        ulong valueBits = BitConverter.DoubleToUInt64Bits(value);
        if (_count == 0)
        {
            _writer.WriteBits((ulong)timestamp, 64);
            _writer.WriteBits(valueBits, 64);
            _firstTimestamp = timestamp;
            _lastTimestamp = timestamp;
            _lastDelta = 0;
            _lastValueBits = valueBits;
            _count = 1;
            return;
        }
        Invariant.Require(timestamp > _lastTimestamp, "chunk appends must be in timestamp order");
        long delta = timestamp - _lastTimestamp;
        WriteTimestamp(unchecked(delta - _lastDelta));
        WriteValue(valueBits);
        _lastDelta = delta;
        _lastTimestamp = timestamp;
        _lastValueBits = valueBits;
        _count++;
    }

    public override void Decode(Span<Sample> destination) => DecodeBits(_writer.Bytes, _count, destination);

    private static void DecodeBits(ReadOnlySpan<byte> encoded, int count, Span<Sample> destination)
    {
        Invariant.Require(destination.Length >= count, "destination too small");
        if (count == 0)
        {
            return;
        }
        var reader = new BitReader(encoded);
        long timestamp = (long)reader.ReadBits(64);
        ulong valueBits = reader.ReadBits(64);
        destination[0] = new Sample(timestamp, BitConverter.UInt64BitsToDouble(valueBits));
        long delta = 0;
        int leading = 0;
        int meaningful = 0;
        for (int i = 1; i < count; i++)
        {
            delta = unchecked(delta + ReadDeltaOfDelta(ref reader));
            timestamp = unchecked(timestamp + delta);
            if (reader.ReadBit())
            {
                if (reader.ReadBit())
                {
                    leading = (int)reader.ReadBits(5);
                    meaningful = (int)reader.ReadBits(6);
                    if (meaningful == 0)
                    {
                        meaningful = 64;
                    }
                }
                ulong xor = reader.ReadBits(meaningful) << (64 - leading - meaningful);
                valueBits ^= xor;
            }
            destination[i] = new Sample(timestamp, BitConverter.UInt64BitsToDouble(valueBits));
        }
    }

    /// <summary>Rebuilds a chunk from its persisted bits; appends re-derive the encoder state, and the result is bit-identical.</summary>
    public static CompressedChunk FromEncoded(ReadOnlySpan<byte> encoded, int count, int capacityBytes)
    {
        var samples = new Sample[count];
        DecodeBits(encoded, count, samples);
        var chunk = new CompressedChunk(capacityBytes);
        foreach (Sample sample in samples)
        {
            chunk.Append(sample.Timestamp, sample.Value);
        }
        Invariant.Require(chunk.EncodedBytes.SequenceEqual(encoded), "persisted chunk does not re-encode to the same bits");
        return chunk;
    }

    private static long ReadDeltaOfDelta(ref BitReader reader)
    {
        if (!reader.ReadBit())
        {
            return 0;
        }
        if (!reader.ReadBit())
        {
            return SignExtend(reader.ReadBits(7), 7);
        }
        if (!reader.ReadBit())
        {
            return SignExtend(reader.ReadBits(9), 9);
        }
        if (!reader.ReadBit())
        {
            return SignExtend(reader.ReadBits(12), 12);
        }
        if (!reader.ReadBit())
        {
            return SignExtend(reader.ReadBits(32), 32);
        }
        return (long)reader.ReadBits(64);
    }

    private static long SignExtend(ulong value, int bits) => (long)(value << (64 - bits)) >> (64 - bits);

    private static bool Fits(long value, int bits) => value >= -(1L << (bits - 1)) && value < (1L << (bits - 1));

    private void WriteTimestamp(long deltaOfDelta)
    {
        if (deltaOfDelta == 0)
        {
            _writer.WriteBit(false);
        }
        else if (Fits(deltaOfDelta, 7))
        {
            _writer.WriteBits(0b10, 2);
            _writer.WriteBits((ulong)deltaOfDelta, 7);
        }
        else if (Fits(deltaOfDelta, 9))
        {
            _writer.WriteBits(0b110, 3);
            _writer.WriteBits((ulong)deltaOfDelta, 9);
        }
        else if (Fits(deltaOfDelta, 12))
        {
            _writer.WriteBits(0b1110, 4);
            _writer.WriteBits((ulong)deltaOfDelta, 12);
        }
        else if (Fits(deltaOfDelta, 32))
        {
            _writer.WriteBits(0b11110, 5);
            _writer.WriteBits((ulong)deltaOfDelta, 32);
        }
        else
        {
            _writer.WriteBits(0b11111, 5);
            _writer.WriteBits((ulong)deltaOfDelta, 64);
        }
    }

    private void WriteValue(ulong valueBits)
    {
        ulong xor = valueBits ^ _lastValueBits;
        if (xor == 0)
        {
            _writer.WriteBit(false);
            return;
        }
        _writer.WriteBit(true);
        int leading = Math.Min(BitOperations.LeadingZeroCount(xor), 31);
        int trailing = BitOperations.TrailingZeroCount(xor);
        if (_leadingZeros >= 0 && leading >= _leadingZeros && trailing >= _trailingZeros)
        {
            _writer.WriteBit(false);
            int meaningful = 64 - _leadingZeros - _trailingZeros;
            _writer.WriteBits(xor >> _trailingZeros, meaningful);
            return;
        }
        int length = 64 - leading - trailing;
        _writer.WriteBit(true);
        _writer.WriteBits((ulong)leading, 5);
        _writer.WriteBits((ulong)(length & 63), 6);
        _writer.WriteBits(xor >> trailing, length);
        _leadingZeros = leading;
        _trailingZeros = trailing;
    }
}
