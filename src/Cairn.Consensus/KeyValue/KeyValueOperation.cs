namespace Cairn.Consensus.KeyValue;

/// <summary>Opcode of a replicated key-value command. Persisted inside log entries: never renumber.</summary>
public enum KeyValueOperation : byte
{
    Put = 1,
    Delete = 2,
}
