using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Sort;

/// <summary>
/// SORT and SORT_RO, reply for reply as Redis 7.0.15 gives them (each expectation was checked against redis-server 7.0.15
/// in the C locale).
/// </summary>
public sealed class SortCommandsTests : IClassFixture<SortCommandsTests.Fixture>
{
    private readonly TestServer _server;

    public SortCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void SortsAListNumericallyAscendingDescendingAndAlphabetically()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "num:l", "3", "1", "2", "10");
        Assert.Equal("[1, 2, 3, 10]", c.Execute("SORT", "num:l"));
        Assert.Equal("[10, 3, 2, 1]", c.Execute("SORT", "num:l", "DESC"));
        Assert.Equal("[1, 10, 2, 3]", c.Execute("SORT", "num:l", "ALPHA"));
        Assert.Equal("[3, 2, 10, 1]", c.Execute("SORT", "num:l", "alpha", "desc"));
        Assert.Equal("[1, 2, 3, 10]", c.Execute("SORT_RO", "num:l"));
        Assert.Equal("[3, 1, 2, 10]", c.Execute("LRANGE", "num:l", "0", "-1")); // SORT without STORE changes nothing
    }

    [Fact]
    public void LaterAscOrDescWinsAndLaterLimitReplacesEarlier()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "order:l", "1", "2", "3", "4");
        Assert.Equal("[1, 2, 3, 4]", c.Execute("SORT", "order:l", "LIMIT", "1", "1", "LIMIT", "0", "10", "DESC", "ASC"));
        Assert.Equal("[4, 3, 2, 1]", c.Execute("SORT", "order:l", "ASC", "DESC"));
    }

    [Fact]
    public void LimitClampsNegativeAndOutOfRangeWindows()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "limit:l", "3", "1", "2", "10");
        Assert.Equal("[2, 3]", c.Execute("SORT", "limit:l", "LIMIT", "1", "2"));
        Assert.Equal("[1, 2]", c.Execute("SORT", "limit:l", "LIMIT", "-5", "2"));
        Assert.Equal("[3, 10]", c.Execute("SORT", "limit:l", "LIMIT", "2", "-1"));
        Assert.Equal("[]", c.Execute("SORT", "limit:l", "LIMIT", "10", "1"));
        Assert.Equal("[]", c.Execute("SORT", "limit:l", "LIMIT", "0", "0"));
        Assert.Equal("[1, 2, 3, 10]", c.Execute("SORT", "limit:l", "LIMIT", "0", "9223372036854775807"));
        Assert.Equal("[10]", c.Execute("SORT", "limit:l", "LIMIT", "3", "-9223372036854775808"));
        Assert.Equal("[]", c.Execute("SORT", "limit:missing", "LIMIT", "0", "5"));
    }

    [Fact]
    public void MissingKeySortsAsAnEmptyList()
    {
        using RawClient c = _server.Raw();
        Assert.Equal("[]", c.Execute("SORT", "missing:sort"));
        Assert.Equal("[]", c.Execute("SORT_RO", "missing:sort", "BY", "nosort", "GET", "#"));
    }

    [Fact]
    public void ParsingErrorsMatchRedis()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "err:l", "1");
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("SORT", "err:l", "LIMIT", "a", "1"));
        Assert.Equal("-ERR value is not an integer or out of range", c.Execute("SORT", "err:l", "LIMIT", "0", "1.5"));
        Assert.Equal("-ERR syntax error", c.Execute("SORT", "err:l", "LIMIT", "1"));
        Assert.Equal("-ERR syntax error", c.Execute("SORT", "err:l", "foo"));
        Assert.Equal("-ERR syntax error", c.Execute("SORT", "err:l", "STORE"));
        Assert.Equal("-ERR syntax error", c.Execute("SORT", "err:l", "BY"));
        Assert.Equal("-ERR syntax error", c.Execute("SORT", "err:l", "GET"));
        Assert.Equal("-ERR syntax error", c.Execute("SORT_RO", "err:l", "STORE", "err:dst"));
        Assert.Equal("-ERR wrong number of arguments for 'sort' command", c.Execute("SORT"));
        Assert.Equal("-ERR wrong number of arguments for 'sort_ro' command", c.Execute("SORT_RO"));
        Assert.Equal(":0", c.Execute("EXISTS", "err:dst"));
    }

    [Fact]
    public void WrongTypeForStringsHashesAndStreamsButSyntaxErrorsComeFirst()
    {
        using RawClient c = _server.Raw();
        c.Execute("SET", "wt:s", "v");
        c.Execute("HSET", "wt:h", "a", "1");
        const string wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
        Assert.Equal(wrongType, c.Execute("SORT", "wt:s"));
        Assert.Equal(wrongType, c.Execute("SORT_RO", "wt:h"));
        Assert.Equal(wrongType, c.Execute("SORT", "wt:h", "STORE", "wt:dst"));
        Assert.Equal("-ERR syntax error", c.Execute("SORT", "wt:s", "foo"));
        Assert.Equal(":0", c.Execute("EXISTS", "wt:dst"));
    }

    [Fact]
    public void NonNumericElementsFailUnlessAlpha()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "nan:l", "a", "1");
        Assert.Equal("-ERR One or more scores can't be converted into double", c.Execute("SORT", "nan:l"));
        Assert.Equal("-ERR One or more scores can't be converted into double", c.Execute("SORT", "nan:l", "STORE", "nan:dst"));
        Assert.Equal(":0", c.Execute("EXISTS", "nan:dst"));
        Assert.Equal("[1, a]", c.Execute("SORT", "nan:l", "ALPHA"));
    }

    [Fact]
    public void WeightsAreReadAsStrtodDoes()
    {
        using RawClient c = _server.Raw();
        // Leading blanks, the empty string (0), hex and infinities are numbers to strtod; trailing blanks, NaN, overflow
        // and underflow (ERANGE) are not.
        c.Execute("RPUSH", "strtod:ok", "2", "1.5", "-inf", " 3", "", "0x10");
        Assert.Equal("[-inf, , 1.5, 2,  3, 0x10]", c.Execute("SORT", "strtod:ok"));
        c.Execute("RPUSH", "strtod:inf", "inf", "infinity", "-INF", "1");
        Assert.Equal("[-INF, 1, inf, infinity]", c.Execute("SORT", "strtod:inf"));
        c.Execute("RPUSH", "strtod:hex", "0x1p3", "1", "9");
        Assert.Equal("[1, 0x1p3, 9]", c.Execute("SORT", "strtod:hex"));
        foreach (string bad in new[] { "3 ", "nan", "1e400", "1e-320", "1x", "0x", "infinit" })
        {
            c.Execute("DEL", "strtod:bad");
            c.Execute("RPUSH", "strtod:bad", bad, "1");
            Assert.Equal("-ERR One or more scores can't be converted into double", c.Execute("SORT", "strtod:bad"));
        }
    }

    [Fact]
    public void EqualWeightsOrderByElementBytesAndDescReversesTies()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "tie:l", "b", "a", "b", "a", "1");
        Assert.Equal("[1, a, a, b, b]", c.Execute("SORT", "tie:l", "BY", "tie:nokey_*"));
        Assert.Equal("[b, b, a, a, 1]", c.Execute("SORT", "tie:l", "BY", "tie:nokey_*", "DESC"));
        // ALPHA BY with every BY value missing: all equal, the load order stays.
        Assert.Equal("[b, a, b, a, 1]", c.Execute("SORT", "tie:l", "BY", "tie:nokey_*", "ALPHA"));
        Assert.Equal("[b, b, a, a, 1]", c.Execute("SORT", "tie:l", "ALPHA", "DESC"));
    }

    [Fact]
    public void TiesUnderByWithALimitWindowComeOutInPqsortOrder()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "pq:l", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
        // Every BY value is missing, so all elements tie: a whole sort keeps load order (glibc's stable qsort), a LIMIT
        // window goes through Redis's partial quicksort, which moves ties.
        Assert.Equal("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]", c.Execute("SORT", "pq:l", "BY", "pq:nokey_*", "ALPHA"));
        Assert.Equal("[12, 2, 3]", c.Execute("SORT", "pq:l", "BY", "pq:nokey_*", "ALPHA", "LIMIT", "0", "3"));
        Assert.Equal("[10, 11, 1]", c.Execute("SORT", "pq:l", "BY", "pq:nokey_*", "ALPHA", "LIMIT", "9", "3"));
    }

    [Fact]
    public void AlphaComparesUpToTheFirstNulByteUnlessStoring()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "nul:l", "a\0c", "a", "a\0b", "b");
        // strcoll sees C strings, so "a\0c", "a" and "a\0b" tie (load order); STORE compares all the bytes.
        Assert.Equal("[a\0c, a, a\0b, b]", c.Execute("SORT", "nul:l", "ALPHA"));
        Assert.Equal("[b, a\0c, a, a\0b]", c.Execute("SORT", "nul:l", "ALPHA", "DESC"));
        Assert.Equal(":4", c.Execute("SORT", "nul:l", "ALPHA", "STORE", "nul:dst"));
        Assert.Equal("[a, a\0b, a\0c, b]", c.Execute("LRANGE", "nul:dst", "0", "-1"));
    }

    [Fact]
    public void ByPatternWeighsByStringKeysAndHashFields()
    {
        using RawClient c = _server.Raw();
        SeedUsers(c, "by:");
        Assert.Equal("[4, 2, 3, 1]", c.Execute("SORT", "by:ids", "BY", "by:w_*"));
        Assert.Equal("[4, 2, 3, 1]", c.Execute("SORT", "by:ids", "BY", "by:w_*", "ALPHA"));
        Assert.Equal("[1, 3, 2, 4]", c.Execute("SORT", "by:ids", "BY", "by:w_*", "DESC"));
        Assert.Equal("[4, 2, 3, 1]", c.Execute("SORT", "by:ids", "BY", "by:h_*->f"));
        // An empty field after "->" is no hash dereference: the key "by:h_1->" is missing, so every weight is 0.
        Assert.Equal("[1, 2, 3, 4]", c.Execute("SORT", "by:ids", "BY", "by:h_*->"));
    }

    [Fact]
    public void GetPatternsReplyValuesOrNilAndHashSignIsTheElement()
    {
        using RawClient c = _server.Raw();
        SeedUsers(c, "get:");
        Assert.Equal("[4, four, 2, two, 3, (nil), 1, one]", c.Execute("SORT", "get:ids", "BY", "get:w_*", "GET", "#", "GET", "get:n_*"));
        Assert.Equal("[(nil), bob, (nil), alice]", c.Execute("SORT", "get:ids", "BY", "get:h_*->f", "GET", "get:h_*->name"));
        Assert.Equal("[one, (nil)]", c.Execute("SORT", "get:ids", "BY", "get:w_*", "DESC", "LIMIT", "0", "2", "GET", "get:n_*"));
        Assert.Equal("[(nil), (nil), (nil), (nil)]", c.Execute("SORT", "get:ids", "GET", "get:n_"));
        Assert.Equal("[(nil), (nil), (nil), (nil)]", c.Execute("SORT", "get:ids", "GET", "get:n_*->"));
        // A GET key of the wrong type (a hash read as a string, a string read as a hash) is nil.
        Assert.Equal("[(nil), (nil), (nil), (nil)]", c.Execute("SORT", "get:ids", "GET", "get:h_*"));
        Assert.Equal("[(nil), (nil), (nil), (nil)]", c.Execute("SORT", "get:ids", "GET", "get:n_*->x"));
        Assert.Equal("[one, two, (nil), four]", c.Execute("SORT_RO", "get:ids", "BY", "nosort", "GET", "get:n_*"));
    }

    [Fact]
    public void ByWithoutStarKeepsListOrderAndAppliesLimitAndDescToIt()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "nosort:l", "3", "1", "2", "10");
        Assert.Equal("[3, 1, 2, 10]", c.Execute("SORT", "nosort:l", "BY", "nosort"));
        Assert.Equal("[10, 2, 1, 3]", c.Execute("SORT", "nosort:l", "BY", "nosort", "DESC"));
        Assert.Equal("[2, 1]", c.Execute("SORT", "nosort:l", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
        Assert.Equal("[1, 2]", c.Execute("SORT", "nosort:l", "BY", "nosort", "LIMIT", "1", "2"));
        // A later BY with a '*' does not undo an earlier BY without one (sort.c never clears dontsort).
        Assert.Equal("[3, 1, 2, 10]", c.Execute("SORT", "nosort:l", "BY", "nosort", "BY", "nosort:w_*"));
    }

    [Fact]
    public void ByNosortKeepsSortedSetOrderAndLimitWalksIt()
    {
        using RawClient c = _server.Raw();
        c.Execute("ZADD", "nosort:z", "3", "a", "1", "b", "2", "c", "5", "d");
        Assert.Equal("[b, c, a, d]", c.Execute("SORT", "nosort:z", "BY", "nosort"));
        Assert.Equal("[a, c]", c.Execute("SORT", "nosort:z", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
        Assert.Equal("[b, c]", c.Execute("SORT", "nosort:z", "BY", "nosort", "LIMIT", "-1", "2"));
        Assert.Equal("[]", c.Execute("SORT", "nosort:z", "BY", "nosort", "LIMIT", "4", "2"));
        Assert.Equal("[d, c, b, a]", c.Execute("SORT", "nosort:z", "ALPHA", "DESC"));
        Assert.Equal("-ERR One or more scores can't be converted into double", c.Execute("SORT", "nosort:z"));
    }

    [Fact]
    public void SortedSetBeyondListpackSortsTheSameAsSmallOne()
    {
        using RawClient c = _server.Raw();
        var args = new List<string> { "ZADD", "big:z" };
        for (int i = 0; i < 300; i++)
        {
            args.Add((300 - i).ToString(System.Globalization.CultureInfo.InvariantCulture));
            args.Add("m" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
        }
        c.Execute(args.ToArray());
        Assert.Equal("[m299, m298, m297]", c.Execute("SORT", "big:z", "BY", "nosort", "LIMIT", "0", "3"));
        Assert.Equal("[m000, m001]", c.Execute("SORT", "big:z", "BY", "nosort", "DESC", "LIMIT", "0", "2"));
        Assert.Equal("[m150, m149]", c.Execute("SORT", "big:z", "BY", "nosort", "LIMIT", "149", "2"));
        Assert.Equal("[m000, m001]", c.Execute("SORT", "big:z", "ALPHA", "LIMIT", "0", "2"));
    }

    [Fact]
    public void SetsSortLikeListsAndStoreOfAnUnsortedSetSortsItAlphabetically()
    {
        using RawClient c = _server.Raw();
        c.Execute("SADD", "set:n", "5", "3", "40");
        Assert.Equal("[3, 5, 40]", c.Execute("SORT", "set:n"));
        c.Execute("SADD", "set:a", "c", "a", "b");
        Assert.Equal("[a, b, c]", c.Execute("SORT", "set:a", "ALPHA"));
        Assert.Equal(":3", c.Execute("SORT", "set:a", "BY", "nosort", "STORE", "set:dst"));
        Assert.Equal("[a, b, c]", c.Execute("LRANGE", "set:dst", "0", "-1"));
        Assert.Equal(":2", c.Execute("SORT", "set:a", "BY", "nosort", "DESC", "LIMIT", "0", "2", "STORE", "set:dst"));
        Assert.Equal("[c, b]", c.Execute("LRANGE", "set:dst", "0", "-1"));
    }

    [Fact]
    public void StoreWritesAListReplacingAnyValueAndDroppingItsTtl()
    {
        using RawClient c = _server.Raw();
        SeedUsers(c, "st:");
        c.Execute("SET", "st:dst", "old", "EX", "100");
        Assert.Equal(":4", c.Execute("SORT", "st:ids", "BY", "st:w_*", "STORE", "st:dst"));
        Assert.Equal("list", c.Execute("TYPE", "st:dst").TrimStart('+'));
        Assert.Equal(":-1", c.Execute("TTL", "st:dst"));
        Assert.Equal("[4, 2, 3, 1]", c.Execute("LRANGE", "st:dst", "0", "-1"));
        // Missing GET values are stored as empty strings; the count is elements times GETs.
        Assert.Equal(":8", c.Execute("SORT", "st:ids", "GET", "st:n_*", "GET", "#", "STORE", "st:dst"));
        Assert.Equal("[one, 1, two, 2, , 3, four, 4]", c.Execute("LRANGE", "st:dst", "0", "-1"));
        // Sorting a key into itself.
        Assert.Equal(":4", c.Execute("SORT", "st:ids", "DESC", "STORE", "st:ids"));
        Assert.Equal("[4, 3, 2, 1]", c.Execute("LRANGE", "st:ids", "0", "-1"));
    }

    [Fact]
    public void StoreOfAnEmptyResultDeletesTheDestination()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "empty:dst", "x");
        Assert.Equal(":0", c.Execute("SORT", "empty:missing", "STORE", "empty:dst"));
        Assert.Equal(":0", c.Execute("EXISTS", "empty:dst"));
        c.Execute("RPUSH", "empty:src", "1");
        c.Execute("SET", "empty:dst", "x");
        Assert.Equal(":0", c.Execute("SORT", "empty:src", "LIMIT", "5", "1", "STORE", "empty:dst"));
        Assert.Equal(":0", c.Execute("EXISTS", "empty:dst"));
    }

    [Fact]
    public void StoreBreaksWatchAndResultsOverOneListpackNodeBecomeQuicklists()
    {
        using RawClient c = _server.Raw();
        using RawClient other = _server.Raw();
        var args = new List<string> { "RPUSH", "big:src" };
        for (int i = 0; i < 200; i++)
        {
            args.Add(new string('x', 90) + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
        }
        c.Execute(args.ToArray());
        c.Execute("WATCH", "big:dst");
        Assert.Equal(":200", other.Execute("SORT", "big:src", "ALPHA", "DESC", "STORE", "big:dst"));
        c.Execute("MULTI");
        c.Execute("PING");
        Assert.Equal("(nil array)", c.Execute("EXEC"));
        Assert.Equal("quicklist", c.Execute("OBJECT", "ENCODING", "big:dst"));
        Assert.Equal($"[{new string('x', 90)}199]", c.Execute("LRANGE", "big:dst", "0", "0"));
        Assert.Equal(":200", c.Execute("LLEN", "big:dst"));
    }

    [Fact]
    public void Resp3RepliesNullsForMissingGets()
    {
        using RawClient c = _server.Raw();
        c.Execute("HELLO", "3");
        c.Execute("RPUSH", "resp3:l", "1", "2");
        c.Execute("SET", "resp3:n_1", "one");
        Assert.Equal("[one, (nil)]", c.Execute("SORT", "resp3:l", "GET", "resp3:n_*"));
    }

    [Fact]
    public void StackExchangeRedisSortAndSortAndStore()
    {
        IDatabase db = _server.Database();
        db.ListRightPush("se:ids", ["1", "2", "3", "4"]);
        db.StringSet([new("se:w_1", "30"), new("se:w_2", "10"), new("se:w_3", "20"), new("se:n_1", "one"), new("se:n_2", "two"), new("se:n_4", "four")]);
        Assert.Equal("4, 3, 2, 1", Strings(db.Sort("se:ids", order: Order.Descending)));
        Assert.Equal("2, 3", Strings(db.Sort("se:ids", skip: 1, take: 2)));
        Assert.Equal("1, 2, 3, 4", Strings(db.Sort("se:ids", sortType: SortType.Alphabetic)));
        Assert.Equal("four, two, (nil), one", Strings(db.Sort("se:ids", by: "se:w_*", get: ["se:n_*"])));
        Assert.Equal("4, four, 2, two", Strings(db.Sort("se:ids", take: 2, by: "se:w_*", get: ["#", "se:n_*"])));
        Assert.Equal(3, db.SortAndStore("se:dst", "se:ids", skip: 1, by: "nosort"));
        Assert.Equal("2, 3, 4", Strings(db.ListRange("se:dst")));
        Assert.Equal(0, db.SortAndStore("se:dst", "se:missing"));
        Assert.False(db.KeyExists("se:dst"));
        db.StringSet("se:string", "x");
        Assert.Throws<RedisServerException>(() => db.Sort("se:string"));
    }

    private static string Strings(RedisValue[] values)
    {
        var result = new List<string>();
        foreach (RedisValue value in values)
        {
            result.Add(value.IsNull ? "(nil)" : value.ToString());
        }
        return string.Join(", ", result);
    }

    /// <summary>ids 1..4; weights w_1=30 w_2=10 w_3=20 (4 has none); names n_1, n_2, n_4; hashes h_1..h_3 with f and some names.</summary>
    private static void SeedUsers(RawClient c, string prefix)
    {
        c.Execute("RPUSH", prefix + "ids", "1", "2", "3", "4");
        c.Execute("MSET", prefix + "w_1", "30", prefix + "w_2", "10", prefix + "w_3", "20", prefix + "n_1", "one", prefix + "n_2", "two", prefix + "n_4", "four");
        c.Execute("HSET", prefix + "h_1", "f", "3", "name", "alice");
        c.Execute("HSET", prefix + "h_2", "f", "1", "name", "bob");
        c.Execute("HSET", prefix + "h_3", "f", "2");
    }
}
