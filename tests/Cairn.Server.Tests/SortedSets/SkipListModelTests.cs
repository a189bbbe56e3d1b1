using System.Text;
using Cairn.Engine.Memory.SortedSets;
using Cairn.Primitives;

namespace Cairn.Server.Tests.SortedSets;

/// <summary>
/// The flat-array skip list and its member index against a SortedDictionary model: random inserts, deletes and score
/// changes (moving and in place) with ranks, elements at ranks, prefix counts and every structural invariant checked
/// (spans, cached forward scores, backward links, tail, index, free list), through growth past thousands of nodes,
/// drains and the reuse of freed nodes. The seed and step are in every failure message.
/// </summary>
public sealed class SkipListModelTests
{
    private static readonly Comparer<(double Score, string Member)> s_order = Comparer<(double Score, string Member)>.Create(
        static (a, b) => SortedSetEntry.Compare(a.Score, Encoding.UTF8.GetBytes(a.Member), b.Score, Encoding.UTF8.GetBytes(b.Member)));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RandomOperationsMatchASortedDictionaryModel(int seed)
    {
        var random = new Random(seed);
        var list = new SkipList(4);
        var model = new SortedDictionary<(double Score, string Member), bool>(s_order);
        var scores = new Dictionary<string, double>();
        int memberSpace = 6000;
        // Phases: grow past thousands, churn, drain to a few, grow again (reusing freed nodes), drain to empty, regrow.
        int[] targets = [4000, 4000, 50, 3000, 0, 800];
        int step = 0;
        foreach (int target in targets)
        {
            for (int round = 0; round < 6000; round++, step++)
            {
                string context = $"seed {seed} step {step} target {target}";
                string member = "m" + random.Next(memberSpace);
                byte[] memberBytes = Encoding.UTF8.GetBytes(member);
                int node = list.Find(memberBytes, out int hash);
                Assert.True((node != 0) == scores.ContainsKey(member), context);
                bool grow = scores.Count < target || (scores.Count == target && random.Next(2) == 0);
                if (node == 0 && grow)
                {
                    double score = NextScore(random);
                    list.Insert(score, memberBytes, hash);
                    model.Add((score, member), true);
                    scores[member] = score;
                }
                else if (node != 0 && !grow)
                {
                    list.Delete(node);
                    model.Remove((scores[member], member));
                    scores.Remove(member);
                }
                else if (node != 0)
                {
                    // Either a small nudge (often keeps the position, the in-place path) or a new random score (moves).
                    double old = scores[member];
                    double score = random.Next(3) == 0 ? old + 1e-9 : NextScore(random);
                    list.UpdateScore(node, score);
                    model.Remove((old, member));
                    model.Add((score, member), true);
                    scores[member] = score;
                    Assert.Equal(score, list.ScoreOf(node));
                }
                if (round % 331 == 0 && scores.Count > 20)
                {
                    // A run of consecutive nodes deleted with one descent (ZREMRANGEBY*).
                    int length = 1 + random.Next(10);
                    int first = list.GetByRank(1 + random.Next(scores.Count - length + 1));
                    for (int k = 0, x = first; k < length; k++, x = list.Next(x))
                    {
                        string gone = Encoding.UTF8.GetString(list.MemberOf(x));
                        model.Remove((scores[gone], gone));
                        scores.Remove(gone);
                    }
                    list.DeleteRun(first, length);
                }
                if (round % 97 == 0)
                {
                    CheckQueries(list, model, random, context);
                }
                if (round % 1499 == 0)
                {
                    list.CheckInvariants();
                    AssertSameOrder(list, model, context);
                }
                if (scores.Count == target && target == 0)
                {
                    break;
                }
            }
            list.CheckInvariants();
            AssertSameOrder(list, model, $"seed {seed} end of phase {target}");
        }
    }

