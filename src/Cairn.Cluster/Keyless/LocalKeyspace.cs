using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;
using Cairn.Replication.Placement;

namespace Cairn.Cluster.Keyless;

/// <summary>
/// This node's share of a keyless command: walks db 0 of the local engine and keeps the keys of the given partitions.
/// Expired keys are skipped (not deleted). Walking the whole table for one partition costs O(keys on this node); a
/// per-partition index would cut SCAN's cost, at a price on every write.
/// REQUIRES: the store lock (every method).
/// </summary>
internal static class LocalKeyspace
{
    /// <summary>Bounds the occupied slots one SCAN step examines, per key asked for (COUNT).</summary>
    private const int ScanSlotsPerKey = 256;

    public static bool[] PartitionSet(PartitionLayout layout, IReadOnlyList<ulong> partitions)
    {
        var set = new bool[layout.PartitionCount];
        foreach (ulong p in partitions)
        {
            if (p < (ulong)set.Length)
            {
                set[(int)p] = true;
            }
        }
        return set;
    }

    public static long Count(ServerContext server, PartitionLayout layout, bool[] partitions)
    {
        Database db = server.Store[0];
        long now = server.NowMilliseconds;
        long count = 0;
        for (int slot = db.NextSlot(0); slot >= 0; slot = db.NextSlot(slot + 1))
        {
            if (partitions[layout.PartitionOfKey(db.KeyAt(slot))] && !IsExpired(db, slot, now))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>KEYS: every live key of the partitions matching <paramref name="pattern"/> (null = all).</summary>
    public static List<byte[]> Keys(ServerContext server, PartitionLayout layout, bool[] partitions, byte[]? pattern)
    {
        Database db = server.Store[0];
        long now = server.NowMilliseconds;
        var keys = new List<byte[]>();
        for (int slot = db.NextSlot(0); slot >= 0; slot = db.NextSlot(slot + 1))
        {
            byte[] key = db.KeyAt(slot);
            if (partitions[layout.PartitionOfKey(key)] && (pattern is null || GlobPattern.IsMatch(pattern, key)) && !IsExpired(db, slot, now))
            {
                keys.Add(key);
            }
        }
        return keys;
    }

    /// <summary>
    /// One SCAN step over one partition from the local cursor (a slot index: slots never move while their key is present,
    /// so every key present for the whole walk is returned). Stops after <paramref name="count"/> keys of the partition or
    /// a bounded number of slots; returns the next local cursor (0 = the partition is done).
    /// </summary>
    public static ulong Scan(ServerContext server, PartitionLayout layout, int partition, ulong cursor, long count, byte[]? pattern,
        byte[]? typeName, List<byte[]> keys)
    {
        Database db = server.Store[0];
        long now = server.NowMilliseconds;
        if (cursor >= (ulong)db.SlotLimit)
        {
            return 0;
        }
        long budget = Math.Max(count, 1) * ScanSlotsPerKey;
        int slot = (int)cursor;
        long found = 0;
        while (found < count && budget-- > 0)
        {
            slot = db.NextSlot(slot);
            if (slot < 0)
            {
                return 0;
            }
            byte[] key = db.KeyAt(slot);
            if (layout.PartitionOfKey(key) == partition)
            {
                found++;
                if ((pattern is null || GlobPattern.IsMatch(pattern, key)) && !IsExpired(db, slot, now)
                    && (typeName is null || EqualsIgnoreCase(typeName, DataTypeNames.Of(db.EntryAt(slot).Value))))
                {
                    keys.Add(key);
                }
            }
            slot++;
        }
        return slot >= db.SlotLimit || db.NextSlot(slot) < 0 ? 0 : (ulong)slot;
    }

    /// <summary>A uniformly random live key of the partitions (reservoir sampling) and how many there are.</summary>
    public static (byte[]? Key, long Count) Random(ServerContext server, PartitionLayout layout, bool[] partitions, IRandomSource random)
    {
        Database db = server.Store[0];
        long now = server.NowMilliseconds;
        byte[]? chosen = null;
        long seen = 0;
        for (int slot = db.NextSlot(0); slot >= 0; slot = db.NextSlot(slot + 1))
        {
            byte[] key = db.KeyAt(slot);
            if (partitions[layout.PartitionOfKey(key)] && !IsExpired(db, slot, now))
            {
                seen++;
                if (random.NextDouble() * seen < 1)
                {
                    chosen = key;
                }
            }
        }
        return (chosen, seen);
    }

    private static bool IsExpired(Database db, int slot, long now)
    {
        long deadline = db.ExpiresAt(slot);
        return deadline != 0 && deadline <= now;
    }

    private static bool EqualsIgnoreCase(byte[] given, string typeName)
    {
        if (given.Length != typeName.Length)
        {
            return false;
        }
        for (int i = 0; i < given.Length; i++)
        {
            if (char.ToLowerInvariant((char)given[i]) != char.ToLowerInvariant(typeName[i]))
            {
                return false;
            }
        }
        return true;
    }
}
