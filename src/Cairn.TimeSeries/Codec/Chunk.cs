namespace Cairn.TimeSeries.Codec;

/// <summary>
/// A run of samples with strictly increasing timestamps, stored in one encoding.
/// Invariants: timestamps strictly increase; <see cref="FirstTimestamp"/> and <see cref="LastTimestamp"/> are those of the
/// first and last sample when <see cref="Count"/> &gt; 0. A chunk is "sealed" once <see cref="IsFull"/>: the series then opens
/// a new chunk for appends, but out-of-order inserts still rewrite a sealed chunk (and split it when it grows too large).
/// Not thread-safe.
/// </summary>
internal abstract class Chunk
{
    public abstract ChunkEncoding Encoding { get; }

    public abstract int Count { get; }

    public abstract long FirstTimestamp { get; }

    public abstract long LastTimestamp { get; }

    public abstract double LastValue { get; }

    /// <summary>Bytes the encoded samples take (the figure TS.INFO's memoryUsage and the compression benchmark report).</summary>
    public abstract int SizeBytes { get; }

    /// <summary>The configured capacity (CHUNK_SIZE) in bytes.</summary>
    public abstract int CapacityBytes { get; }

    public abstract bool IsFull { get; }

    /// <summary>Appends a sample. REQUIRES Count == 0 or timestamp &gt; LastTimestamp. May overrun the capacity.</summary>
    public abstract void Append(long timestamp, double value);

    /// <summary>Writes all samples in order into <paramref name="destination"/>. REQUIRES destination.Length &gt;= Count.</summary>
    public abstract void Decode(Span<Sample> destination);

    public static Chunk Create(ChunkEncoding encoding, int capacityBytes) => encoding switch
    {
        ChunkEncoding.Compressed => new CompressedChunk(capacityBytes),
        _ => new UncompressedChunk(capacityBytes),
    };

    public Sample[] ToArray()
    {
        var samples = new Sample[Count];
        Decode(samples);
        return samples;
    }
}
