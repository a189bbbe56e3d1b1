using System.Text;
using Cairn.Consensus.KeyValue;
using Cairn.Consensus.Membership;
using Cairn.Primitives;

namespace Cairn.Consensus.Tests.Simulation;

/// <summary>
/// Runs N real <see cref="RaftNode"/>s with simulated disks, network and clocks, all driven by one seeded random source, under a
/// workload of clients, while checking Raft's safety invariants at every step and linearizability of the history at the end.
/// A run is a pure function of <see cref="SimulationOptions"/>: the same seed replays the same events.
/// </summary>
/// <remarks>
/// Phases: a fault phase (faults from <see cref="SimulationOptions.Faults"/> switched on), then a quiet phase (network healed,
/// every node restarted, no new faults) at whose end the cluster must have made progress (liveness).
/// </remarks>
public sealed class Simulator
{
    private const long ClientTimeoutMicros = 40_000;
    private const int MaxReadyRoundsPerEvent = 1_000;

    private readonly SimulationOptions _options;
    private readonly SeededRandom _random;
    private readonly PriorityQueue<SimEvent, (long Time, long Sequence)> _queue = new();
    private readonly List<SimNode> _nodes = [];
    private readonly SimNetwork _network = new();
    private readonly RaftInvariantChecker _checker = new();
    private readonly List<HistoryOperation> _history = [];
    private readonly List<SimClient> _clients = [];
    private readonly HashSet<ulong> _retired = [];
    private readonly List<long> _delays = [];
    private readonly StringBuilder _trace = new();
    private long _now;
    private long _sequence;
    private ulong _nextRequestId = 1;
    private bool _faultPhase = true;
    private int _compactionThreshold;
    private ulong _lastLeaderTerm;

    public Simulator(SimulationOptions options)
    {
        _options = options;
        _random = new SeededRandom(options.Seed);
    }

    public SimulationStatistics Statistics { get; } = new();

    /// <summary>Receives a line per notable event (elections, faults, membership) when set; for replaying a failing seed.</summary>
    public Action<string>? Trace { get; init; }

    public IReadOnlyList<HistoryOperation> History => _history;

    public SimulationStatistics Run()
    {
        Setup();
        long faultEnd = _options.FaultPhaseMicros;
        long end = faultEnd + _options.QuietPhaseMicros;
        long livenessMark = faultEnd + (_options.QuietPhaseMicros * 2 / 5);
        ulong committedAtMark = 0;
        bool markTaken = false;
        while (_queue.TryDequeue(out var @event, out var priority) && priority.Time <= end)
        {
            _now = priority.Time;
            if (_faultPhase && _now >= faultEnd)
            {
                EnterQuietPhase();
            }
            if (!markTaken && _now >= livenessMark)
            {
                markTaken = true;
                committedAtMark = _nodes.Where(n => n.IsUp).Max(n => n.Raft!.Committed);
            }
            Statistics.Events++;
            Dispatch(@event);
        }
        CheckLiveness(committedAtMark);
        FinishHistory();
        var result = LinearizabilityChecker.CheckAll(_history, out string? key);
        Statistics.Linearizability = result;
        if (result == LinearizabilityResult.NotLinearizable)
        {
            var ops = _history.Where(o => o.Key == key).OrderBy(o => o.InvokeMicros).Select(o => o.ToString());
            throw new SimulationFailureException($"history for key {key} is not linearizable:\n{string.Join('\n', ops)}");
        }
        Statistics.InvariantChecks = _checker.Checks;
        Statistics.MessagesSent = _network.Sent;
        Statistics.MessagesDropped = _network.Dropped;
        Statistics.MessagesDuplicated = _network.Duplicated;
        Statistics.CommittedIndex = _nodes.Max(n => n.Raft?.Committed ?? 0);
        return Statistics;
    }

    // ----------------------------------------------------------------------------------------------------------------- setup

