using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cairn.Cluster.Blocking;
using Cairn.Cluster.Engine;
using Cairn.Cluster.Handoff;
using Cairn.Cluster.Keyless;
using Cairn.Cluster.PubSub;
using Cairn.Cluster.Transactions;
using Cairn.Cluster.Transport;
using Cairn.Commands.Clients;
using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Commands.Specs;
using Cairn.Primitives;
using Cairn.Primitives.Networking;
using Cairn.Protocol.Resp;
using Cairn.Replication.Membership;
using Cairn.Replication.Node;
using Cairn.Replication.Placement;
using Cairn.Replication.Protocol;
using Microsoft.Extensions.Logging;

namespace Cairn.Cluster;

/// <summary>
/// The cluster shell of one node: owns the pure <see cref="ReplicationNode"/> and drives it one work item at a time (peer
/// messages, timer ticks, client requests) through a <see cref="NodeExecutor"/>, which runs them on the posting thread when
/// no other thread is running them, so a peer frame is stepped and answered on the socket thread that read it; does its IO (peer transport, engine through
/// <see cref="EngineReplicaStore"/>), and routes client commands to it as the dispatcher's <see cref="IClusterRouter"/>.
/// A routed client's reply is deferred (<see cref="CommandContext.DeferReply"/>): its connection stops at the request and
/// is resumed by the thread that writes the answer (<see cref="IDeferredReplyConnection"/>), with no cluster knowledge of
/// its own; blocking, admin and keyless commands park the client through the dispatcher's blocking mechanism instead.
/// Thread safety: TryRoute/Admin/AppendInfo run under the store lock on client threads and post to the executor; the
/// node, the waiters and the store adapter are touched only by executor work items, which take the store lock themselves
/// (it is reentrant: a client thread that posts while holding it may run the batch). A poster never waits for another
/// thread's batch, so holding the store lock while posting cannot deadlock.
/// </summary>
public sealed class ClusterService : IClusterRouter, IAsyncDisposable
{
    private readonly ServerContext _server;
    private readonly ServerConfig _config;
    private readonly ILogger _logger;
    private readonly ReplicationNode _node;
    private readonly EngineReplicaStore _engine;
    private readonly TcpPeerTransport _transport;
    private readonly NodeExecutor _executor;
    private readonly Dictionary<long, Waiter> _waiters = [];
    private readonly List<KeyPolicy> _policies;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Client, ConsistencyLevel> _consistency = [];
    private readonly string[] _seeds;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _seedLoop;
    private readonly ITimer _timer;
    private readonly KeylessCommands _keyless;
    private readonly BlockedCommands _blocked;
    private readonly ChannelPlacement _channels;
    private readonly HintLog? _hintLog;
    private readonly ClusterWatches _watches = new();
    private readonly Action _runExecutor;
    private readonly Action _runExecutorAfterTurn;
    private long _nextRequestId;
    private volatile string _infoText = "";
    private volatile bool _joined;

    private ClusterService(ServerContext server, string bindAddress, ILogger logger, IEventLoopHost? peerLinkLoop)
    {
        _server = server;
        _config = server.Config;
        _logger = logger;
        _executor = new NodeExecutor(Drain, logger);
        _runExecutor = _executor.Run;
        _runExecutorAfterTurn = RunExecutorAfterTurn;
        string? error = KeyPolicy.TryParse(_config.ClusterPolicies, _config.ClusterReplicas, out _policies);
        if (error is not null)
        {
            throw new FormatException(error);
        }
        if (_config.ClusterReadQuorum > _config.ClusterReplicas || _config.ClusterWriteQuorum > _config.ClusterReplicas)
        {
            throw new FormatException("cluster-read-quorum and cluster-write-quorum must not exceed cluster-replicas");
        }
        if (_config.ClusterTombstoneGraceMilliseconds > 0 && _config.ClusterTombstoneGraceMilliseconds < _config.ClusterHintWindowMilliseconds)
        {
            // A hint of an older write replayed after the tombstone that superseded it was collected brings the key back.
            logger.LogWarning("cluster-tombstone-grace-ms ({Grace}) is shorter than cluster-hint-window-ms ({Window}): a replica " +
                "that was away longer than the grace may get deleted keys back", _config.ClusterTombstoneGraceMilliseconds,
                _config.ClusterHintWindowMilliseconds);
        }
        NodeId = _config.ClusterNodeId.Length > 0 ? _config.ClusterNodeId : Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
        int peerPort = _config.ClusterPort != 0 ? _config.ClusterPort : _config.Port == 0 ? 0 : _config.Port + 10000;
        _transport = new TcpPeerTransport(NodeId, Encoding.UTF8.GetBytes(_config.ClusterSecret), bindAddress, peerPort, logger, OnPeerMessages,
            peerLinkLoop);
        PeerAddress = $"{bindAddress}:{_transport.Port}";
        _seeds = _config.ClusterSeeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        long tick = _config.ClusterTickMilliseconds;
        _node = new ReplicationNode(new ReplicationOptions
        {
            NodeId = NodeId,
            Address = PeerAddress,
            Zone = _config.ClusterZone,
            Incarnation = server.NowMilliseconds, // later lives of this id always supersede earlier ones
            Random = new SeededRandom((ulong)RandomNumberGenerator.GetInt32(int.MaxValue)),
            PartitionCount = _config.ClusterPartitions,
            ReplicationFactor = _config.ClusterReplicas,
            SuspectAfterTicks = Math.Max(1, _config.ClusterSuspectAfterMilliseconds / tick),
            DownAfterTicks = Math.Max(2, _config.ClusterDownAfterMilliseconds / tick),
            RequestTimeoutTicks = (int)Math.Max(1, _config.ClusterRequestTimeoutMilliseconds / tick),
            HintWindowTicks = Math.Max(1, _config.ClusterHintWindowMilliseconds / tick),
            TombstoneGraceMilliseconds = _config.ClusterTombstoneGraceMilliseconds,
            HintMaxBytes = _config.ClusterHintMaxBytes,
            AntiEntropyIntervalTicks = (int)(_config.ClusterAntiEntropyIntervalMilliseconds / tick),
            SloppyQuorum = _config.ClusterSloppyQuorum,
            MaxClockOffsetMilliseconds = _config.ClusterMaxClockOffsetMilliseconds,
            BlockWatchTicks = (int)Math.Max(2, 2 * BlockedCommands.RetryIntervalTicks(_config) + _config.ClusterRequestTimeoutMilliseconds / tick),
        }, _engine = new EngineReplicaStore(server));
        _keyless = new KeylessCommands(this);
        _blocked = new BlockedCommands(this);
        _channels = new ChannelPlacement(this);
        _hintLog = HintLog.Open(server.FileSystem, _config.Dir, _node, () => _server.NowMilliseconds, tick, logger);
        _timer = server.Time.CreateTimer(_ => Post(OnTick), null,
            TimeSpan.FromMilliseconds(tick), TimeSpan.FromMilliseconds(tick));
        _seedLoop = Task.Run(SeedLoopAsync);
    }

