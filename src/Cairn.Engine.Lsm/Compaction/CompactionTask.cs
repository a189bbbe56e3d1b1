using Cairn.Engine.Lsm.Manifest;

namespace Cairn.Engine.Lsm.Compaction;

/// <summary>
/// One picked compaction: input files of <see cref="Level"/> and the overlapping ones of <see cref="OutputLevel"/>.
/// While it runs its inputs are marked <see cref="FileMetadata.BeingCompacted"/> (under the database mutex).
/// </summary>
internal sealed class CompactionTask
{
    public required int Level { get; init; }

    public required int OutputLevel { get; init; }

    public required List<FileMetadata> LevelInputs { get; init; }

    public required List<FileMetadata> OutputLevelInputs { get; init; }

    public required string Reason { get; init; }

    /// <summary>The version the task was picked from, pinned until the task ends.</summary>
    public required TreeVersion Version { get; init; }

    public IEnumerable<FileMetadata> AllInputs
    {
        get
        {
            foreach (FileMetadata file in LevelInputs)
            {
                yield return file;
            }
            foreach (FileMetadata file in OutputLevelInputs)
            {
                yield return file;
            }
        }
    }

    /// <summary>A single file with nothing beneath it to merge with and nothing to drop: it can move down unchanged.</summary>
    public bool IsTrivialMove => !CleansTombstones && Level != OutputLevel && LevelInputs.Count == 1 && OutputLevelInputs.Count == 0;

    /// <summary>Picked for its tombstones: it must rewrite its inputs so that they are dropped.</summary>
    public bool CleansTombstones { get; init; }
}
