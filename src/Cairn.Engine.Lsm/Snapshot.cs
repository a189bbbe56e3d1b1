namespace Cairn.Engine.Lsm;

/// <summary>
/// A consistent read view: reads through it see exactly the writes acknowledged before it was taken. Holding one keeps
/// compaction from dropping the versions it sees, so dispose it when done. Thread safety: may be used from any thread.
/// </summary>
public sealed class Snapshot : IDisposable
{
    private readonly LsmDatabase _database;

    internal Snapshot(LsmDatabase database, ulong sequence)
    {
        _database = database;
        Sequence = sequence;
    }

    /// <summary>The last sequence number visible through this snapshot.</summary>
    public ulong Sequence { get; }

    internal LinkedListNode<Snapshot>? Node { get; set; }

    public void Dispose() => _database.ReleaseSnapshot(this);
}
