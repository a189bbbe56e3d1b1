namespace Cairn.Consensus.Codec;

/// <summary>Type byte of a framed record (docs/formats/raft-log.md). Persisted: never renumber.</summary>
public enum RecordType : byte
{
    Entry = 1,
    HardState = 2,
    SnapshotMetadata = 3,
    Message = 4,
}
