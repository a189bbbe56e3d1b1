namespace Cairn.Consensus.Tests.Simulation;

/// <summary>
/// A node's disk: writes land in a volatile buffer and become durable only on <see cref="Sync"/>; a crash drops the buffer
/// (LevelDB's fault-injection Env, reduced to what Raft persists).
/// </summary>
internal sealed class SimStorage
{
    private readonly List<Entry> _entries = [];
    private Snapshot _snapshot;
    private HardState _hardState;

    private Snapshot? _pendingSnapshot;
    private bool _pendingSnapshotReplacesLog;
    private List<Entry>? _pendingEntries;
    private HardState? _pendingHardState;

    public SimStorage(PersistedState initial)
    {
        _snapshot = initial.Snapshot;
        _hardState = initial.HardState;
        _entries.AddRange(initial.Entries);
    }

    public int SyncCount { get; private set; }

    public PersistedState Load() => new(_hardState, _snapshot, _entries.ToArray());

    public HardState DurableHardState => _hardState;

    public void WriteSnapshot(Snapshot snapshot, bool replacesLog)
    {
        _pendingSnapshot = snapshot;
        _pendingSnapshotReplacesLog = replacesLog;
    }

    public void WriteEntries(IReadOnlyList<Entry> entries) => _pendingEntries = [.. entries];

    public void WriteHardState(HardState state) => _pendingHardState = state;

    public void Sync()
    {
        SyncCount++;
        if (_pendingSnapshot is { } snapshot)
        {
            ulong index = snapshot.Metadata.Index;
            if (_pendingSnapshotReplacesLog)
            {
                _entries.Clear();
            }
            else
            {
                _entries.RemoveAll(e => e.Index <= index);
            }
            _snapshot = snapshot;
        }
        if (_pendingEntries is { Count: > 0 } entries)
        {
            ulong first = entries[0].Index;
            _entries.RemoveAll(e => e.Index >= first);
            _entries.AddRange(entries);
        }
        if (_pendingHardState is { } hardState)
        {
            _hardState = hardState;
        }
        DropUnsynced();
    }

    public void DropUnsynced()
    {
        _pendingSnapshot = null;
        _pendingEntries = null;
        _pendingHardState = null;
    }
}
