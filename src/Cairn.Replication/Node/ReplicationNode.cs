using Cairn.Primitives;
using Cairn.Replication.AntiEntropy;
using Cairn.Replication.Handoff;
using Cairn.Replication.Membership;
using Cairn.Replication.Placement;
using Cairn.Replication.Protocol;
using Cairn.Replication.Quorum;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Node;

/// <summary>
/// One node of the Dynamo-style cluster as a pure state machine: gossip membership and failure detection, placement, quorum
/// writes (the first live replica of a key's preference list versions and replicates each write; the client is answered after
/// W acknowledgements), quorum reads with read repair, hinted handoff and Merkle-tree anti-entropy.
/// </summary>
/// <remarks>
/// Driving it: <see cref="Tick"/> on a timer with the physical time; <see cref="Step"/> for every peer message;
/// <see cref="Submit"/> for client requests; after each call, send <see cref="TakeMessages"/> and answer
/// <see cref="TakeCompletions"/>. No IO, clock, threads or ambient randomness. Thread safety: not thread safe; the shell
/// serialises every call (and the store calls the node makes run inside them).
/// Invariants: a key's recorded version only moves forward; a client request completes exactly once; the preference list
/// is a function of the membership's placement set.
/// </remarks>
public sealed class ReplicationNode
{
    /// <summary>Bounds the partition comparisons a membership change (or a truncated exchange) starts per tick.</summary>
    private const int MaxStreamsPerStep = 32;

    /// <summary>The error text of a WriteResult that says "the blocking command found nothing to serve" (not an error).</summary>
    private const string WouldBlockError = "WOULDBLOCK";

    /// <summary>The error text of a WriteResult that says "a WATCHed key changed: the transaction did not run".</summary>
    private const string WatchAbortedError = "WATCHABORT";

    /// <summary>
    /// <c>Required</c> of a Replicate whose write quorum does not wait for the receiver (it is complete already, W = 2 and the
    /// coordinator answered, or other replicas were asked to acknowledge at once): the receiver may hold its acknowledgement
    /// and send it with others, on its next message to the primary or on its next tick, instead of in a message of its own.
    /// The primary only needs it to forget the write (or to keep a hint for a replica that never acknowledges), which can
    /// wait well within the request timeout.
    /// </summary>
    private const int LazyAckRequired = 1;

    /// <summary>
    /// <c>Hash</c> of a ReadResult that carries versions and no reply: the replica holds nothing newer than the versions its
    /// Read carried (the coordinator's own), so it did not run the command.
    /// </summary>
    private const ulong VersionsOnlyReadResult = 1;

    /// <summary>
    /// <c>Hash</c> of a ReadResult that carries neither versions nor a reply: the replica's versions are exactly those its Read
    /// carried (the coordinator's own), the usual case with replicas in step. The coordinator counts its own versions for
    /// it: no clock encoded on the replica, none decoded on the coordinator (a version, its clock and entries, an array).
    /// </summary>
    private const ulong SameVersionsReadResult = 2;

    /// <summary>Held acknowledgements for one primary are sent at once past this many.</summary>
    private const int MaxLazyAcks = 512;

    private static CompletionStatus StatusOf(string error) =>
        error.StartsWith("NOQUORUM", StringComparison.Ordinal) ? CompletionStatus.NoQuorum
        : error == WatchAbortedError ? CompletionStatus.WatchAborted
        : CompletionStatus.Timeout;

    private static List<WatchedKey>? WatchedOf(PeerMessage message)
    {
        if (message.Payloads.Count == 0 || message.Payloads.Count != message.Versions.Count)
        {
            return null;
        }
        var watched = new List<WatchedKey>(message.Payloads.Count);
        for (int i = 0; i < message.Payloads.Count; i++)
        {
            watched.Add(new WatchedKey(message.Payloads[i] ?? [], message.Versions[i]));
        }
        return watched;
    }

    /// <summary>
    /// Streams wait until placement has not changed for this many ticks: a joining node learns the members one gossip at a
    /// time, and with only the seed known it would place every partition on itself and be streamed all of them (3 ticks
    /// was not always enough on a loaded machine: bench/cluster.sh saw a new node receive every key).
    /// </summary>
    private const int StreamSettleTicks = 5;

    private readonly ReplicationOptions _options;
    private readonly IReplicaStore _store;
    private readonly HybridLogicalClock _clock = new();
    private readonly List<PeerMessage> _outbox = [];
    private readonly List<Completion> _completions = [];
    private readonly Dictionary<long, PendingClient> _clients = [];
    private readonly Dictionary<long, PendingWrite> _writes = [];
    private readonly Queue<(int Partition, string Peer)> _streams = new();
    /// <summary>Write acknowledgements owed to each primary that did not need them for its quorum (see <see cref="LazyAckRequired"/>).</summary>
    private readonly Dictionary<string, List<ulong>> _lazyAcks = new(StringComparer.Ordinal);
    private long _nextWriteId = 1;
    private long _heartbeat;
    private long _incarnation;
    private int _nextAntiEntropyPartition;
    private long _physicalMilliseconds;
    private HybridTimestamp _flushFloor;
    private long _placementChangedTick;

    /// <param name="versions">The durable version table when the shell persists one (a restart keeps it); null = start empty.</param>
    public ReplicationNode(ReplicationOptions options, IReplicaStore store, VersionTable? versions = null)
    {
        Invariant.Require(options.NodeId.Length > 0, "node id required");
        _options = options;
        _store = store;
        _incarnation = options.Incarnation;
        Layout = new PartitionLayout(options.PartitionCount);
        Members = new MembershipState();
        Detector = new FailureDetector(options.SuspectAfterTicks, options.DownAfterTicks);
        Versions = versions ?? new VersionTable(options.PartitionCount, options.MerkleDepth);
        Invariant.Require(Versions.PartitionCount == options.PartitionCount, "version table shape");
        Hints = new HintStore(options.HintMaxBytes, options.HintWindowTicks);
        Members.Merge(SelfRecord());
        Map = new PartitionMap(Layout, Members.PlacementNodes(), options.ReplicationFactor, Members.PlacementVersion);
    }

    public string Id => _options.NodeId;

    public long CurrentTick { get; private set; }

    public PartitionLayout Layout { get; }

    public MembershipState Members { get; }

    public FailureDetector Detector { get; }

    public PartitionMap Map { get; private set; }

    public VersionTable Versions { get; }

    public HintStore Hints { get; }

    /// <summary>Blocking commands parked on keys this node found empty as primary (see <see cref="BlockedKeyWatches"/>).</summary>
    public BlockedKeyWatches Watches { get; } = new();

    public ReplicationStats Stats { get; } = new();

    public bool HasLeft { get; private set; }

    public int PendingRequests => _clients.Count + _writes.Count;

    public Liveness LivenessOf(string nodeId) => nodeId == Id ? Liveness.Alive : Detector.Of(nodeId, CurrentTick);

