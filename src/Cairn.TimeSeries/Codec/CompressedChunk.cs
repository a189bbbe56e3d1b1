using Cairn.Primitives;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// Compressed samples (series format version 2; docs/formats/timeseries.md is the reference). A bit stream, MSB first:
/// the first sample as 64 bits timestamp, then the value's start (<see cref="ValueCoder.Start(BitWriter, double)"/>); each
/// further sample as its timestamp (<see cref="TimestampCoder"/>, a Rice-coded residual against a tracked grid) then its
/// value (<see cref="ValueCoder"/>, a Rice-coded delta of scaled decimals, or Gorilla XOR for values that are not short
/// decimals). Both coders adapt from the samples already coded, so encoder and decoder run the same state machine, and a
/// snapshot of it (<see cref="EncoderState"/>) lets a late insert re-encode only the tail.
/// Every double round-trips bit-exactly (NaN payloads, infinities, negative zero). Not thread-safe.
/// </summary>
internal sealed class CompressedChunk : Chunk
{
    private readonly BitWriter _writer;
    private readonly int _capacityBytes;
    private int _count;
    private long _firstTimestamp;
    private TimestampCoder _timestamps;
    private ValueCoder _values;

    public CompressedChunk(int capacityBytes)
    {
        Invariant.Require(capacityBytes > 0, "chunk capacity must be positive");
        _capacityBytes = capacityBytes;
        // Start small and grow by doubling: a series of a few samples should not hold a whole CHUNK_SIZE.
        _writer = new BitWriter(Math.Min(capacityBytes + 32, 256));
    }

    public override ChunkEncoding Encoding => ChunkEncoding.Compressed;

    public override int Count => _count;

    public override long FirstTimestamp => _firstTimestamp;

    public override long LastTimestamp => _timestamps.LastTimestamp;

    public override double LastValue => BitConverter.UInt64BitsToDouble(_values.LastBits);

    public override int SizeBytes => _writer.ByteLength;

    public override int CapacityBytes => _capacityBytes;

    public override bool IsFull => _writer.ByteLength >= _capacityBytes;

    internal long BitLength => _writer.BitLength;

    internal ReadOnlySpan<byte> EncodedBytes => _writer.Bytes;

    public override void Append(long timestamp, double value)
    {
        if (_count == 0)
        {
            _writer.WriteBits((ulong)timestamp, 64);
            _timestamps = TimestampCoder.Start(timestamp);
            _values = ValueCoder.Start(_writer, value);
            _firstTimestamp = timestamp;
            _count = 1;
            return;
        }
        Invariant.Require(timestamp > _timestamps.LastTimestamp, "chunk appends must be in timestamp order");
        _timestamps.Write(_writer, timestamp);
        _values.Write(_writer, value);
        _count++;
    }

    public override void Decode(Span<Sample> destination)
    {
        EncoderState unused = default;
        DecodeBits(_writer.Bytes, _count, destination, null, ref unused);
    }

    /// <summary>
    /// Decodes every sample into <paramref name="destination"/> and returns the index of the first sample with a timestamp
    /// at or above <paramref name="timestamp"/> (Count when none), with the encoder state just before it, so that
    /// <see cref="RewriteFrom"/> can re-encode only from there.
    /// </summary>
    public int DecodeForInsert(long timestamp, Span<Sample> destination, out EncoderState stateBefore)
    {
        stateBefore = default;
        return DecodeBits(_writer.Bytes, _count, destination, timestamp, ref stateBefore);
    }

    /// <summary>
    /// Replaces the samples from <paramref name="position"/> on with <paramref name="suffix"/>, keeping the bits before it.
    /// REQUIRES <paramref name="stateBefore"/> from <see cref="DecodeForInsert"/> on this chunk unchanged since, and
    /// <paramref name="suffix"/> ordered and after sample position - 1. The bits equal a from-scratch encoding.
    /// </summary>
    public void RewriteFrom(int position, in EncoderState stateBefore, ReadOnlySpan<Sample> suffix)
    {
        Invariant.Require(position >= 0 && position <= _count, "rewrite position out of range");
        if (position == 0)
        {
            _writer.Truncate(0);
            _count = 0;
        }
        else
        {
            _writer.Truncate(stateBefore.BitPosition);
            _count = position;
            _timestamps = stateBefore.Timestamps;
            _values = stateBefore.Values;
        }
        foreach (Sample sample in suffix)
        {
            Append(sample.Timestamp, sample.Value);
        }
    }

    /// <summary>Rebuilds a chunk from its persisted bits; appends re-derive the encoder state, and the result is bit-identical.</summary>
    public static CompressedChunk FromEncoded(ReadOnlySpan<byte> encoded, int count, int capacityBytes)
    {
        var samples = new Sample[count];
        EncoderState unused = default;
        DecodeBits(encoded, count, samples, null, ref unused);
        var chunk = new CompressedChunk(capacityBytes);
        foreach (Sample sample in samples)
        {
            chunk.Append(sample.Timestamp, sample.Value);
        }
        Invariant.Require(chunk.EncodedBytes.SequenceEqual(encoded), "persisted chunk does not re-encode to the same bits");
        return chunk;
    }

    /// <summary>
    /// Decodes; with a <paramref name="stop"/> timestamp, returns the index of the first sample at or after it and the coder
    /// state before that sample (snapshots cost a copy per sample, so plain decoding passes null and returns Count).
    /// </summary>
    private static int DecodeBits(ReadOnlySpan<byte> encoded, int count, Span<Sample> destination, long? stop, ref EncoderState stateBefore)
    {
        Invariant.Require(destination.Length >= count, "destination too small");
        if (count == 0)
        {
            return 0;
        }
        int position = count;
        var reader = new BitReader(encoded);
        long timestamp = (long)reader.ReadBits(64);
        var timestamps = TimestampCoder.Start(timestamp);
        var values = ValueCoder.Start(ref reader, out double value);
        destination[0] = new Sample(timestamp, value);
        bool tracking = stop.HasValue;
        long stopTimestamp = stop.GetValueOrDefault();
        if (tracking && timestamp >= stopTimestamp)
        {
            position = 0;
        }
        for (int i = 1; i < count; i++)
        {
            if (tracking && position == count)
            {
                var before = new EncoderState(reader.Position, timestamps, values);
                timestamp = timestamps.Read(ref reader);
                if (timestamp >= stopTimestamp)
                {
                    position = i;
                    stateBefore = before;
                }
            }
            else
            {
                timestamp = timestamps.Read(ref reader);
            }
            destination[i] = new Sample(timestamp, values.Read(ref reader));
        }
        if (tracking && position == count)
        {
            stateBefore = new EncoderState(reader.Position, timestamps, values);
        }
        return position;
    }
}
