using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.Memtable;
using Cairn.Engine.Lsm.RangeDeletes;
using Cairn.Engine.Lsm.Table;

namespace Cairn.Engine.Lsm.Manifest;

/// <summary>
/// An immutable set of live tables per level (LevelDB's <c>Version</c>). Readers pin a version (reference count, guarded by the
/// database mutex) so that its files are not deleted under them.
/// Invariants: level 0 is ordered newest first (largest sequence descending); every deeper level is ordered by smallest key
/// and its files do not overlap in internal-key order.
/// </summary>
internal sealed class TreeVersion
{
    private readonly TableCache _tableCache;
    private readonly Lock _tombstoneLock = new();
    private FragmentedRangeTombstones? _tombstones;

    public TreeVersion(TableCache tableCache, List<FileMetadata>[] levels)
    {
        _tableCache = tableCache;
        Levels = levels;
        for (int level = 0; level < levels.Length; level++)
        {
            foreach (FileMetadata file in levels[level])
            {
                if (file.RangeDeletionCount > 0)
                {
                    HasRangeTombstones = true;
                }
            }
        }
    }

    public List<FileMetadata>[] Levels { get; }

    /// <summary>Pins held by readers and by the version set; guarded by the database mutex.</summary>
    public int References { get; set; }

    public bool HasRangeTombstones { get; }

    /// <summary>Every range tombstone of every live table, fragmented; loaded on first use.</summary>
    public FragmentedRangeTombstones RangeTombstones
    {
        get
        {
            if (!HasRangeTombstones)
            {
                return FragmentedRangeTombstones.Empty;
            }
            lock (_tombstoneLock)
            {
                if (_tombstones is null)
                {
                    var all = new List<RangeTombstone>();
                    foreach (List<FileMetadata> files in Levels)
                    {
                        foreach (FileMetadata file in files)
                        {
                            if (file.RangeDeletionCount > 0)
                            {
                                all.AddRange(_tableCache.Get(file.Number).RangeTombstones);
                            }
                        }
                    }
                    _tombstones = FragmentedRangeTombstones.Build(all);
                }
                return _tombstones;
            }
        }
    }

    public long LevelBytes(int level)
    {
        long total = 0;
        foreach (FileMetadata file in Levels[level])
        {
            total += (long)file.SizeBytes;
        }
        return total;
    }

    public int FileCount
    {
        get
        {
            int count = 0;
            foreach (List<FileMetadata> files in Levels)
            {
                count += files.Count;
            }
            return count;
        }
    }

    /// <summary>Finds the newest point entry for the lookup key's user key in the tables, stopping at the first hit.</summary>
    public LookupResult Get(ReadOnlySpan<byte> lookupKey, ulong keyHash, out byte[]? value, out ulong foundSequence)
    {
        ReadOnlySpan<byte> userKey = InternalKey.UserKey(lookupKey);
        foreach (FileMetadata file in Levels[0])
        {
            if (file.SmallestUserKey.SequenceCompareTo(userKey) <= 0 && file.LargestUserKey.SequenceCompareTo(userKey) >= 0)
            {
                LookupResult result = _tableCache.Get(file.Number).Get(lookupKey, keyHash, out value, out foundSequence);
                if (result != LookupResult.NotFound)
                {
                    return result;
                }
            }
        }
        for (int level = 1; level < Levels.Length; level++)
        {
            List<FileMetadata> files = Levels[level];
            int index = FindFile(files, lookupKey);
            if (index < files.Count && files[index].SmallestUserKey.SequenceCompareTo(userKey) <= 0)
            {
                LookupResult result = _tableCache.Get(files[index].Number).Get(lookupKey, keyHash, out value, out foundSequence);
                if (result != LookupResult.NotFound)
                {
                    return result;
                }
            }
        }
        value = null;
        foundSequence = 0;
        return LookupResult.NotFound;
    }

    /// <summary>Index of the first file whose largest key is &gt;= <paramref name="internalKey"/> (files.Count if none).</summary>
    public static int FindFile(List<FileMetadata> files, ReadOnlySpan<byte> internalKey)
    {
        int low = 0;
        int high = files.Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (InternalKey.Compare(files[middle].Largest, internalKey) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    /// <summary>Files of <paramref name="level"/> whose user-key range meets [smallest, largest].</summary>
    public List<FileMetadata> Overlapping(int level, ReadOnlySpan<byte> smallestUserKey, ReadOnlySpan<byte> largestUserKey)
    {
        var result = new List<FileMetadata>();
        foreach (FileMetadata file in Levels[level])
        {
            if (file.OverlapsUserRange(smallestUserKey, largestUserKey))
            {
                result.Add(file);
            }
        }
        return result;
    }

    /// <summary>True when no level deeper than <paramref name="level"/> holds keys in [smallest, largest].</summary>
    public bool IsBottommostFor(int level, ReadOnlySpan<byte> smallestUserKey, ReadOnlySpan<byte> largestUserKey)
    {
        for (int deeper = level + 1; deeper < Levels.Length; deeper++)
        {
            foreach (FileMetadata file in Levels[deeper])
            {
                if (file.OverlapsUserRange(smallestUserKey, largestUserKey))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
