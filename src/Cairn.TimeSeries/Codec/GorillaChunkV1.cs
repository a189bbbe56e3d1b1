using System.Numerics;
using Cairn.Primitives;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// The compressed chunk payload of series format version 1, kept so that version-1 snapshots and AOF files still load (the
/// serializer decodes it and re-encodes the samples as <see cref="CompressedChunk"/>); nothing creates it for new data.
/// The Gorilla encoding (Pelkonen et al., VLDB 2015) with two changes measured on monitoring traces: timestamp buckets sized
/// for millisecond jitter, and XOR over decimal-erased values (<see cref="DecimalErasure"/>). Layout, in bits, MSB first
/// (docs/formats/timeseries.md is the reference):
///
/// First sample: 64 timestamp | 4 erasure code | 64 stored value bits.
/// Then per sample, the timestamp's delta of delta (two's complement payloads):
///   0 -> 0;  10|4 bits;  110|7 bits;  1110|12 bits;  11110|32 bits;  11111|64 bits.
/// Then the value:
///   0 -> identical to the previous value;
///   1 0 window -> same erasure code, stored bits XOR previous stored bits (never zero here);
///   1 1 code(4) 0 -> new code, same stored bits;  1 1 code(4) 1 window -> new code, XORed stored bits.
///   window = 0|meaningful bits inside the previous window, or 1|5 bits leading zeros|6 bits length (0 means 64)|bits.
/// Every double round-trips bit-exactly (NaN payloads, infinities, negative zero): erasure is verified before use.
/// Not thread-safe.
/// </summary>
internal sealed class GorillaChunkV1 : Chunk
{
    private readonly BitWriter _writer;
    private readonly int _capacityBytes;
    private int _count;
    private long _firstTimestamp;
    private long _lastTimestamp;
    private long _lastDelta;
    private ulong _lastValueBits;
    private ulong _lastStoredBits;
    private int _lastCode;
    private int _leadingZeros = -1;
    private int _trailingZeros;