    private void Setup()
    {
        var faults = _options.Faults;
        var voters = Enumerable.Range(1, _options.InitialVoters).Select(i => (ulong)i).ToArray();
        int spares = faults.HasFlag(FaultKinds.MembershipChanges) ? 2 : 0;
        for (int i = 1; i <= _options.InitialVoters + spares; i++)
        {
            ulong id = (ulong)i;
            var initial = i <= _options.InitialVoters ? PersistedState.Bootstrap(voters) : PersistedState.Joining;
            long tickMicros = _options.TickMicros;
            if (faults.HasFlag(FaultKinds.ClockRateSkew))
            {
                tickMicros += _random.NextInt((int)(_options.TickMicros / 5) + 1);
            }
            var node = new SimNode { Id = id, Storage = new SimStorage(initial), TickMicros = tickMicros };
            _nodes.Add(node);
            Start(node);
        }
        if (faults.HasFlag(FaultKinds.MessageLoss))
        {
            _network.LossProbability = 0.02 + (_random.NextDouble() * 0.15);
        }
        if (faults.HasFlag(FaultKinds.MessageDuplication))
        {
            _network.DuplicationProbability = 0.02 + (_random.NextDouble() * 0.1);
        }
        if (faults.HasFlag(FaultKinds.LongDelaysAndReordering))
        {
            _network.MaxDelayMicros = 2_000 + _random.NextInt(8_000);
        }
        _compactionThreshold = faults.HasFlag(FaultKinds.SnapshotCompaction) ? 5 + _random.NextInt(40) : int.MaxValue;
        for (int c = 0; c < _options.Clients; c++)
        {
            var client = new SimClient { Id = c };
            _clients.Add(client);
            Schedule(_random.NextInt(20_000), new SimEvent(SimEventKind.Client, 0, null, c, 0));
        }
        if ((faults & ~(FaultKinds.MessageLoss | FaultKinds.MessageDuplication | FaultKinds.LongDelaysAndReordering |
                FaultKinds.ClockRateSkew | FaultKinds.SnapshotCompaction)) != 0)
        {
            Schedule(20_000 + _random.NextInt(50_000), new SimEvent(SimEventKind.Fault, 0, null, 0, 0));
        }
    }

    private void Start(SimNode node)
    {
        var options = new RaftOptions
        {
            NodeId = node.Id,
            Random = new SeededRandom(_random.NextUInt64()),
            ElectionTimeoutTicks = _options.ElectionTimeoutTicks,
            HeartbeatIntervalTicks = _options.HeartbeatIntervalTicks,
            MaxInflightMessages = 1 + _random.NextInt(16),
            MaxEntriesPerMessage = 1 + _random.NextInt(8),
            PreVote = _options.PreVote,
            CheckQuorum = true,
            ReadMode = _options.ReadMode,
            LeaseClockDriftBoundTicks = 4,
        };
        var state = node.Storage.Load();
        node.Raft = new RaftNode(options, state);
        node.StateMachine = new KeyValueStateMachine();
        node.StateMachine.Restore(state.Snapshot.Data, state.Snapshot.Metadata.Index);
        node.Incarnation++;
        Schedule(_random.NextInt((int)node.TickMicros) + 1, new SimEvent(SimEventKind.Tick, node.Id, null, 0, node.Incarnation));
    }

    private void Schedule(long delayMicros, SimEvent @event) => _queue.Enqueue(@event, (_now + delayMicros, _sequence++));

    private SimNode NodeById(ulong id) => _nodes.First(n => n.Id == id);

    // -------------------------------------------------------------------------------------------------------------- dispatch

    private void Dispatch(SimEvent @event)
    {
        switch (@event.Kind)
        {
            case SimEventKind.Tick:
            {
                var node = NodeById(@event.Node);
                if (!node.IsUp || node.Incarnation != @event.Incarnation)
                {
                    return;
                }
                node.Raft!.Tick();
                Process(node);
                Schedule(node.TickMicros, @event);
                break;
            }
            case SimEventKind.Deliver:
            {
                var message = @event.Message!;
                var node = _nodes.FirstOrDefault(n => n.Id == message.To);
                if (node is null || !node.IsUp || _network.IsBlocked(message.From, message.To))
                {
                    return;
                }
                node.Raft!.Step(message);
                Process(node);
                break;
            }
            case SimEventKind.Client:
                ClientStep(_clients[@event.Client], @event.Incarnation);
                break;
            case SimEventKind.Fault:
                if (_faultPhase)
                {
                    InjectFault();
                    Schedule(10_000 + _random.NextInt(60_000), @event);
                }
                break;
            case SimEventKind.Restart:
            {
                var node = NodeById(@event.Node);
                if (!node.IsUp && node.Incarnation == @event.Incarnation)
                {
                    Start(node);
                    Statistics.Restarts++;
                }
                break;
            }
        }
    }

