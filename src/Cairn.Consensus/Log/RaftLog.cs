using Cairn.Primitives;

namespace Cairn.Consensus.Log;

/// <summary>
/// One node's Raft log as the core sees it: the last snapshot, the entries after it, and how far they are persisted, committed
/// and applied. Entries are kept in memory from the snapshot on; the host bounds memory by compacting (<see cref="RaftNode.Compact"/>).
/// Single-threaded, owned by <see cref="RaftNode"/>.
/// </summary>
/// <remarks>
/// Invariants (checked by <see cref="AssertInvariants"/>):
/// 1. entry k has index SnapshotIndex + 1 + k; terms never decrease along the log;
/// 2. SnapshotIndex ≤ Applied ≤ Committed ≤ LastIndex;
/// 3. entries from <see cref="UnstableFrom"/> on have not been handed to the host for persistence yet (≤ LastIndex + 1);
/// 4. Committed and Applied never decrease.
/// </remarks>
internal sealed class RaftLog
{
    private readonly List<Entry> _entries = [];

    public RaftLog(Snapshot snapshot, IReadOnlyList<Entry> persistedEntries, ulong committed)
    {
        Snapshot = snapshot;
        _entries.AddRange(persistedEntries);
        Committed = Math.Max(committed, snapshot.Metadata.Index);
        Applied = snapshot.Metadata.Index;
        UnstableFrom = LastIndex + 1;
        AssertInvariantsFully();
    }

    /// <summary>The newest snapshot this node has (installed, or made by compaction); sent to followers that lag behind it.</summary>
    public Snapshot Snapshot { get; private set; }

    /// <summary>A snapshot received from the leader that the host must persist and install.</summary>
    public Snapshot? PendingSnapshot { get; private set; }

    public ulong SnapshotIndex => Snapshot.Metadata.Index;

    public ulong FirstIndex => SnapshotIndex + 1;

    public ulong LastIndex => SnapshotIndex + (ulong)_entries.Count;

    public ulong LastTerm => TermAt(LastIndex);

    public ulong Committed { get; private set; }

    public ulong Applied { get; private set; }

    public ulong UnstableFrom { get; private set; }

    /// <summary>The last index persisted by the host (everything before <see cref="UnstableFrom"/>).</summary>
    public ulong StableLastIndex => UnstableFrom - 1;

    public bool TryGetTerm(ulong index, out ulong term)
    {
        if (index == SnapshotIndex)
        {
            term = Snapshot.Metadata.Term;
            return true;
        }
        if (index < SnapshotIndex || index > LastIndex)
        {
            term = 0;
            return false;
        }
        term = _entries[(int)(index - FirstIndex)].Term;
        return true;
    }

    /// <summary>The term at an index that must be available (REQUIRES SnapshotIndex ≤ index ≤ LastIndex).</summary>
    public ulong TermAt(ulong index)
    {
        bool found = TryGetTerm(index, out ulong term);
        Invariant.Require(found, "term of a compacted or missing index");
        return term;
    }

    public bool MatchTerm(ulong index, ulong term) => TryGetTerm(index, out ulong actual) && actual == term;

    public Entry EntryAt(ulong index)
    {
        Invariant.Require(index >= FirstIndex && index <= LastIndex, "entry index out of range");
        return _entries[(int)(index - FirstIndex)];
    }

    /// <summary>Entries [from, toInclusive], at most <paramref name="maxCount"/>. REQUIRES FirstIndex ≤ from.</summary>
    public IReadOnlyList<Entry> Slice(ulong from, ulong toInclusive, int maxCount)
    {
        Invariant.Require(from >= FirstIndex, "slice starts in the compacted prefix");
        if (from > toInclusive || from > LastIndex)
        {
            return [];
        }
        ulong end = Math.Min(Math.Min(toInclusive, LastIndex), from + (ulong)maxCount - 1);
        return _entries.GetRange((int)(from - FirstIndex), (int)(end - from + 1));
    }

    /// <summary>Section 5.4.1: is a log ending at (<paramref name="lastIndex"/>, <paramref name="lastTerm"/>) at least as up to date as ours?</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    /// <summary>Leader append: entries must continue the log exactly.</summary>
    public void Append(Entry entry)
    {
        Invariant.Require(entry.Index == LastIndex + 1, "leader appends continue the log");
        Invariant.Require(entry.Term >= LastTerm, "terms never decrease along the log");
        _entries.Add(entry);
    }