    [Theory]
    [InlineData(11, 3)]
    [InlineData(12, 40)]
    [InlineData(13, 400)]
    public void EveryScoreMoveKeepsEveryInvariant(int seed, int size)
    {
        // A move unlinks through predecessors found on the upper levels only (level 0 from the backward link) and relinks
        // through link blocks, with a level-0 walk that stops at its level-1 link's forward node unread: check the whole
        // structure after every move, with many tied scores (member order decides), moves one place either way, to either
        // end, onto a neighbour's score, and sets small enough that moving the tallest node changes the list's level.
        var random = new Random(seed);
        var list = new SkipList(4);
        var model = new SortedDictionary<(double Score, string Member), bool>(s_order);
        var scores = new Dictionary<string, double>();
        for (int i = 0; i < size; i++)
        {
            double score = random.Next(size / 3 + 1);
            Insert(list, score, "v" + i);
            model.Add((score, "v" + i), true);
            scores["v" + i] = score;
        }
        for (int step = 0; step < 1500; step++)
        {
            string context = $"seed {seed} size {size} step {step}";
            string member = "v" + random.Next(size);
            int node = list.Find(Encoding.UTF8.GetBytes(member), out _);
            double old = scores[member];
            long rank = list.GetRank(node);
            double score = random.Next(6) switch
            {
                0 => list.ScoreOf(list.GetByRank(Math.Max(1, rank - 1))),
                1 => list.ScoreOf(list.GetByRank(Math.Min(size, rank + 1))),
                2 => random.Next(2) == 0 ? double.NegativeInfinity : double.PositiveInfinity,
                3 => old - 1,
                _ => random.Next(size / 3 + 1),
            };
            list.UpdateScore(node, score);
            model.Remove((old, member));
            model.Add((score, member), true);
            scores[member] = score;
            list.CheckInvariants();
            if (step % 10 == 0)
            {
                AssertSameOrder(list, model, context);
                CheckQueries(list, model, random, context);
            }
        }
        AssertSameOrder(list, model, $"seed {seed} size {size} end");
    }

    [Fact]
    public void GrowsPastSeveralArrayChunksWithRanksIntact()
    {
        // 40k nodes span five node chunks and about 13k upper links two link chunks (8192 entries a chunk).
        var random = new Random(5);
        var list = new SkipList(4);
        var model = new SortedDictionary<(double Score, string Member), bool>(s_order);
        for (int i = 0; i < 40000; i++)
        {
            double score = random.Next(1000);
            Insert(list, score, "g" + i);
            model.Add((score, "g" + i), true);
        }
        list.CheckInvariants();
        for (int i = 0; i < 40000; i += 3)
        {
            int node = list.Find(Encoding.UTF8.GetBytes("g" + i), out _);
            model.Remove((list.ScoreOf(node), "g" + i));
            list.Delete(node);
        }
        for (int i = 0; i < 20000; i++)
        {
            double score = random.Next(1000);
            Insert(list, score, "h" + i);
            model.Add((score, "h" + i), true);
        }
        list.CheckInvariants();
        AssertSameOrder(list, model, "after regrowth");
        CheckQueries(list, model, random, "after regrowth");
    }

    [Fact]
    public void FreedNodesAreReusedBeforeTheArraysGrow()
    {
        var list = new SkipList(4);
        for (int i = 0; i < 5000; i++)
        {
            Insert(list, i, "n" + i);
        }
        int limit = list.NodeLimit;
        for (int i = 0; i < 5000; i += 2)
        {
            list.Delete(list.Find(Encoding.UTF8.GetBytes("n" + i), out _));
        }
        for (int i = 0; i < 2500; i++)
        {
            Insert(list, -i, "r" + i);
        }
        Assert.Equal(limit, list.NodeLimit);
        Assert.Equal(5000, list.Length);
        list.CheckInvariants();
        Assert.Equal("r2499", Encoding.UTF8.GetString(list.MemberOf(list.GetByRank(1))));
    }

    [Fact]
    public void ScanReturnsEveryElementPresentThroughoutWhileOthersComeAndGo()
    {
        var list = new SkipList(4);
        for (int i = 0; i < 3000; i++)
        {
            Insert(list, i % 17, "stay" + i);
        }
        var random = new Random(7);
        var seen = new HashSet<string>();
        var batch = new List<SortedSetEntry>();
        long cursor = 0;
        int churn = 0;
        do
        {
            batch.Clear();
            cursor = list.Scan(cursor, 10, batch);
            foreach (SortedSetEntry entry in batch)
            {
                seen.Add(Encoding.UTF8.GetString(entry.Member));
            }
            // Between steps: add new members (growing the arrays) and delete some of the earlier transient ones; fewer
            // than a step returns, or the scan would chase a set that grows faster than it walks.
            for (int k = 0; k < 4; k++, churn++)
            {
                Insert(list, random.Next(100), "go" + churn);
                if (churn % 3 == 0)
                {
                    int node = list.Find(Encoding.UTF8.GetBytes("go" + (churn / 2)), out _);
                    if (node != 0)
                    {
                        list.Delete(node);
                    }
                }
            }
        }
        while (cursor != 0);
        for (int i = 0; i < 3000; i++)
        {
            Assert.Contains("stay" + i, seen);
        }
        list.CheckInvariants();
    }