    /// <summary>Drains the node's Ready loop, doing the host's duties in the order <see cref="Ready"/> states.</summary>
    private void Process(SimNode node)
    {
        for (int round = 0; node.IsUp && node.Raft!.HasReady(); round++)
        {
            if (round >= MaxReadyRoundsPerEvent)
            {
                throw new SimulationFailureException($"node {node.Id} keeps producing Ready without input");
            }
            HandleReady(node, node.Raft.GetReady());
        }
    }

    private void HandleReady(SimNode node, Ready ready)
    {
        var raft = node.Raft!;
        var previousHardState = node.Storage.DurableHardState;

        // 1. Persist, then sync. A crash before the sync loses all of it, and nothing below happens.
        if (ready.Snapshot is not null)
        {
            node.Storage.WriteSnapshot(ready.Snapshot, replacesLog: true);
        }
        if (ready.Entries.Count > 0)
        {
            node.Storage.WriteEntries(ready.Entries);
        }
        if (ready.HardState is { } hardState)
        {
            node.Storage.WriteHardState(hardState);
        }
        if (ready.MustSync && _faultPhase && _options.Faults.HasFlag(FaultKinds.CrashRestart) && _random.NextInt(500) == 0)
        {
            Statistics.CrashesBeforeSync++;
            Crash(node);
            return;
        }
        if (ready.MustSync)
        {
            node.Storage.Sync();
        }
        if (ready.HardState is not null)
        {
            _checker.HardStatePersisted(node.Id, previousHardState, node.Storage.DurableHardState);
        }
        _checker.EntriesPersisted(node.Id, ready.Entries, raft.Log);

        // 2. Send.
        foreach (var message in ready.Messages)
        {
            _network.Route(message.From, message.To, _random, _delays);
            foreach (long delay in _delays)
            {
                Schedule(delay, new SimEvent(SimEventKind.Deliver, message.To, message, 0, 0));
            }
        }

        // 3. Apply.
        if (ready.Snapshot is { } snapshot)
        {
            node.StateMachine.Restore(snapshot.Data, snapshot.Metadata.Index);
            Statistics.SnapshotsInstalled++;
            foreach (ulong index in node.PendingWrites.Keys.Where(i => i <= snapshot.Metadata.Index).ToArray())
            {
                // Whether our entry is the one the snapshot covers is unknowable here: the outcome stays unknown.
                AbandonWrite(node, index);
            }
        }
        foreach (var entry in ready.CommittedEntries)
        {
            node.StateMachine.Apply(entry);
            _checker.EntryApplied(node.Id, entry);
            if (node.PendingWrites.Remove(entry.Index, out var pending))
            {
                if (entry.Term == pending.Term)
                {
                    Complete(pending.Client, pending.Operation);
                }
                else
                {
                    Fail(pending.Client, pending.Operation);
                }
            }
        }

        // 4. Reads.
        foreach (var readState in ready.ReadStates)
        {
            if (node.PendingReads.TryGetValue(readState.RequestId, out var pending))
            {
                // Read safety, checked directly rather than only through a stale value a client may or may not observe.
                if (readState.Index < pending.CommittedAtRequest)
                {
                    throw new SimulationFailureException(
                        $"read safety: node {node.Id} (term {raft.Term}) confirmed read index {readState.Index} but index {pending.CommittedAtRequest} was committed before the read was asked");
                }
                node.PendingReads[readState.RequestId] = pending with { ReadIndex = readState.Index };
            }
        }
        ServeReads(node);

        // 5. Advance.
        raft.Advance(ready);

        if (ready.SoftState is { } softState)
        {
            if (softState.Role == NodeRole.Leader)
            {
                Statistics.LeadersElected++;
                _lastLeaderTerm = Math.Max(_lastLeaderTerm, raft.Term);
                Trace?.Invoke($"{_now} leader {node.Id} term {raft.Term} last {raft.LastIndex} commit {raft.Committed} config {raft.Configuration}");
                _checker.LeaderElected(node.Id, raft.Term, raft.Log);
            }
            else
            {
                // Reads not yet confirmed die with the leadership; writes stay pending (they may still commit).
                foreach (var (requestId, pending) in node.PendingReads.Where(p => p.Value.ReadIndex == 0).ToArray())
                {
                    node.PendingReads.Remove(requestId);
                    Fail(pending.Client, pending.Operation);
                }
            }
        }
        if (raft.Role == NodeRole.Leader)
        {
            _checker.LeaderCommitted(raft.Term, raft.Committed, raft.Log);
        }
        if (node.StateMachine.AppliedIndex >= raft.FirstIndex - 1 + (ulong)_compactionThreshold && raft.Applied > raft.FirstIndex)
        {
            var compacted = raft.Compact(raft.Applied, node.StateMachine.TakeSnapshot());
            node.Storage.WriteSnapshot(compacted, replacesLog: false);
            node.Storage.Sync();
            Statistics.Compactions++;
        }
    }

