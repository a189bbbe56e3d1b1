using Cairn.Engine.Lsm.Iterators;
using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.Manifest;
using Cairn.Engine.Lsm.RangeDeletes;
using Cairn.Engine.Lsm.Table;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm.Compaction;

/// <summary>
/// Merges a compaction's inputs into new tables of the output level, dropping what no reader can see any more:
/// <list type="bullet">
/// <item>a version shadowed by a newer version of its key that every snapshot sees;</item>
/// <item>a point tombstone every snapshot sees, when no deeper level holds its key;</item>
/// <item>a version covered by a range tombstone newer than it that every snapshot sees;</item>
/// <item>a range tombstone every snapshot sees, when no deeper level overlaps its range.</item>
/// </list>
/// Runs without the database mutex: its inputs are pinned (their version is referenced) and marked as being compacted.
/// </summary>
internal static class CompactionJob
{
    public static CompactionOutput Run(CompactionTask task, TableCache tableCache, IFileSystem fileSystem, string directory,
        LsmOptions options, ulong smallestSnapshot, Func<ulong> newFileNumber, CancellationToken cancellation)
    {
        long now = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var output = new CompactionOutput();
        var children = new List<IInternalIterator>();
        var inputTombstones = new List<RangeTombstone>();
        foreach (FileMetadata file in task.AllInputs)
        {
            output.BytesRead += (long)file.SizeBytes;
            if (file.RangeDeletionCount > 0)
            {
                inputTombstones.AddRange(tableCache.Get(file.Number).RangeTombstones);
            }
        }
        if (task.Level == 0)
        {
            foreach (FileMetadata file in task.LevelInputs)
            {
                children.Add(tableCache.Get(file.Number).NewIterator(fillCache: false));
            }
        }
        else
        {
            children.Add(new LevelIterator(task.LevelInputs, tableCache, fillCache: false));
        }
        if (task.OutputLevelInputs.Count > 0)
        {
            children.Add(new LevelIterator(task.OutputLevelInputs, tableCache, fillCache: false));
        }
        FragmentedRangeTombstones fragments = FragmentedRangeTombstones.Build(inputTombstones);
        List<RangeTombstone> kept = KeptTombstones(fragments, task, smallestSnapshot);
        var writer = new TableOutputWriter(fileSystem, directory, options.TableOptions, options.TargetFileSizeBytes,
            newFileNumber, kept, output);
        using var merged = new MergingIterator([.. children]);
        try
        {
            byte[] currentUserKey = [];
            bool hasCurrentUserKey = false;
            ulong lastSequenceForKey = InternalKey.MaxSequence;
            long count = 0;
            for (merged.SeekToFirst(); merged.Valid; merged.Next())
            {
                if ((++count & 0x3FF) == 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                }
                ReadOnlySpan<byte> key = merged.Key;
                ReadOnlySpan<byte> userKey = InternalKey.UserKey(key);
                ulong trailer = InternalKey.Trailer(key);
                ulong sequence = trailer >> 8;
                var type = (EntryType)(byte)trailer;
                // An expired value reads as deleted at every sequence, so it is treated (and kept) as a point tombstone.
                bool expired = type == EntryType.ValueWithExpiry && ExpiringValue.IsExpired(merged.Value, now);
                if (expired)
                {
                    type = EntryType.Deletion;
                }
                if (!hasCurrentUserKey || !userKey.SequenceEqual(currentUserKey))
                {
                    currentUserKey = userKey.ToArray();
                    hasCurrentUserKey = true;
                    lastSequenceForKey = InternalKey.MaxSequence;
                }
                bool drop;
                if (lastSequenceForKey <= smallestSnapshot)
                {
                    drop = true;
                }
                else if (type == EntryType.Deletion && sequence <= smallestSnapshot
                    && task.Version.IsBottommostFor(task.OutputLevel, userKey, userKey))
                {
                    drop = true;
                }
                else
                {
                    drop = !fragments.IsEmpty && fragments.MaxCoveringSequence(userKey, smallestSnapshot) > sequence;
                }
                lastSequenceForKey = sequence;
                if (drop)
                {
                    output.EntriesDropped++;
                    continue;
                }
                if (expired)
                {
                    writer.Add(InternalKey.Create(userKey, sequence, EntryType.Deletion), []);
                    continue;
                }
                writer.Add(key, merged.Value);
            }
            writer.Finish();
        }
        catch
        {
            writer.Abandon();
            foreach (FileMetadata file in output.Files)
            {
                fileSystem.Delete(DatabaseFiles.TablePath(directory, file.Number));
            }
            throw;
        }
        return output;
    }

    private static List<RangeTombstone> KeptTombstones(FragmentedRangeTombstones fragments, CompactionTask task, ulong smallestSnapshot)
    {
        var kept = new List<RangeTombstone>();
        for (int i = 0; i < fragments.FragmentCount; i++)
        {
            byte[] start = fragments.FragmentStart(i);
            byte[] end = fragments.FragmentEnd(i);
            bool seenVisibleToAll = false;
            foreach (ulong sequence in fragments.FragmentSequences(i))
            {
                if (sequence > smallestSnapshot)
                {
                    kept.Add(new RangeTombstone(start, end, sequence));
                }
                else if (!seenVisibleToAll)
                {
                    // The newest tombstone every snapshot sees makes older ones redundant; it goes too once nothing below needs it.
                    seenVisibleToAll = true;
                    if (!task.Version.IsBottommostFor(task.OutputLevel, start, end))
                    {
                        kept.Add(new RangeTombstone(start, end, sequence));
                    }
                }
            }
        }
        return kept;
    }
}