    public string NodeId { get; }

    /// <summary>host:port of this node's peer port.</summary>
    public string PeerAddress { get; }

    /// <summary>The transport, for statistics and tests' fault injection.</summary>
    public TcpPeerTransport Transport => _transport;

    /// <summary>Starts the cluster shell of a running server and attaches it as the server's router.</summary>
    /// <param name="peerLinkLoop">
    /// The server's event loop that reads inbound peer links (<c>CairnServer.PeerLinkLoop</c>), so peer frames and the
    /// clients they answer are handled in that loop's turns; null: .NET's socket engine reads them.
    /// </param>
    public static ClusterService Start(ServerContext server, ILogger logger, IEventLoopHost? peerLinkLoop = null)
    {
        string bind = server.Config.Bind.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(a => a != "*" && !a.Contains(':')) ?? "127.0.0.1";
        bind = bind.TrimStart('-') is "localhost" or "*" ? "127.0.0.1" : bind.TrimStart('-');
        var service = new ClusterService(server, bind, logger, peerLinkLoop);
        using (server.Store.Lock.EnterScope())
        {
            server.Cluster = service;
        }
        // INFO cluster answers from text the node's batches refresh; build it once now, so a client that connects as soon as
        // the node says it started (a test reading cluster_peer_address to seed the next node) never finds it empty.
        service.QueryAsync(_ => service._infoText = service.BuildInfo()).GetAwaiter().GetResult();
        logger.LogInformation("Cluster node {NodeId} listening for peers on {Address}", service.NodeId, service.PeerAddress);
        return service;
    }