    /// <summary>Merges what is known of a peer (a seed met through the transport's handshake).</summary>
    public void Introduce(MemberRecord record)
    {
        MergeMember(record);
    }

    /// <summary>Marks this node as leaving: placement stops using it once gossip spreads the record.</summary>
    public void Leave()
    {
        HasLeft = true;
        Members.Merge(SelfRecord());
        RefreshMap();
    }

    public List<PeerMessage> TakeMessages()
    {
        var messages = new List<PeerMessage>(_outbox);
        _outbox.Clear();
        return messages;
    }

    public List<Completion> TakeCompletions()
    {
        var completions = new List<Completion>(_completions);
        _completions.Clear();
        return completions;
    }

    /// <summary>
    /// FLUSHALL reached this node (the shell flushed the engine): forget every version and hint, and refuse replica states
    /// versioned at or before <paramref name="flushedAt"/> (the coordinator's timestamp of the flush), so a write from
    /// before the flush still in flight (a hint, a push, a late replicate) cannot bring a key back. Later writes here are
    /// timestamped after it.
    /// </summary>
    public void Flush(HybridTimestamp flushedAt)
    {
        Versions.Clear();
        Hints.Clear();
        if (flushedAt > _flushFloor)
        {
            _flushFloor = flushedAt;
        }
        _clock.Observe(flushedAt, _physicalMilliseconds);
    }

    /// <summary>A timestamp for a cluster-wide FLUSHALL this node coordinates.</summary>
    public HybridTimestamp Timestamp(long physicalMilliseconds)
    {
        ObserveTime(physicalMilliseconds);
        return _clock.Now(_physicalMilliseconds);
    }

    /// <summary>Queues every partition this node replicates for an anti-entropy exchange with each other live replica.</summary>
    public int RequestRepair()
    {
        int queued = 0;
        for (int p = 0; p < Layout.PartitionCount; p++)
        {
            if (Map.IsReplica(p, Id))
            {
                foreach (string peer in Map.Replicas(p))
                {
                    if (peer != Id && LivenessOf(peer) != Liveness.Down)
                    {
                        SendMerkleRoot(p, peer);
                        queued++;
                    }
                }
            }
        }
        return queued;
    }

    public void Tick(long physicalMilliseconds)
    {
        CurrentTick++;
        ObserveTime(physicalMilliseconds);
        if (CurrentTick % _options.GossipIntervalTicks == 0)
        {
            Gossip();
        }
        SendAllLazyAcks();
        ExpireRequests();
        Watches.Expire(CurrentTick);
        if (CurrentTick % _options.HintReplayIntervalTicks == 0)
        {
            Hints.Expire(CurrentTick);
            ReplayHints();
        }
        // Streams after a membership change start every tick, not every anti-entropy interval: a joining node is otherwise
        // paced at MaxStreamsPerStep partitions per interval (bench/cluster.sh measured the join at 2 MB/s).
        StartStreams();
        if (_options.AntiEntropyIntervalTicks > 0 && CurrentTick % _options.AntiEntropyIntervalTicks == 0)
        {
            AntiEntropyStep();
        }
        CollectTombstones();
    }

    /// <summary>Whether a tombstone with this version is past the grace period (and so may be forgotten).</summary>
    private bool IsCollectable(ValueVersion version) =>
        _options.TombstoneGraceMilliseconds > 0
        && version.Timestamp.PhysicalMilliseconds < _physicalMilliseconds - _options.TombstoneGraceMilliseconds;

    /// <summary>
    /// Forgets the tombstones older than the grace period, a bounded number per tick. Every replica collects by the same
    /// rule on the tombstone's own timestamp, so their Merkle trees agree again once each has collected it; a tombstone past
    /// its grace is never pushed to another replica, and one that arrives anyway is applied but not kept
    /// (<see cref="Apply"/>), so replicas collecting a few ticks apart do not hand it back and forth.
    /// </summary>
    private void CollectTombstones()
    {
        if (_options.TombstoneGraceMilliseconds > 0)
        {
            Stats.TombstonesCollected += Versions.CollectTombstones(
                _physicalMilliseconds - _options.TombstoneGraceMilliseconds, _options.TombstonesCollectedPerTick);
        }
    }

    /// <summary>Starts coordinating a client request; its answer appears in <see cref="TakeCompletions"/>.</summary>
    /// <param name="physicalMilliseconds">The shell's clock now: writes are timestamped with it (through the hybrid clock).</param>
    public void Submit(long requestId, Operation operation, long physicalMilliseconds)
    {
        ObserveTime(physicalMilliseconds);
        Invariant.Require(!_clients.ContainsKey(requestId), "request ids are unique");
        Invariant.Require(operation.Replicas >= 1 && operation.Required >= 1 && operation.Required <= operation.Replicas, "1 <= R/W <= N");
        // The preference list read in place and the live replicas in a reused list: two allocations per request fewer.
        IReadOnlyList<string> preference = Map.Replicas(operation.Partition);
        int replicaCount = Math.Min(operation.Replicas, preference.Count);
        int required = Math.Min(operation.Required, replicaCount);
        List<string> live = _liveScratch;
        live.Clear();
        for (int i = 0; i < replicaCount; i++)
        {
            if (LivenessOf(preference[i]) != Liveness.Down)
            {
                live.Add(preference[i]);
            }
        }
        // Live first, then suspects; writes keep preference order within each (the primary first), reads ask this node first
        // and then its successors on the ring of node ids (see ReadsBefore).
        SortByRank(live, operation.IsWrite);
        int reachable = live.Count + (operation.IsWrite && _options.SloppyQuorum ? replicaCount - live.Count : 0);
        if (live.Count == 0 || reachable < required)
        {
            Stats.NoQuorumRefusals++;
            _completions.Add(new Completion(requestId, CompletionStatus.NoQuorum, [],
                $"NOQUORUM not enough replicas reachable for this key: need {required} of {replicaCount}, {live.Count} reachable"));
            return;
        }
        if (operation.IsWrite)
        {
            Stats.WritesCoordinated++;
            string primary = live[0];
            _clients[requestId] = new PendingClient(operation, CurrentTick + _options.RequestTimeoutTicks, null, primary);
            if (primary == Id)
            {
                StartPrimaryWrite(Id, requestId, operation);
            }
            else
            {
                Send(new PeerMessage
                {
                    Type = PeerMessageType.ForwardWrite,
                    From = Id,
                    To = primary,
                    RequestId = requestId,
                    Partition = operation.Partition,
                    Keys = operation.Keys,
                    Command = operation.Command,
                    Replicas = operation.Replicas,
                    Required = operation.Required,
                    // WATCHed keys ride in the otherwise unused payloads and versions of a ForwardWrite.
                    Payloads = operation.Watched is { } watched ? watched.Select(w => (byte[]?)w.Key).ToArray() : [],
                    Versions = operation.Watched is { } watchedVersions ? watchedVersions.Select(w => w.Version).ToArray() : [],
                });
            }
            return;
        }
        Stats.ReadsCoordinated++;
        var targets = new string[required];
        live.CopyTo(0, targets, 0, required);
        var quorum = new ReadQuorum(targets, required);
        _clients[requestId] = new PendingClient(operation, CurrentTick + _options.RequestTimeoutTicks, quorum, "");
        // This node reads first when it is a target, and the others get its versions' digests (8 bytes a key, no clock to
        // encode or decode): one whose versions are the same answers with neither versions nor reply (no command run), and
        // this node's reply stands. The usual read (R = 2, replicas in step) then runs the command once instead of twice.
        ulong[] digests = [];
        if (Array.IndexOf(targets, Id) >= 0)
        {
            digests = new ulong[operation.Keys.Count];
            (ValueVersion[] local, byte[] reply) = ExecuteRead(operation.Partition, operation.Keys, operation.Command, digests);
            quorum.Respond(Id, local, reply);
        }
        foreach (string target in targets)
        {
            if (target != Id)
            {
                SendRead(target, requestId, operation, digests);
            }
        }
        MaybeFinishRead(requestId);
    }

