using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.Manifest;

namespace Cairn.Engine.Lsm.Compaction;

/// <summary>
/// Chooses the next compaction (LevelDB's size-driven leveled policy, plus RocksDB's tombstone-density trigger so that ranges
/// full of deletions are cleared before scans pay for them). Level 0 is scored by file count, deeper levels by size against
/// a budget that grows tenfold per level; within a level files are taken round-robin by key.
/// Thread safety: REQUIRES the database mutex (it reads and sets <see cref="FileMetadata.BeingCompacted"/>).
/// </summary>
internal sealed class CompactionPicker
{
    private readonly LsmOptions _options;
    private readonly byte[]?[] _nextKeyPerLevel = new byte[]?[LsmOptions.LevelCount];

    public CompactionPicker(LsmOptions options) => _options = options;

    public static double Level0Score(TreeVersion version, LsmOptions options) =>
        version.Levels[0].Count / (double)options.Level0CompactionTrigger;

    public bool NeedsCompaction(TreeVersion version, ulong smallestSnapshot)
    {
        for (int level = 0; level < LsmOptions.LevelCount - 1; level++)
        {
            if (Score(version, level) >= 1)
            {
                return true;
            }
        }
        return FindTombstoneFile(version, smallestSnapshot, out _) is not null;
    }

    public CompactionTask? Pick(TreeVersion version, ulong smallestSnapshot)
    {
        // Highest score first.
        var order = new List<(double Score, int Level)>();
        for (int level = 0; level < LsmOptions.LevelCount - 1; level++)
        {
            double score = Score(version, level);
            if (score >= 1)
            {
                order.Add((score, level));
            }
        }
        order.Sort((a, b) => b.Score.CompareTo(a.Score));
        foreach ((_, int level) in order)
        {
            CompactionTask? task = level == 0 ? PickLevel0(version) : PickLevel(version, level);
            if (task is not null)
            {
                return Mark(task);
            }
        }
        FileMetadata? dense = FindTombstoneFile(version, smallestSnapshot, out int denseLevel);
        if (dense is null)
        {
            return null;
        }
        if (denseLevel == 0)
        {
            CompactionTask? task = PickLevel0(version, tombstones: true);
            return task is null ? null : Mark(task);
        }
        bool bottommost = version.IsBottommostFor(denseLevel, dense.SmallestUserKey, dense.LargestUserKey);
        int outputLevel = bottommost || denseLevel == LsmOptions.LevelCount - 1 ? denseLevel : denseLevel + 1;
        List<FileMetadata> below = outputLevel == denseLevel ? [] : version.Overlapping(outputLevel, dense.SmallestUserKey, dense.LargestUserKey);
        if (AnyBusy(below))
        {
            return null;
        }
        return Mark(new CompactionTask
        {
            Level = denseLevel,
            OutputLevel = outputLevel,
            LevelInputs = [dense],
            OutputLevelInputs = below,
            Reason = $"tombstone density {dense.TombstoneDensity:P0} in L{denseLevel} file {dense.Number}",
            Version = version,
            CleansTombstones = true,
        });
    }

    /// <summary>
    /// A whole level for <see cref="LsmDatabase.CompactAll"/>: merged into the next level, or rewritten in place when no deeper
    /// level holds data (so that its tombstones can be dropped).
    /// </summary>
    public CompactionTask? PickManual(TreeVersion version, int level, bool inPlace)
    {
        if (version.Levels[level].Count == 0 || (!inPlace && level == LsmOptions.LevelCount - 1))
        {
            return null;
        }
        CompactionTask? task = level == 0 && !inPlace ? PickLevel0(version, tombstones: true) : PickWholeLevel(version, level, inPlace);
        return task is null ? null : Mark(task);
    }

    private double Score(TreeVersion version, int level) => level == 0
        ? Level0Score(version, _options)
        : version.LevelBytes(level) / (double)_options.MaxBytesForLevel(level);

