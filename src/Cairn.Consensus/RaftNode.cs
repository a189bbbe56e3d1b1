using Cairn.Consensus.Codec;
using Cairn.Consensus.Log;
using Cairn.Consensus.Membership;
using Cairn.Consensus.Quorum;
using Cairn.Consensus.ReadOnly;
using Cairn.Consensus.Tracking;
using Cairn.Primitives;

namespace Cairn.Consensus;

/// <summary>
/// One Raft peer as a pure, deterministic state machine (etcd raft's shape): the host calls <see cref="Tick"/> on a timer,
/// <see cref="Step"/> for each message received, and the proposal methods; then takes a <see cref="Ready"/>, carries out its duties
/// in the stated order, and calls <see cref="Advance"/>. No IO, clock, threads or ambient randomness.
/// </summary>
/// <remarks>
/// Thread safety: none; one thread (or one actor) owns a node.
/// Invariants:
/// 1. at most one leader per term (votes are persisted before they are sent, one per term);
/// 2. a leader never overwrites or deletes its own entries, and commits by counting only entries of its own term (5.4.2);
/// 3. the configuration in force is the newest one in the log, committed or not; at most one is uncommitted at a time;
/// 4. between <see cref="GetReady"/> and <see cref="Advance"/> no other call is accepted.
/// </remarks>
public sealed class RaftNode
{
    private readonly RaftOptions _options;
    private readonly IRandomSource _random;
    private readonly RaftLog _log;
    private readonly ConfigurationHistory _configurations;
    private readonly ProgressTracker _tracker;
    private readonly ReadIndexTracker _reads;
    private readonly List<ulong> _readsAwaitingCommit = [];
    private List<Message> _messages = [];
    private List<ReadState> _readStates = [];

    private int _electionElapsedTicks;
    private int _heartbeatElapsedTicks;
    private int _randomizedElectionTimeoutTicks;

    // Logical clock of this node, in ticks since start; leases are measured on it.
    private ulong _nowTick;

    // CheckQuorum's promise: until this tick, refuse to vote for a candidate (unless the leader asked for the transfer), because
    // a leader may be serving reads from a lease that counts on us.
    private ulong _voteGuardUntilTick;

    private ulong _leadTransferee;
    private bool _leaseDisabledThisTerm;
    private bool _broadcastPending;
    private bool _heartbeatPending;
    private HardState _previousHardState;
    private SoftState _previousSoftState;
    private Ready? _outstandingReady;

    public RaftNode(RaftOptions options, PersistedState state)
    {
        options.Validate();
        _options = options;
        _random = options.Random;
        Id = options.NodeId;
        var snapshot = state.Snapshot;
        Invariant.Require(state.HardState.Commit >= snapshot.Metadata.Index || state.HardState.Commit == 0, "commit covers the snapshot");
        _log = new RaftLog(snapshot, state.Entries, state.HardState.Commit);
        _configurations = new ConfigurationHistory(snapshot.Metadata.Index, snapshot.Metadata.Configuration);
        foreach (var entry in state.Entries)
        {
            RecordConfigurationEntry(entry);
        }
        _tracker = new ProgressTracker(options.MaxInflightMessages);
        _reads = new ReadIndexTracker(options.MaxPendingReads);
        Term = state.HardState.Term;
        Vote = state.HardState.Vote;
        _previousHardState = state.HardState;
        BecomeFollower(Term, 0);
        _previousSoftState = SoftState;
        // A restarted node may have acknowledged a leader just before crashing; it keeps that promise for one timeout.
        _voteGuardUntilTick = (ulong)options.ElectionTimeoutTicks;
    }

    public ulong Id { get; }

    public ulong Term { get; private set; }

    public ulong Vote { get; private set; }

    public ulong Leader { get; private set; }

    public NodeRole Role { get; private set; }

    public ulong Committed => _log.Committed;

    public ulong Applied => _log.Applied;

    public ulong LastIndex => _log.LastIndex;

    public ulong FirstIndex => _log.FirstIndex;

    public Configuration Configuration => _configurations.Current;

    public SoftState SoftState => new(Leader, Role);

    public HardState HardState => new(Term, Vote, _log.Committed);

