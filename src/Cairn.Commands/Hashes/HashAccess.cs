using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Hashes;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Hashes;

/// <summary>Look-ups and memory bookkeeping shared by the hash commands.</summary>
internal static class HashAccess
{
    /// <summary>Returns false after replying WRONGTYPE; true with <paramref name="hash"/> null when the key is missing.</summary>
    public static bool TryFindForRead(CommandContext ctx, ReadOnlySpan<byte> key, out HashObject? hash) =>
        Resolve(ctx, ctx.LookupRead(key), out hash);

    public static bool TryFindForWrite(CommandContext ctx, ReadOnlySpan<byte> key, out int index, out HashObject? hash)
    {
        index = ctx.LookupWrite(key);
        return Resolve(ctx, index, out hash);
    }

    private static bool Resolve(CommandContext ctx, int index, out HashObject? hash)
    {
        hash = null;
        if (index < 0)
        {
            return true;
        }
        ref KeyEntry entry = ref ctx.Database.EntryAt(index);
        if (entry.IsEmbeddedHash)
        {
            hash = ctx.Database.OpenHashView(index); // in place, no allocation; Store commits a change
            return true;
        }
        if (entry.Value is HashObject found)
        {
            hash = found;
            return true;
        }
        ctx.WrongType();
        return false;
    }

    /// <summary>
    /// hashTypeLookupWriteOrCreate: the hash at the key, or a new one to be stored by <see cref="Store"/>.
    /// Returns false after replying WRONGTYPE.
    /// </summary>
    public static bool TryFindOrCreate(CommandContext ctx, ReadOnlySpan<byte> key, out HashObject hash, out bool created, out long memoryBefore)
    {
        created = false;
        memoryBefore = 0;
        hash = null!;
        if (!TryFindForWrite(ctx, key, out _, out HashObject? found))
        {
            return false;
        }
        created = found is null;
        hash = found ?? new HashObject();
        memoryBefore = hash.MemoryUsageBytes;
        return true;
    }

    /// <summary>Adds a created hash to the keyspace, or stores the change of an existing one (a view's bytes, or the
    /// memory change of a standalone hash). REQUIRES: the hash is not empty.</summary>
    public static void Store(CommandContext ctx, ReadOnlySpan<byte> key, HashObject hash, bool created, long memoryBefore)
    {
        if (created)
        {
            ctx.Database.Add(key.ToArray(), hash, 0);
        }
        else if (hash.IsView)
        {
            ctx.Database.CommitHashView(hash);
        }
        else
        {
            ctx.Store.AdjustMemory(hash.MemoryUsageBytes - memoryBefore);
        }
    }
}