    private CompactionTask? PickLevel0(TreeVersion version, bool tombstones = false)
    {
        List<FileMetadata> level0 = version.Levels[0];
        if (level0.Count == 0 || AnyBusy(level0))
        {
            return null;
        }
        var inputs = new List<FileMetadata>(level0);
        (byte[] smallest, byte[] largest) = UserRange(inputs);
        List<FileMetadata> below = version.Overlapping(1, smallest, largest);
        if (AnyBusy(below))
        {
            return null;
        }
        return new CompactionTask
        {
            Level = 0,
            OutputLevel = 1,
            LevelInputs = inputs,
            OutputLevelInputs = below,
            Reason = tombstones ? "level 0 holds tombstones" : $"level 0 has {level0.Count} files",
            Version = version,
            CleansTombstones = tombstones,
        };
    }

    private CompactionTask? PickLevel(TreeVersion version, int level)
    {
        List<FileMetadata> files = version.Levels[level];
        int start = 0;
        if (_nextKeyPerLevel[level] is { } next)
        {
            start = TreeVersion.FindFile(files, next);
            if (start >= files.Count)
            {
                start = 0;
            }
        }
        for (int i = 0; i < files.Count; i++)
        {
            FileMetadata file = files[(start + i) % files.Count];
            if (file.BeingCompacted || file.Quarantined)
            {
                continue;
            }
            List<FileMetadata> below = version.Overlapping(level + 1, file.SmallestUserKey, file.LargestUserKey);
            if (AnyBusy(below))
            {
                continue;
            }
            _nextKeyPerLevel[level] = InternalKey.Create(file.LargestUserKey, 0, EntryType.Deletion);
            return new CompactionTask
            {
                Level = level,
                OutputLevel = level + 1,
                LevelInputs = [file],
                OutputLevelInputs = below,
                Reason = $"level {level} is {version.LevelBytes(level)} bytes",
                Version = version,
            };
        }
        return null;
    }

    private CompactionTask? PickWholeLevel(TreeVersion version, int level, bool inPlace)
    {
        List<FileMetadata> files = version.Levels[level];
        if (AnyBusy(files))
        {
            return null;
        }
        (byte[] smallest, byte[] largest) = UserRange(files);
        List<FileMetadata> below = inPlace ? [] : version.Overlapping(level + 1, smallest, largest);
        if (AnyBusy(below))
        {
            return null;
        }
        return new CompactionTask
        {
            Level = level,
            OutputLevel = inPlace ? level : level + 1,
            LevelInputs = [.. files],
            OutputLevelInputs = below,
            Reason = $"manual compaction of level {level}",
            Version = version,
            CleansTombstones = true,
        };
    }

    private FileMetadata? FindTombstoneFile(TreeVersion version, ulong smallestSnapshot, out int foundLevel)
    {
        for (int level = 0; level < LsmOptions.LevelCount; level++)
        {
            foreach (FileMetadata file in version.Levels[level])
            {
                // Only when every snapshot already sees the tombstones can compaction drop them: otherwise it would loop.
                if (!file.BeingCompacted && !file.Quarantined && file.LargestSequence <= smallestSnapshot
                    && file.TombstoneDensity >= _options.TombstoneCompactionThreshold)
                {
                    foundLevel = level;
                    return file;
                }
            }
        }
        foundLevel = -1;
        return null;
    }

    private static CompactionTask Mark(CompactionTask task)
    {
        foreach (FileMetadata file in task.AllInputs)
        {
            file.BeingCompacted = true;
        }
        return task;
    }

    private static bool AnyBusy(List<FileMetadata> files)
    {
        foreach (FileMetadata file in files)
        {
            if (file.BeingCompacted || file.Quarantined)
            {
                return true;
            }
        }
        return false;
    }

    private static (byte[] Smallest, byte[] Largest) UserRange(List<FileMetadata> files)
    {
        byte[] smallest = files[0].SmallestUserKey.ToArray();
        byte[] largest = files[0].LargestUserKey.ToArray();
        foreach (FileMetadata file in files)
        {
            if (file.SmallestUserKey.SequenceCompareTo(smallest) < 0)
            {
                smallest = file.SmallestUserKey.ToArray();
            }
            if (file.LargestUserKey.SequenceCompareTo(largest) > 0)
            {
                largest = file.LargestUserKey.ToArray();
            }
        }
        return (smallest, largest);
    }
}