    private void ServeReads(SimNode node)
    {
        foreach (var (requestId, pending) in node.PendingReads.ToArray())
        {
            if (pending.ReadIndex != 0 && node.StateMachine.AppliedIndex >= pending.ReadIndex)
            {
                node.PendingReads.Remove(requestId);
                node.StateMachine.TryGet(Encoding.UTF8.GetBytes(pending.Operation.Key), out byte[]? value);
                pending.Operation.Value = value is null ? null : Encoding.UTF8.GetString(value);
                Complete(pending.Client, pending.Operation);
            }
        }
    }

    // --------------------------------------------------------------------------------------------------------------- clients

    private void ClientStep(SimClient client, int sequence)
    {
        if (sequence != client.Sequence)
        {
            return;
        }
        if (client.Current is not null)
        {
            // The operation timed out: the client gives up and its outcome stays unknown.
            var node = NodeById(client.CurrentNode);
            foreach (var (index, pending) in node.PendingWrites.Where(p => p.Value.Operation == client.Current).ToArray())
            {
                AbandonWrite(node, index);
            }
            foreach (var (requestId, pending) in node.PendingReads.Where(p => p.Value.Operation == client.Current).ToArray())
            {
                node.PendingReads.Remove(requestId);
                Fail(client, pending.Operation);
            }
            if (client.Current is not null)
            {
                Abandon(client);
            }
            return;
        }
        // Retired nodes stay eligible: their removal may have been truncated, leaving them members (even leaders).
        var live = _nodes.Where(n => n.IsUp).ToList();
        if (live.Count == 0)
        {
            NextOperation(client, 1_000);
            return;
        }
        var target = live.FirstOrDefault(n => n.Id == client.LeaderGuess) ?? live[_random.NextInt(live.Count)];
        string key = "k" + _random.NextInt(_options.Keys);
        bool isWrite = _random.NextInt(2) == 0;
        var operation = new HistoryOperation
        {
            Id = _history.Count,
            Client = client.Id,
            Key = key,
            IsWrite = isWrite,
            Value = isWrite ? $"{client.Id}.{client.Issued}" : null,
            InvokeMicros = _now,
        };
        client.Issued++;
        var raft = target.Raft!;
        if (isWrite)
        {
            var command = KeyValueCommand.Put(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(operation.Value!));
            var result = raft.Propose(command.Encode());
            if (result.Status != ProposeStatus.Accepted)
            {
                client.LeaderGuess = result.Leader;
                NextOperation(client, 500 + _random.NextInt(2_000));
                return;
            }
            target.PendingWrites[result.Index] = (operation, result.Term, client);
        }
        else
        {
            ulong requestId = _nextRequestId++;
            if (raft.ReadIndex(requestId) != ReadIndexStatus.Accepted)
            {
                client.LeaderGuess = raft.Leader;
                NextOperation(client, 500 + _random.NextInt(2_000));
                return;
            }
            target.PendingReads[requestId] = (operation, client, 0, _checker.HighestLeaderCommit);
        }
        _history.Add(operation);
        client.Current = operation;
        client.CurrentNode = target.Id;
        Schedule(ClientTimeoutMicros, new SimEvent(SimEventKind.Client, 0, null, client.Id, client.Sequence));
        Process(target);
    }

    private void Complete(SimClient client, HistoryOperation operation)
    {
        operation.ReturnMicros = _now;
        Statistics.OperationsCompleted++;
        if (client.Current == operation)
        {
            NextOperation(client, _random.NextInt(2_000));
        }
    }

