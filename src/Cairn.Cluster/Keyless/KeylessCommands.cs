using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Cairn.Cluster.Engine;
using Cairn.Commands.Execution;
using Cairn.Commands.Specs;
using Cairn.Primitives;
using Cairn.Protocol.Resp;
using Cairn.Replication.Keyspace;
using Cairn.Replication.Membership;
using Cairn.Replication.Protocol;

namespace Cairn.Cluster.Keyless;

/// <summary>
/// DBSIZE, KEYS, SCAN, RANDOMKEY, FLUSHALL and FLUSHDB across the cluster, by scatter/gather (peer messages Scatter and
/// ScatterResult). Each partition is answered by one node, its owner (<see cref="KeyspaceOwners"/>: the first live replica),
/// so a key is counted and listed once however many replicas hold it. SCAN walks one partition per call on its owner
/// (<see cref="ClusterScanCursor"/>). FLUSHALL/FLUSHDB go to every member and are refused while any member is down (it would
/// keep the flushed keys and hand them back); each node flushes its engine and forgets versions and hints from before the
/// flush (<see cref="Replication.Node.ReplicationNode.Flush"/>).
/// Thread safety: <see cref="TryRoute"/> runs on client threads under the store lock and only posts to the loop; the rest
/// runs on the cluster's loop.
/// </summary>
internal sealed class KeylessCommands
{
    private const long DefaultScanCount = 10;

    private readonly ClusterService _cluster;
    private readonly Dictionary<long, Gather> _pending = [];
    private long _nextId;

    public KeylessCommands(ClusterService cluster)
    {
        _cluster = cluster;
    }

    // ---- client threads ----

    public bool TryRoute(CommandContext ctx, CommandSpec spec)
    {
        string name = spec.Name;
        if (name is not ("dbsize" or "keys" or "scan" or "randomkey" or "flushall" or "flushdb"))
        {
            return false;
        }
        var op = new List<byte[]> { Encoding.ASCII.GetBytes(name.ToUpperInvariant()) };
        ulong cursor = 0;
        switch (name)
        {
            case "keys":
                op.Add(ctx.ArgBytes(1));
                break;
            case "scan":
                if (!TryParseScan(ctx, op, out cursor))
                {
                    return true; // the error is written
                }
                break;
            case "flushall" or "flushdb":
                if (!(ctx.ArgumentCount == 1 || (ctx.ArgumentCount == 2 && (ctx.ArgIs(1, "SYNC"u8) || ctx.ArgIs(1, "ASYNC"u8)))))
                {
                    ctx.SyntaxError();
                    return true;
                }
                break;
        }
        if (!_cluster.Joined)
        {
            ctx.Error("CLUSTERDOWN this node has not joined its cluster yet");
            return true;
        }
        ClusterService.Waiter waiter = _cluster.Park(ctx);
        RespVersion protocol = ctx.Reply.Version;
        _cluster.Post(() => Start(name, op, cursor, waiter, protocol));
        return true;
    }