    public void Step(PeerMessage message, long physicalMilliseconds)
    {
        ObserveTime(physicalMilliseconds);
        if (message.To != Id)
        {
            return; // misrouted (a node restarted under a new id at the same address)
        }
        switch (message.Type)
        {
            case PeerMessageType.Gossip:
                Stats.GossipReceived++;
                ObservePeerClock(message.SentAtMilliseconds);
                foreach (MemberRecord record in message.Members)
                {
                    MergeMember(record);
                }
                break;
            case PeerMessageType.ForwardWrite:
                StartPrimaryWrite(message.From, message.RequestId,
                    new Operation(message.Partition, message.Keys, message.Command, true, message.Replicas, message.Required,
                        WatchedOf(message)));
                break;
            case PeerMessageType.WriteResult:
                if (_clients.Remove(message.RequestId, out PendingClient? client))
                {
                    _completions.Add(!message.Ok && message.Error == WouldBlockError
                        ? new Completion(message.RequestId, CompletionStatus.WouldBlock, message.Reply, "", message.Command,
                            (long)Math.Min(message.Hash, long.MaxValue))
                        : message.Ok
                        ? new Completion(message.RequestId, CompletionStatus.Ok, message.Reply, "")
                        : new Completion(message.RequestId, StatusOf(message.Error), [], message.Error));
                }
                break;
            case PeerMessageType.Replicate:
                OnReplicate(message);
                break;
            case PeerMessageType.ReplicateAck:
                OnReplicateAck(message);
                break;
            case PeerMessageType.Read:
                {
                    // A replica holding nothing newer than the coordinator's versions answers with versions only.
                    // A coordinator of this build sends its versions' digests: the same ones, answer so; else run the command
                    // (the coordinator's quorum picks the newest and repairs). One of an older build sends its versions.
                    bool same = false;
                    ValueVersion[]? held = message.Versions.Count > 0
                        ? VersionsNoNewerThan(message.Partition, message.Keys, message.Versions, out same)
                        : null;
                    if (message.Versions.Count == 0 && SameDigests(message.Partition, message.Keys, message.Hashes))
                    {
                        same = true;
                        held = [];
                    }
                    (ValueVersion[] versions, byte[] reply) = held is null
                        ? ExecuteRead(message.Partition, message.Keys, message.Command)
                        : (same ? [] : held, []);
                    Send(new PeerMessage
                    {
                        Type = PeerMessageType.ReadResult,
                        From = Id,
                        To = message.From,
                        RequestId = message.RequestId,
                        Ok = true,
                        Versions = versions,
                        Reply = reply,
                        Hash = held is null ? 0 : same ? SameVersionsReadResult : VersionsOnlyReadResult,
                    });
                    break;
                }
            case PeerMessageType.ReadResult:
                if (_clients.TryGetValue(message.RequestId, out PendingClient? reader) && reader.Reads is { } quorum)
                {
                    // Versions equal to this node's own (sent with the Read): count those. Else the replica's, one per key.
                    ValueVersion[]? versions = message.Hash == SameVersionsReadResult && message.Versions.Count == 0
                        ? quorum.VersionsOf(Id)
                        : message.Versions.Count == reader.Operation.Keys.Count
                        ? message.Versions as ValueVersion[] ?? [.. message.Versions]
                        : null;
                    if (versions is null || versions.Length != reader.Operation.Keys.Count)
                    {
                        break;
                    }
                    quorum.Respond(message.From, versions, message.Reply,
                        versionsOnly: message.Hash is VersionsOnlyReadResult or SameVersionsReadResult);
                    MaybeFinishRead(message.RequestId);
                }
                break;
            case PeerMessageType.Push:
                PushKeys(message.Partition, message.Keys, message.Nodes);
                break;
            case PeerMessageType.MerkleRoot:
                OnMerkleRoot(message);
                break;
            case PeerMessageType.MerkleLeaves:
                OnMerkleLeaves(message);
                break;
            case PeerMessageType.MerkleKeys:
                OnMerkleKeys(message);
                break;
            case PeerMessageType.KeyReady:
                _completions.Add(new Completion(message.RequestId, CompletionStatus.KeysReady, [], ""));
                break;
            default:
                break; // pub/sub and keyless commands are the shell's
        }
    }

    // ---- writes ----

