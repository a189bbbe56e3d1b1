using Cairn.Engine.Lsm.Iterators;
using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.Memtable;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm.Compaction;

/// <summary>
/// Writes an immutable memtable to one level-0 table, leaving out versions shadowed by a newer version of their key that
/// every snapshot sees (overwrites need not reach the disk twice). Tombstones are kept: older data may lie beneath.
/// Thread safety: runs without the database mutex; the memtable is immutable.
/// </summary>
internal static class FlushJob
{
    public static CompactionOutput Run(MemTable memtable, IFileSystem fileSystem, string directory, LsmOptions options,
        ulong smallestSnapshot, Func<ulong> newFileNumber)
    {
        var output = new CompactionOutput();
        var writer = new TableOutputWriter(fileSystem, directory, options.TableOptions, long.MaxValue, newFileNumber,
            memtable.RangeTombstones, output);
        using IInternalIterator iterator = memtable.NewIterator();
        try
        {
            byte[] previousUserKey = [];
            bool hasPrevious = false;
            ulong previousSequence = 0;
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                ReadOnlySpan<byte> key = iterator.Key;
                ReadOnlySpan<byte> userKey = InternalKey.UserKey(key);
                ulong sequence = InternalKey.Sequence(key);
                bool sameKey = hasPrevious && userKey.SequenceEqual(previousUserKey);
                if (sameKey && previousSequence <= smallestSnapshot)
                {
                    output.EntriesDropped++;
                    previousSequence = sequence;
                    continue;
                }
                if (!sameKey)
                {
                    previousUserKey = userKey.ToArray();
                    hasPrevious = true;
                }
                previousSequence = sequence;
                writer.Add(key, iterator.Value);
            }
            writer.Finish();
        }
        catch
        {
            writer.Abandon();
            foreach (Manifest.FileMetadata file in output.Files)
            {
                fileSystem.Delete(DatabaseFiles.TablePath(directory, file.Number));
            }
            throw;
        }
        return output;
    }
}
