using Cairn.Primitives;

namespace Cairn.TimeSeries.Series;

/// <summary>A keyspace of series only, for tests and benchmarks. Not thread-safe.</summary>
public sealed class InMemorySeriesKeyspace : ISeriesKeyspace
{
    private readonly Dictionary<byte[], TimeSeriesData> _series = new(ByteArrayComparer.Instance);

    public int Count => _series.Count;

    public KeyLookup TryGet(byte[] key, out TimeSeriesData? series) =>
        _series.TryGetValue(key, out series) ? KeyLookup.Series : KeyLookup.Missing;

    public void Add(TimeSeriesData series) => _series.Add(series.Key, series);

    public bool Remove(byte[] key) => _series.Remove(key);

    public void Rename(byte[] oldKey, byte[] newKey)
    {
        if (_series.Remove(oldKey, out var series))
        {
            _series[newKey] = series;
        }
    }
}