    public ulong LeadershipTransferee => _leadTransferee;

    internal RaftLog Log => _log;

    public Progress? GetProgress(ulong node) => Role == NodeRole.Leader ? _tracker.Get(node) : null;

    private bool IsPromotable => _configurations.Current.IsVoter(Id) && _log.PendingSnapshot is null;

    // ---------------------------------------------------------------------------------------------------------------- input

    /// <summary>Advances logical time by one tick: election timeouts for followers, heartbeats and CheckQuorum for leaders.</summary>
    public void Tick()
    {
        RequireNoOutstandingReady();
        _nowTick++;
        if (Role == NodeRole.Leader)
        {
            TickLeader();
        }
        else
        {
            _electionElapsedTicks++;
            if (IsPromotable && _electionElapsedTicks >= _randomizedElectionTimeoutTicks)
            {
                _electionElapsedTicks = 0;
                Campaign(leadershipTransfer: false);
            }
        }
    }

    /// <summary>Starts an election now, as if the election timeout had elapsed (a host may do this at bootstrap). No-op on a leader or non-voter.</summary>
    public void Campaign()
    {
        RequireNoOutstandingReady();
        if (Role != NodeRole.Leader && IsPromotable)
        {
            Campaign(leadershipTransfer: false);
        }
    }

    /// <summary>Proposes an application command. Only the leader accepts.</summary>
    public ProposeResult Propose(byte[] data)
    {
        RequireNoOutstandingReady();
        var refusal = CheckCanPropose();
        if (refusal is { } status)
        {
            return new ProposeResult(status, 0, 0, Leader);
        }
        var entry = AppendAsLeader(EntryType.Normal, data);
        return new ProposeResult(ProposeStatus.Accepted, entry.Index, entry.Term, Leader);
    }

    /// <summary>Proposes a one-server membership change; it takes effect on every node as soon as the entry is in its log.</summary>
    public ProposeResult ProposeConfigurationChange(ConfigurationChange change)
    {
        RequireNoOutstandingReady();
        var refusal = CheckCanPropose();
        if (refusal is { } status)
        {
            return new ProposeResult(status, 0, 0, Leader);
        }
        if (_configurations.CurrentIndex > _log.Committed)
        {
            return new ProposeResult(ProposeStatus.ConfigurationChangePending, 0, 0, Leader);
        }
        // Without this, a leader elected under an older configuration could append a change that is not one server away from a
        // configuration a previous leader committed in the meantime (the one-server bug, Ongaro, raft-dev, 2015).
        if (_log.TermAt(_log.Committed) != Term)
        {
            return new ProposeResult(ProposeStatus.LeaderNotReady, 0, 0, Leader);
        }
        if (!_configurations.Current.TryApply(change, out _))
        {
            return new ProposeResult(ProposeStatus.InvalidConfigurationChange, 0, 0, Leader);
        }
        var entry = AppendAsLeader(EntryType.ConfigurationChange, RaftCodec.EncodeConfigurationChange(change));
        return new ProposeResult(ProposeStatus.Accepted, entry.Index, entry.Term, Leader);
    }

    /// <summary>
    /// Asks for a linearizable read point without writing to the log (dissertation 6.4). The answer is a <see cref="ReadState"/>
    /// with <paramref name="requestId"/> (non-zero, unique per pending request) in a later Ready.
    /// </summary>
    public ReadIndexStatus ReadIndex(ulong requestId)
    {
        RequireNoOutstandingReady();
        Invariant.Require(requestId != 0, "request id 0 means none");
        if (Role != NodeRole.Leader)
        {
            return ReadIndexStatus.NotLeader;
        }
        if (_reads.IsFull || _readsAwaitingCommit.Count >= _options.MaxPendingReads)
        {
            return ReadIndexStatus.TooManyPendingReads;
        }
        // Until an entry of this term commits, the leader's commit index may lag what earlier leaders committed (6.4 step 1).
        if (_log.TermAt(_log.Committed) != Term)
        {
            _readsAwaitingCommit.Add(requestId);
            return ReadIndexStatus.Accepted;
        }
        ServeRead(requestId);
        return ReadIndexStatus.Accepted;
    }

