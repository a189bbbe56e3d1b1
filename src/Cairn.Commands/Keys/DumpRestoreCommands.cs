using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Persistence.Rdb;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Keys;

/// <summary>
/// DUMP and RESTORE in Redis 7.0's serialized format (RDB value encoding, RDB version 10, CRC64 footer), so values move
/// between Cairn and Redis in both directions (cluster.c dumpCommand / restoreCommand).
/// </summary>
internal static class DumpRestoreCommands
{
    [Command("DUMP")]
    public static void Dump(CommandContext ctx)
    {
        int index = ctx.LookupRead(ctx.Arg(1));
        if (index < 0)
        {
            ctx.Reply.WriteNull();
            return;
        }
        object value = ctx.Database.EntryAt(index).Value;
        if (!RdbValueWriter.CanWrite(value))
        {
            ctx.Error($"ERR DUMP is not supported for {DataTypeNames.Of(((DataObject)value).Type)} values yet");
            return;
        }
        ctx.Reply.WriteBulkString(RdbValueWriter.CreateDumpPayload(value));
    }

    /// <summary>RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency].</summary>
    [Command("RESTORE")]
    public static void Restore(CommandContext ctx)
    {
        bool replace = false;
        bool absoluteTtl = false;
        long idle = -1;
        long frequency = -1;
        for (int i = 4; i < ctx.ArgumentCount; i++)
        {
            bool hasMore = i + 1 < ctx.ArgumentCount;
            if (ctx.ArgIs(i, "REPLACE"u8))
            {
                replace = true;
            }
            else if (ctx.ArgIs(i, "ABSTTL"u8))
            {
                absoluteTtl = true;
            }
            else if (ctx.ArgIs(i, "IDLETIME"u8) && hasMore && frequency == -1)
            {
                if (!ctx.TryGetInt64(i + 1, out idle))
                {
                    return;
                }
                if (idle < 0)
                {
                    ctx.Error("ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
                i++;
            }
            else if (ctx.ArgIs(i, "FREQ"u8) && hasMore && idle == -1)
            {
                if (!ctx.TryGetInt64(i + 1, out frequency))
                {
                    return;
                }
                if (frequency is < 0 or > 255)
                {
                    ctx.Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
                i++;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        Database db = ctx.Database;
        ReadOnlySpan<byte> key = ctx.Arg(1);
        int existing = ctx.LookupWrite(key);
        if (!replace && existing >= 0)
        {
            ctx.Error("BUSYKEY Target key name already exists.");
            return;
        }
        if (!ctx.TryGetInt64(2, out long ttl))
        {
            return;
        }
        if (ttl < 0)
        {
            ctx.Error("ERR Invalid TTL value, must be >= 0");
            return;
        }
        byte[] payload = ctx.ArgBytes(3);
        if (!RdbValueReader.VerifyDumpPayload(payload))
        {
            ctx.Error("ERR DUMP payload version or checksum are wrong");
            return;
        }
        if (!RdbValueReader.TryReadDumpPayload(payload, out object? value))
        {
            ctx.Error("ERR Bad data format");
            return;
        }
        bool deleted = false;
        if (replace && existing >= 0)
        {
            db.RemoveAt(existing);
            deleted = true;
        }
        if (ttl != 0 && !absoluteTtl)
        {
            ttl += ctx.Now;
        }
        if (ttl != 0 && ttl <= ctx.Now)
        {
            // Already expired: nothing is created, and a replaced key is simply gone (propagated as DEL).
            if (deleted)
            {
                ctx.PropagateAs("DEL"u8.ToArray(), ctx.ArgBytes(1));
                ctx.Modified(key);
                ctx.Notify(KeyspaceEvents.Generic, "del", key);
            }
            ctx.Reply.WriteOk();
            return;
        }
        int slot = db.Add(ctx.ArgBytes(1), value!, ttl);
        ctx.Notify(KeyspaceEvents.New, "new", key);
        RestoredAccess.Apply(ref db.EntryAt(slot), ctx.Store.Eviction, frequency, idle, ctx.Now);
        if (ttl != 0 && !absoluteTtl)
        {
            PropagateWithAbsoluteTtl(ctx, ttl);
        }
        ctx.Modified(key);
        ctx.Notify(KeyspaceEvents.Generic, "restore", key);
        ctx.Reply.WriteOk();
    }

    /// <summary>As Redis: the relative TTL becomes an absolute one, and ABSTTL is appended, so replay gives the same deadline.</summary>
    private static void PropagateWithAbsoluteTtl(CommandContext ctx, long expiresAt)
    {
        var arguments = new byte[ctx.ArgumentCount + 1][];
        for (int i = 0; i < ctx.ArgumentCount; i++)
        {
            arguments[i] = ctx.ArgBytes(i);
        }
        arguments[2] = NumberFormat.Int64ToBytes(expiresAt);
        arguments[^1] = "ABSTTL"u8.ToArray();
        ctx.PropagateAs(arguments);
    }
}
