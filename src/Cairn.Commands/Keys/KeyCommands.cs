using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Commands.Keys;

/// <summary>DEL, UNLINK, EXISTS, TYPE, TOUCH, KEYS, RANDOMKEY: the generic key commands of Redis's db.c.</summary>
internal static class KeyCommands
{
    [Command("DEL")]
    public static void Del(CommandContext ctx) => Delete(ctx);

    /// <summary>Values are freed by the garbage collector either way, so UNLINK is DEL.</summary>
    [Command("UNLINK")]
    public static void Unlink(CommandContext ctx) => Delete(ctx);

    private static void Delete(CommandContext ctx)
    {
        Database db = ctx.Database;
        long deleted = 0;
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            ReadOnlySpan<byte> key = ctx.Arg(i);
            int index = ctx.LookupWrite(key);
            if (index < 0)
            {
                continue;
            }
            db.RemoveAt(index);
            ctx.Modified(key);
            ctx.Notify(KeyspaceEvents.Generic, "del", key);
            deleted++;
        }
        ctx.Reply.WriteInteger(deleted);
    }

    /// <summary>Counts every argument that names a live key, duplicates included.</summary>
    [Command("EXISTS")]
    public static void Exists(CommandContext ctx)
    {
        long count = 0;
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            if (KeyLookup.ReadNoTouch(ctx, ctx.Arg(i)) >= 0)
            {
                count++;
            }
        }
        ctx.Reply.WriteInteger(count);
    }

    [Command("TYPE")]
    public static void Type(CommandContext ctx)
    {
        int index = KeyLookup.ReadNoTouch(ctx, ctx.Arg(1));
        ctx.Reply.WriteSimpleString(index < 0 ? "none" : DataTypeNames.Of(ctx.Database.EntryAt(index).Type));
    }

    [Command("TOUCH")]
    public static void Touch(CommandContext ctx)
    {
        long touched = 0;
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            if (ctx.LookupRead(ctx.Arg(i)) >= 0)
            {
                touched++;
            }
        }
        ctx.Reply.WriteInteger(touched);
    }

    /// <summary>
    /// Expired keys still in the table are skipped, not deleted (as Redis's keyIsExpired check). "*" alone matches
    /// every key without the matcher, which matters for the empty key: stringmatch("*", "") is false.
    /// </summary>
    [Command("KEYS")]
    public static void Keys(CommandContext ctx)
    {
        Database db = ctx.Database;
        ReadOnlySpan<byte> pattern = ctx.Arg(1);
        bool allKeys = pattern.Length == 1 && pattern[0] == '*';
        var matches = new List<byte[]>();
        if (ctx.Server.Lsm is { } lsm)
        {
            lsm.Keys(ctx.Client.DatabaseIndex, allKeys ? null : pattern.ToArray(), ctx.Now, matches);
        }
        else
        {
            for (int slot = db.NextSlot(0); slot >= 0; slot = db.NextSlot(slot + 1))
            {
                byte[] key = db.KeyAt(slot);
                if ((allKeys || GlobPattern.IsMatch(pattern, key)) && !KeyLookup.IsExpired(db, slot, ctx.Now))
                {
                    matches.Add(key);
                }
            }
        }
        ctx.Reply.WriteArrayHeader(matches.Count);
        foreach (byte[] key in matches)
        {
            ctx.Reply.WriteBulkString(key);
        }
    }

    /// <summary>Picks a random slot; an expired key found that way is deleted and the pick repeated (dbRandomKey).</summary>
    [Command("RANDOMKEY")]
    public static void RandomKey(CommandContext ctx)
    {
        Database db = ctx.Database;
        if (ctx.Server.Lsm is { } lsm)
        {
            byte[]? key = lsm.RandomKey(ctx.Client.DatabaseIndex, ctx.Server.Random, ctx.Now);
            if (key is null)
            {
                ctx.Reply.WriteNull();
            }
            else
            {
                ctx.Reply.WriteBulkString(key);
            }
            return;
        }
        while (true)
        {
            int slot = db.RandomSlot(ctx.Server.Random);
            if (slot < 0)
            {
                ctx.Reply.WriteNull();
                return;
            }
            byte[] key = db.KeyAt(slot);
            if (KeyLookup.IsExpired(db, slot, ctx.Now))
            {
                // Each round deletes one key, so the loop ends within Count rounds.
                db.Find(key, ctx.Now);
                continue;
            }
            ctx.Reply.WriteBulkString(key);
            return;
        }
    }
}