    /// <summary>Hands leadership to <paramref name="target"/> (dissertation 3.10); proposals are refused until it completes or times out.</summary>
    public TransferStatus TransferLeadership(ulong target)
    {
        RequireNoOutstandingReady();
        if (Role != NodeRole.Leader)
        {
            return TransferStatus.NotLeader;
        }
        if (target == Id)
        {
            return TransferStatus.AlreadyLeader;
        }
        if (!_configurations.Current.IsVoter(target) || _tracker.Get(target) is not { } progress)
        {
            return TransferStatus.NotAVoter;
        }
        _leadTransferee = target;
        _electionElapsedTicks = 0;
        if (progress.Match == _log.LastIndex)
        {
            SendTimeoutNow(target);
        }
        else
        {
            SendAppend(target, sendIfEmpty: true);
        }
        return TransferStatus.Started;
    }

    /// <summary>Feeds one message from a peer. Messages for another node, from node 0 or stale are ignored.</summary>
    public void Step(Message message)
    {
        RequireNoOutstandingReady();
        if (message.To != Id || message.From == 0 || message.From == Id)
        {
            return;
        }
        if (message.Term > Term)
        {
            if (message.Type is MessageType.Vote or MessageType.PreVote)
            {
                bool inLease = _options.CheckQuorum && _nowTick < _voteGuardUntilTick;
                if (inLease && !message.IsLeadershipTransfer)
                {
                    return;
                }
            }
            if (message.Type == MessageType.PreVote || (message.Type == MessageType.PreVoteResponse && !message.Reject))
            {
                // A pre-vote (or a granted answer to ours) carries the term a real election would use; it changes nothing yet.
            }
            else if (message.Type is MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot)
            {
                BecomeFollower(message.Term, message.From);
            }
            else
            {
                BecomeFollower(message.Term, 0);
            }
        }
        else if (message.Term < Term)
        {
            if ((_options.CheckQuorum || _options.PreVote) && message.Type is MessageType.Append or MessageType.Heartbeat)
            {
                // Tell a deposed leader about the new term; otherwise, with PreVote, nodes that ignore it never dislodge it.
                Send(new Message { Type = MessageType.AppendResponse, To = message.From, From = Id, Term = Term });
            }
            else if (message.Type == MessageType.PreVote)
            {
                Send(new Message { Type = MessageType.PreVoteResponse, To = message.From, From = Id, Term = Term, Reject = true });
            }
            return;
        }

        switch (message.Type)
        {
            case MessageType.Vote:
            case MessageType.PreVote:
                HandleVoteRequest(message);
                return;
        }

        switch (Role)
        {
            case NodeRole.Leader:
                StepLeader(message);
                break;
            case NodeRole.Candidate:
            case NodeRole.PreCandidate:
                StepCandidate(message);
                break;
            default:
                StepFollower(message);
                break;
        }
    }

    // --------------------------------------------------------------------------------------------------------------- output

    public bool HasReady()
    {
        if (_outstandingReady is not null)
        {
            return false;
        }
        return _broadcastPending || _heartbeatPending || _messages.Count > 0 || _readStates.Count > 0 ||
            !SoftState.Equals(_previousSoftState) || !HardState.Equals(_previousHardState) ||
            _log.UnstableFrom <= _log.LastIndex || _log.PendingSnapshot is not null ||
            (_log.PendingSnapshot is null && _log.Applied < _log.Committed);
    }

    /// <summary>Collects the host's duties since the last <see cref="Advance"/>. See <see cref="Ready"/> for the order.</summary>
    public Ready GetReady()
    {
        RequireNoOutstandingReady();
        FlushBroadcasts();
        var softState = SoftState;
        var hardState = HardState;
        IReadOnlyList<Entry> committed = [];
        if (_log.PendingSnapshot is null && _log.Applied < _log.Committed)
        {
            committed = _log.Slice(_log.Applied + 1, _log.Committed, _options.MaxCommittedEntriesPerReady);
        }
        var ready = new Ready(
            softState.Equals(_previousSoftState) ? null : softState,
            hardState.Equals(_previousHardState) ? null : hardState,
            _log.UnstableEntries(),
            _log.PendingSnapshot,
            _messages,
            committed,
            _readStates);
        _messages = [];
        _readStates = [];
        _outstandingReady = ready;
        return ready;
    }