    [Fact]
    public void ACloneIsIndependentOfItsSource()
    {
        var list = new SkipList(4);
        for (int i = 0; i < 2000; i++)
        {
            Insert(list, i, "c" + i);
        }
        SkipList copy = list.Clone();
        for (int i = 0; i < 2000; i += 3)
        {
            list.Delete(list.Find(Encoding.UTF8.GetBytes("c" + i), out _));
        }
        Insert(list, -1, "only-in-source");
        list.CheckInvariants();
        copy.CheckInvariants();
        Assert.Equal(2000, copy.Length);
        Assert.Equal(0, copy.Find("only-in-source"u8, out _));
        Assert.Equal(1000, copy.GetRank(copy.Find("c999"u8, out _)));
        Insert(copy, 5000, "only-in-copy");
        Assert.Equal(0, list.Find("only-in-copy"u8, out _));
        copy.CheckInvariants();
    }

    [Fact]
    public void RandomNodesAreLiveAndCoverTheSet()
    {
        var list = new SkipList(4);
        for (int i = 0; i < 400; i++)
        {
            Insert(list, i, "x" + i);
        }
        for (int i = 0; i < 400; i++)
        {
            if (i % 10 != 0)
            {
                list.Delete(list.Find(Encoding.UTF8.GetBytes("x" + i), out _));
            }
        }
        var random = new SeededRandom(3);
        var seen = new HashSet<string>();
        for (int i = 0; i < 2000; i++)
        {
            seen.Add(Encoding.UTF8.GetString(list.MemberOf(list.RandomNode(random))));
        }
        Assert.Equal(40, seen.Count);
        Assert.All(seen, m => Assert.Equal(0, int.Parse(m[1..], System.Globalization.CultureInfo.InvariantCulture) % 10));
    }

    private static double NextScore(Random random) => random.Next(8) switch
    {
        0 => random.Next(-20, 20) / 4.0,
        1 => double.PositiveInfinity,
        2 => double.NegativeInfinity,
        _ => random.Next(0, 40),
    };

    private static void Insert(SkipList list, double score, string member)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(member);
        Assert.Equal(0, list.Find(bytes, out int hash));
        list.Insert(score, bytes, hash);
    }

    private static void CheckQueries(SkipList list, SortedDictionary<(double Score, string Member), bool> model, Random random, string context)
    {
        Assert.Equal(model.Count, list.Length);
        if (model.Count == 0)
        {
            Assert.Equal(0, list.GetByRank(1));
            Assert.Equal(0, list.First);
            Assert.Equal(0, list.Tail);
            return;
        }
        var ordered = new List<(double Score, string Member)>(model.Keys);
        for (int q = 0; q < 5; q++)
        {
            int rank = 1 + random.Next(ordered.Count);
            int node = list.GetByRank(rank);
            Assert.True(node != 0, context);
            Assert.Equal(ordered[rank - 1].Member, Encoding.UTF8.GetString(list.MemberOf(node)));
            Assert.Equal(ordered[rank - 1].Score, list.ScoreOf(node));
            Assert.Equal(rank, list.GetRank(node));
            double threshold = random.Next(-5, 42);
            int expectedBelow = 0;
            while (expectedBelow < ordered.Count && ordered[expectedBelow].Score < threshold)
            {
                expectedBelow++;
            }
            Assert.Equal(expectedBelow, list.CountPrefix(new ScoreBelow(threshold)));
        }
        Assert.Equal(0, list.GetByRank(ordered.Count + 1));
        Assert.Equal(ordered[^1].Member, Encoding.UTF8.GetString(list.MemberOf(list.Tail)));
    }

    private static void AssertSameOrder(SkipList list, SortedDictionary<(double Score, string Member), bool> model, string context)
    {
        int node = list.First;
        foreach ((double score, string member) in model.Keys)
        {
            Assert.True(node != 0, context);
            Assert.Equal(member, Encoding.UTF8.GetString(list.MemberOf(node)));
            Assert.Equal(score, list.ScoreOf(node));
            node = list.Next(node);
        }
        Assert.Equal(0, node);
        // And backwards.
        node = list.Tail;
        int count = 0;
        while (node != 0)
        {
            count++;
            node = list.Previous(node);
        }
        Assert.Equal(model.Count, count);
    }

    private readonly struct ScoreBelow(double threshold) : IPrefixPredicate
    {
        public bool Holds(double score, byte[] member) => score < threshold;
    }
}
