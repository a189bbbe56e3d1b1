using Cairn.Engine.Lsm.Manifest;

namespace Cairn.Engine.Lsm.Compaction;

/// <summary>What a flush or compaction wrote: its new tables, and the bytes it read and wrote (for write amplification).</summary>
internal sealed class CompactionOutput
{
    public List<FileMetadata> Files { get; } = [];

    public long BytesRead { get; set; }

    public long BytesWritten { get; set; }

    public long EntriesDropped { get; set; }
}