    /// <summary>Tells the node the host has done everything <paramref name="ready"/> asked.</summary>
    public void Advance(Ready ready)
    {
        Invariant.Require(ReferenceEquals(ready, _outstandingReady), "advance the Ready last returned");
        _outstandingReady = null;
        if (ready.SoftState is { } softState)
        {
            _previousSoftState = softState;
        }
        if (ready.HardState is { } hardState)
        {
            _previousHardState = hardState;
        }
        if (ready.Snapshot is not null)
        {
            _log.SnapshotInstalled(ready.Snapshot.Metadata.Index);
        }
        if (ready.Entries.Count > 0)
        {
            _log.StableTo(ready.Entries[^1].Index);
        }
        if (ready.CommittedEntries.Count > 0)
        {
            _log.AppliedTo(ready.CommittedEntries[^1].Index);
        }
        if (Role == NodeRole.Leader && _tracker.Get(Id) is { } self && self.MaybeUpdate(_log.StableLastIndex))
        {
            // The leader counts itself only for entries it has persisted.
            if (MaybeCommit())
            {
                _broadcastPending = true;
            }
        }
        _log.AssertInvariants();
    }

    /// <summary>
    /// Discards log entries up to <paramref name="index"/> (at most the applied index), replacing them with the host's snapshot
    /// <paramref name="data"/> of the state machine at that index. The host persists the returned snapshot and drops the prefix.
    /// </summary>
    public Snapshot Compact(ulong index, byte[] data)
    {
        RequireNoOutstandingReady();
        Invariant.Require(index <= _log.Applied && index > _log.SnapshotIndex, "compact applied entries after the last snapshot");
        var metadata = new SnapshotMetadata(index, _log.TermAt(index), _configurations.At(index));
        var snapshot = new Snapshot(metadata, data);
        _configurations.CompactTo(index);
        _log.Compact(snapshot);
        return snapshot;
    }

