namespace Cairn.TimeSeries.Series;

/// <summary>
/// The port through which the time-series store finds and creates series keys. The command layer implements it over the
/// real keyspace (where a series is one value type among others); <see cref="InMemorySeriesKeyspace"/> serves tests and
/// benchmarks. Deleting and renaming keys stay with the keyspace, which then calls
/// <see cref="TimeSeriesStore.OnKeyDeleted"/> / <see cref="TimeSeriesStore.OnKeyRenamed"/>.
/// </summary>
public interface ISeriesKeyspace
{
    KeyLookup TryGet(byte[] key, out TimeSeriesData? series);

    /// <summary>Stores a new series. REQUIRES the key to be missing.</summary>
    void Add(TimeSeriesData series);
}
