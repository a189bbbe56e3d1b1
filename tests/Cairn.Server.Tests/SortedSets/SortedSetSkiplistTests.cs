using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.SortedSets;

/// <summary>
/// The skiplist encoding's member index (ZSCAN cursors over its buckets, ZRANDMEMBER, growth and shrinking) and score
/// changes that move a member in the skip list, checked against a model.
/// </summary>
public sealed class SortedSetSkiplistTests : IClassFixture<SortedSetSkiplistTests.Fixture>
{
    private readonly TestServer _server;

    public SortedSetSkiplistTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private static void Add(IDatabase db, string key, int from, int to)
    {
        var args = new List<object> { key };
        for (int i = from; i < to; i++)
        {
            args.Add(i);
            args.Add("m" + i);
        }
        db.Execute("ZADD", args.ToArray());
    }

    private static (long Cursor, List<string> Members) ScanStep(IDatabase db, string key, long cursor, int count)
    {
        var reply = (RedisResult[])db.Execute("ZSCAN", key, cursor, "COUNT", count)!;
        var pairs = (RedisResult[])reply[1]!;
        var members = new List<string>();
        for (int i = 0; i < pairs.Length; i += 2)
        {
            members.Add((string)pairs[i]!);
        }
        return (long.Parse((string)reply[0]!, System.Globalization.CultureInfo.InvariantCulture), members);
    }

    [Fact]
    public void ZscanOfASkiplistReturnsEveryMemberWithItsScore()
    {
        IDatabase db = _server.Database();
        Add(db, "sk:scan", 0, 1000);
        var seen = new HashSet<string>();
        long cursor = 0;
        int calls = 0;
        do
        {
            var reply = (RedisResult[])db.Execute("ZSCAN", "sk:scan", cursor, "COUNT", 50)!;
            var pairs = (RedisResult[])reply[1]!;
            for (int i = 0; i < pairs.Length; i += 2)
            {
                string member = (string)pairs[i]!;
                Assert.Equal(member[1..], (string)pairs[i + 1]!);
                seen.Add(member);
            }
            cursor = long.Parse((string)reply[0]!, System.Globalization.CultureInfo.InvariantCulture);
            calls++;
        }
        while (cursor != 0 && calls < 10_000);
        Assert.Equal(1000, seen.Count);
        Assert.InRange(calls, 2, 1000);
    }

    [Fact]
    public void ZscanReturnsMembersPresentThroughoutWhileTheSetGrowsAndShrinks()
    {
        IDatabase db = _server.Database();
        Add(db, "sk:resize", 0, 300);
        var seen = new HashSet<string>();
        long cursor = 0;
        int step = 0;
        do
        {
            (cursor, List<string> members) = ScanStep(db, "sk:resize", cursor, 20);
            seen.UnionWith(members);
            step++;
            if (step == 2)
            {
                Add(db, "sk:resize", 1000, 5000); // grows the table several times mid-scan
            }
            if (step == 6)
            {
                db.Execute("ZREMRANGEBYSCORE", "sk:resize", 1000, 5000); // and shrinks it back
            }
        }
        while (cursor != 0 && step < 100_000);
        for (int i = 0; i < 300; i++)
        {
            Assert.Contains("m" + i, seen);
        }
    }

    [Fact]
    public void ZrandmemberOfASkiplistReturnsMembersOfTheSet()
    {
        IDatabase db = _server.Database();
        Add(db, "sk:rand", 0, 500);
        db.Execute("ZREMRANGEBYRANK", "sk:rand", 0, 449); // sparse table: 50 members left
        var members = new HashSet<string>();
        for (int i = 450; i < 500; i++)
        {
            members.Add("m" + i);
        }
        var seen = new HashSet<string>();
        for (int i = 0; i < 300; i++)
        {
            string member = (string)db.Execute("ZRANDMEMBER", "sk:rand")!;
            Assert.Contains(member, members);
            seen.Add(member);
        }
        Assert.True(seen.Count > 25, $"only {seen.Count} distinct members in 300 draws");
        var distinct = (RedisResult[])db.Execute("ZRANDMEMBER", "sk:rand", 50)!;
        Assert.Equal(50, distinct.Select(r => (string)r!).Distinct().Count());
        Assert.Equal(120, ((RedisResult[])db.Execute("ZRANDMEMBER", "sk:rand", -60, "WITHSCORES")!).Length);
    }

    [Fact]
    public void ScoreChangesThatMoveMembersKeepRanksAndRangesConsistent()
    {
        IDatabase db = _server.Database();
        var random = new Random(7);
        var model = new Dictionary<string, double>();
        Add(db, "sk:move", 0, 400);
        for (int i = 0; i < 400; i++)
        {
            model["m" + i] = i;
        }
        for (int step = 0; step < 1500; step++)
        {
            string member = "m" + random.Next(400);
            // Small moves (often kept in place), large moves (relinked), and ties broken by member bytes.
            double score = random.Next(3) switch
            {
                0 => model[member] + (random.NextDouble() - 0.5),
                1 => random.Next(-1000, 1000),
                _ => random.Next(5),
            };
            db.Execute("ZADD", "sk:move", score, member);
            model[member] = score;
            if (step % 100 == 99)
            {
                var ordered = model.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).ToArray();
                var all = ((RedisResult[])db.Execute("ZRANGE", "sk:move", 0, -1)!).Select(r => (string)r!).ToArray();
                Assert.Equal(ordered, all);
                string probe = ordered[random.Next(ordered.Length)];
                Assert.Equal(Array.IndexOf(ordered, probe), (long)db.Execute("ZRANK", "sk:move", probe));
                Assert.Equal(ordered.Length - 1 - Array.IndexOf(ordered, probe), (long)db.Execute("ZREVRANK", "sk:move", probe));
                var reversed = ((RedisResult[])db.Execute("ZRANGE", "sk:move", 0, -1, "REV")!).Select(r => (string)r!).ToArray();
                Assert.Equal(ordered.Reverse(), reversed);
            }
        }
        Assert.Equal(400L, (long)db.Execute("ZCARD", "sk:move"));
    }
}
