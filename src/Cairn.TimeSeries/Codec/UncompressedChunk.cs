using Cairn.Primitives;

namespace Cairn.TimeSeries.Codec;

/// <summary>
/// Samples kept as plain arrays, 16 bytes each (ENCODING UNCOMPRESSED): a chunk of CHUNK_SIZE bytes holds CHUNK_SIZE / 16
/// samples. Not thread-safe.
/// </summary>
internal sealed class UncompressedChunk : Chunk
{
    private const int BytesPerSample = 16;

    private readonly int _capacityBytes;
    private Sample[] _samples;
    private int _count;

    public UncompressedChunk(int capacityBytes)
    {
        Invariant.Require(capacityBytes >= BytesPerSample, "chunk capacity must hold a sample");
        _capacityBytes = capacityBytes;
        _samples = new Sample[Math.Min(capacityBytes / BytesPerSample, 16)];
    }

    public override ChunkEncoding Encoding => ChunkEncoding.Uncompressed;

    public override int Count => _count;

    public override long FirstTimestamp => _count == 0 ? 0 : _samples[0].Timestamp;

    public override long LastTimestamp => _count == 0 ? 0 : _samples[_count - 1].Timestamp;

    public override double LastValue => _count == 0 ? 0 : _samples[_count - 1].Value;

    public override int SizeBytes => _count * BytesPerSample;

    public override int CapacityBytes => _capacityBytes;

    public override bool IsFull => _count * BytesPerSample >= _capacityBytes;

    public override void Append(long timestamp, double value)
    {
        Invariant.Require(_count == 0 || timestamp > _samples[_count - 1].Timestamp, "chunk appends must be in timestamp order");
        if (_count == _samples.Length)
        {
            Array.Resize(ref _samples, Math.Max(4, _samples.Length * 2));
        }
        _samples[_count++] = new Sample(timestamp, value);
    }

    public override void Decode(Span<Sample> destination)
    {
        Invariant.Require(destination.Length >= _count, "destination too small");
        _samples.AsSpan(0, _count).CopyTo(destination);
    }
}
