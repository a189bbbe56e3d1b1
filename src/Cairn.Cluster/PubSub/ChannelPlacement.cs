using System.IO.Hashing;
using Cairn.Cluster.Engine;
using Cairn.Primitives;
using Cairn.Protocol.Resp;
using Cairn.Replication.Keyspace;
using Cairn.Replication.Membership;
using Cairn.Replication.Protocol;

namespace Cairn.Cluster.PubSub;

/// <summary>
/// Pub/sub across the cluster with channels placed by hashing. A channel lives where a key of the same name would: its
/// partition's replicas are its home nodes. Every node tells each home which of the channels placed there it has subscribers
/// for, and tells every node whether it has any pattern subscriber (<c>PubSubInterest</c>, the full state for that receiver,
/// sent when the node's subscriptions change and refreshed every <see cref="RefreshTicks"/>; entries not refreshed for four
/// periods are forgotten). PUBLISH is delivered on the publishing node, then sent to the channel's first live home
/// (<c>PublishRoute</c>), which delivers it to its own subscribers and forwards it (<c>Publish</c>, deliver only) to exactly
/// the nodes with subscribers of that channel or with pattern subscribers: patterns can match any channel, so they cannot be
/// placed, and a node that has them receives every message. Without a reachable home the message is broadcast, as before.
/// A subscription made on one node takes effect elsewhere within about one tick (the announcement's trip).
/// Thread safety: only the cluster's loop touches it (it takes the store lock to read the local subscriptions).
/// </summary>
internal sealed class ChannelPlacement
{
    public const int RefreshTicks = 25;

    private readonly ClusterService _cluster;
    private readonly Dictionary<string, Interest> _interest = new(StringComparer.Ordinal);
    private ulong _announcedDigest;
    private long _lastAnnouncedTick = long.MinValue / 2;
    private long _announcedMembership = -1;

    public ChannelPlacement(ClusterService cluster)
    {
        _cluster = cluster;
    }

    /// <summary>Messages of other nodes' PUBLISHes this node received (routed to it as home, or forwarded to it).</summary>
    public long Received { get; private set; }

    /// <summary>Whether <paramref name="nodeId"/> told this node it has subscribers of <paramref name="channel"/>.</summary>
    public bool KnowsSubscribers(string nodeId, byte[] channel) =>
        _interest.TryGetValue(nodeId, out Interest? interest) && interest.Channels.Contains(channel);

    public bool KnowsPatterns(string nodeId) => _interest.TryGetValue(nodeId, out Interest? interest) && interest.Patterns;

    /// <summary>A PUBLISH made here (and already delivered here).</summary>
    public void Publish(byte[] channel, byte[] message)
    {
        var node = _cluster.Node;
        string? home = KeyspaceOwners.OwnerOf(node.Map.Replicas(node.Layout.PartitionOfKey(channel)), node.LivenessOf);
        if (home is null)
        {
            foreach (MemberRecord member in node.Members.Records)
            {
                if (member.NodeId != node.Id && !member.Left && node.LivenessOf(member.NodeId) != Liveness.Down)
                {
                    SendDeliver(member.NodeId, channel, message);
                }
            }
            return;
        }
        if (home == node.Id)
        {
            Route(channel, message, node.Id);
            return;
        }
        _cluster.SendTo(new PeerMessage
        {
            Type = PeerMessageType.PublishRoute,
            From = node.Id,
            To = home,
            Keys = [channel],
            Command = message,
        });
    }

    public void OnMessage(PeerMessage message)
    {
        switch (message.Type)
        {
            case PeerMessageType.Publish when message.Keys.Count == 1:
                Deliver(message.Keys[0], message.Command);
                break;
            case PeerMessageType.PublishRoute when message.Keys.Count == 1:
                Deliver(message.Keys[0], message.Command);
                Route(message.Keys[0], message.Command, message.From);
                break;
            case PeerMessageType.PubSubInterest:
                {
                    var channels = new HashSet<byte[]>(ByteArrayComparer.Instance);
                    foreach (byte[] channel in message.Keys)
                    {
                        channels.Add(channel);
                    }
                    _interest[message.From] = new Interest(channels, message.Ok, _cluster.Node.CurrentTick);
                    break;
                }
        }
    }

    /// <summary>Forgets interest not refreshed for four periods, and announces ours if due.</summary>
    public void Tick()
    {
        long tick = _cluster.Node.CurrentTick;
        foreach ((string id, Interest interest) in _interest.ToArray())
        {
            if (tick - interest.Tick > 4 * RefreshTicks)
            {
                _interest.Remove(id);
            }
        }
        AnnounceNow();
    }

    /// <summary>Announces this node's subscriptions if they changed (or placement did) or the refresh period passed.</summary>
    public void AnnounceNow()
    {
        var node = _cluster.Node;
        long tick = node.CurrentTick;
        List<byte[]> channels;
        bool patterns;
        var server = _cluster.Server;
        using (server.Store.Lock.EnterScope())
        {
            channels = [.. server.PubSub.Channels];
            patterns = server.PubSub.PatternCount > 0;
        }
        ulong digest = patterns ? 1UL : 0UL;
        foreach (byte[] channel in channels)
        {
            digest ^= XxHash64.HashToUInt64(channel) | 2; // order independent
        }
        digest ^= (ulong)channels.Count << 1;
        if (digest == _announcedDigest && node.Map.MembershipVersion == _announcedMembership && tick - _lastAnnouncedTick < RefreshTicks)
        {
            return;
        }
        _announcedDigest = digest;
        _announcedMembership = node.Map.MembershipVersion;
        _lastAnnouncedTick = tick;
        foreach (MemberRecord member in node.Members.Records)
        {
            if (member.NodeId == node.Id || member.Left || node.LivenessOf(member.NodeId) == Liveness.Down)
            {
                continue;
            }
            var placedThere = new List<byte[]>();
            foreach (byte[] channel in channels)
            {
                if (node.Map.IsReplica(node.Layout.PartitionOfKey(channel), member.NodeId))
                {
                    placedThere.Add(channel);
                }
            }
            _cluster.SendTo(new PeerMessage
            {
                Type = PeerMessageType.PubSubInterest,
                From = node.Id,
                To = member.NodeId,
                Ok = patterns,
                Keys = placedThere,
            });
        }
    }

    /// <summary>At the channel's home: forwards to every node with subscribers of the channel or with pattern subscribers.</summary>
    private void Route(byte[] channel, byte[] message, string origin)
    {
        var node = _cluster.Node;
        foreach ((string target, Interest interest) in _interest)
        {
            if (target == node.Id || target == origin || node.LivenessOf(target) == Liveness.Down)
            {
                continue;
            }
            if (interest.Patterns || interest.Channels.Contains(channel))
            {
                SendDeliver(target, channel, message);
            }
        }
    }

    private void SendDeliver(string target, byte[] channel, byte[] message) => _cluster.SendTo(new PeerMessage
    {
        Type = PeerMessageType.Publish,
        From = _cluster.Node.Id,
        To = target,
        Keys = [channel],
        Command = message,
    });

    private void Deliver(byte[] channel, byte[] message)
    {
        Received++;
        _cluster.Engine.Execute(CommandEncoding.Encode(RespVersion.Resp2, [["PUBLISH"u8.ToArray(), channel, message]]), [], write: false);
    }

    private sealed record Interest(HashSet<byte[]> Channels, bool Patterns, long Tick);
}
