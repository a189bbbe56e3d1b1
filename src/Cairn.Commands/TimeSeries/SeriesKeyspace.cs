using Cairn.Engine.Memory.Keyspace;
using Cairn.TimeSeries;
using Cairn.TimeSeries.Series;

namespace Cairn.Commands.TimeSeries;

/// <summary>
/// One database's series: the <see cref="ISeriesKeyspace"/> adapter over the real keyspace and the store (label index,
/// rules) that TS.* commands run against. Look-ups do not expire keys: handlers look their named keys up first (which
/// expires them), so that expiry never re-enters the store in the middle of an operation.
/// </summary>
public sealed class SeriesKeyspace : ISeriesKeyspace
{
    private byte[]? _removingKey;
    private TimeSeriesData? _removingSeries;

    public SeriesKeyspace(Database database)
    {
        Database = database;
        Store = new TimeSeriesStore(this);
    }

    /// <summary>The database whose contents this index describes (SWAPDB moves it).</summary>
    public Database Database { get; set; }

    public TimeSeriesStore Store { get; }

    public KeyLookup TryGet(byte[] key, out TimeSeriesData? series)
    {
        if (_removingKey is not null && key.AsSpan().SequenceEqual(_removingKey))
        {
            series = _removingSeries;
            return KeyLookup.Series;
        }
        int slot = Database.FindRaw(key);
        if (slot < 0)
        {
            series = null;
            return KeyLookup.Missing;
        }
        if (Database.EntryAt(slot).Value is SeriesObject value)
        {
            series = value.Series;
            return KeyLookup.Series;
        }
        series = null;
        return KeyLookup.WrongType;
    }

    public void Add(TimeSeriesData series) => Database.Add(series.Key, new SeriesObject(series), 0);

    /// <summary>The series value at <paramref name="key"/>, or null.</summary>
    public SeriesObject? Find(ReadOnlySpan<byte> key)
    {
        int slot = Database.FindRaw(key);
        return slot < 0 ? null : Database.EntryAt(slot).Value as SeriesObject;
    }

    /// <summary>The engine already removed the slot; the store still needs to see the series under its key to unlink it.</summary>
    public void OnRemoved(byte[] key, TimeSeriesData series)
    {
        _removingKey = key;
        _removingSeries = series;
        try
        {
            Store.OnKeyDeleted(key);
        }
        finally
        {
            _removingKey = null;
            _removingSeries = null;
        }
    }
}