    private void StartPrimaryWrite(string coordinator, long coordinatorRequestId, Operation operation)
    {
        string[] replicas = ReplicasFor(operation.Partition, operation.Replicas);
        int required = Math.Min(operation.Required, replicas.Length);
        int live = 0;
        foreach (string node in replicas)
        {
            live += LivenessOf(node) != Liveness.Down || _options.SloppyQuorum ? 1 : 0;
        }
        if (live < required || Array.IndexOf(replicas, Id) < 0)
        {
            Stats.NoQuorumRefusals++;
            AnswerWrite(coordinator, coordinatorRequestId, false, [],
                $"NOQUORUM not enough replicas reachable for this key: need {required} of {replicas.Length}, {live} reachable");
            return;
        }
        if (operation.Watched is { } watched)
        {
            foreach (WatchedKey key in watched)
            {
                if (Versions.VersionOf(Layout.PartitionOfKey(key.Key), key.Key).CompareNewness(key.Version) != 0)
                {
                    AnswerWrite(coordinator, coordinatorRequestId, false, [], WatchAbortedError);
                    return; // changed since WATCH (or this primary has a version the watcher's quorum did not see): abort
                }
            }
        }
        Stats.WritesAsPrimary++;
        ExecuteResult result = _store.Execute(operation.Command, operation.Keys, write: true);
        if (result.RetryCommand is not null)
        {
            // A blocking command with nothing to serve: park it here until one of its keys changes; the coordinator keeps
            // its client waiting and retries on KeyReady (or on its own after a while).
            Watches.Add(coordinator, coordinatorRequestId, operation.Keys, CurrentTick + _options.BlockWatchTicks);
            AnswerBlocked(coordinator, coordinatorRequestId, result);
            return;
        }
        if (!result.Changed)
        {
            AnswerWrite(coordinator, coordinatorRequestId, true, result.Reply, "");
            return;
        }
        IReadOnlyList<byte[]> changedKeys = operation.Keys;
        if (result.ChangedKeys is { } changed && changed.Length == operation.Keys.Count && Array.IndexOf(changed, false) >= 0
            && Array.IndexOf(changed, true) >= 0)
        {
            // Only the keys the command changed get a new version (and are replicated): a new version of a key it only
            // read would abort a WATCH on it that Redis keeps (BITOP's sources), and would ship a copy for nothing. (A
            // change that touched none of them, such as a consumer group's, still versions them all.)
            var touched = new List<byte[]>(operation.Keys.Count);
            for (int i = 0; i < changed.Length; i++)
            {
                if (changed[i])
                {
                    touched.Add(operation.Keys[i]);
                }
            }
            changedKeys = touched;
        }
        var versions = new ValueVersion[changedKeys.Count];
        var payloads = new byte[]?[changedKeys.Count];
        for (int i = 0; i < changedKeys.Count; i++)
        {
            byte[] key = changedKeys[i];
            ValueVersion current = Versions.VersionOf(operation.Partition, key);
            versions[i] = new ValueVersion(_clock.Now(_physicalMilliseconds), current.Clock.Increment(Id));
            payloads[i] = _store.Export(key);
            Versions.Record(operation.Partition, key, versions[i], payloads[i] is null);
            WakeWatchers(key);
        }
        long writeId = _nextWriteId++;
        var pending = new PendingWrite(coordinator, coordinatorRequestId, operation.Partition, changedKeys, versions, payloads,
            new WriteQuorum(replicas, required), CurrentTick + _options.RequestTimeoutTicks, result.Reply);
        pending.Quorum.Acknowledge(Id);
        foreach (string node in replicas)
        {
            if (node != Id && LivenessOf(node) == Liveness.Down)
            {
                bool stored = StoreHints(node, changedKeys, versions, payloads);
                if (stored && _options.SloppyQuorum)
                {
                    pending.Quorum.Acknowledge(node); // sloppy: the hint stands in for the replica
                }
            }
        }
        // A coordinator that is itself a replica answers its client once it has applied the state, when that application is
        // the last acknowledgement the quorum needs (W = 2: this node and the coordinator): the answer then takes two message
        // crossings (ForwardWrite, Replicate) instead of four (ForwardWrite, Replicate, ReplicateAck, WriteResult), and a
        // write four messages instead of six.
        bool coordinatorAnswers = coordinator != Id && Array.IndexOf(replicas, coordinator) >= 0
            && LivenessOf(coordinator) != Liveness.Down && pending.Quorum.Outcome == QuorumOutcome.Pending
            && pending.Quorum.Acknowledged + 1 >= pending.Quorum.Required;
        pending.Answered = coordinatorAnswers;
        if (coordinatorAnswers)
        {
            // Counted now, and it sends no ReplicateAck (one message less per write): if the Replicate is lost its client gets
            // TIMEOUT (the write may have been applied) and anti-entropy, not a hint, brings the coordinator's copy.
            pending.Quorum.Acknowledge(coordinator);
        }
        // Only as many replicas as the quorum still needs acknowledge at once (alive ones first, in preference order); the
        // others hold their acknowledgements (LazyAckRequired), which the primary needs only to forget the write. With
        // W = 2 and this node coordinating, one replica acknowledges at once instead of both (if it does not, the other's
        // held acknowledgement completes the quorum at its next tick).
        HashSet<string>? prompt = null;
        int needed = pending.Quorum.Required - pending.Quorum.Acknowledged;
        for (int pass = 0; pass < 2 && needed > 0; pass++)
        {
            foreach (string node in replicas)
            {
                Liveness liveness = LivenessOf(node);
                if (needed > 0 && node != Id && !pending.Quorum.HasAcknowledged(node)
                    && (pass == 0 ? liveness == Liveness.Alive : liveness == Liveness.Suspect))
                {
                    (prompt ??= new HashSet<string>(StringComparer.Ordinal)).Add(node);
                    needed--;
                }
            }
        }
        foreach (string node in replicas)
        {
            if (node == Id || LivenessOf(node) == Liveness.Down)
            {
                continue;
            }
            bool answers = coordinatorAnswers && node == coordinator;
            Send(new PeerMessage
            {
                Type = PeerMessageType.Replicate,
                From = Id,
                To = node,
                RequestId = writeId,
                Partition = operation.Partition,
                Keys = changedKeys,
                Versions = versions,
                Payloads = payloads,
                Ok = answers,
                Reply = answers ? result.Reply : [],
                Hash = answers ? (ulong)coordinatorRequestId : 0,
                // The quorum does not wait for this replica: its acknowledgement may travel later, batched.
                Required = !answers && prompt?.Contains(node) != true ? LazyAckRequired : 0,
            });
        }
        _writes[writeId] = pending;
        MaybeFinishWrite(writeId);
    }

    private void MaybeFinishWrite(long writeId)
    {
        PendingWrite pending = _writes[writeId];
        if (!pending.Answered && pending.Quorum.Outcome == QuorumOutcome.Reached)
        {
            pending.Answered = true;
            AnswerWrite(pending.Coordinator, pending.CoordinatorRequestId, true, pending.Reply, "");
        }
        if (pending.Quorum.Acknowledged == pending.Quorum.Replicas.Count)
        {
            _writes.Remove(writeId);
        }
    }

    private void AnswerWrite(string coordinator, long requestId, bool ok, byte[] reply, string error)
    {
        if (coordinator == Id)
        {
            if (_clients.Remove(requestId))
            {
                _completions.Add(ok
                    ? new Completion(requestId, CompletionStatus.Ok, reply, "")
                    : new Completion(requestId, StatusOf(error), [], error));
            }
            return;
        }
        Send(new PeerMessage
        {
            Type = PeerMessageType.WriteResult,
            From = Id,
            To = coordinator,
            RequestId = requestId,
            Ok = ok,
            Reply = reply,
            Error = error,
        });
    }

    private void AnswerBlocked(string coordinator, long requestId, ExecuteResult result)
    {
        if (coordinator == Id)
        {
            if (_clients.Remove(requestId))
            {
                _completions.Add(new Completion(requestId, CompletionStatus.WouldBlock, result.Reply, "", result.RetryCommand,
                    result.BlockTimeoutMilliseconds));
            }
            return;
        }
        Send(new PeerMessage
        {
            Type = PeerMessageType.WriteResult,
            From = Id,
            To = coordinator,
            RequestId = requestId,
            Ok = false,
            Reply = result.Reply,
            Error = WouldBlockError,
            Command = result.RetryCommand!,
            Hash = (ulong)Math.Max(0, result.BlockTimeoutMilliseconds),
        });
    }