    /// <summary>SCAN cursor [MATCH pattern] [COUNT count] [TYPE type], with Redis's errors; op gets COUNT, MATCH, TYPE.</summary>
    private static bool TryParseScan(CommandContext ctx, List<byte[]> op, out ulong cursor)
    {
        if (!ulong.TryParse(ctx.ArgString(1), NumberStyles.None, CultureInfo.InvariantCulture, out cursor))
        {
            ctx.Error("ERR invalid cursor");
            return false;
        }
        long count = DefaultScanCount;
        byte[] pattern = [];
        byte[] type = [];
        for (int i = 2; i < ctx.ArgumentCount; i += 2)
        {
            bool hasValue = ctx.ArgumentCount - i >= 2;
            if (ctx.ArgIs(i, "COUNT"u8) && hasValue)
            {
                if (!ctx.TryGetInt64(i + 1, out count))
                {
                    return false;
                }
                if (count < 1)
                {
                    ctx.SyntaxError();
                    return false;
                }
            }
            else if (ctx.ArgIs(i, "MATCH"u8) && hasValue)
            {
                pattern = ctx.Arg(i + 1) is [(byte)'*'] ? [] : ctx.ArgBytes(i + 1);
            }
            else if (ctx.ArgIs(i, "TYPE"u8) && hasValue)
            {
                type = ctx.ArgBytes(i + 1);
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        op.Add(Encoding.ASCII.GetBytes(count.ToString(CultureInfo.InvariantCulture)));
        op.Add(pattern);
        op.Add(type);
        return true;
    }

    // ---- the loop ----

    private void Start(string name, List<byte[]> op, ulong cursor, ClusterService.Waiter waiter, RespVersion protocol)
    {
        var node = _cluster.Node;
        long id = ++_nextId;
        var gather = new Gather(name, waiter, protocol, _cluster.Server.NowMilliseconds + _cluster.Server.Config.ClusterRequestTimeoutMilliseconds);
        var targets = new Dictionary<string, List<ulong>>(StringComparer.Ordinal);
        if (name is "flushall" or "flushdb")
        {
            foreach (MemberRecord member in node.Members.Records)
            {
                if (member.Left)
                {
                    continue;
                }
                if (node.LivenessOf(member.NodeId) == Liveness.Down)
                {
                    _cluster.Reply(waiter, w => w.WriteError($"CLUSTERDOWN {name.ToUpperInvariant()} needs every node, and {member.NodeId} is down (its copy of the data would come back)"));
                    return;
                }
                targets[member.NodeId] = [];
            }
            // The flush's timestamp: versions at or before it are refused everywhere afterwards.
            op.Add(BitConverterBytes(node.Timestamp(_cluster.Server.NowMilliseconds).Value));
        }
        else
        {
            string?[] owners = KeyspaceOwners.Assign(node.Map, node.LivenessOf);
            if (name == "scan")
            {
                var position = ClusterScanCursor.Decode(cursor);
                if (position.Partition >= owners.Length)
                {
                    _cluster.Reply(waiter, w => WriteScan(w, 0, []));
                    return;
                }
                if (owners[position.Partition] is not { } owner)
                {
                    _cluster.Reply(waiter, w => w.WriteError($"CLUSTERDOWN partition {position.Partition} has no reachable replica"));
                    return;
                }
                gather.ScanPartition = position.Partition;
                gather.ScanOwner = owner;
                op.Insert(1, Encoding.ASCII.GetBytes(position.LocalCursorOn(owner).ToString(CultureInfo.InvariantCulture)));
                targets[owner] = [(ulong)position.Partition];
            }
            else
            {
                for (int p = 0; p < owners.Length; p++)
                {
                    if (owners[p] is null)
                    {
                        _cluster.Reply(waiter, w => w.WriteError($"CLUSTERDOWN partition {p} has no reachable replica"));
                        return;
                    }
                }
                foreach ((string owner, List<int> partitions) in KeyspaceOwners.ByNode(owners))
                {
                    targets[owner] = partitions.ConvertAll(p => (ulong)p);
                }
            }
        }
        byte[] command = CommandEncoding.Encode(RespVersion.Resp2, [[.. op]]);
        _pending[id] = gather;
        foreach ((string target, List<ulong> partitions) in targets)
        {
            gather.Waiting.Add(target);
            if (target == node.Id)
            {
                continue;
            }
            _cluster.SendTo(new PeerMessage
            {
                Type = PeerMessageType.Scatter,
                From = node.Id,
                To = target,
                RequestId = id,
                Command = command,
                Hashes = partitions,
            });
        }
        if (targets.TryGetValue(node.Id, out List<ulong>? mine))
        {
            Collect(id, node.Id, Run(command, mine));
        }
    }

    public void OnMessage(PeerMessage message)
    {
        if (message.Type == PeerMessageType.Scatter)
        {
            Result result = Run(message.Command, message.Hashes);
            _cluster.SendTo(new PeerMessage
            {
                Type = PeerMessageType.ScatterResult,
                From = _cluster.NodeId,
                To = message.From,
                RequestId = message.RequestId,
                Ok = result.Error.Length == 0,
                Error = result.Error,
                Hash = result.Number,
                Keys = result.Keys,
            });
            return;
        }
        Collect(message.RequestId, message.From, new Result(message.Hash, message.Keys, message.Ok ? "" : message.Error));
    }

    /// <summary>Answers gathers whose time ran out with the nodes that did not answer.</summary>
    public void Tick(long nowMilliseconds)
    {
        List<long>? expired = null;
        foreach ((long id, Gather gather) in _pending)
        {
            if (nowMilliseconds >= gather.DeadlineMilliseconds)
            {
                (expired ??= []).Add(id);
            }
        }
        foreach (long id in expired ?? [])
        {
            _pending.Remove(id, out Gather? gather);
            string missing = string.Join(',', gather!.Waiting.Order(StringComparer.Ordinal));
            string what = gather.Name is "flushall" or "flushdb"
                ? $"TIMEOUT {gather.Name.ToUpperInvariant()} not confirmed by {missing} in time (it may have been applied there)"
                : $"TIMEOUT {gather.Name.ToUpperInvariant()} got no answer from {missing} in time";
            _cluster.Reply(gather.Waiter, w => w.WriteError(what));
        }
    }

    /// <summary>This node's share of a scattered command. Runs on the loop; takes the store lock.</summary>
    private Result Run(byte[] command, IReadOnlyList<ulong> partitionList)
    {
        if (!CommandEncoding.TryDecode(command, out _, out List<byte[][]> commands) || commands.Count != 1)
        {
            return new Result(0, [], "ERR cluster: malformed scattered command");
        }
        byte[][] op = commands[0];
        string name = Encoding.ASCII.GetString(op[0]);
        var node = _cluster.Node;
        if (name is "FLUSHALL" or "FLUSHDB")
        {
            if (op.Length < 2 || op[^1].Length != 8)
            {
                return new Result(0, [], "ERR cluster: malformed flush");
            }
            var flush = new List<byte[]> { "FLUSHALL"u8.ToArray() };
            if (op.Length == 3)
            {
                flush.Add(op[1]);
            }
            _cluster.Engine.Execute(CommandEncoding.Encode(RespVersion.Resp2, [[.. flush]]), [], write: true);
            node.Flush(new HybridTimestamp(BinaryPrimitives.ReadUInt64LittleEndian(op[^1])));
            return new Result(0, [], "");
        }
        bool[] partitions = LocalKeyspace.PartitionSet(node.Layout, partitionList);
        ServerContext server = _cluster.Server;
        using (server.Store.Lock.EnterScope())
        {
            switch (name)
            {
                case "DBSIZE":
                    return new Result((ulong)LocalKeyspace.Count(server, node.Layout, partitions), [], "");
                case "KEYS":
                    return new Result(0, LocalKeyspace.Keys(server, node.Layout, partitions, op[1] is [(byte)'*'] ? null : op[1]), "");
                case "RANDOMKEY":
                    {
                        (byte[]? key, long count) = LocalKeyspace.Random(server, node.Layout, partitions, server.Random);
                        return new Result((ulong)count, key is null ? [] : [key], "");
                    }
                case "SCAN" when partitionList.Count == 1 && op.Length == 5:
                    {
                        var keys = new List<byte[]>();
                        ulong local = ulong.Parse(Encoding.ASCII.GetString(op[1]), CultureInfo.InvariantCulture);
                        long count = long.Parse(Encoding.ASCII.GetString(op[2]), CultureInfo.InvariantCulture);
                        ulong next = LocalKeyspace.Scan(server, node.Layout, (int)partitionList[0], local, count,
                            op[3].Length == 0 ? null : op[3], op[4].Length == 0 ? null : op[4], keys);
                        return new Result(next, keys, "");
                    }
            }
        }
        return new Result(0, [], "ERR cluster: unknown scattered command " + name);
    }

    private void Collect(long id, string from, Result result)
    {
        if (!_pending.TryGetValue(id, out Gather? gather) || !gather.Waiting.Remove(from))
        {
            return; // late, duplicate or unknown
        }
        if (result.Error.Length > 0)
        {
            gather.Error ??= result.Error;
        }
        gather.Number += result.Number;
        gather.Keys.AddRange(result.Keys);
        if (gather.Name == "randomkey" && result.Keys.Count == 1)
        {
            gather.Candidates.Add((result.Keys[0], (long)result.Number));
        }
        if (gather.Name == "scan")
        {
            gather.Number = result.Number; // the next local cursor
        }
        if (gather.Waiting.Count > 0)
        {
            return;
        }
        _pending.Remove(id);
        Finish(gather);
    }

    private void Finish(Gather gather)
    {
        if (gather.Error is { } error)
        {
            _cluster.Reply(gather.Waiter, w => w.WriteError(error));
            return;
        }
        switch (gather.Name)
        {
            case "dbsize":
                _cluster.Reply(gather.Waiter, w => w.WriteInteger((long)gather.Number));
                return;
            case "keys":
                _cluster.Reply(gather.Waiter, w =>
                {
                    w.WriteArrayHeader(gather.Keys.Count);
                    foreach (byte[] key in gather.Keys)
                    {
                        w.WriteBulkString(key);
                    }
                });
                return;
            case "randomkey":
                {
                    byte[]? chosen = PickWeighted(gather.Candidates, _cluster.Server.Random);
                    _cluster.Reply(gather.Waiter, w =>
                    {
                        if (chosen is null)
                        {
                            w.WriteNull();
                        }
                        else
                        {
                            w.WriteBulkString(chosen);
                        }
                    });
                    return;
                }
            case "scan":
                {
                    ulong next = ClusterScanCursor.After(gather.ScanPartition, _cluster.Node.Layout.PartitionCount, gather.ScanOwner, gather.Number);
                    _cluster.Reply(gather.Waiter, w => WriteScan(w, next, gather.Keys));
                    return;
                }
            default:
                _cluster.Reply(gather.Waiter, w => w.WriteOk());
                return;
        }
    }

    /// <summary>A node's random key chosen with probability proportional to how many keys it answered for: uniform overall.</summary>
    private static byte[]? PickWeighted(List<(byte[] Key, long Weight)> candidates, IRandomSource random)
    {
        long total = 0;
        foreach ((_, long weight) in candidates)
        {
            total += weight;
        }
        if (total <= 0)
        {
            return null;
        }
        double pick = random.NextDouble() * total;
        foreach ((byte[] key, long weight) in candidates)
        {
            pick -= weight;
            if (pick < 0)
            {
                return key;
            }
        }
        return candidates[^1].Key;
    }

    private static void WriteScan(RespWriter w, ulong next, List<byte[]> keys)
    {
        w.WriteArrayHeader(2);
        w.WriteBulkString(Encoding.ASCII.GetBytes(next.ToString(CultureInfo.InvariantCulture)));
        w.WriteArrayHeader(keys.Count);
        foreach (byte[] key in keys)
        {
            w.WriteBulkString(key);
        }
    }

    private static byte[] BitConverterBytes(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private sealed record Result(ulong Number, IReadOnlyList<byte[]> Keys, string Error);

    private sealed class Gather(string name, ClusterService.Waiter waiter, RespVersion protocol, long deadlineMilliseconds)
    {
        public string Name { get; } = name;
        public ClusterService.Waiter Waiter { get; } = waiter;
        public RespVersion Protocol { get; } = protocol;
        public long DeadlineMilliseconds { get; } = deadlineMilliseconds;
        public HashSet<string> Waiting { get; } = new(StringComparer.Ordinal);
        public ulong Number { get; set; }
        public List<byte[]> Keys { get; } = [];
        public List<(byte[] Key, long Weight)> Candidates { get; } = [];
        public string? Error { get; set; }
        public int ScanPartition { get; set; }
        public string ScanOwner { get; set; } = "";
    }
}