    /// <summary>Runs <paramref name="query"/> on the cluster's thread and returns its result (tests and admin).</summary>
    public Task<T> QueryAsync<T>(Func<ReplicationNode, T> query)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => result.TrySetResult(query(_node)));
        return result.Task;
    }

    // ---- routing (client threads, under the store lock) ----

    public bool TryRoute(CommandContext ctx, CommandSpec spec)
    {
        Client client = ctx.Client;
        if (EngineReplicaStore.IsInternal(client))
        {
            return false;
        }
        CommandArguments args = ctx.Arguments;
        if (spec.Name == "publish")
        {
            byte[] channel = args[1].ToArray();
            byte[] message = args[2].ToArray();
            Post(() => _channels.Publish(channel, message));
            return false; // delivered here by the normal handler
        }
        if (spec.Name is "subscribe" or "psubscribe" or "unsubscribe" or "punsubscribe")
        {
            Post(_channels.AnnounceNow); // runs after this command (the loop waits for the store lock), so it sees the change
            return false;
        }
        if (spec.Name == "select" && !(args.Count == 2 && args[1].SequenceEqual("0"u8)))
        {
            ctx.Error("ERR SELECT is not allowed in cluster mode");
            return true;
        }
        if (spec.Name == "exec" && client.InMulti)
        {
            return RouteTransaction(ctx);
        }
        if (spec.Name is "unwatch" or "reset" or "discard" or "exec")
        {
            // The local handler answers. EXEC and DISCARD without MULTI answer an error and keep the watches, as Redis's.
            if (spec.Name is "unwatch" or "reset" || client.InMulti)
            {
                _watches.Clear(client);
            }
            return false;
        }
        if (spec.Name == "watch")
        {
            return !client.InMulti && RouteWatch(ctx); // inside MULTI the local handler answers Redis's error
        }
        List<int> positions = KeyPositions.Of(spec, args.Count, args.GetMemory, out bool valid);
        if (!valid)
        {
            return false; // a malformed key count (LMPOP 9 k LEFT): no key to route by, and the local handler answers its error
        }
        if (positions.Count == 0)
        {
            return _keyless.TryRoute(ctx, spec); // DBSIZE, KEYS, SCAN, RANDOMKEY, FLUSHALL/FLUSHDB: every node; the rest: here
        }
        if (!_joined)
        {
            // Alone with seeds configured: placing keys on ourselves alone would answer from an empty replica.
            ctx.Error("CLUSTERDOWN this node has not joined its cluster yet");
            return true;
        }
        var keys = new byte[positions.Count][];
        int slot = -1;
        for (int i = 0; i < positions.Count; i++)
        {
            keys[i] = args[positions[i]].ToArray();
            int keySlot = HashSlots.ForKey(keys[i]);
            if (slot >= 0 && keySlot != slot)
            {
                ctx.Error("CROSSSLOT Keys in request don't hash to the same slot");
                return true;
            }
            slot = keySlot;
        }
        // Anything that may write (scripts are may_replicate, not write) goes through the primary and is replicated; so do
        // blocking commands (XREAD too), which the primary parks until a key changes (see BlockedCommands).
        bool blocking = spec.Has(CommandFlags.Blocking);
        Submit(ctx, keys, [args.ToOwnedArray()], blocking || !spec.Has(CommandFlags.ReadOnly) || spec.Has(CommandFlags.MayReplicate), blocking,
            slot: slot);
        return true;
    }

    /// <summary>WATCH: reads the keys' versions from a read quorum; EXEC takes them to the primary (see <see cref="ClusterWatches"/>).</summary>
    private bool RouteWatch(CommandContext ctx)
    {
        CommandArguments args = ctx.Arguments;
        int slot = _watches.SlotOf(ctx.Client);
        var keys = new byte[args.Count - 1][];
        for (int i = 1; i < args.Count; i++)
        {
            keys[i - 1] = args[i].ToArray();
            int keySlot = HashSlots.ForKey(keys[i - 1]);
            if (slot >= 0 && keySlot != slot)
            {
                ctx.Error("CROSSSLOT Keys in request don't hash to the same slot");
                return true;
            }
            slot = keySlot;
        }
        if (!_joined)
        {
            ctx.Error("CLUSTERDOWN this node has not joined its cluster yet");
            return true;
        }
        byte[][] command = ["EXISTS"u8.ToArray(), .. keys];
        Submit(ctx, keys, [command], write: false, blocking: false, watchRead: true);
        return true;
    }

    /// <summary>EXEC: the queued commands go as one operation to the partition's primary, which runs MULTI ... EXEC there.</summary>
    private bool RouteTransaction(CommandContext ctx)
    {
        Client client = ctx.Client;
        List<WatchedKey>? watched = _watches.Take(client);
        if (client.MultiHadError)
        {
            return false; // the local EXEC answers EXECABORT
        }
        var keys = new List<byte[]>();
        var commands = new List<byte[][]> { new[] { "MULTI"u8.ToArray() } };
        bool write = false;
        int slot = watched is { Count: > 0 } ? HashSlots.ForKey(watched[0].Key) : -1;
        foreach (QueuedCommand queued in client.Queue)
        {
            if (queued.Spec.Name is "flushall" or "flushdb")
            {
                // The transaction runs on one partition's primary: a flush there would reach no other node (and
                // anti-entropy would hand the keys back), while a FLUSHALL outside MULTI reaches every node.
                client.Queue.Clear();
                client.InMulti = false;
                ctx.Error($"ERR {queued.Spec.Name.ToUpperInvariant()} inside MULTI is not supported in cluster mode: a transaction runs on one partition's primary");
                return true;
            }
            byte[][] arguments = queued.Arguments;
            List<int> positions = KeyPositions.Of(queued.Spec, arguments.Length, i => arguments[i], out bool valid);
            if (!valid)
            {
                // A malformed key count names no key (as Redis Cluster's key specs): the command answers its error in EXEC.
                positions.Clear();
            }
            foreach (int position in positions)
            {
                int keySlot = HashSlots.ForKey(arguments[position]);
                if (slot >= 0 && keySlot != slot)
                {
                    client.Queue.Clear();
                    client.InMulti = false;
                    ctx.Error("CROSSSLOT Keys in request don't hash to the same slot");
                    return true;
                }
                slot = keySlot;
                keys.Add(arguments[position]);
            }
            write |= !queued.Spec.Has(CommandFlags.ReadOnly) || queued.Spec.Has(CommandFlags.MayReplicate);
            commands.Add(arguments);
        }
        if (watched is { Count: > 0 })
        {
            keys.AddRange(watched.Select(w => w.Key)); // the primary checks them, and a keyless transaction goes there too
            write = true;
        }
        if (keys.Count == 0)
        {
            return false; // nothing keyed: run it here
        }
        commands.Add(["EXEC"u8.ToArray()]);
        client.Queue.Clear();
        client.InMulti = false;
        var distinct = keys.DistinctBy(Convert.ToBase64String).ToArray();
        Submit(ctx, distinct, commands, write, blocking: false, watched: watched);
        return true;
    }

    private void Submit(CommandContext ctx, byte[][] keys, List<byte[][]> commands, bool write, bool blocking,
        bool watchRead = false, List<WatchedKey>? watched = null, int slot = -1)
    {
        KeyPolicy policy = PolicyFor(keys[0]);
        // The keys' slot when the caller has hashed them already (CRC16 of the key once per request, not twice).
        int partition = slot >= 0 ? _node.Layout.PartitionOfSlot(slot) : _node.Layout.PartitionOfKey(keys[0]);
        int required = write ? policy.WriteQuorum : policy.ReadQuorum;
        if (_consistency.TryGetValue(ctx.Client, out ConsistencyLevel? level))
        {
            required = level.Name switch
            {
                "ONE" => 1,
                "ALL" => policy.Replicas,
                _ => policy.Replicas / 2 + 1,
            };
        }
        RespVersion protocol = ctx.Reply.Version;
        var operation = new Operation(partition, keys, CommandEncoding.Encode(protocol, commands), write,
            policy.Replicas, required, watched);
        Client client = ctx.Client;
        long id = Interlocked.Increment(ref _nextRequestId);
        // A read this replica may answer alone runs now, on this thread, under the store lock, and is answered at once when it
        // completes here. Anything else waits for peers: it is only queued, and runs once the connection has stopped for it
        // and released the store lock (the action given to DeferReply, or BlockRequest.Parked, on this same thread). Run under the lock,
        // such a batch held every other client and peer message off the store while it stepped whatever peers had sent
        // meanwhile, and the clients it answered could not resume on this thread (the thread pool took them).
        bool runHere = !write && required == 1;
        // The reply is deferred: the connection stops its batch here and waits for TryWriteDeferredReply (no BlockRequest,
        // registry entry or re-execution; the node completes every request within its request timeout). Blocking
        // commands keep the blocking machinery (CLIENT UNBLOCK, their own timeouts), as do connections that cannot defer.
        Waiter waiter;
        bool defer = !blocking && ctx.Client.Connection is IDeferredReplyConnection;
        if (defer)
        {
            waiter = new Waiter(null, client);
        }
        else
        {
            var block = new BlockRequest([RequestKey(id)], 0, TimeoutReply.NullBulk, resumesInline: true)
            {
                WatchPeerClose = false,
                Parked = runHere ? null : _runExecutorAfterTurn,
            };
            ctx.Block = block;
            waiter = new Waiter(block, client);
        }
        Action submit = () =>
        {
            _waiters[id] = waiter;
            if (blocking)
            {
                _blocked.Track(id, operation);
            }
            if (watchRead)
            {
                using (_server.Store.Lock.EnterScope())
                {
                    _watches.Track(id, client, keys);
                }
            }
            // If this node runs the command itself (its read, or its write as the primary), it runs it from these commands.
            _engine.Prepare(operation.Command, protocol, commands);
            try
            {
                _node.Submit(id, operation, _server.NowMilliseconds);
            }
            finally
            {
                _engine.ClearPrepared();
            }
        };
        if (!runHere)
        {
            _executor.Enqueue(submit); // run by Parked, or by whichever thread runs the executor first
            if (defer)
            {
                ctx.DeferReply(_runExecutorAfterTurn);
            }
            return;
        }
        // If this thread runs the batch and the request completes in it (a read served by this replica alone, a refusal),
        // Drain hands the completion back here instead of answering a client that is not parked yet.
        t_inlineOwner = this;
        t_inlineRequestId = id;
        t_inlineCompletion = null;
        try
        {
            Post(submit);
        }
        finally
        {
            t_inlineOwner = null;
            t_inlineRequestId = 0;
        }
        if (t_inlineCompletion is { } done)
        {
            t_inlineCompletion = null;
            ctx.Block = null;
            WriteCompletion(ctx.Reply, done);
        }
        else if (defer)
        {
            ctx.DeferReply(null); // in flight: the executor has run already
        }
    }

    /// <summary>The blocking-registry key a parked routed client waits on: "\0cluster-request:&lt;id&gt;" (one allocation).</summary>
    private static byte[] RequestKey(long id)
    {
        ReadOnlySpan<byte> prefix = "\0cluster-request:"u8;
        Span<byte> key = stackalloc byte[prefix.Length + 20];
        prefix.CopyTo(key);
        id.TryFormat(key[prefix.Length..], out int digits, default, CultureInfo.InvariantCulture);
        return key[..(prefix.Length + digits)].ToArray();
    }

    [ThreadStatic]
    private static ClusterService? t_inlineOwner;

    [ThreadStatic]
    private static long t_inlineRequestId;

    [ThreadStatic]
    private static Completion? t_inlineCompletion;

    /// <summary>CLUSTER CONSISTENCY [ONE|QUORUM|ALL|DEFAULT]: a per-connection override of R and W (Cassandra's levels).</summary>
    private void SetConsistency(CommandContext ctx)
    {
        if (ctx.ArgumentCount == 2)
        {
            ctx.Reply.WriteSimpleString(_consistency.TryGetValue(ctx.Client, out ConsistencyLevel? current) ? current.Name : "DEFAULT");
            return;
        }
        string name = ctx.ArgString(2).ToUpperInvariant();
        if (ctx.ArgumentCount != 3 || name is not ("ONE" or "QUORUM" or "ALL" or "DEFAULT"))
        {
            ctx.Error("ERR consistency level must be ONE, QUORUM, ALL or DEFAULT");
            return;
        }
        _consistency.Remove(ctx.Client);
        if (name != "DEFAULT")
        {
            _consistency.Add(ctx.Client, new ConsistencyLevel(name));
        }
        ctx.Reply.WriteOk();
    }

    private KeyPolicy PolicyFor(byte[] key)
    {
        foreach (KeyPolicy policy in _policies)
        {
            if (policy.Matches(key))
            {
                return policy;
            }
        }
        KeyPolicy? fallback = _defaultPolicy;
        if (fallback is null || fallback.Replicas != _config.ClusterReplicas || fallback.ReadQuorum != _config.ClusterReadQuorum
            || fallback.WriteQuorum != _config.ClusterWriteQuorum)
        {
            fallback = _defaultPolicy = new KeyPolicy("*", _config.ClusterReplicas, _config.ClusterReadQuorum, _config.ClusterWriteQuorum);
        }
        return fallback;
    }

    private KeyPolicy? _defaultPolicy;

    // ---- the loop ----

    /// <summary>
    /// A routed client has parked: run its queued request. On an event-loop thread this waits for the end of the loop's
    /// turn, so every request read in the turn is submitted in one executor batch and their peer messages leave in one frame
    /// per peer (one send, one wake-up of each peer) rather than one frame per request; elsewhere it runs now.
    /// </summary>
    private void RunExecutorAfterTurn()
    {
        if (!EventLoopTurn.TryDefer(_runExecutor))
        {
            _runExecutor();
        }
    }

    internal void Post(Action work) => _executor.Post(work);

    /// <summary>The messages of the frames one inbound link read at once: stepped as one batch (one Drain, one frame per peer).</summary>
    private void OnPeerMessages(string from, IReadOnlyList<byte[]> messages)
    {
        // One work item for the whole batch (a closure per message was two allocations per message).
        var decoded = new List<PeerMessage>(messages.Count);
        for (int i = 0; i < messages.Count; i++)
        {
            if (!PeerMessageCodec.TryDecode(messages[i], out PeerMessage? message) || message!.From != from)
            {
                _logger.LogWarning("dropping a malformed peer message from {Peer}", from);
                continue;
            }
            decoded.Add(message);
        }
        if (decoded.Count == 0)
        {
            return;
        }
        _executor.Enqueue(() =>
        {
            foreach (PeerMessage message in decoded)
            {
                try
                {
                    StepPeerMessage(message);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "cluster peer message {Type} from {Peer} failed", message.Type, message.From);
                }
            }
        });
        // Read on an event loop (peerLinkLoop), the frame is stepped at the end of the loop's turn, in one batch with the
        // routed requests its clients sent in the same turn: one Drain, one frame per peer, one store-lock hold.
        if (!EventLoopTurn.TryDefer(_runExecutor))
        {
            _executor.Run();
        }
    }

    private void StepPeerMessage(PeerMessage message)
    {
        switch (message.Type)
        {
            case PeerMessageType.Publish or PeerMessageType.PublishRoute or PeerMessageType.PubSubInterest:
                _channels.OnMessage(message);
                return;
            case PeerMessageType.Scatter or PeerMessageType.ScatterResult:
                _keyless.OnMessage(message);
                return;
        }
        _node.Step(message, _server.NowMilliseconds);
    }

    /// <summary>
    /// Sends what the node produced (one frame per peer for the whole batch) and answers the clients whose requests
    /// completed. Runs after each executor batch.
    /// </summary>
    private void Drain()
    {
        foreach (PeerMessage message in _node.TakeMessages())
        {
            if (_node.Members.Find(message.To) is { } member && member.Address.Length > 0)
            {
                _transport.Queue(member.Address, PeerMessageCodec.Encode(message));
            }
        }
        _transport.Flush();
        List<Completion> completions = _node.TakeCompletions();
        if (completions.Count > 0)
        {
            using (_server.Store.Lock.EnterScope())
            {
                foreach (Completion completed in completions)
                {
                    Completion completion = completed;
                    if (_blocked.Intercept(completion) || completion.Status == CompletionStatus.KeysReady)
                    {
                        continue; // a blocking command that waits on (or retries); a wake-up for one already answered
                    }
                    if (_watches.TryComplete(completion))
                    {
                        completion = completion with { Reply = "+OK\r\n"u8.ToArray() }; // WATCH's reply, not EXISTS's
                    }
                    if (!_waiters.Remove(completion.RequestId, out Waiter? waiter))
                    {
                        continue;
                    }
                    if (ReferenceEquals(t_inlineOwner, this) && completion.RequestId == t_inlineRequestId)
                    {
                        t_inlineCompletion = completion; // Submit answers it on this thread: its client is not parked yet
                        continue;
                    }
                    Answer(waiter, completion);
                }
            }
        }
        ResumeAnswered();
        _hintLog?.Append(_node.Hints);
        if (!_joined && (_seeds.All(s => s == PeerAddress) || _node.Members.Count > 1))
        {
            _joined = true;
        }
        if (_node.CurrentTick != _infoTick)
        {
            _infoTick = _node.CurrentTick;
            _infoText = BuildInfo();
        }
    }

    private long _infoTick = -1;

    // ---- for the cluster's helpers (keyless commands, blocking commands, pub/sub placement, durable hints) ----

    internal ReplicationNode Node => _node;

    internal ServerContext Server => _server;

    internal EngineReplicaStore Engine => _engine;

    internal bool Joined => _joined;

    internal ChannelPlacement Channels => _channels;

    internal HintLog? HintLog => _hintLog;

    internal BlockedCommands Blocked => _blocked;

    /// <summary>Sends a message to a member by id (dropped when its address is unknown). Runs on the loop.</summary>
    internal void SendTo(PeerMessage message)
    {
        if (_node.Members.Find(message.To) is { } member && member.Address.Length > 0)
        {
            _transport.Send(member.Address, PeerMessageCodec.Encode(message));
        }
    }

    /// <summary>Parks the client of <paramref name="ctx"/> until the loop answers it through <see cref="Reply"/>. REQUIRES the store lock.</summary>
    internal Waiter Park(CommandContext ctx)
    {
        var block = new BlockRequest([RequestKey(Interlocked.Increment(ref _nextRequestId))], 0, TimeoutReply.NullBulk);
        ctx.Block = block;
        return new Waiter(block, ctx.Client);
    }

    /// <summary>Answers a parked client that <see cref="TryTakeWaiter"/> returned, with a completion's reply or error. Runs on the loop.</summary>
    internal void Answer(Waiter waiter, byte[] reply)
    {
        using (_server.Store.Lock.EnterScope())
        {
            Answer(waiter, new Completion(0, CompletionStatus.Ok, reply, ""));
        }
    }

    internal bool TryTakeWaiter(long requestId, out Waiter? waiter) => _waiters.Remove(requestId, out waiter);

    internal bool TryPeekWaiter(long requestId, out Waiter? waiter) => _waiters.TryGetValue(requestId, out waiter);

    /// <summary>Writes the reply to a parked client and releases it. REQUIRES the store lock.</summary>
    private void Answer(Waiter waiter, Completion completion)
    {
        if (waiter.Block is not { } block)
        {
            // A deferred reply: written and the connection resumed after the store lock is released (ResumeAnswered).
            if (IsErrorReply(completion) && !waiter.Client.IsClosing)
            {
                _server.Stats.ErrorReplies++;
            }
            _answered.Add(new AnsweredClient(null, waiter.Client, completion));
            return;
        }
        if (block.IsDone)
        {
            return; // the client went away or was unblocked
        }
        _server.Blocking.Unregister(block);
        if (!block.ResumesInline)
        {
            waiter.Client.Connection.Push((this, completion), static (w, state) => state.Item1.WriteCompletion(w, state.completion));
            block.Completion.TrySetResult(true);
            return;
        }
        // Answered: nothing else may answer it (CLIENT UNBLOCK looks here), but its reply is written and sent, and its
        // connection resumed, only when Drain has released the store lock (ResumeAnswered), on this thread.
        if (ReferenceEquals(waiter.Client.Blocked, block))
        {
            waiter.Client.Blocked = null;
        }
        if (IsErrorReply(completion))
        {
            _server.Stats.ErrorReplies++; // counted here, under the store lock, as every other error reply is
        }
        _answered.Add(new AnsweredClient(block, waiter.Client, completion));
    }

    /// <summary>A parked client answered in this batch whose reply is not written yet.</summary>
    private readonly record struct AnsweredClient(BlockRequest? Block, Client Client, Completion Completion);

    /// <summary>Routed clients resumed on the answering thread, and through the thread pool (in how many work items). Executor only.</summary>
    private long _resumedInline;

    private long _resumedByPool;

    private long _poolResumeItems;

    /// <summary>Parked clients answered in this batch, waiting for their replies to be written and to resume. Executor only.</summary>
    private List<AnsweredClient> _answered = [];

    private List<AnsweredClient> _answeredSpare = [];

    /// <summary>
    /// Resumes the connections of the clients answered in this batch. On a thread that holds no lock (a peer socket's, the
    /// timer's, or a routed client's once it has parked: see <see cref="Submit"/>), each resumes right here (its read loop
    /// usually just waits for the client's next request) instead of being queued to the thread pool: a wake-up and a
    /// thread hop less per routed request. A batch run under the store lock (a request that may complete at once, admin
    /// and keyless commands) hands them to the thread pool, in one work item.
    /// </summary>
    private void ResumeAnswered()
    {
        if (_answered.Count == 0)
        {
            return;
        }
        List<AnsweredClient> answered = _answered;
        _answered = _answeredSpare;
        _answeredSpare = answered;
        // The replies are written (and sent: Push flushes) here, not in Answer: Drain answers a batch's clients under the
        // store lock, and sending each reply there held both epoll loops off the store (their clients' commands) for one
        // send per answered client. A parked client's output is touched by nobody else meanwhile (its read loop waits; a
        // pub/sub push may come first, which RESP3 allows). Push takes only the client's output lock.
        // Every reply is written first, then the clients resume (each may go on with its next buffered requests here).
        int resumable = 0;
        for (int i = 0; i < answered.Count; i++)
        {
            AnsweredClient client = answered[i];
            if (client.Block is null)
            {
                if (!((IDeferredReplyConnection)client.Client.Connection).TryWriteDeferredReply(client.Completion,
                    static (w, completion) => WriteReply(w, completion)))
                {
                    continue; // the client was closed while its request was in flight
                }
            }
            else
            {
                client.Client.Connection.Push(client.Completion, static (w, completion) => WriteReply(w, completion));
            }
            answered[resumable++] = client;
        }
        answered.RemoveRange(resumable, answered.Count - resumable);
        bool inline = t_inlineOwner is null && !_server.Store.Lock.IsHeldByCurrentThread;
        if (!inline)
        {
            AnsweredClient[] clients = answered.ToArray();
            answered.Clear();
            ResumeOnThreadPool(clients);
            return;
        }
        _resumedInline += answered.Count;
        foreach (AnsweredClient client in answered)
        {
            Resume(client); // a resumed read loop that posts work only queues it: this batch is running
        }
        answered.Clear();
    }

    private static void Resume(AnsweredClient client)
    {
        if (client.Block is { } block)
        {
            block.Completion.TrySetResult(true);
        }
        else
        {
            ((IDeferredReplyConnection)client.Client.Connection).ResumeAfterDeferredReply();
        }
    }

    private void ResumeOnThreadPool(AnsweredClient[] clients)
    {
        Interlocked.Add(ref _resumedByPool, clients.Length);
        Interlocked.Increment(ref _poolResumeItems);
        ThreadPool.UnsafeQueueUserWorkItem(static clients =>
        {
            foreach (AnsweredClient client in clients)
            {
                Resume(client);
            }
        }, clients, preferLocal: false);
    }

    /// <summary>The client's reply for a completed request (parked, or answered inline by <see cref="Submit"/>).</summary>
    private void WriteCompletion(RespWriter writer, Completion completion)
    {
        if (IsErrorReply(completion))
        {
            _server.Stats.ErrorReplies++;
        }
        WriteReply(writer, completion);
    }

    /// <summary>Whether <see cref="WriteReply"/> answers this completion with an error (what INFO's error count counts).</summary>
    private static bool IsErrorReply(Completion completion) =>
        completion.Status is not (CompletionStatus.Ok or CompletionStatus.WouldBlock or CompletionStatus.WatchAborted);

    /// <summary>Writes a completion's reply without counting it (<see cref="WriteCompletion"/> counts error replies).</summary>
    private static void WriteReply(RespWriter writer, Completion completion)
    {
        if (completion.Status is CompletionStatus.Ok or CompletionStatus.WouldBlock)
        {
            writer.WriteRaw(completion.Reply); // WouldBlock: the timeout reply
        }
        else if (completion.Status == CompletionStatus.WatchAborted)
        {
            writer.WriteNullArray(); // EXEC after a WATCHed key changed, as Redis
        }
        else
        {
            writer.WriteError(completion.Error);
        }
    }

    internal void Reply(Waiter waiter, Action<RespWriter> write)
    {
        using (_server.Store.Lock.EnterScope())
        {
            BlockRequest block = waiter.Block ?? throw new InvalidOperationException("Reply answers parked (admin, keyless) clients only");
            if (block.IsDone)
            {
                return;
            }
            _server.Blocking.Unregister(block);
            waiter.Client.Connection.Push(write);
            if (block.ResumesInline)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static b => b.Completion.TrySetResult(true), block, preferLocal: false); // never under the lock
            }
            else
            {
                block.Completion.TrySetResult(true);
            }
        }
    }

    private void OnTick()
    {
        long now = _server.NowMilliseconds;
        _node.Tick(now);
        _keyless.Tick(now);
        _blocked.Tick(now);
        _channels.Tick();
        _hintLog?.Sync();
    }

    // ---- seeds ----

    private async Task SeedLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            foreach (string seed in _seeds)
            {
                bool known = await QueryAsync(node => node.Members.Records.Any(r => r.Address == seed && r.NodeId != node.Id && r.Heartbeat > 0));
                if (known || seed == PeerAddress)
                {
                    continue;
                }
                string? id = await _transport.IdentifyAsync(seed, _stopping.Token);
                if (id is not null && id != NodeId)
                {
                    Post(() => _node.Introduce(new MemberRecord(id, seed, "", 0, 0, false)));
                }
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(200, _config.ClusterTickMilliseconds * 5)), _server.Time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // ---- admin ----

    public void Admin(CommandContext ctx)
    {
        string sub = ctx.ArgString(1).ToLowerInvariant();
        switch (sub)
        {
            case "myid":
                ctx.Reply.WriteBulkString(Encoding.UTF8.GetBytes(NodeId));
                return;
            case "keyslot":
                ctx.Reply.WriteInteger(HashSlots.ForKey(ctx.Arg(2)));
                return;
            case "consistency":
                SetConsistency(ctx);
                return;
        }
        byte[] key = ctx.ArgumentCount > 2 ? ctx.ArgBytes(2) : [];
        var block = new BlockRequest([Encoding.ASCII.GetBytes("\0cluster-admin:" + Interlocked.Increment(ref _nextRequestId).ToString(CultureInfo.InvariantCulture))], 0, TimeoutReply.NullBulk);
        ctx.Block = block;
        var waiter = new Waiter(block, ctx.Client);
        switch (sub)
        {
            case "info":
                Post(() => { string text = BuildClusterInfo(); Reply(waiter, w => w.WriteBulkString(Encoding.UTF8.GetBytes(text))); });
                return;
            case "nodes":
                Post(() => { string text = BuildNodes(); Reply(waiter, w => w.WriteBulkString(Encoding.UTF8.GetBytes(text))); });
                return;
            case "partitions":
                Post(() => { string text = BuildPartitions(key); Reply(waiter, w => w.WriteBulkString(Encoding.UTF8.GetBytes(text))); });
                return;
            case "keypartition":
                Post(() =>
                {
                    int partition = _node.Layout.PartitionOfKey(key);
                    IReadOnlyList<string> replicas = _node.Map.Replicas(partition);
                    Reply(waiter, w =>
                    {
                        w.WriteArrayHeader(2 + replicas.Count);
                        w.WriteInteger(HashSlots.ForKey(key));
                        w.WriteInteger(partition);
                        foreach (string replica in replicas)
                        {
                            w.WriteBulkString(Encoding.UTF8.GetBytes(replica));
                        }
                    });
                });
                return;
            case "leave":
                Post(() => { _node.Leave(); Reply(waiter, w => w.WriteOk()); });
                return;
            case "meet":
                {
                    string address = Encoding.UTF8.GetString(key);
                    _ = Task.Run(async () =>
                    {
                        string? id = await _transport.IdentifyAsync(address, _stopping.Token);
                        if (id is null)
                        {
                            Reply(waiter, w => w.WriteError("ERR could not reach a cluster node with this secret at " + address));
                            return;
                        }
                        Post(() => { _node.Introduce(new MemberRecord(id, address, "", 0, 0, false)); Reply(waiter, w => w.WriteOk()); });
                    });
                    return;
                }
            case "repair":
                _ = Task.Run(() => RepairAsync(waiter));
                return;
        }
        Reply(waiter, w => w.WriteError("ERR unknown CLUSTER subcommand"));
    }

    /// <summary>
    /// CLUSTER REPAIR: compares every partition this node replicates with each live co-replica now, waits until the
    /// exchanges settle (no key sent in the last round), and reports what moved.
    /// </summary>
    private async Task RepairAsync(Waiter waiter)
    {
        ReplicationStats before = await QueryAsync(node => Copy(node.Stats));
        int exchanges = await QueryAsync(node => node.RequestRepair());
        long previousApplied = -1;
        var settle = TimeSpan.FromMilliseconds(Math.Max(100, _config.ClusterTickMilliseconds * 3));
        for (int round = 0; round < 50; round++)
        {
            await Task.Delay(settle, _server.Time);
            long applied = await QueryAsync(node => node.Stats.ReplicasApplied + node.Stats.AntiEntropyKeysSent);
            if (applied == previousApplied)
            {
                break;
            }
            previousApplied = applied;
        }
        ReplicationStats after = await QueryAsync(node => Copy(node.Stats));
        string text = string.Create(CultureInfo.InvariantCulture,
            $"exchanges:{exchanges}\r\nagreeing:{after.AntiEntropyAgreeing - before.AntiEntropyAgreeing}\r\n" +
            $"keys_sent:{after.AntiEntropyKeysSent - before.AntiEntropyKeysSent}\r\nkeys_received:{after.ReplicasApplied - before.ReplicasApplied}\r\n");
        Reply(waiter, w => w.WriteBulkString(Encoding.UTF8.GetBytes(text)));
    }

    private static ReplicationStats Copy(ReplicationStats stats) => new()
    {
        AntiEntropyAgreeing = stats.AntiEntropyAgreeing,
        AntiEntropyKeysSent = stats.AntiEntropyKeysSent,
        ReplicasApplied = stats.ReplicasApplied,
    };

    public void AppendInfo(StringBuilder text) => text.Append(_infoText);

    private string BuildInfo()
    {
        ReplicationStats s = _node.Stats;
        int alive = 0;
        int suspect = 0;
        int down = 0;
        foreach (MemberRecord member in _node.Members.Records)
        {
            if (member.Left)
            {
                continue;
            }
            switch (_node.LivenessOf(member.NodeId))
            {
                case Liveness.Alive:
                    alive++;
                    break;
                case Liveness.Suspect:
                    suspect++;
                    break;
                default:
                    down++;
                    break;
            }
        }
        var text = new StringBuilder();
        void Field(string name, object value) => text.Append(name).Append(':').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append("\r\n");
        Field("cairn_cluster_enabled", 1);
        Field("cluster_node_id", NodeId);
        Field("cluster_peer_address", PeerAddress);
        Field("cluster_known_nodes", alive + suspect + down);
        Field("cluster_nodes_alive", alive);
        Field("cluster_nodes_suspect", suspect);
        Field("cluster_nodes_down", down);
        Field("cluster_partitions", _node.Layout.PartitionCount);
        Field("cluster_replicas", _config.ClusterReplicas);
        Field("cluster_read_quorum", _config.ClusterReadQuorum);
        Field("cluster_write_quorum", _config.ClusterWriteQuorum);
        Field("cluster_writes_coordinated", s.WritesCoordinated);
        Field("cluster_reads_coordinated", s.ReadsCoordinated);
        Field("cluster_writes_as_primary", s.WritesAsPrimary);
        Field("cluster_noquorum_refusals", s.NoQuorumRefusals);
        Field("cluster_timeouts", s.Timeouts);
        Field("cluster_replicas_applied", s.ReplicasApplied);
        Field("cluster_concurrent_writes_resolved", s.ConcurrentWritesResolved);
        Field("cluster_read_repairs", s.ReadRepairs);
        Field("cluster_read_retries", s.ReadRetries);
        Field("cluster_hints_pending", _node.Hints.Count);
        Field("cluster_hints_bytes", _node.Hints.SizeBytes);
        Field("cluster_hints_replayed", s.HintsReplayed);
        Field("cluster_tombstones_collected", s.TombstonesCollected);
        Field("cluster_tombstones_queued", _node.Versions.QueuedTombstones);
        Field("cluster_hints_dropped", _node.Hints.Dropped);
        Field("cluster_blocked_commands", _blocked.Count);
        Field("cluster_block_watches", _node.Watches.Count);
        Field("cluster_pubsub_received", _channels.Received);
        Field("cluster_anti_entropy_rounds", s.AntiEntropyRounds);
        Field("cluster_anti_entropy_agreeing", s.AntiEntropyAgreeing);
        Field("cluster_anti_entropy_keys_sent", s.AntiEntropyKeysSent);
        Field("cluster_max_clock_offset_ms", s.MaxObservedClockOffsetMilliseconds);
        Field("cluster_clock_offset_violations", s.ClockOffsetViolations);
        Field("cluster_clients_resumed_inline", _resumedInline);
        Field("cluster_clients_resumed_by_pool", Interlocked.Read(ref _resumedByPool));
        Field("cluster_pool_resume_items", Interlocked.Read(ref _poolResumeItems));
        // Process-wide: every thread-pool work item run so far (timers, cron, anything queued), to count per request.
        Field("cluster_threadpool_work_items", ThreadPool.CompletedWorkItemCount);
        Field("cluster_peer_frames_sent", _transport.FramesSent);
        Field("cluster_peer_messages_sent", _transport.MessagesSent);
        Field("cluster_peer_bytes_sent", _transport.BytesSent);
        Field("cluster_peer_bytes_received", _transport.BytesReceived);
        Field("cluster_peer_messages_dropped", _transport.MessagesDropped);
        return text.ToString();
    }

    private string BuildClusterInfo()
    {
        bool ok = _node.Members.Records.Count(r => !r.Left && _node.LivenessOf(r.NodeId) != Liveness.Down) >= Math.Min(_config.ClusterWriteQuorum, _node.Members.PlacementNodes().Count);
        return "cluster_state:" + (ok ? "ok" : "fail") + "\r\n" + BuildInfo();
    }

    /// <summary>One line per node, in the spirit of Redis's CLUSTER NODES: id, peer address, flags, liveness, heartbeat, partitions.</summary>
    private string BuildNodes()
    {
        var text = new StringBuilder();
        foreach (MemberRecord member in _node.Members.Records.OrderBy(r => r.NodeId, StringComparer.Ordinal))
        {
            var flags = new List<string>();
            if (member.NodeId == NodeId)
            {
                flags.Add("myself");
            }
            flags.Add(member.Left ? "left" : _node.LivenessOf(member.NodeId) switch
            {
                Liveness.Alive => "alive",
                Liveness.Suspect => "suspect",
                _ => "down",
            });
            int primary = 0;
            int replica = 0;
            for (int p = 0; p < _node.Layout.PartitionCount; p++)
            {
                IReadOnlyList<string> list = _node.Map.Replicas(p);
                if (list.Count > 0 && list[0] == member.NodeId)
                {
                    primary++;
                }
                else if (_node.Map.IsReplica(p, member.NodeId))
                {
                    replica++;
                }
            }
            text.Append(CultureInfo.InvariantCulture, $"{member.NodeId} {member.Address} {string.Join(',', flags)} zone={(member.Zone.Length == 0 ? "-" : member.Zone)} incarnation={member.Incarnation} heartbeat={member.Heartbeat} silent_ticks={(member.NodeId == NodeId ? 0 : _node.Detector.SilentTicks(member.NodeId, _node.CurrentTick))} first_in={primary} replica_in={replica}\n");
        }
        return text.ToString();
    }

    private string BuildPartitions(byte[] argument)
    {
        var text = new StringBuilder();
        int only = argument.Length > 0 && int.TryParse(Encoding.ASCII.GetString(argument), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : -1;
        for (int partition = 0; partition < _node.Layout.PartitionCount; partition++)
        {
            if (only >= 0 && partition != only)
            {
                continue;
            }
            text.Append(CultureInfo.InvariantCulture, $"{partition} slots={_node.Layout.FirstSlot(partition)}-{_node.Layout.LastSlot(partition)} keys={_node.Versions.KeyCount(partition)} merkle={_node.Versions.Tree(partition).RootHash:x16} replicas=");
            text.AppendJoin(',', _node.Map.Replicas(partition).Select(id => id + ":" + _node.LivenessOf(id).ToString().ToLowerInvariant()));
            text.Append('\n');
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        await _timer.DisposeAsync();
        using (_server.Store.Lock.EnterScope())
        {
            if (ReferenceEquals(_server.Cluster, this))
            {
                _server.Cluster = null;
            }
        }
        try
        {
            await _seedLoop.WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
        }
        _executor.Stop();
        await _transport.DisposeAsync();
        _hintLog?.Dispose();
    }

    /// <summary>A client waiting for a routed request: parked through <paramref name="Block"/> (blocking, admin and keyless
    /// commands), or, when Block is null, waiting for a deferred reply (<see cref="IDeferredReplyConnection"/>).</summary>
    internal sealed record Waiter(BlockRequest? Block, Client Client)
    {
        /// <summary>The client no longer waits (unblocked, gone).</summary>
        public bool IsDone => Block?.IsDone ?? Client.IsClosing;
    }

    private sealed record ConsistencyLevel(string Name);
}