    /// <summary>A key changed here: coordinators with blocking commands parked on it retry them.</summary>
    private void WakeWatchers(byte[] key)
    {
        if (Watches.Count == 0)
        {
            return;
        }
        foreach ((string coordinator, long requestId) in Watches.Fire(key))
        {
            if (coordinator == Id)
            {
                _completions.Add(new Completion(requestId, CompletionStatus.KeysReady, [], ""));
            }
            else
            {
                Send(new PeerMessage { Type = PeerMessageType.KeyReady, From = Id, To = coordinator, RequestId = requestId });
            }
        }
    }

    private void OnReplicate(PeerMessage message)
    {
        int count = Math.Min(message.Keys.Count, Math.Min(message.Versions.Count, message.Payloads.Count));
        for (int i = 0; i < count; i++)
        {
            byte[] key = message.Keys[i];
            int partition = Layout.PartitionOfKey(key);
            Apply(partition, key, message.Versions[i], message.Payloads[i]);
        }
        if (message.Ok && _clients.TryGetValue((long)message.Hash, out PendingClient? client) && client.Operation.IsWrite
            && client.Primary == message.From)
        {
            // The primary delegated the answer: it and this node (which has just applied the state) make the write quorum.
            _clients.Remove((long)message.Hash);
            _completions.Add(new Completion((long)message.Hash, CompletionStatus.Ok, message.Reply, ""));
        }
        if (message.RequestId != 0 && !message.Ok && !message.Hinted && message.Required == LazyAckRequired)
        {
            if (!_lazyAcks.TryGetValue(message.From, out List<ulong>? owed))
            {
                _lazyAcks[message.From] = owed = [];
            }
            owed.Add((ulong)message.RequestId);
            if (owed.Count >= MaxLazyAcks)
            {
                SendLazyAcks(message.From);
            }
            return;
        }
        if ((message.RequestId != 0 && !message.Ok) || message.Hinted)
        {
            Send(new PeerMessage
            {
                Type = PeerMessageType.ReplicateAck,
                From = Id,
                To = message.From,
                RequestId = message.RequestId,
                Hinted = message.Hinted,
                // Only hint replay needs the keys and versions back (to remove the hints); a write's ack names it by id.
                Keys = message.Hinted ? message.Keys : [],
                Versions = message.Hinted ? message.Versions : [],
            });
        }
    }

    /// <summary>Installs a replicated key state if it is newer than ours; returns true when installed.</summary>
    private bool Apply(int partition, byte[] key, ValueVersion version, byte[]? payload)
    {
        ValueVersion current = Versions.VersionOf(partition, key);
        if (version.IsNone || version.CompareNewness(current) <= 0 || version.Timestamp <= _flushFloor)
        {
            return false;
        }
        if (!current.IsNone && version.IsConcurrentWith(current))
        {
            Stats.ConcurrentWritesResolved++;
        }
        _clock.Observe(version.Timestamp, _physicalMilliseconds);
        _store.Install(key, payload);
        if (payload is null && IsCollectable(version))
        {
            // A tombstone past its grace (pushed by a replica that has not collected it yet): the delete is applied, the
            // tombstone not kept, or replicas collecting at different moments would hand it back and forth.
            Versions.Forget(partition, key);
            Stats.TombstonesCollected++;
        }
        else
        {
            Versions.Record(partition, key, version, payload is null);
        }
        Stats.ReplicasApplied++;
        WakeWatchers(key);
        return true;
    }

    private void OnReplicateAck(PeerMessage message)
    {
        if (message.Hinted)
        {
            for (int i = 0; i < Math.Min(message.Keys.Count, message.Versions.Count); i++)
            {
                Hints.Remove(message.From, message.Keys[i], message.Versions[i]);
                Stats.HintsReplayed++;
            }
            return;
        }
        if (message.RequestId != 0)
        {
            AcknowledgeWrite(message.RequestId, message.From);
        }
        foreach (ulong writeId in message.Hashes)
        {
            AcknowledgeWrite((long)writeId, message.From); // acknowledgements held by a replica (LazyAckRequired)
        }
    }

    private void AcknowledgeWrite(long writeId, string from)
    {
        if (_writes.TryGetValue(writeId, out PendingWrite? pending))
        {
            pending.Quorum.Acknowledge(from);
            MaybeFinishWrite(writeId);
        }
    }

    /// <summary>Sends the acknowledgements held for <paramref name="primary"/> as one ReplicateAck (ids in its hashes).</summary>
    private void SendLazyAcks(string primary)
    {
        if (!_lazyAcks.TryGetValue(primary, out List<ulong>? owed) || owed.Count == 0)
        {
            return;
        }
        _lazyAcks[primary] = [];
        _outbox.Add(new PeerMessage
        {
            Type = PeerMessageType.ReplicateAck,
            From = Id,
            To = primary,
            Hashes = owed,
        });
    }

    /// <summary>Sends every held acknowledgement (each tick).</summary>
    private void SendAllLazyAcks()
    {
        if (_lazyAcks.Count == 0)
        {
            return;
        }
        foreach (string primary in _lazyAcks.Keys.ToList())
        {
            SendLazyAcks(primary);
        }
    }

    private bool StoreHints(string target, IReadOnlyList<byte[]> keys, ValueVersion[] versions, byte[]?[] payloads)
    {
        bool all = true;
        for (int i = 0; i < keys.Count; i++)
        {
            all &= Hints.Add(new Hint(target, keys[i], versions[i], payloads[i], CurrentTick));
        }
        return all;
    }

    private void ReplayHints()
    {
        foreach (string target in Hints.Targets.ToList())
        {
            if (Hints.CountFor(target) == 0 || LivenessOf(target) != Liveness.Alive)
            {
                continue;
            }
            List<Hint> batch = Hints.Peek(target, _options.HintReplayBatch);
            Send(new PeerMessage
            {
                Type = PeerMessageType.Replicate,
                From = Id,
                To = target,
                Hinted = true,
                Keys = batch.ConvertAll(h => h.Key),
                Versions = batch.ConvertAll(h => h.Version),
                Payloads = batch.ConvertAll(h => h.Payload),
            });
        }
    }

    // ---- reads ----

    /// <param name="digests">When given (one slot per key), receives each version's digest.</param>
    private (ValueVersion[] Versions, byte[] Reply) ExecuteRead(int partition, IReadOnlyList<byte[]> keys, byte[] command,
        ulong[]? digests = null)
    {
        ExecuteResult result = _store.Execute(command, keys, write: false);
        var versions = new ValueVersion[keys.Count];
        for (int i = 0; i < keys.Count; i++)
        {
            versions[i] = Versions.VersionOf(partition, keys[i], out ulong digest);
            if (digests is not null)
            {
                digests[i] = digest;
            }
        }
        return (versions, result.Reply);
    }