    public GorillaChunkV1(int capacityBytes)
    {
        Invariant.Require(capacityBytes > 0, "chunk capacity must be positive");
        _capacityBytes = capacityBytes;
        // Start small and grow by doubling: a series of a few samples should not hold a whole CHUNK_SIZE.
        _writer = new BitWriter(Math.Min(capacityBytes + 32, 256));
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
            int code = DecimalErasure.Erase(value, DecimalErasure.NotErased, out ulong stored);
            _writer.WriteBits((ulong)timestamp, 64);
            _writer.WriteBits((ulong)code, 4);
            _writer.WriteBits(stored, 64);
            _firstTimestamp = timestamp;
            _lastTimestamp = timestamp;
            _lastDelta = 0;
            _lastValueBits = valueBits;
            _lastStoredBits = stored;
            _lastCode = code;
            _count = 1;
            return;
        }
        Invariant.Require(timestamp > _lastTimestamp, "chunk appends must be in timestamp order");
        long delta = timestamp - _lastTimestamp;
        WriteTimestamp(unchecked(delta - _lastDelta));
        WriteValue(value, valueBits);
        _lastDelta = delta;
        _lastTimestamp = timestamp;
        _count++;
    }

    public override void Decode(Span<Sample> destination) => DecodeBits(_writer.Bytes, _count, destination);

    /// <summary>
    /// Decodes every sample into <paramref name="destination"/> and returns the index of the first sample with a timestamp
    /// at or above <paramref name="timestamp"/> (Count when none), with the encoder state just before it, so that
    /// <see cref="RewriteFrom"/> can re-encode only from there.
    /// </summary>
    public int DecodeForInsert(long timestamp, Span<Sample> destination, out GorillaStateV1 stateBefore)
    {
        stateBefore = default;
        int position = DecodeBits(_writer.Bytes, _count, destination, timestamp, ref stateBefore);
        return position;
    }

    /// <summary>
    /// Replaces the samples from <paramref name="position"/> on with <paramref name="suffix"/>, keeping the bits before it.
    /// REQUIRES <paramref name="stateBefore"/> from <see cref="DecodeForInsert"/> on this chunk unchanged since, and
    /// <paramref name="suffix"/> ordered and after sample position - 1. The bits equal a from-scratch encoding.
    /// </summary>
    public void RewriteFrom(int position, in GorillaStateV1 stateBefore, ReadOnlySpan<Sample> suffix)
    {
        Invariant.Require(position >= 0 && position <= _count, "rewrite position out of range");
        if (position == 0)
        {
            _writer.Truncate(0);
            _count = 0;
            _leadingZeros = -1;
            _trailingZeros = 0;
        }
        else
        {
            _writer.Truncate(stateBefore.BitPosition);
            _count = position;
            _lastTimestamp = stateBefore.Timestamp;
            _lastDelta = stateBefore.Delta;
            _lastValueBits = stateBefore.ValueBits;
            _lastStoredBits = stateBefore.StoredBits;
            _lastCode = stateBefore.Code;
            _leadingZeros = stateBefore.LeadingZeros;
            _trailingZeros = stateBefore.TrailingZeros;
        }
        foreach (Sample sample in suffix)
        {
            Append(sample.Timestamp, sample.Value);
        }
    }

    /// <summary>Rebuilds a chunk from its persisted bits; appends re-derive the encoder state, and the result is bit-identical.</summary>
    public static GorillaChunkV1 FromEncoded(ReadOnlySpan<byte> encoded, int count, int capacityBytes)
    {
        var samples = new Sample[count];
        DecodeBits(encoded, count, samples);
        var chunk = new GorillaChunkV1(capacityBytes);
        foreach (Sample sample in samples)
        {
            chunk.Append(sample.Timestamp, sample.Value);
        }
        Invariant.Require(chunk.EncodedBytes.SequenceEqual(encoded), "persisted chunk does not re-encode to the same bits");
        return chunk;
    }

    private static void DecodeBits(ReadOnlySpan<byte> encoded, int count, Span<Sample> destination)
    {
        GorillaStateV1 unused = default;
        DecodeBits(encoded, count, destination, long.MaxValue, ref unused);
    }

    /// <summary>Decodes; returns the index of the first sample at or after <paramref name="stopTimestamp"/> and the state before it.</summary>
    private static int DecodeBits(ReadOnlySpan<byte> encoded, int count, Span<Sample> destination, long stopTimestamp, ref GorillaStateV1 stateBefore)
    {
        Invariant.Require(destination.Length >= count, "destination too small");
        if (count == 0)
        {
            return 0;
        }
        int position = count;
        var reader = new BitReader(encoded);
        long timestamp = (long)reader.ReadBits(64);
        int code = (int)reader.ReadBits(4);
        ulong stored = reader.ReadBits(64);
        double value = DecimalErasure.Restore(stored, code);
        destination[0] = new Sample(timestamp, value);
        if (timestamp >= stopTimestamp)
        {
            position = 0;
        }
        long delta = 0;
        int leading = 0;
        int meaningful = 0;
        bool hasWindow = false;
        for (int i = 1; i < count; i++)
        {
            long bitPosition = reader.Position;
            long previousTimestamp = timestamp;
            long previousDelta = delta;
            ulong previousStored = stored;
            int previousCode = code;
            ulong previousValueBits = BitConverter.DoubleToUInt64Bits(value);
            int previousLeading = leading;
            int previousMeaningful = meaningful;
            bool previousHasWindow = hasWindow;
            delta = unchecked(delta + ReadDeltaOfDelta(ref reader));
            timestamp = unchecked(timestamp + delta);
            if (position == count && timestamp >= stopTimestamp)
            {
                position = i;
                stateBefore = new GorillaStateV1(bitPosition, previousTimestamp, previousDelta, previousValueBits, previousStored, previousCode,
                    previousHasWindow ? previousLeading : -1, previousHasWindow ? 64 - previousLeading - previousMeaningful : 0);
            }
            if (reader.ReadBit())
            {
                bool xorPresent = true;
                if (reader.ReadBit())
                {
                    code = (int)reader.ReadBits(4);
                    xorPresent = reader.ReadBit();
                }
                if (xorPresent)
                {
                    if (reader.ReadBit())
                    {
                        leading = (int)reader.ReadBits(5);
                        meaningful = (int)reader.ReadBits(6);
                        if (meaningful == 0)
                        {
                            meaningful = 64;
                        }
                        hasWindow = true;
                    }
                    Invariant.Require(leading + meaningful <= 64, "corrupt value window");
                    stored ^= reader.ReadBits(meaningful) << (64 - leading - meaningful);
                }
                value = DecimalErasure.Restore(stored, code);
            }
            destination[i] = new Sample(timestamp, value);
        }
        if (position == count)
        {
            stateBefore = new GorillaStateV1(reader.Position, timestamp, delta, BitConverter.DoubleToUInt64Bits(value), stored, code,
                hasWindow ? leading : -1, hasWindow ? 64 - leading - meaningful : 0);
        }
        return position;
    }

    private static long ReadDeltaOfDelta(ref BitReader reader)
    {
        if (!reader.ReadBit())
        {
            return 0;
        }
        if (!reader.ReadBit())
        {
            return SignExtend(reader.ReadBits(4), 4);
        }
        if (!reader.ReadBit())
        {
            return SignExtend(reader.ReadBits(7), 7);
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
        else if (Fits(deltaOfDelta, 4))
        {
            _writer.WriteBits((0b10UL << 4) | ((ulong)deltaOfDelta & 0xF), 6);
        }
        else if (Fits(deltaOfDelta, 7))
        {
            _writer.WriteBits((0b110UL << 7) | ((ulong)deltaOfDelta & 0x7F), 10);
        }
        else if (Fits(deltaOfDelta, 12))
        {
            _writer.WriteBits((0b1110UL << 12) | ((ulong)deltaOfDelta & 0xFFF), 16);
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

    private void WriteValue(double value, ulong valueBits)
    {
        if (valueBits == _lastValueBits)
        {
            _writer.WriteBit(false);
            return;
        }
        int code = DecimalErasure.Erase(value, _lastCode, out ulong stored);
        ulong xor = stored ^ _lastStoredBits;
        if (code == _lastCode)
        {
            // Same code and same stored bits would restore the same value, so the XOR cannot be zero here.
            Invariant.Require(xor != 0, "distinct values restored from identical bits");
            _writer.WriteBits(0b10, 2);
        }
        else
        {
            _writer.WriteBits((0b11UL << 4) | (uint)code, 6);
            _writer.WriteBit(xor != 0);
        }
        if (xor != 0)
        {
            WriteWindow(xor);
        }
        _lastValueBits = valueBits;
        _lastStoredBits = stored;
        _lastCode = code;
    }

    private void WriteWindow(ulong xor)
    {
        int leading = Math.Min(BitOperations.LeadingZeroCount(xor), 31);
        int trailing = BitOperations.TrailingZeroCount(xor);
        if (_leadingZeros >= 0 && leading >= _leadingZeros && trailing >= _trailingZeros)
        {
            int meaningful = 64 - _leadingZeros - _trailingZeros;
            _writer.WriteBit(false);
            _writer.WriteBits(xor >> _trailingZeros, meaningful);
            return;
        }
        int length = 64 - leading - trailing;
        _writer.WriteBits((1UL << 11) | ((ulong)(uint)leading << 6) | (uint)(length & 63), 12);
        _writer.WriteBits(xor >> trailing, length);
        _leadingZeros = leading;
        _trailingZeros = trailing;
    }
}
