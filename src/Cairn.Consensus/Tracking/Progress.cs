using Cairn.Primitives;

namespace Cairn.Consensus.Tracking;

/// <summary>
/// The leader's view of one follower's log. Single-threaded, owned by <see cref="RaftNode"/>.
/// </summary>
/// <remarks>
/// Invariants: <see cref="Match"/> &lt; <see cref="Next"/>; in Snapshot state <see cref="PendingSnapshotIndex"/> &gt; 0; in-flight
/// appends exist only in Replicate state.
/// </remarks>
public sealed class Progress
{
    private readonly Inflights _inflights;

    internal Progress(ulong next, int maxInflightMessages, bool isLearner)
    {
        Next = next;
        IsLearner = isLearner;
        _inflights = new Inflights(maxInflightMessages);
        State = ProgressState.Probe;
    }

    public ulong Match { get; private set; }

    public ulong Next { get; private set; }

    public ProgressState State { get; private set; }

    public bool IsLearner { get; internal set; }

    /// <summary>In Probe state: an append is outstanding, so wait for its answer or the next heartbeat before sending another.</summary>
    public bool ProbeSent { get; internal set; }

    public ulong PendingSnapshotIndex { get; private set; }

    /// <summary>Leader tick at which the snapshot was sent, to retry a lost one.</summary>
    internal ulong SnapshotSentTick { get; private set; }

    /// <summary>Heard from since the last CheckQuorum round.</summary>
    public bool RecentActive { get; internal set; }

    /// <summary>Highest leader tick, at send time, of an Append or Heartbeat this follower acknowledged in this term (lease).</summary>
    internal ulong AcknowledgedSendTick { get; set; }

    internal int InflightCount => _inflights.Count;

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => _inflights.IsFull,
        _ => true,
    };

    public void BecomeProbe()
    {
        // Coming back from a snapshot, the follower has at least the snapshot; probing from there avoids resending it.
        if (State == ProgressState.Snapshot)
        {
            ulong pending = PendingSnapshotIndex;
            ResetState(ProgressState.Probe);
            Next = Math.Max(Match + 1, pending + 1);
        }
        else
        {
            ResetState(ProgressState.Probe);
            Next = Match + 1;
        }
    }

    /// <summary>The snapshot was lost or refused: probe again from what the follower is known to have.</summary>
    internal void SnapshotFailed()
    {
        ResetState(ProgressState.Probe);
        Next = Match + 1;
    }

    public void BecomeReplicate()
    {
        ResetState(ProgressState.Replicate);
        Next = Match + 1;
    }

    internal void BecomeSnapshot(ulong snapshotIndex, ulong nowTick)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshotIndex = snapshotIndex;
        SnapshotSentTick = nowTick;
    }

    /// <summary>Records an acknowledgement up to <paramref name="index"/>; false when it tells nothing new (stale or duplicate).</summary>
    public bool MaybeUpdate(ulong index)
    {
        bool updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }
        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>Replicate state: entries up to <paramref name="lastIndex"/> are on their way, so the next append starts after them.</summary>
    internal void SentEntries(ulong lastIndex)
    {
        Invariant.Require(State == ProgressState.Replicate, "optimistic sends happen in Replicate state only");
        Next = lastIndex + 1;
        _inflights.Add(lastIndex);
    }

    internal void FreeInflightsUpTo(ulong index) => _inflights.FreeUpTo(index);

    /// <summary>
    /// A heartbeat answer proves the follower reachable; if the window is full its appends were probably lost, so let one more
    /// through. If the follower lacks what precedes it, its rejection sends this progress back to probing (etcd does the same).
    /// </summary>
    internal void HeartbeatAnswered()
    {
        if (State == ProgressState.Replicate && _inflights.IsFull)
        {
            _inflights.FreeFirst();
        }
        ProbeSent = false;
    }

    /// <summary>
    /// Handles a rejected append at <paramref name="rejected"/>, with the follower's hint that its log ends at
    /// <paramref name="followerLastIndex"/>. Returns false when the rejection is stale (answers an earlier probe).
    /// </summary>
    public bool MaybeDecreaseTo(ulong rejected, ulong followerLastIndex)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match)
            {
                return false;
            }
            Next = Match + 1;
            return true;
        }
        if (Next - 1 != rejected)
        {
            return false;
        }
        Next = Math.Max(Math.Min(rejected, followerLastIndex + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    private void ResetState(ProgressState state)
    {
        ProbeSent = false;
        PendingSnapshotIndex = 0;
        State = state;
        _inflights.Reset();
    }

    public override string ToString() => $"{State} match={Match} next={Next} inflight={_inflights.Count}";
}
