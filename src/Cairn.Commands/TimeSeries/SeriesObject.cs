using Cairn.Engine.Memory.Keyspace;
using Cairn.TimeSeries;
using Cairn.TimeSeries.Serialization;
using Cairn.TimeSeries.Series;

namespace Cairn.Commands.TimeSeries;

/// <summary>
/// A time-series key's value (TYPE "TSDB-TYPE"): the library's series plus the memory figure the keyspace accounts for.
/// The figure is a cache refreshed after each TS.* write (<see cref="RefreshMemory"/>), so MEMORY USAGE stays O(1).
/// </summary>
public sealed class SeriesObject : DataObject
{
    private long _memoryBytes;

    public SeriesObject(TimeSeriesData series)
    {
        Series = series;
        _memoryBytes = series.MemoryUsageBytes;
    }

    public TimeSeriesData Series { get; }

    public override DataType Type => DataType.TimeSeries;

    public override string Encoding => Series.Encoding == ChunkEncoding.Compressed ? "compressed" : "uncompressed";

    public override long MemoryUsageBytes => _memoryBytes;

    public override long Length => Series.TotalSamples;

    /// <summary>Recomputes the memory figure; returns the change, for MemoryStore.AdjustMemory.</summary>
    public long RefreshMemory()
    {
        long now = Series.MemoryUsageBytes;
        long delta = now - _memoryBytes;
        _memoryBytes = now;
        return delta;
    }

    /// <summary>A deep copy through the durable format (COPY, snapshot copy-on-write).</summary>
    public override DataObject Clone()
    {
        byte[] bytes = SeriesSerializer.Serialize(Series);
        if (!SeriesSerializer.TryDeserialize(bytes, Series.Key, out TimeSeriesData? copy, out string? error))
        {
            throw new InvalidOperationException("series failed to round-trip: " + error);
        }
        return new SeriesObject(copy!);
    }
}
