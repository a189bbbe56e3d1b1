namespace Cairn.Consensus;

/// <summary>Kind of a log entry. Values are persisted (docs/formats/raft-log.md): never renumber.</summary>
public enum EntryType : byte
{
    Normal = 1,
    ConfigurationChange = 2,
}
