using System.Text;
using Cairn.Primitives;
using Cairn.Replication.Membership;
using Cairn.Replication.Node;
using Cairn.Replication.Protocol;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Tests.Node;

/// <summary>
/// Who answers a write's client: with W = 2 and a coordinator that is a replica, the primary's Replicate to the coordinator
/// carries the reply and the coordinator answers once it has applied it (one message crossing instead of three).
/// </summary>
public sealed class WriteAnswerTests
{
    private static readonly string[] Ids = NodeCluster.Ids;

    [Fact]
    public void ACoordinatorThatIsAReplicaAnswersFromThePrimarysReplicateWithoutAWriteResult()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        (string coordinator, byte[] key, int partition) = KeyWhosePrimaryIsNot("a", nodes);
        ReplicationNode a = nodes[coordinator].Node;
        a.Submit(1, new Operation(partition, [key], Encoding.UTF8.GetBytes("v1"), true, 3, 2), 2000);
        List<PeerMessage> sent = [];
        Pump(nodes, sent, 2000);

        Completion done = Assert.Single(a.TakeCompletions());
        Assert.Equal(CompletionStatus.Ok, done.Status);
        Assert.Equal("OK"u8.ToArray(), done.Reply);
        Assert.DoesNotContain(sent, m => m.Type == PeerMessageType.WriteResult);
        Assert.Single(sent, m => m.Type == PeerMessageType.Replicate && m.To == coordinator && m.Ok);
        Assert.Single(sent, m => m.Type == PeerMessageType.Replicate && m.To != coordinator && !m.Ok);
        // The quorum was complete when the primary sent (it counted the coordinator when it delegated the answer), so the
        // third replica holds its acknowledgement instead of sending it in a message of its own: 3 messages per write.
        Assert.DoesNotContain(sent, m => m.Type == PeerMessageType.ReplicateAck);
        Assert.Equal(3, sent.Count);
        foreach ((ReplicationNode _, SetStore store) in nodes.Values)
        {
            Assert.Equal("v1"u8.ToArray(), store.Data[key]);
        }
        Assert.Equal(0, a.PendingRequests);