    // --------------------------------------------------------------------------------------------------------- role changes

    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Invariant.Require(term > Term, "terms only increase");
            Term = term;
            Vote = 0;
        }
        Leader = 0;
        _electionElapsedTicks = 0;
        _heartbeatElapsedTicks = 0;
        _randomizedElectionTimeoutTicks = _options.ElectionTimeoutTicks + _random.NextInt(_options.ElectionTimeoutTicks);
        _leadTransferee = 0;
        _leaseDisabledThisTerm = false;
        _broadcastPending = false;
        _heartbeatPending = false;
        _tracker.ResetVotes();
        _tracker.ResetAll(_configurations.Current, _log.LastIndex + 1);
        _reads.Clear();
        _readsAwaitingCommit.Clear();
    }

    private void BecomeFollower(ulong term, ulong leader)
    {
        Reset(term);
        Leader = leader;
        Role = NodeRole.Follower;
    }

    private void BecomePreCandidate()
    {
        Invariant.Require(Role != NodeRole.Leader, "a leader does not campaign");
        // Pre-candidates keep their term and vote: nothing changes unless a majority would elect them.
        _tracker.ResetVotes();
        Leader = 0;
        Role = NodeRole.PreCandidate;
    }

    private void BecomeCandidate()
    {
        Invariant.Require(Role != NodeRole.Leader, "a leader does not campaign");
        Reset(Term + 1);
        Vote = Id;
        Role = NodeRole.Candidate;
    }

    private void BecomeLeader()
    {
        Invariant.Require(Role == NodeRole.Candidate, "only a candidate becomes leader");
        Reset(Term);
        Leader = Id;
        Role = NodeRole.Leader;
        if (_tracker.Get(Id) is { } self)
        {
            self.BecomeReplicate();
            self.MaybeUpdate(_log.StableLastIndex);
        }
        // A no-op of the new term lets the leader commit everything before it (section 8) and unlocks reads and changes.
        AppendAsLeader(EntryType.Normal, []);
    }

    private void Campaign(bool leadershipTransfer) => Campaign(_options.PreVote && !leadershipTransfer, leadershipTransfer);

    private void Campaign(bool preVote, bool leadershipTransfer)
    {
        MessageType type;
        ulong term;
        if (preVote)
        {
            BecomePreCandidate();
            type = MessageType.PreVote;
            term = Term + 1;
        }
        else
        {
            BecomeCandidate();
            type = MessageType.Vote;
            term = Term;
        }
        _tracker.RecordVote(Id, granted: true);
        if (TallyAndAct())
        {
            return;
        }
        foreach (ulong voter in _configurations.Current.Voters)
        {
            if (voter == Id)
            {
                continue;
            }
            Send(new Message
            {
                Type = type,
                To = voter,
                From = Id,
                Term = term,
                Index = _log.LastIndex,
                LogTerm = _log.LastTerm,
                IsLeadershipTransfer = leadershipTransfer,
            });
        }
    }

    /// <summary>Counts votes; wins or loses the (pre-)election if decided. Returns true when it was decided.</summary>
    private bool TallyAndAct()
    {
        switch (_tracker.TallyVotes(_configurations.Current))
        {
            case VoteResult.Won:
                if (Role == NodeRole.PreCandidate)
                {
                    Campaign(preVote: false, leadershipTransfer: false);
                }
                else
                {
                    BecomeLeader();
                }
                return true;
            case VoteResult.Lost:
                BecomeFollower(Term, 0);
                return true;
            default:
                return false;
        }
    }

    // ----------------------------------------------------------------------------------------------------------- per role

    private void HandleVoteRequest(Message message)
    {
        bool isPreVote = message.Type == MessageType.PreVote;
        bool canVote = Vote == message.From || (Vote == 0 && Leader == 0) || (isPreVote && message.Term > Term);
        var responseType = isPreVote ? MessageType.PreVoteResponse : MessageType.VoteResponse;
        if (canVote && _log.IsUpToDate(message.Index, message.LogTerm))
        {
            // The answer carries the candidate's term: for a pre-vote ours has not changed, and the candidate ignores older terms.
            Send(new Message { Type = responseType, To = message.From, From = Id, Term = message.Term });
            if (!isPreVote)
            {
                _electionElapsedTicks = 0;
                Vote = message.From;
            }
        }
        else
        {
            Send(new Message { Type = responseType, To = message.From, From = Id, Term = Term, Reject = true });
        }
    }

    private void StepCandidate(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append:
                BecomeFollower(Term, message.From);
                HandleAppend(message);
                break;
            case MessageType.Heartbeat:
                BecomeFollower(Term, message.From);
                HandleHeartbeat(message);
                break;
            case MessageType.InstallSnapshot:
                BecomeFollower(Term, message.From);
                HandleSnapshot(message);
                break;
            case MessageType.PreVoteResponse when Role == NodeRole.PreCandidate:
            case MessageType.VoteResponse when Role == NodeRole.Candidate:
                _tracker.RecordVote(message.From, !message.Reject);
                TallyAndAct();
                break;
        }
    }

    private void StepFollower(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append:
                HeardFromLeader(message.From);
                HandleAppend(message);
                break;
            case MessageType.Heartbeat:
                HeardFromLeader(message.From);
                HandleHeartbeat(message);
                break;
            case MessageType.InstallSnapshot:
                HeardFromLeader(message.From);
                HandleSnapshot(message);
                break;
            case MessageType.TimeoutNow:
                if (IsPromotable)
                {
                    Campaign(leadershipTransfer: true);
                }
                break;
        }
    }

    private void HeardFromLeader(ulong leader)
    {
        _electionElapsedTicks = 0;
        Leader = leader;
        _voteGuardUntilTick = _nowTick + (ulong)_options.ElectionTimeoutTicks;
    }

    private void HandleAppend(Message message)
    {
        if (message.Index < _log.Committed)
        {
            SendAppendResponse(message, _log.Committed);
            return;
        }
        ulong oldLast = _log.LastIndex;
        ulong? lastNew = _log.TryAppend(message.Index, message.LogTerm, message.Entries, out ulong truncatedFrom);
        if (lastNew is null)
        {
            Send(new Message
            {
                Type = MessageType.AppendResponse,
                To = message.From,
                From = Id,
                Term = Term,
                Index = message.Index,
                Reject = true,
                RejectHint = Math.Min(message.Index, _log.LastIndex),
                LeaderTick = message.LeaderTick,
            });
            return;
        }
        if (truncatedFrom != 0)
        {
            _configurations.TruncateFrom(truncatedFrom);
        }
        ulong appendedFrom = truncatedFrom != 0 ? truncatedFrom : oldLast + 1;
        foreach (var entry in message.Entries)
        {
            if (entry.Index >= appendedFrom)
            {
                RecordConfigurationEntry(entry);
            }
        }
        _log.CommitTo(Math.Min(message.Commit, lastNew.Value));
        SendAppendResponse(message, lastNew.Value);
    }

    private void SendAppendResponse(Message request, ulong index) =>
        Send(new Message
        {
            Type = MessageType.AppendResponse,
            To = request.From,
            From = Id,
            Term = Term,
            Index = index,
            LeaderTick = request.LeaderTick,
        });

    private void HandleHeartbeat(Message message)
    {
        // The leader sends min(commit, our match), so this never passes the end of our log.
        _log.CommitTo(message.Commit);
        Send(new Message
        {
            Type = MessageType.HeartbeatResponse,
            To = message.From,
            From = Id,
            Term = Term,
            Context = message.Context,
            LeaderTick = message.LeaderTick,
        });
    }

    private void HandleSnapshot(Message message)
    {
        var snapshot = message.Snapshot;
        Invariant.Require(snapshot is not null, "InstallSnapshot carries a snapshot");
        var metadata = snapshot.Metadata;
        if (metadata.Index <= _log.Committed)
        {
            SendAppendResponse(message, _log.Committed);
            return;
        }
        if (_log.MatchTerm(metadata.Index, metadata.Term))
        {
            // Section 7: our log already has the snapshot's last entry; keep what follows it and just learn the commit.
            _log.CommitTo(metadata.Index);
            SendAppendResponse(message, _log.Committed);
            return;
        }
        _log.Restore(snapshot);
        _configurations.Reset(metadata.Index, metadata.Configuration);
        SendAppendResponse(message, _log.LastIndex);
    }

    private void StepLeader(Message message)
    {
        Invariant.Require(message.Type is not (MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot),
            "two leaders in one term");
        var progress = _tracker.Get(message.From);
        if (progress is null)
        {
            return;
        }
        switch (message.Type)
        {
            case MessageType.AppendResponse:
                progress.RecentActive = true;
                progress.AcknowledgedSendTick = Math.Max(progress.AcknowledgedSendTick, message.LeaderTick);
                HandleAppendResponse(message, progress);
                break;
            case MessageType.HeartbeatResponse:
                progress.RecentActive = true;
                progress.AcknowledgedSendTick = Math.Max(progress.AcknowledgedSendTick, message.LeaderTick);
                progress.HeartbeatAnswered();
                if (progress.Match < _log.LastIndex)
                {
                    SendAppend(message.From, sendIfEmpty: true);
                }
                if (message.Context != 0)
                {
                    _readStates.AddRange(_reads.Acknowledge(message.Context, message.From, _configurations.Current.Voters));
                }
                break;
        }
    }

    private void HandleAppendResponse(Message message, Progress progress)
    {
        if (message.Reject)
        {
            if (progress.MaybeDecreaseTo(message.Index, message.RejectHint))
            {
                if (progress.State == ProgressState.Replicate)
                {
                    progress.BecomeProbe();
                }
                SendAppend(message.From, sendIfEmpty: true);
            }
            return;
        }
        bool wasPaused = progress.IsPaused;
        if (!progress.MaybeUpdate(message.Index))
        {
            return;
        }
        switch (progress.State)
        {
            case ProgressState.Probe:
                progress.BecomeReplicate();
                break;
            case ProgressState.Snapshot when progress.Match >= progress.PendingSnapshotIndex:
                progress.BecomeProbe();
                progress.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                progress.FreeInflightsUpTo(message.Index);
                break;
        }
        if (MaybeCommit())
        {
            _broadcastPending = true;
        }
        else if (wasPaused || progress.State == ProgressState.Replicate)
        {
            SendAppendsWhileUnpaused(message.From);
        }
        if (message.From == _leadTransferee && progress.Match == _log.LastIndex)
        {
            SendTimeoutNow(message.From);
        }
    }

    private void TickLeader()
    {
        _heartbeatElapsedTicks++;
        _electionElapsedTicks++;
        // A leader keeps its own promise too: while it leads, it is in contact with itself.
        _voteGuardUntilTick = _nowTick + (ulong)_options.ElectionTimeoutTicks;
        if (_electionElapsedTicks >= _options.ElectionTimeoutTicks)
        {
            _electionElapsedTicks = 0;
            if (_options.CheckQuorum)
            {
                if (!_tracker.QuorumActive(_configurations.Current, Id))
                {
                    BecomeFollower(Term, 0);
                    return;
                }
                _tracker.ResetRecentActive(Id);
            }
            _leadTransferee = 0;
        }
        foreach (var (node, progress) in _tracker.All)
        {
            // A snapshot can be lost like any message; after a timeout, probe again (which resends it if still needed).
            if (node != Id && progress.State == ProgressState.Snapshot &&
                _nowTick - progress.SnapshotSentTick >= (ulong)_options.ElectionTimeoutTicks)
            {
                progress.SnapshotFailed();
            }
        }
        if (_heartbeatElapsedTicks >= _options.HeartbeatIntervalTicks)
        {
            _heartbeatElapsedTicks = 0;
            _heartbeatPending = true;
        }
    }

    // ------------------------------------------------------------------------------------------------------------- leader

    private ProposeStatus? CheckCanPropose()
    {
        if (Role != NodeRole.Leader)
        {
            return ProposeStatus.NotLeader;
        }
        if (_leadTransferee != 0)
        {
            return ProposeStatus.LeadershipTransferInProgress;
        }
        if (_log.LastIndex - _log.Committed >= (ulong)_options.MaxUncommittedEntries)
        {
            return ProposeStatus.TooManyUncommittedEntries;
        }
        return null;
    }

    private Entry AppendAsLeader(EntryType type, byte[] data)
    {
        var entry = new Entry(Term, _log.LastIndex + 1, type, data);
        _log.Append(entry);
        RecordConfigurationEntry(entry);
        _broadcastPending = true;
        return entry;
    }

    private void RecordConfigurationEntry(Entry entry)
    {
        if (entry.Type != EntryType.ConfigurationChange || entry.Index <= _configurations.CurrentIndex)
        {
            return;
        }
        if (!RaftCodec.TryDecodeConfigurationChange(entry.Data, out var change))
        {
            Invariant.Fail("undecodable configuration change in the log");
        }
        _configurations.Append(entry.Index, change);
        if (Role == NodeRole.Leader)
        {
            _tracker.Reconcile(_configurations.Current, _log.LastIndex + 1);
            _tracker.Get(Id)?.MaybeUpdate(_log.StableLastIndex);
        }
    }

    /// <summary>Section 5.3/5.4.2: commit the highest index a majority stores, if it is of the current term.</summary>
    private bool MaybeCommit()
    {
        ulong quorumIndex = _tracker.CommittedIndex(_configurations.Current);
        if (quorumIndex <= _log.Committed || _log.TermAt(quorumIndex) != Term)
        {
            return false;
        }
        _log.CommitTo(quorumIndex);
        if (_readsAwaitingCommit.Count > 0)
        {
            foreach (ulong requestId in _readsAwaitingCommit)
            {
                ServeRead(requestId);
            }
            _readsAwaitingCommit.Clear();
        }
        if (!_configurations.Current.IsVoter(Id) && _log.Committed >= _configurations.CurrentIndex)
        {
            // The configuration that removed us is committed: the rest of the cluster can elect a leader without us.
            BecomeFollower(Term, 0);
        }
        return true;
    }

    private void ServeRead(ulong requestId)
    {
        var configuration = _configurations.Current;
        if (configuration.Voters.Count == 1 && configuration.IsVoter(Id))
        {
            _readStates.Add(new ReadState(requestId, _log.Committed));
            return;
        }
        if (_options.ReadMode == ReadMode.LeaderLease && IsLeaseValid())
        {
            _readStates.Add(new ReadState(requestId, _log.Committed));
            return;
        }
        _reads.Add(requestId, _log.Committed, Id);
        _heartbeatPending = true;
    }

    private bool IsLeaseValid()
    {
        if (_leaseDisabledThisTerm || _leadTransferee != 0)
        {
            return false;
        }
        ulong since = _tracker.QuorumAcknowledgedSendTick(_configurations.Current, Id, _nowTick);
        return since > 0 && _nowTick < since + (ulong)_options.LeaseTicks;
    }

    private void SendTimeoutNow(ulong target)
    {
        // The target will campaign past every follower's lease promise, so this leader's lease is void for the rest of its term.
        _leaseDisabledThisTerm = true;
        Send(new Message { Type = MessageType.TimeoutNow, To = target, From = Id, Term = Term });
    }

    private void FlushBroadcasts()
    {
        if (Role != NodeRole.Leader)
        {
            _broadcastPending = false;
            _heartbeatPending = false;
            return;
        }
        if (_broadcastPending)
        {
            _broadcastPending = false;
            foreach (ulong node in _tracker.All.Keys)
            {
                if (node != Id)
                {
                    SendAppend(node, sendIfEmpty: true);
                    SendAppendsWhileUnpaused(node);
                }
            }
        }
        if (_heartbeatPending)
        {
            _heartbeatPending = false;
            ulong context = _reads.NewestRequestId;
            foreach (var (node, progress) in _tracker.All)
            {
                if (node == Id)
                {
                    continue;
                }
                Send(new Message
                {
                    Type = MessageType.Heartbeat,
                    To = node,
                    From = Id,
                    Term = Term,
                    Commit = Math.Min(progress.Match, _log.Committed),
                    Context = context,
                    LeaderTick = _nowTick,
                });
            }
        }
    }

    private void SendAppendsWhileUnpaused(ulong node)
    {
        // Bounded: each send either adds to the in-flight window or pauses a probe.
        while (SendAppend(node, sendIfEmpty: false))
        {
        }
    }

    /// <summary>Sends the next append (or a snapshot) to <paramref name="node"/>; returns true when entries went out.</summary>
    private bool SendAppend(ulong node, bool sendIfEmpty)
    {
        var progress = _tracker.Get(node);
        if (progress is null || node == Id || progress.IsPaused)
        {
            return false;
        }
        ulong previousIndex = progress.Next - 1;
        if (progress.Next < _log.FirstIndex || !_log.TryGetTerm(previousIndex, out ulong previousTerm))
        {
            var snapshot = _log.Snapshot;
            progress.BecomeSnapshot(snapshot.Metadata.Index, _nowTick);
            Send(new Message { Type = MessageType.InstallSnapshot, To = node, From = Id, Term = Term, Snapshot = snapshot });
            return false;
        }
        var entries = _log.Slice(progress.Next, _log.LastIndex, _options.MaxEntriesPerMessage);
        if (entries.Count == 0 && !sendIfEmpty)
        {
            return false;
        }
        Send(new Message
        {
            Type = MessageType.Append,
            To = node,
            From = Id,
            Term = Term,
            Index = previousIndex,
            LogTerm = previousTerm,
            Entries = entries,
            Commit = _log.Committed,
            LeaderTick = _nowTick,
        });
        if (progress.State == ProgressState.Replicate)
        {
            if (entries.Count > 0)
            {
                progress.SentEntries(entries[^1].Index);
            }
        }
        else
        {
            progress.ProbeSent = true;
        }
        return entries.Count > 0;
    }

    private void Send(Message message)
    {
        Invariant.Require(message.Term != 0 || message.Type == MessageType.PreVoteResponse, "peer messages carry a term");
        _messages.Add(message);
    }

    private void RequireNoOutstandingReady() =>
        Invariant.Require(_outstandingReady is null, "the host must Advance the last Ready before calling the node again");
}
