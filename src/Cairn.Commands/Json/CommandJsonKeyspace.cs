using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Commands.Specs;
using Cairn.Documents.Json;
using Cairn.Documents.Operations;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Json;

/// <summary>
/// <see cref="IJsonKeyspace"/> over the current database for one command: type checks, stores documents as
/// <see cref="JsonDocumentObject"/>, and after each change signals the key (WATCH, dirty count, index maintenance through
/// <see cref="CommandContext.Modified(ReadOnlySpan{byte})"/>) and publishes the module event named after the command.
/// </summary>
internal sealed class CommandJsonKeyspace : IJsonKeyspace
{
    private readonly CommandContext _ctx;
    private readonly string _eventName;

    public CommandJsonKeyspace(CommandContext ctx, string eventName)
    {
        _ctx = ctx;
        _eventName = eventName;
    }

    public JsonValue? GetDocument(byte[] key, out bool wrongType)
    {
        wrongType = false;
        int index = _ctx.Spec.Has(CommandFlags.Write) ? _ctx.LookupWrite(key) : _ctx.LookupRead(key);
        if (index < 0)
        {
            return null;
        }
        if (_ctx.Database.EntryAt(index).Value is JsonDocumentObject document)
        {
            return document.Root;
        }
        wrongType = true;
        return null;
    }

    public void StoreDocument(byte[] key, JsonValue document)
    {
        Database db = _ctx.Database;
        int index = db.Find(key, _ctx.Now);
        if (index >= 0 && db.EntryAt(index).Value is JsonDocumentObject existing)
        {
            existing.Refresh(document, _ctx.Store);
        }
        else if (index >= 0)
        {
            db.Replace(index, new JsonDocumentObject(document));
        }
        else
        {
            db.Add(key, new JsonDocumentObject(document), 0);
            _ctx.Notify(KeyspaceEvents.New, "new", key);
        }
        _ctx.Modified(key);
        _ctx.Notify(KeyspaceEvents.Module, _eventName, key);
    }

    public void DeleteKey(byte[] key)
    {
        Database db = _ctx.Database;
        int index = db.Find(key, _ctx.Now);
        if (index < 0)
        {
            return;
        }
        db.RemoveAt(index);
        _ctx.Modified(key);
        _ctx.Notify(KeyspaceEvents.Module, _eventName, key);
    }
}
