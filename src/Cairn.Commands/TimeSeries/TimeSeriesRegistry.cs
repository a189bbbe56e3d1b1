using Cairn.Commands.Keys;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;
using Cairn.TimeSeries.Series;

namespace Cairn.Commands.TimeSeries;

/// <summary>
/// The per-database series indexes of one server, kept in step with everything that removes, moves or loads keys.
/// Used under the store lock only.
/// </summary>
public sealed class TimeSeriesRegistry : IKeyspaceListener, IKeyMoveListener
{
    private readonly SeriesKeyspace?[] _databases;

    public TimeSeriesRegistry(int databases)
    {
        _databases = new SeriesKeyspace?[databases];
    }

    public SeriesKeyspace For(Database database) => _databases[database.Index] ??= new SeriesKeyspace(database);

    public void OnKeyExpired(Database database, byte[] key)
    {
        // OnKeyRemoved already ran for the expired key.
    }

    public void OnKeyRemoved(Database database, byte[] key, object value)
    {
        if (value is SeriesObject series)
        {
            For(database).OnRemoved(key, series.Series);
        }
    }

    public void OnKeyRenamed(Database database, byte[] oldKey, byte[] newKey, object value)
    {
        if (value is SeriesObject)
        {
            For(database).Store.OnKeyRenamed(oldKey, newKey);
        }
    }

    public void OnKeyArrived(Database database, byte[] key, object value)
    {
        if (value is SeriesObject series)
        {
            // A copied or moved series starts without rules, as RedisTimeSeries's copy: they name keys of the old place.
            TimeSeriesData data = series.Series;
            data.Key = key;
            data.RuleList.Clear();
            data.SourceKey = null;
            For(database).Store.OnSeriesLoaded(data);
        }
    }

    public void OnDatabaseCleared(Database database) => _databases[database.Index] = null;

    public void OnDatabasesSwapped(Database first, Database second)
    {
        SeriesKeyspace? a = _databases[first.Index];
        SeriesKeyspace? b = _databases[second.Index];
        _databases[first.Index] = b;
        _databases[second.Index] = a;
        if (b is not null)
        {
            b.Database = first;
        }
        if (a is not null)
        {
            a.Database = second;
        }
    }

    /// <summary>Gives loaded series their keys and indexes their labels.</summary>
    public void OnDataLoaded(MemoryStore store)
    {
        for (int i = 0; i < store.DatabaseCount; i++)
        {
            Database database = store[i];
            for (int slot = database.NextSlot(0); slot >= 0; slot = database.NextSlot(slot + 1))
            {
                if (database.EntryAt(slot).Value is SeriesObject series)
                {
                    series.Series.Key = database.KeyAt(slot);
                    For(database).Store.OnSeriesLoaded(series.Series);
                }
            }
        }
    }
}
