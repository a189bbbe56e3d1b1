using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Keys;

/// <summary>RENAME, RENAMENX, COPY and MOVE: commands that put a value under another name or in another database.</summary>
internal static class RenameCommands
{
    [Command("RENAME")]
    public static void Rename(CommandContext ctx) => RenameGeneric(ctx, onlyIfAbsent: false);

    [Command("RENAMENX")]
    public static void RenameNx(CommandContext ctx) => RenameGeneric(ctx, onlyIfAbsent: true);

    private static void RenameGeneric(CommandContext ctx, bool onlyIfAbsent)
    {
        Database db = ctx.Database;
        ReadOnlySpan<byte> source = ctx.Arg(1);
        ReadOnlySpan<byte> destination = ctx.Arg(2);
        int sourceIndex = ctx.LookupWrite(source);
        if (sourceIndex < 0)
        {
            ctx.Error("ERR no such key");
            return;
        }
        // Same name: nothing changes, but a missing key was still an error above.
        if (source.SequenceEqual(destination))
        {
            WriteResult(ctx, onlyIfAbsent, done: !onlyIfAbsent);
            return;
        }
        int destinationIndex = ctx.LookupWrite(destination);
        if (destinationIndex >= 0)
        {
            if (onlyIfAbsent)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            db.RemoveAt(destinationIndex);
        }
        // Slots are stable, so sourceIndex survives the removal and the add.
        ref KeyEntry entry = ref db.EntryAt(sourceIndex);
        object value = entry.Value;
        long expiresAt = db.ExpiresAt(sourceIndex);
        uint access = entry.Access;
        int added = db.Add(ctx.ArgBytes(2), value, expiresAt);
        db.EntryAt(added).Access = access; // the object keeps its LRU/LFU data, as Redis moves the robj
        ctx.Notify(KeyspaceEvents.New, "new", destination); // dbAdd's event
        ctx.Server.Listeners.SuppressRemovals = true; // the value lives on under the new name
        byte[] sourceKey = db.KeyAt(sourceIndex);
        db.RemoveAt(sourceIndex);
        ctx.Server.Listeners.SuppressRemovals = false;
        ctx.Server.Listeners.OnKeyRenamed(db, sourceKey, db.KeyAt(added), value);
        ctx.Modified(source);
        ctx.Modified(destination);
        ctx.Store.Dirty--; // one change for Redis (server.dirty++ once), though both keys signal
        ctx.Notify(KeyspaceEvents.Generic, "rename_from", source);
        ctx.Notify(KeyspaceEvents.Generic, "rename_to", destination);
        WriteResult(ctx, onlyIfAbsent, done: true);
    }

    private static void WriteResult(CommandContext ctx, bool onlyIfAbsent, bool done)
    {
        if (onlyIfAbsent)
        {
            ctx.Reply.WriteInteger(done ? 1 : 0);
        }
        else
        {
            ctx.Reply.WriteOk();
        }
    }

    /// <summary>COPY source destination [DB destination-db] [REPLACE]; options parsed before any look-up, as Redis.</summary>
    [Command("COPY")]
    public static void Copy(CommandContext ctx)
    {
        Database source = ctx.Database;
        Database target = source;
        bool replace = false;
        for (int i = 3; i < ctx.ArgumentCount; i++)
        {
            int additional = ctx.ArgumentCount - i - 1;
            if (ctx.ArgIs(i, "REPLACE"u8))
            {
                replace = true;
            }
            else if (ctx.ArgIs(i, "DB"u8) && additional >= 1)
            {
                if (!KeyLookup.TryGetInt32(ctx, i + 1, out int index))
                {
                    return;
                }
                if (index < 0 || index >= ctx.Store.DatabaseCount)
                {
                    ctx.Error("ERR DB index is out of range");
                    return;
                }
                target = ctx.Store[index];
                i++;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        ReadOnlySpan<byte> newKey = ctx.Arg(2);
        if (source == target && key.SequenceEqual(newKey))
        {
            ctx.Error("ERR source and destination objects are the same");
            return;
        }
        int sourceIndex = ctx.LookupRead(key);
        if (sourceIndex < 0)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ref KeyEntry entry = ref source.EntryAt(sourceIndex);
        long expiresAt = source.ExpiresAt(sourceIndex);
        object copy = KeyLookup.Duplicate(entry.Value);
        int existing = target.Find(newKey, ctx.Now);
        if (existing >= 0)
        {
            if (!replace)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            target.RemoveAt(existing);
        }
        int copied = target.Add(ctx.ArgBytes(2), copy, expiresAt);
        ctx.Server.Listeners.OnKeyArrived(target, target.KeyAt(copied), copy);
        ctx.Server.Notifier.Notify(KeyspaceEvents.New, "new", newKey, target.Index);
        ctx.Modified(target, newKey);
        ctx.Server.Notifier.Notify(KeyspaceEvents.Generic, "copy_to", newKey, target.Index);
        ctx.Reply.WriteInteger(1);
    }

    [Command("MOVE")]
    public static void Move(CommandContext ctx)
    {
        Database source = ctx.Database;
        if (!KeyLookup.TryGetInt32(ctx, 2, out int index))
        {
            return;
        }
        if (index < 0 || index >= ctx.Store.DatabaseCount)
        {
            ctx.Error("ERR DB index is out of range");
            return;
        }
        Database target = ctx.Store[index];
        if (source == target)
        {
            ctx.Error("ERR source and destination objects are the same");
            return;
        }
        ReadOnlySpan<byte> key = ctx.Arg(1);
        int sourceIndex = ctx.LookupWrite(key);
        if (sourceIndex < 0 || target.Find(key, ctx.Now) >= 0)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ref KeyEntry entry = ref source.EntryAt(sourceIndex);
        object value = entry.Value;
        long expiresAt = source.ExpiresAt(sourceIndex);
        uint access = entry.Access;
        int added = target.Add(ctx.ArgBytes(1), value, expiresAt);
        target.EntryAt(added).Access = access;
        ctx.Server.Notifier.Notify(KeyspaceEvents.New, "new", key, target.Index);
        source.RemoveAt(sourceIndex);
        ctx.Server.Listeners.OnKeyArrived(target, target.KeyAt(added), value);
        ctx.Modified(source, key);
        ctx.Modified(target, key);
        ctx.Store.Dirty--; // one change for Redis, though both databases signal
        ctx.Server.Notifier.Notify(KeyspaceEvents.Generic, "move_from", key, source.Index);
        ctx.Server.Notifier.Notify(KeyspaceEvents.Generic, "move_to", key, target.Index);
        ctx.Reply.WriteInteger(1);
    }
}