    private void Fail(SimClient client, HistoryOperation operation)
    {
        // A definite failure had no effect, so it leaves the history.
        _history.Remove(operation);
        Statistics.OperationsFailed++;
        if (client.Current == operation)
        {
            NextOperation(client, _random.NextInt(2_000));
        }
    }

    private void AbandonWrite(SimNode node, ulong index)
    {
        var pending = node.PendingWrites[index];
        node.PendingWrites.Remove(index);
        if (pending.Client.Current == pending.Operation)
        {
            Abandon(pending.Client);
        }
    }

    private void Abandon(SimClient client)
    {
        // Unknown outcome: a write stays in the history with no return (it may take effect any time later); a read is dropped.
        var operation = client.Current!;
        if (!operation.IsWrite)
        {
            _history.Remove(operation);
        }
        Statistics.OperationsIndeterminate++;
        NextOperation(client, _random.NextInt(2_000));
    }

    private void NextOperation(SimClient client, long delayMicros)
    {
        client.Current = null;
        client.Sequence++;
        Schedule(delayMicros + 1, new SimEvent(SimEventKind.Client, 0, null, client.Id, client.Sequence));
    }

    // ---------------------------------------------------------------------------------------------------------------- faults

    private void InjectFault()
    {
        var faults = _options.Faults;
        var choices = new List<FaultKinds>();
        foreach (var kind in new[] { FaultKinds.SymmetricPartitions, FaultKinds.AsymmetricPartitions, FaultKinds.CrashRestart,
                     FaultKinds.MembershipChanges, FaultKinds.LeadershipTransfers })
        {
            if (faults.HasFlag(kind))
            {
                choices.Add(kind);
            }
        }
        if (choices.Count == 0)
        {
            return;
        }
        var members = _nodes.Where(n => !_retired.Contains(n.Id)).ToList();
        var leader = _nodes.Where(n => n.IsUp && n.Raft!.Role == NodeRole.Leader).MaxBy(n => n.Raft!.Term);
        switch (choices[_random.NextInt(choices.Count)])
        {
            case FaultKinds.SymmetricPartitions:
                if (_network.IsPartitioned && _random.NextInt(2) == 0)
                {
                    _network.Heal();
                    break;
                }
                Statistics.Partitions++;
                var side = members.Where(_ => _random.NextInt(2) == 0).Select(n => n.Id).ToHashSet();
                if (leader is not null && _random.NextInt(2) == 0)
                {
                    side = [leader.Id];
                }
                foreach (var a in members)
                {
                    foreach (var b in members)
                    {
                        if (side.Contains(a.Id) != side.Contains(b.Id))
                        {
                            _network.Block(a.Id, b.Id);
                        }
                    }
                }
                break;
            case FaultKinds.AsymmetricPartitions:
                if (_network.IsPartitioned && _random.NextInt(2) == 0)
                {
                    _network.Heal();
                    break;
                }
                Statistics.Partitions++;
                var victim = members[_random.NextInt(members.Count)];
                bool inbound = _random.NextInt(2) == 0;
                foreach (var other in members.Where(n => n != victim))
                {
                    if (inbound)
                    {
                        _network.Block(other.Id, victim.Id);
                    }
                    else
                    {
                        _network.Block(victim.Id, other.Id);
                    }
                }
                break;
            case FaultKinds.CrashRestart:
                var up = members.Where(n => n.IsUp).ToList();
                if (up.Count == 0)
                {
                    break;
                }
                var crashed = leader is not null && _random.NextInt(2) == 0 ? leader : up[_random.NextInt(up.Count)];
                Crash(crashed);
                break;
            case FaultKinds.MembershipChanges:
                ChangeMembership(leader);
                break;
            case FaultKinds.LeadershipTransfers:
                if (leader is not null)
                {
                    var voters = leader.Raft!.Configuration.Voters.Where(v => v != leader.Id).ToList();
                    if (voters.Count > 0 && leader.Raft.TransferLeadership(voters[_random.NextInt(voters.Count)]) == TransferStatus.Started)
                    {
                        Statistics.Transfers++;
                        Process(leader);
                    }
                }
                break;
        }
    }

