using System.Text;
using Cairn.Engine.Memory.SortedSets;

namespace Cairn.Server.Tests.SortedSets;

/// <summary>
/// SortedSetObject over its skiplist encoding, driven directly: ZADD flags, removals by member and by rank range,
/// ranks, score-range spans, walks both ways, clones, and the incrementally kept memory figure, against a dictionary
/// model. The seed and step are in every failure message.
/// </summary>
public sealed class SortedSetObjectSkiplistTests
{
    private const long BaseBytes = 48;
    private const long EntryOverheadBytes = 96;

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void RandomOperationsKeepRanksWalksAndMemoryConsistent(int seed)
    {
        var random = new Random(seed);
        SortedSetObject set = SortedSetObject.CreateFor(new byte[100]); // past the listpack value limit: a skiplist
        Assert.Equal(ZAddResult.Added, set.Add(0, new byte[100], ZAddFlags.None, out _));
        var model = new Dictionary<string, double> { [Encoding.Latin1.GetString(new byte[100])] = 0 };
        for (int step = 0; step < 8000; step++)
        {
            string context = $"seed {seed} step {step}";
            string member = "k" + random.Next(2500);
            byte[] bytes = Encoding.Latin1.GetBytes(member);
            switch (random.Next(10))
            {
                case < 6:
                {
                    ZAddFlags flags = random.Next(4) switch { 0 => ZAddFlags.Incr, 1 => ZAddFlags.Gt, _ => ZAddFlags.None };
                    double score = random.Next(-30, 30);
                    ZAddResult result = set.Add(score, bytes, flags, out double newScore);
                    bool existed = model.TryGetValue(member, out double old);
                    double expected = (flags & ZAddFlags.Incr) != 0 && existed ? old + score : score;
                    if (existed && (flags & ZAddFlags.Gt) != 0 && expected <= old)
                    {
                        Assert.Equal(ZAddResult.Skipped, result);
                        break;
                    }
                    Assert.Equal(!existed ? ZAddResult.Added : expected != old ? ZAddResult.Updated : ZAddResult.Unchanged, result);
                    Assert.Equal(expected, newScore);
                    model[member] = expected;
                    break;
                }
                case < 8:
                    Assert.Equal(model.Remove(member), set.Remove(bytes));
                    break;
                case 8 when model.Count > 10 && random.Next(20) == 0:
                {
                    long start = random.Next((int)set.Length - 5);
                    long end = start + random.Next(5);
                    List<KeyValuePair<string, double>> ordered = Ordered(model);
                    for (long r = start; r <= end; r++)
                    {
                        model.Remove(ordered[(int)r].Key);
                    }
                    Assert.Equal(end - start + 1, set.RemoveRankRange(start, end));
                    break;
                }
                default:
                {
                    Assert.Equal(model.ContainsKey(member), set.TryGetScore(bytes, out double score));
                    if (model.TryGetValue(member, out double expected))
                    {
                        Assert.Equal(expected, score);
                        Assert.Equal(Ordered(model).FindIndex(p => p.Key == member), set.RankOf(bytes));
                    }
                    break;
                }
            }
            if (step % 500 == 0 || step == 7999)
            {
                CheckWholeSet(set, model, context);
            }
        }
        // Drain by rank, then grow again from the emptied (restarted) arrays.
        Assert.Equal(set.Length, set.RemoveRankRange(0, set.Length - 1));
        model.Clear();
        Assert.Equal(BaseBytes, set.MemoryUsageBytes);
        for (int i = 0; i < 300; i++)
        {
            Assert.Equal(ZAddResult.Added, set.Add(i, Encoding.Latin1.GetBytes("again" + i), ZAddFlags.None, out _));
            model["again" + i] = i;
        }
        CheckWholeSet(set, model, $"seed {seed} after the drain");
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void BuildingFromShuffledEntriesWithTiedScoresGivesTheOrderedSet(int seed)
    {
        // Few distinct scores (with -0 beside 0), so most members tie on score and are ordered by their bytes,
        // prefixes of one another included; the entries come shuffled, as a slab-ordered snapshot gives them.
        var random = new Random(seed);
        var model = new Dictionary<string, double>();
        double[] scores = [-0.0, 0, 1, -1.5, double.PositiveInfinity, double.NegativeInfinity, 7];
        while (model.Count < 3000)
        {
            model[new string('m', random.Next(1, 4)) + random.Next(5000)] = scores[random.Next(scores.Length)];
        }
        foreach (bool load in new[] { false, true })
        {
            List<SortedSetEntry> entries = model.Select(p => new SortedSetEntry(Encoding.Latin1.GetBytes(p.Key), p.Value)).ToList();
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entries));
            SortedSetObject set = load ? SortedSetObject.Load(entries) : SortedSetObject.FromEntries(entries);
            string context = $"seed {seed}, load {load}";
            CheckWholeSet(set, model, context);
            foreach ((string member, double score) in model)
            {
                Assert.True(set.TryGetScore(Encoding.Latin1.GetBytes(member), out double found), context);
                Assert.Equal(score, found);
            }
        }
    }

    private static List<KeyValuePair<string, double>> Ordered(Dictionary<string, double> model)
    {
        var list = new List<KeyValuePair<string, double>>(model);
        list.Sort(static (a, b) => SortedSetEntry.Compare(a.Value, Encoding.Latin1.GetBytes(a.Key), b.Value, Encoding.Latin1.GetBytes(b.Key)));
        return list;
    }

    private static void CheckWholeSet(SortedSetObject set, Dictionary<string, double> model, string context)
    {
        Assert.Equal("skiplist", set.Encoding);
        Assert.Equal(model.Count, set.Length);
        List<KeyValuePair<string, double>> ordered = Ordered(model);
        long memory = BaseBytes;
        foreach (KeyValuePair<string, double> pair in ordered)
        {
            memory += pair.Key.Length + EntryOverheadBytes;
        }
        Assert.True(memory == set.MemoryUsageBytes, context);
        var copy = (SortedSetObject)set.Clone();
        Assert.Equal(set.MemoryUsageBytes, copy.MemoryUsageBytes);
        foreach (SortedSetObject each in new[] { set, copy })
        {
            int rank = 0;
            for (SortedSetObject.Walker walker = each.Length == 0 ? default : each.Walk(0, reverse: false); walker.MoveNext(); rank++)
            {
                Assert.True(ordered[rank].Key == Encoding.Latin1.GetString(walker.Current.Member), context);
                Assert.Equal(ordered[rank].Value, walker.Current.Score);
                Assert.Equal(walker.Current, each.ElementAt(rank));
            }
            Assert.Equal(ordered.Count, rank);
            for (SortedSetObject.Walker walker = each.Length == 0 ? default : each.Walk(each.Length - 1, reverse: true); walker.MoveNext();)
            {
                rank--;
                Assert.Equal(ordered[rank].Value, walker.Current.Score);
            }
            Assert.Equal(0, rank);
            (long start, long end) = each.RankSpan(new ScoreRange(-5, false, 5, true));
            Assert.Equal(ordered.FindIndex(p => p.Value >= -5) is int s and >= 0 ? s : ordered.Count, start);
            Assert.Equal(ordered.Count(p => p.Value >= -5 && p.Value < 5), end - start);
        }
    }
}
