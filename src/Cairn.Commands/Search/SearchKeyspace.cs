using Cairn.Commands.Execution;
using Cairn.Commands.Json;
using Cairn.Commands.PubSub;
using Cairn.Documents.Json;
using Cairn.Documents.Search;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Search;

/// <summary>
/// <see cref="ISearchKeyspace"/> over one database. Look-ups never expire keys or touch statistics (an index's backfill
/// keeps the look-up delegate and calls it from the cron, after the command that created it is long gone), so this holds
/// the server and the database number, not a connection; only FT.DROPINDEX DD's deletes use the command context.
/// </summary>
internal sealed class SearchKeyspace : ISearchKeyspace
{
    private readonly ServerContext _server;
    private readonly int _database;
    private readonly CommandContext? _ctx;

    public SearchKeyspace(ServerContext server, int database, CommandContext? ctx = null)
    {
        _server = server;
        _database = database;
        _ctx = ctx;
    }

    private Database Database => _server.Store[_database];

    public List<byte[]> SnapshotJsonKeys()
    {
        Database db = Database;
        var keys = new List<byte[]>();
        for (int slot = db.NextSlot(0); slot >= 0; slot = db.NextSlot(slot + 1))
        {
            if (db.EntryAt(slot).Value is JsonDocumentObject)
            {
                keys.Add(db.KeyAt(slot));
            }
        }
        return keys;
    }

    public JsonValue? GetDocument(byte[] key)
    {
        Database db = Database;
        int slot = db.FindRaw(key);
        if (slot < 0)
        {
            return null;
        }
        ref KeyEntry entry = ref db.EntryAt(slot);
        long deadline = db.ExpiresAt(slot);
        if (deadline != 0 && deadline < _server.NowMilliseconds)
        {
            return null;
        }
        return entry.Value is JsonDocumentObject document ? document.Root : null;
    }

    public bool IsLive(byte[] key)
    {
        Database db = Database;
        int slot = db.FindRaw(key);
        if (slot < 0)
        {
            return false;
        }
        long deadline = db.ExpiresAt(slot);
        long now = _ctx?.Now ?? _server.NowMilliseconds;
        return deadline == 0 || deadline >= now;
    }

    public void DeleteKey(byte[] key)
    {
        Database db = Database;
        int slot = db.FindRaw(key);
        if (slot < 0)
        {
            return;
        }
        db.RemoveAt(slot); // the keyspace listener removes it from every index
        if (_ctx is not null)
        {
            _ctx.Modified(db, key);
            _server.Notifier.Notify(KeyspaceEvents.Generic, "del", key, _database);
        }
        else
        {
            db.SignalModified(key);
        }
    }
}