    private void ChangeMembership(SimNode? leader)
    {
        if (leader is null)
        {
            return;
        }
        var raft = leader.Raft!;
        var configuration = raft.Configuration;
        var candidates = new List<ConfigurationChange>();
        foreach (var node in _nodes.Where(n => !_retired.Contains(n.Id) && !configuration.Contains(n.Id)))
        {
            candidates.Add(new ConfigurationChange(ConfigurationChangeType.AddLearner, node.Id));
        }
        foreach (ulong learner in configuration.Learners)
        {
            candidates.Add(new ConfigurationChange(ConfigurationChangeType.AddVoter, learner));
        }
        if (configuration.Voters.Count > 3)
        {
            foreach (ulong voter in configuration.Voters)
            {
                candidates.Add(new ConfigurationChange(ConfigurationChangeType.RemoveNode, voter));
            }
        }
        if (candidates.Count == 0)
        {
            return;
        }
        var change = candidates[_random.NextInt(candidates.Count)];
        var result = raft.ProposeConfigurationChange(change);
        if (result.Status == ProposeStatus.Accepted)
        {
            Trace?.Invoke($"{_now} leader {leader.Id} term {raft.Term} proposes {change} at {result.Index}");
            Statistics.MembershipChanges++;
            if (change.Type == ConfigurationChangeType.RemoveNode)
            {
                // A removed node never comes back under the same id (its old state could vote twice).
                _retired.Add(change.Node);
            }
            Process(leader);
        }
    }

    private void Crash(SimNode node)
    {
        Trace?.Invoke($"{_now} crash {node.Id}");
        Statistics.Crashes++;
        node.Raft = null;
        node.Storage.DropUnsynced();
        node.Incarnation++;
        foreach (ulong index in node.PendingWrites.Keys.ToArray())
        {
            AbandonWrite(node, index);
        }
        foreach (var (requestId, pending) in node.PendingReads.ToArray())
        {
            node.PendingReads.Remove(requestId);
            Fail(pending.Client, pending.Operation);
        }
        if (_faultPhase)
        {
            Schedule(5_000 + _random.NextInt(50_000), new SimEvent(SimEventKind.Restart, node.Id, null, 0, node.Incarnation));
        }
    }

    private void EnterQuietPhase()
    {
        _faultPhase = false;
        _network.Heal();
        _network.LossProbability = 0;
        _network.DuplicationProbability = 0;
        _network.MaxDelayMicros = 500;
        foreach (var node in _nodes.Where(n => !n.IsUp))
        {
            Start(node);
            Statistics.Restarts++;
        }
    }

    // ------------------------------------------------------------------------------------------------------------ end checks

    private void CheckLiveness(ulong committedAtMark)
    {
        if (Trace is not null)
        {
            foreach (var node in _nodes)
            {
                var r = node.Raft;
                Trace($"node {node.Id} up={node.IsUp} role={r?.Role} term={r?.Term} lead={r?.Leader} last={r?.LastIndex} commit={r?.Committed} applied={node.StateMachine.AppliedIndex} config={r?.Configuration}");
                if (r is not null && r.Role == NodeRole.Leader)
                {
                    foreach (var member in r.Configuration.Members)
                    {
                        Trace($"   progress {member}: {r.GetProgress(member)}");
                    }
                }
            }
        }
        var leader = _nodes.Where(n => n.IsUp && n.Raft!.Role == NodeRole.Leader).MaxBy(n => n.Raft!.Term);
        if (leader is null)
        {
            throw new SimulationFailureException("liveness: no leader at the end of the quiet phase");
        }
        var raft = leader.Raft!;
        if (raft.Committed <= committedAtMark)
        {
            throw new SimulationFailureException($"liveness: leader {leader.Id} committed nothing new in the quiet phase (commit {raft.Committed})");
        }
        foreach (var node in _nodes.Where(n => raft.Configuration.Contains(n.Id)))
        {
            if (node.StateMachine.AppliedIndex < committedAtMark)
            {
                throw new SimulationFailureException($"liveness: member {node.Id} applied only {node.StateMachine.AppliedIndex} < {committedAtMark}");
            }
        }
    }

    private void FinishHistory()
    {
        foreach (var client in _clients.Where(c => c.Current is not null))
        {
            if (!client.Current!.IsWrite)
            {
                _history.Remove(client.Current);
            }
        }
    }
}