        // Its next tick sends the held acknowledgement, and the primary forgets the write.
        string primary = a.Map.Replicas(partition)[0];
        string third = Ids.First(id => id != coordinator && id != primary);
        nodes[third].Node.Tick(2100);
        sent.Clear();
        Pump(nodes, sent, 2100);
        PeerMessage ack = Assert.Single(sent, m => m.Type == PeerMessageType.ReplicateAck);
        Assert.Equal(third, ack.From);
        Assert.Equal(primary, ack.To);
        Assert.Single(ack.Hashes);
        Assert.All(nodes.Values, n => Assert.Equal(0, n.Node.PendingRequests)); // the primary forgot the write once all acknowledged
    }

    [Fact]
    public void HeldAcknowledgementsTravelWithTheNextMessageToThePrimaryAndAreSentPastABound()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        (string coordinator, byte[] key, int partition) = KeyWhosePrimaryIsNot("a", nodes);
        ReplicationNode a = nodes[coordinator].Node;
        string primary = a.Map.Replicas(partition)[0];
        string third = Ids.First(id => id != coordinator && id != primary);
        for (int i = 1; i <= 3; i++)
        {
            a.Submit(i, new Operation(partition, [key], Encoding.UTF8.GetBytes("v" + i), true, 3, 2), 2000);
            Pump(nodes, [], 2000);
        }
        Assert.Equal(3, a.TakeCompletions().Count);
        Assert.NotEqual(0, nodes[primary].Node.PendingRequests); // three writes wait for the third replica's acknowledgements

        // The third replica coordinates a write of its own to the same primary: the held acknowledgements go with it.
        ReplicationNode t = nodes[third].Node;
        t.Submit(10, new Operation(partition, [key], "v4"u8.ToArray(), true, 3, 2), 2000);
        List<PeerMessage> outgoing = t.TakeMessages();
        Assert.Contains(outgoing, m => m.Type == PeerMessageType.ForwardWrite && m.To == primary);
        PeerMessage ack = Assert.Single(outgoing, m => m.Type == PeerMessageType.ReplicateAck);
        Assert.Equal(3, ack.Hashes.Count);
        foreach (PeerMessage message in outgoing)
        {
            nodes[message.To].Node.Step(message, 2000);
        }
        Pump(nodes, [], 2000);
        Assert.Equal(CompletionStatus.Ok, Assert.Single(t.TakeCompletions()).Status);
        TickAndSettle(nodes, 2100);
        Assert.All(nodes.Values, n => Assert.Equal("v4"u8.ToArray(), n.Store.Data[key]));
    }

    [Fact]
    public void APrimaryCoordinatingAtWriteQuorumTwoAsksOneReplicaToAcknowledgeAtOnceAndTheOtherLater()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        ReplicationNode a = nodes["a"].Node;
        (_, byte[] key, int partition) = KeyWhosePrimary("a", isCoordinator: true, nodes);
        a.Submit(1, new Operation(partition, [key], "v1"u8.ToArray(), true, 3, 2), 2000);
        List<PeerMessage> sent = [];
        Pump(nodes, sent, 2000);

        Assert.Equal(CompletionStatus.Ok, Assert.Single(a.TakeCompletions()).Status);
        Assert.Equal(2, sent.Count(m => m.Type == PeerMessageType.Replicate));
        Assert.Single(sent, m => m.Type == PeerMessageType.Replicate && m.Required == 0); // the one the quorum waits for
        Assert.Single(sent, m => m.Type == PeerMessageType.ReplicateAck);
        Assert.Equal(3, sent.Count);
        Assert.Equal(1, a.PendingRequests); // the write, until the other replica's held acknowledgement comes
        TickAndSettle(nodes, 2100);
        Assert.All(nodes.Values, n => Assert.Equal("v1"u8.ToArray(), n.Store.Data[key]));
    }

    [Fact]
    public void WithWriteQuorumThreeThePrimaryAnswersAfterEveryReplicaAcknowledged()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        (string coordinator, byte[] key, int partition) = KeyWhosePrimaryIsNot("a", nodes);
        ReplicationNode a = nodes[coordinator].Node;
        a.Submit(1, new Operation(partition, [key], Encoding.UTF8.GetBytes("v1"), true, 3, 3), 2000);
        List<PeerMessage> sent = [];
        Pump(nodes, sent, 2000);

        Assert.Equal(CompletionStatus.Ok, Assert.Single(a.TakeCompletions()).Status);
        Assert.DoesNotContain(sent, m => m.Type == PeerMessageType.Replicate && m.Ok);
        Assert.Single(sent, m => m.Type == PeerMessageType.WriteResult);
    }

    [Fact]
    public void AReplicateCarryingAnAnswerFromANodeThatIsNotTheRequestsPrimaryAnswersNothing()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        (string coordinator, byte[] key, int partition) = KeyWhosePrimaryIsNot("a", nodes);
        ReplicationNode a = nodes[coordinator].Node;
        string primary = a.Map.Replicas(partition)[0];
        string other = Ids.First(id => id != coordinator && id != primary);
        a.Submit(1, new Operation(partition, [key], Encoding.UTF8.GetBytes("v1"), true, 3, 2), 2000);
        a.TakeMessages(); // the ForwardWrite, never delivered
        a.Step(new PeerMessage
        {
            Type = PeerMessageType.Replicate,
            From = other,
            To = coordinator,
            RequestId = 9,
            Keys = [key],
            Versions = [new ValueVersion(HybridTimestamp.Create(2000, 0), VectorClock.FromEntries([(other, 1)]))],
            Payloads = ["x"u8.ToArray()],
            Ok = true,
            Reply = "OK"u8.ToArray(),
            Hash = 1,
        }, 2000);
        Assert.Empty(a.TakeCompletions());
        Assert.Equal(1, a.PendingRequests);
    }

    [Fact]
    public void AReadWhoseTargetNeverAnswersAsksTheOtherReplicaHalfwayToItsDeadlineAndSucceeds()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        (string coordinator, byte[] key, int partition) = KeyWhosePrimaryIsNot("a", nodes);
        ReplicationNode a = nodes[coordinator].Node;
        a.Submit(1, new Operation(partition, [key], "v1"u8.ToArray(), true, 3, 3), 2000);
        Pump(nodes, [], 2000);
        Assert.Equal(CompletionStatus.Ok, Assert.Single(a.TakeCompletions()).Status);

        a.Submit(2, new Operation(partition, [key], "GET"u8.ToArray(), false, 3, 2), 2000);
        PeerMessage lost = Assert.Single(a.TakeMessages(), m => m.Type == PeerMessageType.Read); // never delivered
        long now = 2000;
        List<PeerMessage> retries = [];
        for (int tick = 0; tick < 10 && retries.Count == 0; tick++)
        {
            a.Tick(now += 100);
            Assert.Empty(a.TakeCompletions()); // neither answered nor timed out before the retry
            retries = a.TakeMessages().Where(m => m.Type == PeerMessageType.Read).ToList();
        }
        PeerMessage retry = Assert.Single(retries);
        Assert.NotEqual(lost.To, retry.To); // the replica not asked before
        Assert.Empty(retry.Versions);
        nodes[retry.To].Node.Step(retry, now);
        foreach (PeerMessage answer in nodes[retry.To].Node.TakeMessages().Where(m => m.Type == PeerMessageType.ReadResult))
        {
            a.Step(answer, now);
        }
        Completion done = Assert.Single(a.TakeCompletions());
        Assert.Equal(CompletionStatus.Ok, done.Status);
        Assert.Equal("v1"u8.ToArray(), done.Reply);
        Assert.Equal(1, a.Stats.ReadRetries);
    }

    [Fact]
    public void AReadWhereTheReplicasAgreeRunsTheCommandOnlyOnTheCoordinator()
    {
        (Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes, string coordinator, byte[] key, int partition) =
            ClusterWithKeyWritten();
        ReplicationNode a = nodes[coordinator].Node;
        foreach ((ReplicationNode _, SetStore store) in nodes.Values)
        {
            store.Reads = 0;
        }

        a.Submit(2, new Operation(partition, [key], "GET"u8.ToArray(), false, 3, 2), 2000);
        List<PeerMessage> sent = [];
        Pump(nodes, sent, 2000);

        Completion done = Assert.Single(a.TakeCompletions());
        Assert.Equal("v1"u8.ToArray(), done.Reply);
        PeerMessage read = Assert.Single(sent, m => m.Type == PeerMessageType.Read);
        Assert.Empty(read.Versions); // the coordinator's version of the key travels as its digest
        Assert.Single(read.Hashes);
        PeerMessage result = Assert.Single(sent, m => m.Type == PeerMessageType.ReadResult);
        Assert.Empty(result.Reply); // nothing newer there
        Assert.Empty(result.Versions); // and the same version: it is not sent back (the coordinator counts its own)
        Assert.Equal(2UL, result.Hash);
        Assert.Equal(1, nodes[coordinator].Store.Reads);
        Assert.Equal(1, nodes.Values.Sum(n => n.Store.Reads));
        Assert.DoesNotContain(sent, m => m.Type is PeerMessageType.Push or PeerMessageType.Replicate);
    }

    [Fact]
    public void AReplicaOlderThanTheCoordinatorAnswersItsValueAndIsRepaired()
    {
        (Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes, string coordinator, byte[] key, int partition) =
            ClusterWithKeyWritten();
        ReplicationNode a = nodes[coordinator].Node;
        // Only the coordinator gets a newer state: its read partner holds an older version (not the same one).
        var newer = new ValueVersion(HybridTimestamp.Create(9000, 0), VectorClock.FromEntries([("z", 1)]));
        string other = Ids.First(id => id != coordinator);
        a.Step(new PeerMessage
        {
            Type = PeerMessageType.Replicate,
            From = other,
            To = coordinator,
            Keys = [key],
            Versions = [newer],
            Payloads = ["v2"u8.ToArray()],
        }, 2000);
        a.TakeMessages();

        a.Submit(2, new Operation(partition, [key], "GET"u8.ToArray(), false, 3, 2), 2000);
        List<PeerMessage> sent = [];
        Pump(nodes, sent, 2000);

        Assert.Equal("v2"u8.ToArray(), Assert.Single(a.TakeCompletions()).Reply); // the newest reply wins
        PeerMessage result = Assert.Single(sent, m => m.Type == PeerMessageType.ReadResult);
        Assert.Equal("v1"u8.ToArray(), result.Reply); // a different digest: it ran the command
        Assert.Single(result.Versions);
        Assert.Equal(0UL, result.Hash);
        Assert.Equal("v2"u8.ToArray(), nodes[result.From].Store.Data[key]); // and read repair brought it up to date
    }

    [Fact]
    public void AReadCarryingVersionsFromAnOlderCoordinatorIsAnsweredWithVersionsAloneWhenNoneIsNewer()
    {
        (Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes, string coordinator, byte[] key, int partition) =
            ClusterWithKeyWritten();
        string replica = Ids.First(id => id != coordinator);
        ReplicationNode r = nodes[replica].Node;
        ValueVersion held = r.Versions.VersionOf(partition, key);
        var newer = new ValueVersion(HybridTimestamp.Create(9000, 0), VectorClock.FromEntries([("z", 1)]));
        foreach ((ValueVersion theirs, ulong hash) in new[] { (held, 2UL), (newer, 1UL) })
        {
            nodes[replica].Store.Reads = 0;
            r.Step(new PeerMessage
            {
                Type = PeerMessageType.Read,
                From = coordinator,
                To = replica,
                RequestId = 7,
                Partition = partition,
                Keys = [key],
                Command = "GET"u8.ToArray(),
                Versions = [theirs],
            }, 2000);
            PeerMessage answer = Assert.Single(r.TakeMessages(), m => m.Type == PeerMessageType.ReadResult);
            Assert.Equal(hash, answer.Hash);
            Assert.Empty(answer.Reply);
            Assert.Equal(hash == 2 ? 0 : 1, answer.Versions.Count);
            Assert.Equal(0, nodes[replica].Store.Reads);
        }
    }

    [Fact]
    public void AReadResultWithTheSameVersionsForARequestThisNodeDidNotReadIsIgnored()
    {
        (Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes, string coordinator, byte[] key, int partition) =
            ClusterWithKeyWritten();
        ReplicationNode a = nodes[coordinator].Node;
        a.Submit(2, new Operation(partition, [key], "GET"u8.ToArray(), false, 3, 2), 2000);
        PeerMessage read = Assert.Single(a.TakeMessages(), m => m.Type == PeerMessageType.Read);
        // A "same versions" answer from a replica that is not a target of this read counts for nothing.
        string stranger = Ids.First(id => id != coordinator && id != read.To);
        a.Step(new PeerMessage { Type = PeerMessageType.ReadResult, From = stranger, To = coordinator, RequestId = 2, Ok = true, Hash = 2 }, 2000);
        Assert.Empty(a.TakeCompletions());
        a.Step(new PeerMessage { Type = PeerMessageType.ReadResult, From = read.To, To = coordinator, RequestId = 2, Ok = true, Hash = 2 }, 2000);
        Assert.Equal("v1"u8.ToArray(), Assert.Single(a.TakeCompletions()).Reply);
    }

    [Fact]
    public void AReadAnswersTheNewerValueOfAnotherReplicaAndRepairsTheCoordinator()
    {
        (Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes, string coordinator, byte[] key, int partition) =
            ClusterWithKeyWritten();
        ReplicationNode a = nodes[coordinator].Node;
        // The other replicas get a newer state the coordinator missed.
        var newer = new ValueVersion(HybridTimestamp.Create(9000, 0), VectorClock.FromEntries([("z", 1)]));
        foreach (string id in Ids.Where(id => id != coordinator))
        {
            nodes[id].Node.Step(new PeerMessage
            {
                Type = PeerMessageType.Replicate,
                From = coordinator,
                To = id,
                Keys = [key],
                Versions = [newer],
                Payloads = ["v2"u8.ToArray()],
            }, 2000);
            nodes[id].Node.TakeMessages();
        }

        a.Submit(2, new Operation(partition, [key], "GET"u8.ToArray(), false, 3, 2), 2000);
        List<PeerMessage> sent = [];
        Pump(nodes, sent, 2000);

        Assert.Equal("v2"u8.ToArray(), Assert.Single(a.TakeCompletions()).Reply);
        Assert.Equal("v2"u8.ToArray(), Assert.Single(sent, m => m.Type == PeerMessageType.ReadResult).Reply);
        Assert.Equal("v2"u8.ToArray(), nodes[coordinator].Store.Data[key]); // read repair
    }

    [Fact]
    public void ACoordinatorSendsTheReadsOfEveryPartitionToTheSameCoReplicaItsRingSuccessor()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        // Every node replicates every partition (N = 3 on 3 nodes), whose preference orders differ; each coordinator still
        // asks one peer for all of them (its successor on the ring of ids: a → b, b → c, c → a), so a turn's reads leave in
        // one frame to one peer.
        foreach ((string coordinator, string successor) in new[] { ("a", "b"), ("b", "c"), ("c", "a") })
        {
            ReplicationNode node = nodes[coordinator].Node;
            var firstInPreference = new HashSet<string>();
            for (int partition = 0; partition < node.Layout.PartitionCount; partition++)
            {
                firstInPreference.Add(node.Map.Replicas(partition).First(id => id != coordinator));
                node.Submit(100 + partition, new Operation(partition, [Encoding.UTF8.GetBytes("k" + partition)], "GET"u8.ToArray(), false, 3, 2), 2000);
            }
            Assert.Equal(2, firstInPreference.Count); // the preference lists alone would have asked both peers
            List<PeerMessage> reads = node.TakeMessages().Where(m => m.Type == PeerMessageType.Read).ToList();
            Assert.Equal(node.Layout.PartitionCount, reads.Count);
            Assert.All(reads, read => Assert.Equal(successor, read.To));
        }
    }

    [Fact]
    public void AReadSkipsADownSuccessorForTheNextLiveReplica()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        ReplicationNode a = nodes["a"].Node;
        // Only a and c keep ticking and gossiping: b goes silent until a's detector marks it down.
        long now = 2000;
        for (int tick = 0; tick < 40 && a.LivenessOf("b") != Liveness.Down; tick++)
        {
            now += 100;
            foreach (string id in new[] { "a", "c" })
            {
                nodes[id].Node.Tick(now);
            }
            foreach (string id in new[] { "a", "c" })
            {
                foreach (PeerMessage message in nodes[id].Node.TakeMessages())
                {
                    if (message.To != "b")
                    {
                        nodes[message.To].Node.Step(message, now);
                    }
                }
            }
        }
        Assert.Equal(Liveness.Down, a.LivenessOf("b"));
        a.TakeMessages();
        a.Submit(500, new Operation(0, ["k"u8.ToArray()], "GET"u8.ToArray(), false, 3, 2), now);
        Assert.Equal("c", Assert.Single(a.TakeMessages(), m => m.Type == PeerMessageType.Read).To);
    }

    private static Dictionary<string, (ReplicationNode Node, SetStore Store)> Cluster() => NodeCluster.Start((id, seed) => new ReplicationOptions
    {
        NodeId = id,
        Address = id,
        Random = new SeededRandom(seed),
        PartitionCount = 16,
        ReplicationFactor = 3,
        AntiEntropyIntervalTicks = 0,
    });

    /// <summary>A key of a partition whose primary is not <paramref name="coordinator"/>.</summary>
    /// <summary>A cluster where node "a", not the key's primary, wrote "v1" to the key at N=3, W=2 and every replica has it.</summary>
    private static (Dictionary<string, (ReplicationNode Node, SetStore Store)> Nodes, string Coordinator, byte[] Key, int Partition)
        ClusterWithKeyWritten()
    {
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes = Cluster();
        (string coordinator, byte[] key, int partition) = KeyWhosePrimaryIsNot("a", nodes);
        ReplicationNode a = nodes[coordinator].Node;
        a.Submit(1, new Operation(partition, [key], "v1"u8.ToArray(), true, 3, 2), 2000);
        Pump(nodes, [], 2000);
        a.TakeCompletions();
        return (nodes, coordinator, key, partition);
    }

    private static (string Coordinator, byte[] Key, int Partition) KeyWhosePrimaryIsNot(string coordinator,
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes) => KeyWhosePrimary(coordinator, isCoordinator: false, nodes);

    /// <summary>A key of a partition whose primary is (or is not) <paramref name="coordinator"/>.</summary>
    private static (string Coordinator, byte[] Key, int Partition) KeyWhosePrimary(string coordinator, bool isCoordinator,
        Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes)
    {
        ReplicationNode node = nodes[coordinator].Node;
        for (int i = 0; ; i++)
        {
            byte[] key = Encoding.UTF8.GetBytes("key:" + i);
            int partition = node.Layout.PartitionOfKey(key);
            if ((node.Map.Replicas(partition)[0] == coordinator) == isCoordinator)
            {
                return (coordinator, key, partition);
            }
        }
    }

    /// <summary>Ticks every node (held acknowledgements go out on the tick), delivers everything, and checks that no
    /// node still has a request pending.</summary>
    private static void TickAndSettle(Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes, long now)
    {
        foreach (string id in Ids)
        {
            nodes[id].Node.Tick(now);
        }
        Pump(nodes, [], now);
        Assert.All(nodes.Values, n => Assert.Equal(0, n.Node.PendingRequests));
    }

    private static void Pump(Dictionary<string, (ReplicationNode Node, SetStore Store)> nodes, List<PeerMessage> sent, long now) =>
        NodeCluster.Pump(nodes, sent, now);
}