    /// <summary>
    /// Whether this replica's versions of <paramref name="keys"/> have exactly the digests a reading coordinator sent
    /// (<paramref name="theirs"/>, parallel to the keys); false when they differ or none were sent.
    /// </summary>
    private bool SameDigests(int partition, IReadOnlyList<byte[]> keys, IReadOnlyList<ulong> theirs)
    {
        if (theirs.Count == 0 || theirs.Count != keys.Count)
        {
            return false;
        }
        for (int i = 0; i < keys.Count; i++)
        {
            Versions.VersionOf(partition, keys[i], out ulong digest);
            if (digest != theirs[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// This replica's versions of <paramref name="keys"/> when none is newer than the reading coordinator's
    /// (<paramref name="theirs"/>, parallel to the keys); null when one is, or the read carried no versions (the command must
    /// run here).
    /// </summary>
    /// <param name="same">Set when every version is identical to theirs (the answer need not carry them).</param>
    private ValueVersion[]? VersionsNoNewerThan(int partition, IReadOnlyList<byte[]> keys, IReadOnlyList<ValueVersion> theirs,
        out bool same)
    {
        same = false;
        if (theirs.Count == 0 || theirs.Count != keys.Count)
        {
            return null;
        }
        var versions = new ValueVersion[keys.Count];
        bool allSame = true;
        for (int i = 0; i < keys.Count; i++)
        {
            versions[i] = Versions.VersionOf(partition, keys[i]);
            int newness = versions[i].CompareNewness(theirs[i]);
            if (newness > 0)
            {
                return null;
            }
            allSame &= newness == 0;
        }
        same = allSame;
        return versions;
    }

    /// <summary>
    /// A quorum read still short of replies halfway to its deadline asks every other live replica once (a target may be a
    /// node that just joined and is not linked yet, or one that is slow): the first R replies still decide, so one lost or
    /// late reply no longer fails the read. The retry carries no versions, so each new replica runs the command.
    /// </summary>
    private void RetrySlowReads()
    {
        List<long>? slow = null;
        foreach ((long id, PendingClient pending) in _clients)
        {
            if (pending.Reads is { Outcome: QuorumOutcome.Pending } && !pending.ReadRetried
                && CurrentTick >= pending.DeadlineTick - _options.RequestTimeoutTicks / 2)
            {
                (slow ??= []).Add(id);
            }
        }
        foreach (long id in slow ?? [])
        {
            PendingClient pending = _clients[id];
            pending.ReadRetried = true;
            Operation operation = pending.Operation;
            foreach (string node in ReplicasFor(operation.Partition, operation.Replicas))
            {
                if (LivenessOf(node) == Liveness.Down || !pending.Reads!.AddTarget(node))
                {
                    continue;
                }
                Stats.ReadRetries++;
                if (node == Id)
                {
                    (ValueVersion[] versions, byte[] reply) = ExecuteRead(operation.Partition, operation.Keys, operation.Command);
                    pending.Reads.Respond(Id, versions, reply);
                    continue;
                }
                SendRead(node, id, operation, []);
            }
            MaybeFinishRead(id);
        }
    }

    /// <summary>Asks <paramref name="target"/> to run a read; <paramref name="digests"/> are those of this node's versions, so
    /// that a replica holding the same versions answers with neither versions nor reply (empty: it runs the command).</summary>
    private void SendRead(string target, long requestId, Operation operation, ulong[] digests) =>
        Send(new PeerMessage
        {
            Type = PeerMessageType.Read,
            From = Id,
            To = target,
            RequestId = requestId,
            Partition = operation.Partition,
            Keys = operation.Keys,
            Command = operation.Command,
            Hashes = digests,
        });

    private void MaybeFinishRead(long requestId)
    {
        PendingClient pending = _clients[requestId];
        ReadQuorum quorum = pending.Reads!;
        if (quorum.Outcome != QuorumOutcome.Reached)
        {
            return;
        }
        _clients.Remove(requestId);
        byte[] reply = quorum.NewestReply(out _);
        _completions.Add(new Completion(requestId, CompletionStatus.Ok, reply, "", Versions: quorum.NewestVersions()));
        foreach ((int keyIndex, string source, List<string> stale) in quorum.RepairPlan())
        {
            Stats.ReadRepairs++;
            byte[] key = pending.Operation.Keys[keyIndex];
            if (source == Id)
            {
                PushKeys(pending.Operation.Partition, [key], stale);
            }
            else
            {
                Send(new PeerMessage
                {
                    Type = PeerMessageType.Push,
                    From = Id,
                    To = source,
                    Partition = pending.Operation.Partition,
                    Keys = [key],
                    Nodes = stale,
                });
            }
        }
    }

    /// <summary>Sends our state of <paramref name="keys"/> to <paramref name="targets"/> (no acknowledgement wanted).</summary>
    private void PushKeys(int partition, IReadOnlyList<byte[]> keys, IReadOnlyList<string> targets)
    {
        var sendKeys = new List<byte[]>();
        var versions = new List<ValueVersion>();
        var payloads = new List<byte[]?>();
        foreach (byte[] key in keys)
        {
            int p = Layout.PartitionOfKey(key);
            ValueVersion version = Versions.VersionOf(p, key);
            if (version.IsNone || (IsCollectable(version) && Versions.IsDeleted(p, key)))
            {
                continue; // a tombstone past its grace is as good as none: the next collection here forgets it
            }
            sendKeys.Add(key);
            versions.Add(version);
            payloads.Add(Versions.IsDeleted(p, key) ? null : _store.Export(key));
        }
        if (sendKeys.Count == 0)
        {
            return;
        }
        foreach (string target in targets)
        {
            if (target == Id)
            {
                continue;
            }
            Send(new PeerMessage
            {
                Type = PeerMessageType.Replicate,
                From = Id,
                To = target,
                Partition = partition,
                Keys = sendKeys,
                Versions = versions,
                Payloads = payloads,
            });
        }
    }

    // ---- timeouts ----

    private void ExpireRequests()
    {
        RetrySlowReads();
        List<long>? expired = null;
        foreach ((long id, PendingClient pending) in _clients)
        {
            if (CurrentTick >= pending.DeadlineTick)
            {
                (expired ??= []).Add(id);
            }
        }
        foreach (long id in expired ?? [])
        {
            PendingClient pending = _clients[id];
            _clients.Remove(id);
            Stats.Timeouts++;
            string what = pending.Operation.IsWrite
                ? $"TIMEOUT write not acknowledged by {pending.Operation.Required} replicas in time (it may have been applied)"
                : $"TIMEOUT read did not get {pending.Operation.Required} replies in time";
            _completions.Add(new Completion(id, CompletionStatus.Timeout, [], what));
        }
        List<long>? writes = null;
        foreach ((long id, PendingWrite pending) in _writes)
        {
            if (CurrentTick >= pending.DeadlineTick)
            {
                (writes ??= []).Add(id);
            }
        }
        foreach (long id in writes ?? [])
        {
            PendingWrite pending = _writes[id];
            _writes.Remove(id);
            foreach (string node in pending.Quorum.Replicas)
            {
                if (!pending.Quorum.HasAcknowledged(node))
                {
                    StoreHints(node, pending.Keys, pending.Versions, pending.Payloads); // replayed when it answers gossip again
                }
            }
            if (!pending.Answered)
            {
                pending.Answered = true;
                AnswerWrite(pending.Coordinator, pending.CoordinatorRequestId, false, [],
                    $"TIMEOUT write acknowledged by {pending.Quorum.Acknowledged} of the {pending.Quorum.Required} replicas required (it may have been applied)");
            }
        }
    }

    // ---- membership ----

    private MemberRecord SelfRecord() => new(Id, _options.Address, _options.Zone, _incarnation, _heartbeat, HasLeft);

    private void Gossip()
    {
        _heartbeat++;
        Members.Merge(SelfRecord());
        var peers = new List<string>();
        foreach (MemberRecord record in Members.Records)
        {
            if (record.NodeId != Id)
            {
                peers.Add(record.NodeId);
            }
        }
        if (peers.Count == 0)
        {
            return;
        }
        peers.Sort(StringComparer.Ordinal);
        var records = Members.Records.ToArray();
        int fanout = Math.Min(_options.GossipFanout, peers.Count);
        for (int i = 0; i < fanout; i++)
        {
            int pick = i + _options.Random.NextInt(peers.Count - i);
            (peers[i], peers[pick]) = (peers[pick], peers[i]);
            Send(new PeerMessage { Type = PeerMessageType.Gossip, From = Id, To = peers[i], Members = records, SentAtMilliseconds = _physicalMilliseconds });
        }
    }

    private void MergeMember(MemberRecord record)
    {
        if (record.NodeId == Id)
        {
            if (record.Incarnation > _incarnation || (record.Incarnation == _incarnation && record.Heartbeat > _heartbeat))
            {
                // Gossip remembers a later life of ours (we restarted without knowing it): move past it.
                _incarnation = record.Incarnation + 1;
                _heartbeat = 0;
                Members.Merge(SelfRecord());
            }
            return;
        }
        Members.Merge(record);
        MemberRecord newest = Members.Find(record.NodeId)!;
        Detector.Observe(newest.NodeId, newest.Incarnation, newest.Heartbeat, CurrentTick);
        RefreshMap();
    }

    private void RefreshMap()
    {
        if (Members.PlacementVersion == Map.MembershipVersion)
        {
            return;
        }
        PartitionMap old = Map;
        Map = new PartitionMap(Layout, Members.PlacementNodes(), _options.ReplicationFactor, Members.PlacementVersion);
        _placementChangedTick = CurrentTick;
        for (int p = 0; p < Layout.PartitionCount; p++)
        {
            if (!Map.IsReplica(p, Id))
            {
                continue;
            }
            bool gained = !old.IsReplica(p, Id);
            foreach (string peer in Map.Replicas(p))
            {
                if (peer != Id && (gained || !old.IsReplica(p, peer)))
                {
                    // A replica moved (to us, or to the peer): compare this partition with it before routine anti-entropy,
                    // so the new owner is streamed the partition's keys while the old owners keep serving reads.
                    _streams.Enqueue((p, peer));
                }
            }
        }
    }

    // ---- anti-entropy ----

    private void StartStreams()
    {
        if (CurrentTick - _placementChangedTick < StreamSettleTicks)
        {
            return;
        }
        int streamed = 0;
        while (_streams.Count > 0 && streamed < MaxStreamsPerStep)
        {
            (int p, string peer) = _streams.Dequeue();
            if (Map.IsReplica(p, Id) && Map.IsReplica(p, peer) && LivenessOf(peer) != Liveness.Down)
            {
                SendMerkleRoot(p, peer);
                streamed++;
            }
        }
    }

    private void AntiEntropyStep()
    {
        int partition = -1;
        for (int i = 0; i < Layout.PartitionCount && partition < 0; i++)
        {
            int p = _nextAntiEntropyPartition;
            _nextAntiEntropyPartition = (_nextAntiEntropyPartition + 1) % Layout.PartitionCount;
            if (Map.IsReplica(p, Id))
            {
                partition = p;
            }
        }
        if (partition < 0)
        {
            return;
        }
        var peers = new List<string>();
        foreach (string node in Map.Replicas(partition))
        {
            if (node != Id && LivenessOf(node) == Liveness.Alive)
            {
                peers.Add(node);
            }
        }
        if (peers.Count > 0)
        {
            SendMerkleRoot(partition, peers[_options.Random.NextInt(peers.Count)]);
        }
    }

    private void SendMerkleRoot(int partition, string peer)
    {
        Stats.AntiEntropyRounds++;
        Send(new PeerMessage
        {
            Type = PeerMessageType.MerkleRoot,
            From = Id,
            To = peer,
            Partition = partition,
            Hash = Versions.Tree(partition).RootHash,
        });
    }

    private void OnMerkleRoot(PeerMessage message)
    {
        if ((uint)message.Partition >= (uint)Layout.PartitionCount)
        {
            return;
        }
        MerkleTree tree = Versions.Tree(message.Partition);
        if (tree.RootHash == message.Hash)
        {
            Stats.AntiEntropyAgreeing++;
            return;
        }
        Send(new PeerMessage
        {
            Type = PeerMessageType.MerkleLeaves,
            From = Id,
            To = message.From,
            Partition = message.Partition,
            Hashes = tree.LeafHashes(),
        });
    }

    private void OnMerkleLeaves(PeerMessage message)
    {
        MerkleTree tree = Versions.Tree(message.Partition);
        if ((uint)message.Partition >= (uint)Layout.PartitionCount || message.Hashes.Count != tree.LeafCount)
        {
            return;
        }
        List<int> leaves = tree.DifferingLeaves([.. message.Hashes]);
        var keys = new List<byte[]>();
        var versions = new List<ValueVersion>();
        var coveredLeaves = new List<ulong>();
        foreach (int leaf in leaves)
        {
            if (keys.Count + tree.KeysOfLeaf(leaf).Count > _options.AntiEntropyMaxKeys && coveredLeaves.Count > 0)
            {
                // The rest goes in another exchange started next tick, so a large partition streams at one bounded
                // exchange per tick instead of waiting for routine anti-entropy to come back to it.
                _streams.Enqueue((message.Partition, message.From));
                break;
            }
            coveredLeaves.Add((ulong)leaf);
            foreach (byte[] key in tree.KeysOfLeaf(leaf).Keys)
            {
                keys.Add(key);
                versions.Add(Versions.VersionOf(message.Partition, key));
            }
        }
        Send(new PeerMessage
        {
            Type = PeerMessageType.MerkleKeys,
            From = Id,
            To = message.From,
            Partition = message.Partition,
            Keys = keys,
            Versions = versions,
            Hashes = coveredLeaves,
        });
    }

    private void OnMerkleKeys(PeerMessage message)
    {
        int partition = message.Partition;
        if ((uint)partition >= (uint)Layout.PartitionCount || message.Keys.Count != message.Versions.Count)
        {
            return;
        }
        MerkleTree tree = Versions.Tree(partition);
        var theirs = new Dictionary<byte[], ValueVersion>(ByteArrayComparer.Instance);
        for (int i = 0; i < message.Keys.Count; i++)
        {
            theirs[message.Keys[i]] = message.Versions[i];
        }
        var toSend = new List<byte[]>();
        var toPull = new List<byte[]>();
        foreach (ulong leaf in message.Hashes)
        {
            if (leaf >= (ulong)tree.LeafCount)
            {
                continue;
            }
            foreach (byte[] key in tree.KeysOfLeaf((int)leaf).Keys)
            {
                ValueVersion mine = Versions.VersionOf(partition, key);
                if (!theirs.TryGetValue(key, out ValueVersion? other) || mine.CompareNewness(other) > 0)
                {
                    toSend.Add(key);
                }
            }
        }
        foreach ((byte[] key, ValueVersion other) in theirs)
        {
            if (other.CompareNewness(Versions.VersionOf(partition, key)) > 0)
            {
                toPull.Add(key);
            }
        }
        Stats.AntiEntropyKeysSent += toSend.Count;
        PushKeys(partition, toSend, [message.From]);
        if (toPull.Count > 0)
        {
            Send(new PeerMessage
            {
                Type = PeerMessageType.Push,
                From = Id,
                To = message.From,
                Partition = partition,
                Keys = toPull,
                Nodes = [Id],
            });
        }
    }

    // ---- helpers ----

    /// <summary>Submit's live replicas, reused (the node is single-threaded; Submit does not re-enter itself).</summary>
    private readonly List<string> _liveScratch = new(8);

    private string[] ReplicasFor(int partition, int count)
    {
        IReadOnlyList<string> all = Map.Replicas(partition);
        int n = Math.Min(count, all.Count);
        var result = new string[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = all[i];
        }
        return result;
    }

    /// <summary>
    /// Orders <paramref name="nodes"/> by <see cref="Rank"/>, keeping preference order among equals for writes (the primary is
    /// the first live node) and ring order for reads (<see cref="ReadsBefore"/>) (an insertion sort of at most N entries: List.Sort with a comparison lambda allocated a closure and a delegate per request, and is not stable).
    /// </summary>
    private void SortByRank(List<string> nodes, bool isWrite)
    {
        Span<int> ranks = nodes.Count <= 16 ? stackalloc int[nodes.Count] : new int[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            ranks[i] = Rank(nodes[i], isWrite);
        }
        for (int i = 1; i < nodes.Count; i++)
        {
            string node = nodes[i];
            int rank = ranks[i];
            int j = i - 1;
            while (j >= 0 && (ranks[j] > rank || (!isWrite && ranks[j] == rank && ReadsBefore(node, nodes[j]))))
            {
                nodes[j + 1] = nodes[j];
                ranks[j + 1] = ranks[j];
                j--;
            }
            nodes[j + 1] = node;
            ranks[j + 1] = rank;
        }
    }

    /// <summary>
    /// Among read targets of equal rank, whether <paramref name="a"/> is asked before <paramref name="b"/>: the node that
    /// follows this one on the ring of node ids (ordinal) first, rather than the partition's preference order. Any R replicas
    /// make a correct quorum; asking the same peer for every partition sends a turn's reads in one frame to one peer (one
    /// send, one wake-up each way) instead of one frame to each co-replica. Each coordinator prefers a different successor,
    /// so reads through every node still spread over the replicas.
    /// </summary>
    private bool ReadsBefore(string a, string b)
    {
        bool aAfter = string.CompareOrdinal(a, Id) > 0;
        bool bAfter = string.CompareOrdinal(b, Id) > 0;
        return aAfter != bAfter ? aAfter : string.CompareOrdinal(a, b) < 0;
    }

    private int Rank(string node, bool isWrite)
    {
        Liveness liveness = LivenessOf(node);
        int rank = liveness == Liveness.Alive ? 0 : 2;
        if (!isWrite && node == Id)
        {
            rank -= 1;
        }
        return rank;
    }

    /// <summary>
    /// Queues a message; acknowledgements held for its receiver go with it (the same frame: no message of their own).
    /// </summary>
    private void Send(PeerMessage message)
    {
        _outbox.Add(message);
        if (_lazyAcks.Count > 0 && message.Type != PeerMessageType.ReplicateAck)
        {
            SendLazyAcks(message.To);
        }
    }

    /// <summary>
    /// Measures a peer's clock offset and lets our HLC catch up with a clock that is ahead (within the bound), so a write
    /// made here after hearing from a peer is timestamped after that peer's earlier writes even when our clock lags.
    /// </summary>
    private void ObservePeerClock(long peerMilliseconds)
    {
        if (peerMilliseconds <= 0 || _physicalMilliseconds <= 0)
        {
            return;
        }
        long offset = Math.Abs(peerMilliseconds - _physicalMilliseconds);
        Stats.MaxObservedClockOffsetMilliseconds = Math.Max(Stats.MaxObservedClockOffsetMilliseconds, offset);
        if (offset > _options.MaxClockOffsetMilliseconds)
        {
            Stats.ClockOffsetViolations++;
            return; // never let a wild clock drag our timestamps into the future
        }
        _clock.Observe(HybridTimestamp.Create(peerMilliseconds, 0), _physicalMilliseconds);
    }

    private void ObserveTime(long physicalMilliseconds) => _physicalMilliseconds = Math.Max(_physicalMilliseconds, physicalMilliseconds);

    private sealed record PendingClient(Operation Operation, long DeadlineTick, ReadQuorum? Reads, string Primary)
    {
        /// <summary>A read that asked the other replicas once already (<see cref="RetrySlowReads"/>).</summary>
        public bool ReadRetried { get; set; }
    }

    private sealed class PendingWrite(string coordinator, long coordinatorRequestId, int partition, IReadOnlyList<byte[]> keys,
        ValueVersion[] versions, byte[]?[] payloads, WriteQuorum quorum, long deadlineTick, byte[] reply)
    {
        public string Coordinator { get; } = coordinator;
        public long CoordinatorRequestId { get; } = coordinatorRequestId;
        public int Partition { get; } = partition;
        public IReadOnlyList<byte[]> Keys { get; } = keys;
        public ValueVersion[] Versions { get; } = versions;
        public byte[]?[] Payloads { get; } = payloads;
        public WriteQuorum Quorum { get; } = quorum;
        public long DeadlineTick { get; } = deadlineTick;
        public byte[] Reply { get; } = reply;
        public bool Answered { get; set; }
    }
}