    /// <summary>
    /// Figure 2, AppendEntries receiver rules 2-4. Returns the index of the last new entry, or null when the log does not contain
    /// (prevIndex, prevTerm). <paramref name="truncatedFrom"/> is the first index overwritten (0 if none) so callers can roll back
    /// state derived from the removed suffix.
    /// </summary>
    public ulong? TryAppend(ulong prevIndex, ulong prevTerm, IReadOnlyList<Entry> entries, out ulong truncatedFrom)
    {
        truncatedFrom = 0;
        if (!MatchTerm(prevIndex, prevTerm))
        {
            return null;
        }
        ulong lastNew = prevIndex + (ulong)entries.Count;
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            Invariant.Require(entry.Index == prevIndex + 1 + (ulong)i, "append carries consecutive entries");
            if (entry.Index <= SnapshotIndex)
            {
                continue;
            }
            if (entry.Index <= LastIndex)
            {
                if (EntryAt(entry.Index).Term == entry.Term)
                {
                    continue;
                }
                // Rule 3: a conflicting entry and everything after it goes. Committed entries never conflict (Log Matching).
                Invariant.Require(entry.Index > Committed, "a committed entry must never be overwritten");
                truncatedFrom = entry.Index;
                _entries.RemoveRange((int)(entry.Index - FirstIndex), (int)(LastIndex - entry.Index + 1));
                UnstableFrom = Math.Min(UnstableFrom, entry.Index);
            }
            _entries.Add(entry);
        }
        return lastNew;
    }

    public void CommitTo(ulong index)
    {
        if (index <= Committed)
        {
            return;
        }
        Invariant.Require(index <= LastIndex, "cannot commit past the end of the log");
        Committed = index;
    }

    public void AppliedTo(ulong index)
    {
        Invariant.Require(index >= Applied && index <= Committed, "applied moves forward within committed");
        Applied = index;
    }

    public IReadOnlyList<Entry> UnstableEntries() =>
        UnstableFrom > LastIndex ? [] : _entries.GetRange((int)(UnstableFrom - FirstIndex), (int)(LastIndex - UnstableFrom + 1));

    public void StableTo(ulong lastIndex) => UnstableFrom = Math.Max(UnstableFrom, lastIndex + 1);

    /// <summary>Replaces the whole log with a snapshot from the leader (section 7, InstallSnapshot receiver rules 6-8).</summary>
    public void Restore(Snapshot snapshot)
    {
        Invariant.Require(snapshot.Metadata.Index > Committed, "only a snapshot ahead of the commit index replaces the log");
        _entries.Clear();
        Snapshot = snapshot;
        PendingSnapshot = snapshot;
        Committed = snapshot.Metadata.Index;
        UnstableFrom = LastIndex + 1;
    }

    public void SnapshotInstalled(ulong index)
    {
        if (PendingSnapshot is not null && PendingSnapshot.Metadata.Index == index)
        {
            PendingSnapshot = null;
            Applied = Math.Max(Applied, index);
        }
    }

    /// <summary>Drops entries up to <paramref name="snapshot"/>'s index, which the host has applied and captured.</summary>
    public void Compact(Snapshot snapshot)
    {
        ulong index = snapshot.Metadata.Index;
        Invariant.Require(index > SnapshotIndex && index <= Applied, "compact only applied entries after the snapshot");
        Invariant.Require(TermAt(index) == snapshot.Metadata.Term, "snapshot term matches the log");
        _entries.RemoveRange(0, (int)(index - SnapshotIndex));
        Snapshot = snapshot;
    }

    /// <summary>Cheap (constant-time) structural checks, run after every Advance. <see cref="AssertInvariantsFully"/> walks the log.</summary>
    public void AssertInvariants()
    {
        Invariant.Require(_entries.Count == 0 || (_entries[0].Index == FirstIndex && _entries[^1].Index == LastIndex), "entries are contiguous");
        Invariant.Require(_entries.Count == 0 || _entries[0].Term >= Snapshot.Metadata.Term, "terms never decrease");
        Invariant.Require(PendingSnapshot is not null || SnapshotIndex <= Applied, "applied covers the snapshot once installed");
        Invariant.Require(Applied <= Committed && Committed <= LastIndex, "applied ≤ committed ≤ last");
        Invariant.Require(UnstableFrom >= FirstIndex && UnstableFrom <= LastIndex + 1, "unstable offset within the log");
    }

    public void AssertInvariantsFully()
    {
        AssertInvariants();
        for (int i = 0; i < _entries.Count; i++)
        {
            Invariant.Require(_entries[i].Index == FirstIndex + (ulong)i, "entries are contiguous");
            Invariant.Require(_entries[i].Term >= (i == 0 ? Snapshot.Metadata.Term : _entries[i - 1].Term), "terms never decrease");
        }
    }
}
