namespace Cairn.Engine.Memory.Keyspace;

/// <summary>Counters INFO stats reports. Mutated under the store lock; read racily by INFO (acceptable for statistics).</summary>
public sealed class KeyspaceStats
{
    public long ExpiredKeys;
    public long EvictedKeys;
    public long KeyspaceHits;
    public long KeyspaceMisses;

    public void Reset()
    {
        ExpiredKeys = 0;
        EvictedKeys = 0;
        KeyspaceHits = 0;
        KeyspaceMisses = 0;
    }
}
