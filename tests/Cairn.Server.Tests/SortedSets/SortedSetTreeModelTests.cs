using System.Text;
using Cairn.Engine.Memory.SortedSets;
using Cairn.Primitives;

namespace Cairn.Server.Tests.SortedSets;

/// <summary>
/// The order-statistic B+tree and its member index against a SortedDictionary model: random inserts, deletes, runs of
/// ranks and score changes (within a leaf and across leaves) with ranks, elements at ranks, prefix counts, walks both
/// ways and every structural invariant checked (counts, separators, order, leaf links, fill, index, free lists), through
/// splits and merges at every level, drains and the reuse of freed ids. The seed and step are in every failure message.
/// </summary>
public sealed class SortedSetTreeModelTests
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
        var tree = new SortedSetTree(4);
        var model = new SortedDictionary<(double Score, string Member), bool>(s_order);
        var scores = new Dictionary<string, double>();
        int memberSpace = 9000;
        // Phases: grow past two inner levels, churn, drain to a few, grow again (reusing freed ids), drain, regrow.
        int[] targets = [6000, 6000, 50, 3000, 0, 800];
        int step = 0;
        int tallest = 0;
        foreach (int target in targets)
        {
            for (int round = 0; round < 9000; round++, step++)
            {
                string context = $"seed {seed} step {step} target {target}";
                string member = "m" + random.Next(memberSpace);
                byte[] memberBytes = Encoding.UTF8.GetBytes(member);
                int id = tree.Find(memberBytes, out int hash);
                Assert.True((id != 0) == scores.ContainsKey(member), context);
                bool grow = scores.Count < target || (scores.Count == target && random.Next(2) == 0);
                if (id == 0 && grow)
                {
                    double score = NextScore(random);
                    tree.Insert(score, memberBytes, hash);
                    model.Add((score, member), true);
                    scores[member] = score;
                }
                else if (id != 0 && !grow)
                {
                    tree.Delete(id);
                    model.Remove((scores[member], member));
                    scores.Remove(member);
                }
                else if (id != 0)
                {
                    // A small nudge (usually stays in its leaf: the in-leaf move) or a new random score (moves across).
                    double old = scores[member];
                    double score = random.Next(3) == 0 ? old + 1e-9 : NextScore(random);
                    tree.UpdateScore(id, score);
                    model.Remove((old, member));
                    model.Add((score, member), true);
                    scores[member] = score;
                    Assert.Equal(score, tree.ScoreOf(id));
                }
                if (round % 331 == 0 && scores.Count > 20)
                {
                    // A run of consecutive ranks (ZREMRANGEBY*), sometimes spanning several leaves.
                    int length = 1 + random.Next(random.Next(4) == 0 ? Math.Min(300, scores.Count) : 10);
                    int first = random.Next(scores.Count - length + 1);
                    var ordered = new List<(double Score, string Member)>(model.Keys);
                    long bytes = 0;
                    for (int k = first; k < first + length; k++)
                    {
                        model.Remove(ordered[k]);
                        scores.Remove(ordered[k].Member);
                        bytes += Encoding.UTF8.GetByteCount(ordered[k].Member);
                    }
                    Assert.Equal(bytes, tree.DeleteRun(first, length));
                }
                if (round % 97 == 0)
                {
                    CheckQueries(tree, model, random, context);
                }
                if (round % 1499 == 0)
                {
                    tree.CheckInvariants();
                    AssertSameOrder(tree, model, context);
                }
                tallest = Math.Max(tallest, tree.Height);
                if (scores.Count == target && target == 0)
                {
                    break;
                }
            }
            tree.CheckInvariants();
            AssertSameOrder(tree, model, $"seed {seed} end of phase {target}");
        }
        Assert.True(tallest >= 2, $"seed {seed}: the tree never grew two inner levels");
    }

    [Theory]
    [InlineData(11, 3)]
    [InlineData(12, 40)]
    [InlineData(13, 400)]
    [InlineData(14, 4000)]
    public void EveryScoreMoveKeepsEveryInvariant(int seed, int size)
    {
        // Moves within a leaf and across leaves, with many tied scores (member order decides), moves one place either
        // way, to either end, onto a neighbour's score: the whole structure is checked after every move.
        var random = new Random(seed);
        var tree = new SortedSetTree(4);
        var model = new SortedDictionary<(double Score, string Member), bool>(s_order);
        var scores = new Dictionary<string, double>();
        for (int i = 0; i < size; i++)
        {
            double score = random.Next(size / 3 + 1);
            Insert(tree, score, "v" + i);
            model.Add((score, "v" + i), true);
            scores["v" + i] = score;
        }
        int steps = size > 1000 ? 300 : 1500;
        for (int step = 0; step < steps; step++)
        {
            string context = $"seed {seed} size {size} step {step}";
            string member = "v" + random.Next(size);
            int id = tree.Find(Encoding.UTF8.GetBytes(member), out _);
            double old = scores[member];
            long rank = tree.RankOf(id);
            double score = random.Next(6) switch
            {
                0 => tree.ScoreOf(tree.IdAtRank(Math.Max(0, rank - 1))),
                1 => tree.ScoreOf(tree.IdAtRank(Math.Min(size - 1, rank + 1))),
                2 => random.Next(2) == 0 ? double.NegativeInfinity : double.PositiveInfinity,
                3 => old - 1,
                _ => random.Next(size / 3 + 1),
            };
            tree.UpdateScore(id, score);
            model.Remove((old, member));
            model.Add((score, member), true);
            scores[member] = score;
            tree.CheckInvariants();
            if (step % 10 == 0)
            {
                AssertSameOrder(tree, model, context);
                CheckQueries(tree, model, random, context);
            }
        }
        AssertSameOrder(tree, model, $"seed {seed} size {size} end");
    }

    [Theory]
    [InlineData(21, false)]
    [InlineData(22, true)]
    public void GrowsThreeInnerLevelsAndDrainsBackToALeaf(int seed, bool ascending)
    {
        // Three inner levels (32 entries a leaf, 64 children an inner node: 100k elements loaded in order, whose leaves
        // are full, or 120k in random order); draining them by single deletes and runs merges and borrows at every level
        // until the root is a leaf.
        var random = new Random(seed);
        var tree = new SortedSetTree(4);
        var model = new SortedDictionary<(double Score, string Member), bool>(s_order);
        int size = ascending ? 100_000 : 120_000;
        for (int i = 0; i < size; i++)
        {
            double score = ascending ? i : random.Next(1_000_000);
            Insert(tree, score, "t" + i);
            model.Add((score, "t" + i), true);
            if (i % 20_000 == 0)
            {
                tree.CheckInvariants();
            }
        }
        tree.CheckInvariants();
        Assert.Equal(3, tree.Height);
        AssertSameOrder(tree, model, $"seed {seed} full");
        CheckQueries(tree, model, random, $"seed {seed} full");
        int step = 0;
        while (model.Count > 0)
        {
            string context = $"seed {seed} step {step} count {model.Count}";
            if (step % 4 == 0)
            {
                int length = 1 + random.Next(Math.Min(model.Count, 2000));
                int first = random.Next(model.Count - length + 1);
                var ordered = new List<(double Score, string Member)>(model.Keys);
                for (int k = first; k < first + length; k++)
                {
                    model.Remove(ordered[k]);
                }
                tree.DeleteRun(first, length);
            }
            else
            {
                for (int k = 0; k < 300 && model.Count > 0; k++)
                {
                    (double score, string member) = model.Keys.ElementAt(random.Next(Math.Min(model.Count, 50)));
                    int id = tree.Find(Encoding.UTF8.GetBytes(member), out _);
                    Assert.True(id != 0, context);
                    Assert.Equal(score, tree.ScoreOf(id));
                    tree.Delete(id);
                    model.Remove((score, member));
                }
            }
            if (step % 4 == 0 || model.Count < 5000)
            {
                tree.CheckInvariants();
            }
            if (step % 10 == 0)
            {
                CheckQueries(tree, model, random, context);
            }
            step++;
        }
        Assert.Equal(0, tree.Length);
        Assert.Equal(0, tree.Height);
        Assert.Equal(1, tree.ElementLimit);
        tree.CheckInvariants();
    }

    [Fact]
    public void FreedIdsAreReusedBeforeTheArraysGrow()
    {
        var tree = new SortedSetTree(4);
        for (int i = 0; i < 5000; i++)
        {
            Insert(tree, i, "n" + i);
        }
        int limit = tree.ElementLimit;
        for (int i = 0; i < 5000; i += 2)
        {
            tree.Delete(tree.Find(Encoding.UTF8.GetBytes("n" + i), out _));
        }
        for (int i = 0; i < 2500; i++)
        {
            Insert(tree, -i, "r" + i);
        }
        Assert.Equal(limit, tree.ElementLimit);
        Assert.Equal(5000, tree.Length);
        tree.CheckInvariants();
        Assert.Equal("r2499", Encoding.UTF8.GetString(tree.MemberOf(tree.IdAtRank(0))));
    }

    [Fact]
    public void ScanReturnsEveryElementPresentThroughoutWhileOthersComeAndGo()
    {
        var tree = new SortedSetTree(4);
        for (int i = 0; i < 3000; i++)
        {
            Insert(tree, i % 17, "stay" + i);
        }
        var random = new Random(7);
        var seen = new HashSet<string>();
        var batch = new List<SortedSetEntry>();
        long cursor = 0;
        int churn = 0;
        do
        {
            batch.Clear();
            cursor = tree.Scan(cursor, 10, batch);
            foreach (SortedSetEntry entry in batch)
            {
                seen.Add(Encoding.UTF8.GetString(entry.Member));
            }
            // Between steps: add new members (growing the arrays), delete some earlier transient ones and move scores of
            // the permanent ones (ids must not change when an element moves in the tree).
            for (int k = 0; k < 4; k++, churn++)
            {
                Insert(tree, random.Next(100), "go" + churn);
                if (churn % 3 == 0)
                {
                    int id = tree.Find(Encoding.UTF8.GetBytes("go" + (churn / 2)), out _);
                    if (id != 0)
                    {
                        tree.Delete(id);
                    }
                }
                tree.UpdateScore(tree.Find(Encoding.UTF8.GetBytes("stay" + random.Next(3000)), out _), random.Next(100));
            }
        }
        while (cursor != 0);
        for (int i = 0; i < 3000; i++)
        {
            Assert.Contains("stay" + i, seen);
        }
        tree.CheckInvariants();
    }

    [Fact]
    public void ACloneIsIndependentOfItsSource()
    {
        var tree = new SortedSetTree(4);
        for (int i = 0; i < 5000; i++)
        {
            Insert(tree, i, "c" + i);
        }
        SortedSetTree copy = tree.Clone();
        for (int i = 0; i < 5000; i += 3)
        {
            tree.Delete(tree.Find(Encoding.UTF8.GetBytes("c" + i), out _));
        }
        Insert(tree, -1, "only-in-source");
        tree.UpdateScore(tree.Find("c1"u8, out _), 99999);
        tree.CheckInvariants();
        copy.CheckInvariants();
        Assert.Equal(5000, copy.Length);
        Assert.Equal(0, copy.Find("only-in-source"u8, out _));
        Assert.Equal(999, copy.RankOf(copy.Find("c999"u8, out _)));
        Assert.Equal(1, copy.RankOf(copy.Find("c1"u8, out _)));
        Insert(copy, 5000, "only-in-copy");
        Assert.Equal(0, tree.Find("only-in-copy"u8, out _));
        copy.CheckInvariants();
    }

    [Fact]
    public void RandomElementsAreLiveAndCoverTheSet()
    {
        var tree = new SortedSetTree(4);
        for (int i = 0; i < 400; i++)
        {
            Insert(tree, i, "x" + i);
        }
        for (int i = 0; i < 400; i++)
        {
            if (i % 10 != 0)
            {
                tree.Delete(tree.Find(Encoding.UTF8.GetBytes("x" + i), out _));
            }
        }
        var random = new SeededRandom(3);
        var seen = new HashSet<string>();
        for (int i = 0; i < 2000; i++)
        {
            seen.Add(Encoding.UTF8.GetString(tree.MemberOf(tree.RandomElement(random))));
        }
        Assert.Equal(40, seen.Count);
        Assert.All(seen, m => Assert.Equal(0, int.Parse(m[1..], System.Globalization.CultureInfo.InvariantCulture) % 10));
    }

    [Fact]
    public void AnAscendingLoadFillsItsLeaves()
    {
        // memory.sh loads members in score order: every split but the last leaf's keeps a full leaf.
        var tree = new SortedSetTree(4);
        for (int i = 0; i < SortedSetTree.LeafCapacity * 100; i++)
        {
            Insert(tree, i, "a" + i);
        }
        tree.CheckInvariants();
        int leaf = tree.Locate(0, out int index);
        int leaves = 1;
        for (long rank = 1; rank < tree.Length; rank++)
        {
            int before = leaf;
            Assert.True(tree.StepForward(ref leaf, ref index));
            if (leaf != before)
            {
                leaves++;
            }
        }
        Assert.Equal(100, leaves);
    }

    [Theory]
    [InlineData(31, 0)]
    [InlineData(32, 1)]
    [InlineData(33, 32)]
    [InlineData(34, 33)]
    [InlineData(35, 2048)]
    [InlineData(36, 2049)]
    [InlineData(37, 70_000)]
    [InlineData(38, 140_000)]
    public void AFillFromSortedEntriesKeepsEveryInvariantAndTakesLaterWrites(int seed, int size)
    {
        // Sizes at the edges: empty, one entry, one full leaf and one more, one inner node of full leaves (64 x 32) and
        // one more, two inner levels, three (past 64 x 64 x 32). Scores tie often (member order decides). Then ordinary
        // inserts, deletes, runs and score moves on the filled tree, below its first key and past its last included.
        var random = new Random(seed);
        var model = new SortedDictionary<(double Score, string Member), bool>(s_order);
        for (int i = 0; i < size; i++)
        {
            model.Add((random.Next(size / 4 + 1), "f" + i), true);
        }
        SortedSetEntry[] entries = model.Keys.Select(k => new SortedSetEntry(Encoding.UTF8.GetBytes(k.Member), k.Score)).ToArray();
        int[] hashes = entries.Select(e => ByteArrayComparer.Hash(e.Member)).ToArray();
        var tree = new SortedSetTree(size);
        Assert.True(tree.TryFillSorted(entries, hashes));
        tree.CheckInvariants();
        Assert.Equal(size <= SortedSetTree.LeafCapacity ? 0 : size <= 2048 ? 1 : size <= 131_072 ? 2 : 3, tree.Height);
        AssertSameOrder(tree, model, $"seed {seed} filled");
        CheckQueries(tree, model, random, $"seed {seed} filled");
        for (int step = 0; step < 1500; step++)
        {
            string context = $"seed {seed} step {step}";
            string member = "f" + random.Next(size + 200);
            byte[] bytes = Encoding.UTF8.GetBytes(member);
            int id = tree.Find(bytes, out int hash);
            double score = random.Next(3) == 0 ? double.NegativeInfinity : random.Next(-10, size / 4 + 10);
            if (id == 0)
            {
                tree.Insert(score, bytes, hash);
                model.Add((score, member), true);
            }
            else if (random.Next(2) == 0)
            {
                model.Remove((tree.ScoreOf(id), member));
                tree.Delete(id);
            }
            else
            {
                model.Remove((tree.ScoreOf(id), member));
                tree.UpdateScore(id, score);
                model.Add((score, member), true);
            }
            if (step % 300 == 0 && model.Count > 10)
            {
                int length = 1 + random.Next(Math.Min(model.Count / 2, 3000));
                int first = random.Next(model.Count - length + 1);
                var ordered = new List<(double Score, string Member)>(model.Keys);
                for (int k = first; k < first + length; k++)
                {
                    model.Remove(ordered[k]);
                }
                tree.DeleteRun(first, length);
            }
            if (step % 100 == 0)
            {
                tree.CheckInvariants();
                CheckQueries(tree, model, random, context);
            }
        }
        tree.CheckInvariants();
        AssertSameOrder(tree, model, $"seed {seed} end");
    }

    [Fact]
    public void AFillStopsAtARepeatedMember()
    {
        SortedSetEntry[] entries = [new("a"u8.ToArray(), 1), new("b"u8.ToArray(), 2), new("a"u8.ToArray(), 3)];
        int[] hashes = entries.Select(e => ByteArrayComparer.Hash(e.Member)).ToArray();
        Assert.False(new SortedSetTree(4).TryFillSorted(entries, hashes));
    }

    private static double NextScore(Random random) => random.Next(8) switch
    {
        0 => random.Next(-20, 20) / 4.0,
        1 => double.PositiveInfinity,
        2 => double.NegativeInfinity,
        _ => random.Next(0, 40),
    };

    private static void Insert(SortedSetTree tree, double score, string member)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(member);
        Assert.Equal(0, tree.Find(bytes, out int hash));
        tree.Insert(score, bytes, hash);
    }

    private static void CheckQueries(SortedSetTree tree, SortedDictionary<(double Score, string Member), bool> model, Random random, string context)
    {
        Assert.Equal(model.Count, tree.Length);
        if (model.Count == 0)
        {
            return;
        }
        var ordered = new List<(double Score, string Member)>(model.Keys);
        for (int q = 0; q < 5; q++)
        {
            int rank = random.Next(ordered.Count);
            int id = tree.IdAtRank(rank);
            Assert.True(id != 0, context);
            Assert.Equal(ordered[rank].Member, Encoding.UTF8.GetString(tree.MemberOf(id)));
            Assert.Equal(ordered[rank].Score, tree.ScoreOf(id));
            Assert.Equal(rank, tree.RankOf(id));
            double threshold = random.Next(-5, 42);
            int expectedBelow = 0;
            while (expectedBelow < ordered.Count && ordered[expectedBelow].Score < threshold)
            {
                expectedBelow++;
            }
            Assert.Equal(expectedBelow, tree.CountPrefix(new ScoreBelow(threshold)));
            string pivot = ordered[random.Next(ordered.Count)].Member;
            int expectedAtMost = 0;
            while (expectedAtMost < ordered.Count && ordered[expectedAtMost].Score < double.PositiveInfinity
                && ordered[expectedAtMost].Score <= ordered[rank].Score
                && (ordered[expectedAtMost].Score < ordered[rank].Score || string.CompareOrdinal(ordered[expectedAtMost].Member, pivot) <= 0))
            {
                expectedAtMost++;
            }
            Assert.Equal(expectedAtMost, tree.CountPrefix(new KeyAtMost(ordered[rank].Score, Encoding.UTF8.GetBytes(pivot))));
            // A short walk backwards from the rank.
            int leaf = tree.Locate(rank, out int index);
            for (int back = rank; back >= Math.Max(0, rank - 70); back--)
            {
                Assert.Equal(ordered[back].Member, Encoding.UTF8.GetString(tree.MemberOf(tree.IdAt(leaf, index))));
                Assert.Equal(back > 0, tree.StepBackward(ref leaf, ref index));
                if (back == 0)
                {
                    break;
                }
            }
        }
    }

    private static void AssertSameOrder(SortedSetTree tree, SortedDictionary<(double Score, string Member), bool> model, string context)
    {
        Assert.Equal(model.Count, tree.Length);
        if (model.Count == 0)
        {
            return;
        }
        int leaf = tree.Locate(0, out int index);
        bool more = true;
        foreach ((double score, string member) in model.Keys)
        {
            Assert.True(more, context);
            int id = tree.IdAt(leaf, index);
            Assert.Equal(member, Encoding.UTF8.GetString(tree.MemberOf(id)));
            Assert.Equal(score, tree.ScoreOf(id));
            more = tree.StepForward(ref leaf, ref index);
        }
        Assert.False(more, context);
    }

    private readonly struct ScoreBelow(double threshold) : IPrefixPredicate
    {
        public bool Holds(double score, byte[] member) => score < threshold;
    }

    // Keys at most (score, member) in the set's order, but never +inf (a prefix either way).
    private readonly struct KeyAtMost(double score, byte[] member) : IPrefixPredicate
    {
        public bool Holds(double s, byte[] m) =>
            s < double.PositiveInfinity && SortedSetEntry.Compare(s, m, score, member) <= 0;
    }
}
