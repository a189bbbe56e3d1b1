namespace Cairn.Server.Tests.Compatibility;

/// <summary>
/// Random commands over a handful of keys for <see cref="DifferentialTests"/>: strings, bitmaps, keys, lists, hashes,
/// sets, sorted sets (lex ranges on all-equal scores), streams (explicit IDs, consumer groups), SORT, transactions
/// (MULTI/EXEC/DISCARD/WATCH) and databases (SELECT, MOVE, SWAPDB, FLUSHDB), with arguments
/// drawn from small pools so that the same keys and members meet again (types collide, members repeat, indexes fall
/// inside and outside), plus malformed numbers, unknown options and wrong arities. Only commands whose reply is
/// deterministic are generated (no SPOP, SRANDMEMBER, RANDOMKEY, SCAN, TTL readings, OBJECT ENCODING, XINFO); replies
/// whose order Redis leaves to its hash tables are compared sorted (<see cref="IsUnordered"/>). Where Cairn answers as
/// Redis 7.2 does rather than 7.0 (LPOS RANK LONG_MIN, BITCOUNT's unit checked before the key), the pools leave the
/// case out. Values never contain ", " or brackets, so a rendered array splits back into its items.
/// </summary>
public sealed class DifferentialCommands
{
    // Each command family mostly uses keys of its own (s: strings, l: lists, h: hashes, t: sets, z: sorted sets), so that
    // values grow and shrink instead of being stuck behind WRONGTYPE; one command in six takes any key (or "{k}", which
    // belongs to no family).
    private static readonly string[][] s_familyKeys =
    [
        ["s0", "s1", "s2"], ["l0", "l1", "l2"], ["h0", "h1"], ["t0", "t1", "t2"], ["z0", "z1", "z2"],
        ["x0", "x1"], ["q0", "q1"],
    ];

    // Sorted sets whose members all have score 0, the only ones the lex commands are defined on (Redis documents the
    // result on mixed scores as unspecified, and it depends on the encoding).
    private const int LexFamily = 5;
    private const int StreamFamily = 6;
    private static readonly string[] s_streamIds = ["0-1", "1-0", "1-1", "1-*", "2", "2-5", "3-0", "5-*", "10-0", "0-0", "abc", "18446744073709551615-18446744073709551615"];
    private static readonly string[] s_rangeIds = ["-", "+", "0", "1", "1-1", "(1-1", "2-5", "(3", "10", "abc"];
    // No invalid unit: on a missing key Redis 7.0 answers 0 before it parses the arguments, 7.2 and Cairn answer the
    // syntax error.
    private static readonly string[] s_bitCountUnits = ["BYTE", "BIT"];
    private static readonly string[] s_keys = [.. s_familyKeys.Take(LexFamily).SelectMany(keys => keys), "{k}", "q0"];
    private static readonly string[] s_members = ["a", "b", "c", "d", "e", "1", "2", "10", "-5", "3.5", "zz"];
    private static readonly string[] s_values = ["a", "b", "hello", "", "1", "7", "-12", "3.5", "007", "1e3", "99999999999999999999", " 1", "x"];
    private static readonly string[] s_integers = ["0", "1", "2", "3", "-1", "-2", "-4", "5", "100", "abc", "1.5", "9223372036854775807", "-9223372036854775808"];
    private static readonly string[] s_floats = ["0", "1", "2.5", "-1.25", "3", "1e2", "inf", "-inf", "+inf", "nan", "abc", "0.1", "1e308", "10"];
    private static readonly string[] s_scoreBounds = ["-inf", "+inf", "0", "1", "(1", "2.5", "(3", "10", "-5", "abc", "((1"];
    private static readonly string[] s_lexBounds = ["-", "+", "[a", "(a", "[c", "(d", "[zz", "a", "[1"];

    private readonly Random _random;

    private readonly string _keyPrefix;
    private readonly bool _databases;

    /// <param name="seed">The sequence's seed: the same seed gives the same commands.</param>
    /// <param name="keyPrefix">Put before every key name: a hash tag such as "{c}" keeps every key in one cluster slot.</param>
    /// <param name="databases">Whether SELECT, MOVE, SWAPDB and FLUSHDB are drawn (a cluster has database 0 only, and
    /// refuses a flush inside MULTI).</param>
    public DifferentialCommands(int seed, string keyPrefix = "", bool databases = true)
    {
        _random = new Random(seed);
        _keyPrefix = keyPrefix;
        _databases = databases;
    }

    /// <summary>Commands whose array reply is a set in Redis (hash-table order): compared sorted.</summary>
    public static bool IsUnordered(string[] command) => command[0] switch
    {
        "SMEMBERS" or "SINTER" or "SUNION" or "SDIFF" or "HKEYS" or "HVALS" or "KEYS" => true,
        _ => false,
    };

    /// <summary>Commands whose reply is a flat array of field-value pairs in hash-table order: compared as sorted pairs.</summary>
    public static bool IsUnorderedPairs(string[] command) => command[0] == "HGETALL";

    private int _family;

    public string[] Next()
    {
        _family = _random.Next(LexFamily);
        if (Chance(30))
        {
            // Keys that RENAME, COPY, MSET or a STORE gave another family's type would otherwise answer WRONGTYPE for good.
            return ["DEL", _keyPrefix + s_keys[_random.Next(s_keys.Length)]];
        }
        if (Chance(40))
        {
            // Where the command's keys are, as Redis finds them (what a cluster routes by).
            return ["COMMAND", "GETKEYS", .. Next()];
        }
        return _random.Next(12) switch
        {
            0 => StringCommand(),
            1 => KeyCommand(),
            2 => ListCommand(),
            3 => HashCommand(),
            4 => SetCommand(),
            5 => SortedSetCommand(),
            6 => SortCommand(),
            7 => LexCommand(),
            8 => StreamCommand(),
            9 => BitCommand(),
            10 => TransactionCommand(),
            _ => Pick(SortedSetCommand, ListCommand, SetCommand),
        };
    }

    private string[] Pick(params Func<string[]>[] generators) => generators[_random.Next(generators.Length)]();

    private string Key()
    {
        string[] keys = _family != LexFamily && Chance(6) ? s_keys : s_familyKeys[_family];
        return _keyPrefix + keys[_random.Next(keys.Length)];
    }

    private string[] Family(int family, Func<string[]> generator)
    {
        _family = family;
        return generator();
    }

    private string Member() => s_members[_random.Next(s_members.Length)];

    private string Value() => s_values[_random.Next(s_values.Length)];

    private string Integer() => s_integers[_random.Next(s_integers.Length)];

    private string Float() => s_floats[_random.Next(s_floats.Length)];

    private string SmallCount() => _random.Next(10) == 0 ? Integer() : _random.Next(-1, 5).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string Index() => _random.Next(8) == 0 ? Integer() : _random.Next(-6, 7).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private bool Chance(int outOf) => _random.Next(outOf) == 0;

    private string[] Keys(int min, int max)
    {
        int count = _random.Next(min, max + 1);
        var keys = new string[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = Key();
        }
        return keys;
    }

    private string[] Repeat(int min, int max, Func<string[]> item)
    {
        int count = _random.Next(min, max + 1);
        var items = new List<string>();
        for (int i = 0; i < count; i++)
        {
            items.AddRange(item());
        }
        return [.. items];
    }

    private string[] StringCommand() => Family(0, () => _random.Next(17) switch
    {
        0 => ["SET", Key(), Value(), .. (Chance(3) ? [Pick(() => ["NX"], () => ["XX"], () => ["GET"], () => ["KEEPTTL"], () => ["BOGUS"])[0]] : Array.Empty<string>()), .. (Chance(8) ? ["EX", Pick(() => ["100000"], () => ["0"], () => ["-1"], () => ["abc"])[0]] : Array.Empty<string>())],
        1 => ["GET", Key()],
        2 => ["GETSET", Key(), Value()],
        3 => ["APPEND", Key(), Value()],
        4 => ["STRLEN", Key()],
        5 => ["INCR", Key()],
        6 => ["DECR", Key()],
        7 => ["INCRBY", Key(), Integer()],
        8 => ["DECRBY", Key(), Integer()],
        9 => ["INCRBYFLOAT", Key(), Float()],
        10 => ["SETNX", Key(), Value()],
        11 => ["MSET", .. Repeat(1, 3, () => [Key(), Value()]), .. (Chance(8) ? [Key()] : Array.Empty<string>())],
        12 => ["MGET", .. Keys(1, 4)],
        13 => ["GETRANGE", Key(), Index(), Index()],
        14 => ["SETRANGE", Key(), _random.Next(0, 12).ToString(System.Globalization.CultureInfo.InvariantCulture), Value()],
        15 => ["GETDEL", Key()],
        _ => ["MSETNX", .. Repeat(1, 2, () => [Key(), Value()])],
    });

    private string[] KeyCommand() => _random.Next(11) switch
    {
        0 => ["DEL", .. Keys(1, 3)],
        1 => ["EXISTS", .. Keys(1, 3)],
        2 => ["TYPE", Key()],
        3 => ["RENAME", Key(), Key()],
        4 => ["RENAMENX", Key(), Key()],
        5 => ["COPY", Key(), Key(), .. (Chance(2) ? ["REPLACE"] : Array.Empty<string>())],
        6 => ["EXPIRE", Key(), "100000", .. (Chance(2) ? [Pick(() => ["NX"], () => ["XX"], () => ["GT"], () => ["LT"], () => ["NX", "XX"])[0]] : Array.Empty<string>())],
        7 => ["PERSIST", Key()],
        8 => ["KEYS", "*"],
        9 => ["DBSIZE"],
        _ => ["UNLINK", .. Keys(1, 2)],
    };

    private string[] ListCommand() => Family(1, () => _random.Next(19) switch
    {
        0 => ["LPUSH", Key(), .. Repeat(1, 3, () => [Member()])],
        1 => ["RPUSH", Key(), .. Repeat(1, 3, () => [Member()])],
        2 => ["LPUSHX", Key(), Member()],
        3 => ["RPUSHX", Key(), Member()],
        4 => ["LPOP", Key(), .. (Chance(2) ? [SmallCount()] : Array.Empty<string>())],
        5 => ["RPOP", Key(), .. (Chance(2) ? [SmallCount()] : Array.Empty<string>())],
        6 => ["LLEN", Key()],
        7 => ["LRANGE", Key(), Index(), Index()],
        8 => ["LINDEX", Key(), Index()],
        9 => ["LSET", Key(), Index(), Member()],
        10 => ["LINSERT", Key(), Chance(2) ? "BEFORE" : Chance(4) ? "MIDDLE" : "AFTER", Member(), Member()],
        11 => ["LREM", Key(), Index(), Member()],
        12 => ["LTRIM", Key(), Index(), Index()],
        13 => ["LPOS", Key(), Member(), .. LposOptions()],
        14 => ["LMOVE", Key(), Key(), Chance(2) ? "LEFT" : "RIGHT", Chance(2) ? "LEFT" : Chance(6) ? "UP" : "RIGHT"],
        15 => ["RPOPLPUSH", Key(), Key()],
        16 => ["LMPOP", .. NumKeys(), Chance(2) ? "LEFT" : "RIGHT", .. (Chance(2) ? ["COUNT", SmallCount()] : Array.Empty<string>())],
        17 => ["LPUSH", Key()],
        _ => ["RPUSH", Key(), .. Repeat(4, 8, () => [Member()])],
    });

    private string[] LposOptions()
    {
        var options = new List<string>();
        if (Chance(2))
        {
            // Not LONG_MIN: Redis 7.0 takes its negation (undefined behaviour) and answers nil; 7.2 and Cairn refuse it.
            string rank = Index();
            options.AddRange(["RANK", rank == "-9223372036854775808" ? "-1" : rank]);
        }
        if (Chance(2))
        {
            options.AddRange(["COUNT", SmallCount()]);
        }
        if (Chance(3))
        {
            options.AddRange(["MAXLEN", SmallCount()]);
        }
        return [.. options];
    }

    private string[] NumKeys()
    {
        string[] keys = Keys(1, 3);
        string count = Chance(10) ? Pick(() => ["0"], () => ["-1"], () => ["x"], () => ["9"])[0] : keys.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return [count, .. keys];
    }

    private string[] HashCommand() => Family(2, () => _random.Next(14) switch
    {
        0 => ["HSET", Key(), .. Repeat(1, 3, () => [Member(), Value()])],
        1 => ["HSETNX", Key(), Member(), Value()],
        2 => ["HGET", Key(), Member()],
        3 => ["HMGET", Key(), .. Repeat(1, 3, () => [Member()])],
        4 => ["HDEL", Key(), .. Repeat(1, 3, () => [Member()])],
        5 => ["HLEN", Key()],
        6 => ["HSTRLEN", Key(), Member()],
        7 => ["HEXISTS", Key(), Member()],
        8 => ["HKEYS", Key()],
        9 => ["HVALS", Key()],
        10 => ["HGETALL", Key()],
        11 => ["HINCRBY", Key(), Member(), Integer()],
        12 => ["HINCRBYFLOAT", Key(), Member(), Float()],
        _ => ["HMSET", Key(), .. Repeat(1, 2, () => [Member(), Value()]), .. (Chance(6) ? ["odd"] : Array.Empty<string>())],
    });

    private string[] SetCommand() => Family(3, () => _random.Next(15) switch
    {
        0 or 1 => ["SADD", Key(), .. Repeat(1, 4, () => [Member()])],
        2 => ["SREM", Key(), .. Repeat(1, 3, () => [Member()])],
        3 => ["SCARD", Key()],
        4 => ["SISMEMBER", Key(), Member()],
        5 => ["SMISMEMBER", Key(), .. Repeat(1, 3, () => [Member()])],
        6 => ["SMEMBERS", Key()],
        7 => ["SMOVE", Key(), Key(), Member()],
        8 => ["SINTER", .. Keys(1, 3)],
        9 => ["SINTERCARD", .. NumKeys(), .. (Chance(2) ? ["LIMIT", SmallCount()] : Array.Empty<string>())],
        10 => ["SINTERSTORE", Key(), .. Keys(1, 3)],
        11 => ["SUNION", .. Keys(1, 3)],
        12 => ["SUNIONSTORE", Key(), .. Keys(1, 3)],
        13 => ["SDIFF", .. Keys(1, 3)],
        _ => ["SDIFFSTORE", Key(), .. Keys(1, 3)],
    });

    private string[] SortedSetCommand() => Family(4, () => _random.Next(30) switch
    {
        0 or 1 or 2 => ["ZADD", Key(), .. ZaddFlags(), .. Repeat(1, 3, () => [Float(), Member()])],
        3 => ["ZINCRBY", Key(), Float(), Member()],
        4 => ["ZREM", Key(), .. Repeat(1, 3, () => [Member()])],
        5 => ["ZCARD", Key()],
        6 => ["ZSCORE", Key(), Member()],
        7 => ["ZMSCORE", Key(), .. Repeat(1, 3, () => [Member()])],
        8 => [Chance(2) ? "ZRANK" : "ZREVRANK", Key(), Member()],
        9 => ["ZCOUNT", Key(), ScoreBound(), ScoreBound()],
        10 => ["ZRANGE", Key(), Index(), Index(), "WITHSCORES"],
        11 => ["ZRANGE", Key(), Index(), Index(), .. (Chance(2) ? ["REV"] : Array.Empty<string>()), .. (Chance(2) ? ["WITHSCORES"] : Array.Empty<string>())],
        12 => ["ZRANGE", Key(), ScoreBound(), ScoreBound(), "BYSCORE", .. (Chance(3) ? ["REV"] : Array.Empty<string>()), .. Limit(), .. (Chance(2) ? ["WITHSCORES"] : Array.Empty<string>())],
        13 => ["ZRANGE", Key(), ScoreBound(), ScoreBound(), "BYSCORE", "LIMIT", Index(), SmallCount()],
        14 => ["ZRANGESTORE", Key(), Key(), Index(), Index()],
        15 => ["ZREVRANGE", Key(), Index(), Index(), .. (Chance(2) ? ["WITHSCORES"] : Array.Empty<string>())],
        16 => [Chance(2) ? "ZRANGEBYSCORE" : "ZREVRANGEBYSCORE", Key(), ScoreBound(), ScoreBound(), .. (Chance(2) ? ["WITHSCORES"] : Array.Empty<string>()), .. Limit()],
        17 => ["ZSCORE", Key(), Member()],
        18 => ["ZREMRANGEBYRANK", Key(), Index(), Index()],
        19 => ["ZREMRANGEBYSCORE", Key(), ScoreBound(), ScoreBound()],
        20 => ["ZCARD", Key()],
        21 => [Chance(2) ? "ZPOPMIN" : "ZPOPMAX", Key(), .. (Chance(2) ? [SmallCount()] : Array.Empty<string>())],
        22 => ["ZMPOP", .. NumKeys(), Chance(2) ? "MIN" : "MAX", .. (Chance(2) ? ["COUNT", SmallCount()] : Array.Empty<string>())],
        23 => [Pick(() => ["ZUNION"], () => ["ZINTER"], () => ["ZDIFF"])[0], .. NumKeys(), .. SetOperationOptions(), .. (Chance(2) ? ["WITHSCORES"] : Array.Empty<string>())],
        24 => [Pick(() => ["ZUNIONSTORE"], () => ["ZINTERSTORE"], () => ["ZDIFFSTORE"])[0], Key(), .. NumKeys(), .. SetOperationOptions()],
        25 => ["ZINTERCARD", .. NumKeys(), .. (Chance(2) ? ["LIMIT", SmallCount()] : Array.Empty<string>())],
        _ => ["ZADD", Key(), .. Repeat(2, 6, () => [_random.Next(0, 4).ToString(System.Globalization.CultureInfo.InvariantCulture), Member()])],
    });

    private string[] LexCommand() => Family(LexFamily, () => _random.Next(9) switch
    {
        0 or 1 or 2 => ["ZADD", Key(), .. Repeat(1, 4, () => ["0", Member()])],
        3 => ["ZLEXCOUNT", Key(), LexBound(), LexBound()],
        4 => ["ZRANGE", Key(), LexBound(), LexBound(), "BYLEX", .. (Chance(3) ? ["REV"] : Array.Empty<string>()), .. Limit()],
        5 => [Chance(2) ? "ZRANGEBYLEX" : "ZREVRANGEBYLEX", Key(), LexBound(), LexBound(), .. Limit()],
        6 => ["ZREMRANGEBYLEX", Key(), LexBound(), LexBound()],
        7 => ["ZRANGESTORE", Key(), Key(), LexBound(), LexBound(), "BYLEX", .. (Chance(3) ? ["REV"] : Array.Empty<string>()), .. Limit()],
        _ => Chance(2) ? ["ZRANGE", Key(), "0", "-1"] : ["ZREM", Key(), Member()],
    });

    // Streams with explicit IDs only ("*" is the clock); no XINFO (radix-tree sizes are the implementation's) and no
    // XPENDING extended form or XCLAIM (idle times are the clock's).
    private string[] StreamCommand() => Family(StreamFamily, () => _random.Next(13) switch
    {
        0 or 1 or 2 => ["XADD", Key(), .. (Chance(8) ? ["NOMKSTREAM"] : Array.Empty<string>()), .. StreamTrim(), StreamId(), .. Repeat(1, 2, () => [Member(), Value()])],
        3 => ["XLEN", Key()],
        4 => ["XRANGE", Key(), RangeId(), RangeId(), .. (Chance(2) ? ["COUNT", SmallCount()] : Array.Empty<string>())],
        5 => ["XREVRANGE", Key(), RangeId(), RangeId(), .. (Chance(2) ? ["COUNT", SmallCount()] : Array.Empty<string>())],
        6 => ["XDEL", Key(), .. Repeat(1, 2, () => [StreamId()])],
        7 => ["XTRIM", Key(), .. StreamTrim(always: true)],
        8 => ["XREAD", .. (Chance(2) ? ["COUNT", SmallCount()] : Array.Empty<string>()), "STREAMS", Key(), RangeId()],
        9 => ["XGROUP", "CREATE", Key(), Chance(2) ? "g1" : "g2", Chance(2) ? "0" : "$", .. (Chance(3) ? ["MKSTREAM"] : Array.Empty<string>())],
        10 => ["XREADGROUP", "GROUP", Chance(2) ? "g1" : "g2", Chance(2) ? "alice" : "bob", .. (Chance(2) ? ["COUNT", SmallCount()] : Array.Empty<string>()), "STREAMS", Key(), Chance(3) ? "0" : ">"],
        11 => ["XACK", Key(), Chance(2) ? "g1" : "g2", .. Repeat(1, 2, () => [StreamId()])],
        _ => ["XPENDING", Key(), Chance(2) ? "g1" : "g2"],
    });

    private string StreamId() => s_streamIds[_random.Next(s_streamIds.Length)];

    private string RangeId() => s_rangeIds[_random.Next(s_rangeIds.Length)];

    private string[] StreamTrim(bool always = false)
    {
        if (!always && !Chance(4))
        {
            return [];
        }
        string strategy = Chance(2) ? "MAXLEN" : "MINID";
        string threshold = strategy == "MAXLEN" ? SmallCount() : RangeId() is var id && id is "-" or "+" or "(1-1" or "(3" ? "2" : id;
        // "~" trims whole nodes only: an implementation choice, so only exact trimming is compared.
        return Chance(3) ? [strategy, "=", threshold] : [strategy, threshold];
    }

    private string[] BitCommand() => Family(0, () => _random.Next(9) switch
    {
        0 or 1 => ["SETBIT", Key(), _random.Next(0, 40).ToString(System.Globalization.CultureInfo.InvariantCulture), Chance(8) ? "2" : Chance(2) ? "1" : "0"],
        2 => ["GETBIT", Key(), Index()],
        3 => ["BITCOUNT", Key(), .. (Chance(2) ? [Index(), Index(), .. (Chance(2) ? [s_bitCountUnits[_random.Next(2)]] : Array.Empty<string>())] : Array.Empty<string>())],
        4 => ["BITPOS", Key(), Chance(2) ? "1" : "0", .. (Chance(2) ? [Index(), .. (Chance(2) ? [Index(), .. (Chance(2) ? [s_bitCountUnits[_random.Next(2)]] : Array.Empty<string>())] : Array.Empty<string>())] : Array.Empty<string>())],
        5 => ["BITOP", Pick(() => ["AND"], () => ["OR"], () => ["XOR"], () => ["NOT"])[0], Key(), .. Keys(1, 2)],
        6 => ["BITFIELD", Key(), .. Repeat(1, 3, BitfieldOperation)],
        7 => ["LCS", Key(), Key(), .. (Chance(3) ? ["LEN"] : Chance(2) ? ["IDX", .. (Chance(2) ? ["MINMATCHLEN", SmallCount()] : Array.Empty<string>()), .. (Chance(2) ? ["WITHMATCHLEN"] : Array.Empty<string>())] : Array.Empty<string>())],
        _ => ["SUBSTR", Key(), Index(), Index()],
    });

    private string[] BitfieldOperation()
    {
        string type = Pick(() => ["u8"], () => ["i8"], () => ["u4"], () => ["i5"], () => ["u63"], () => ["i64"], () => ["u64"], () => ["x3"])[0];
        string offset = Pick(() => ["0"], () => ["3"], () => ["#1"], () => ["-1"], () => ["17"])[0];
        return _random.Next(4) switch
        {
            0 => ["GET", type, offset],
            1 => ["SET", type, offset, Integer()],
            2 => ["INCRBY", type, offset, Integer()],
            _ => ["OVERFLOW", Pick(() => ["WRAP"], () => ["SAT"], () => ["FAIL"], () => ["BAD"])[0]],
        };
    }

    // Transactions and databases: MULTI queues what follows (errors in queueing abort the EXEC), WATCH over keys the
    // same client then writes, SELECT/MOVE/SWAPDB between databases 0 and 1 (the other commands then run in whichever
    // is selected, in both servers alike).
    private string[] TransactionCommand() => _random.Next(14) switch
    {
        0 or 1 => ["MULTI"],
        2 or 3 or 4 => ["EXEC"],
        5 => ["DISCARD"],
        6 => ["WATCH", .. Keys(1, 2)],
        7 => ["UNWATCH"],
        8 when _databases => ["SELECT", Chance(6) ? Pick(() => ["99"], () => ["x"], () => ["-1"])[0] : Chance(2) ? "0" : "1"],
        9 when _databases => ["MOVE", Key(), Chance(6) ? "0" : "1"],
        10 when _databases => ["SWAPDB", "0", Chance(6) ? "16" : "1"],
        8 or 9 or 10 => ["EXISTS", Key()],
        11 => _databases && Chance(20) ? ["FLUSHDB"] : ["DBSIZE"],
        12 => ["ECHO", Value()],
        _ => Chance(2) ? ["PING"] : ["PING", Value()],
    };

    private string[] ZaddFlags()
    {
        var flags = new List<string>();
        foreach (string flag in new[] { "NX", "XX", "GT", "LT", "CH", "INCR" })
        {
            if (Chance(7))
            {
                flags.Add(flag);
            }
        }
        return [.. flags];
    }

    private string[] Limit() => Chance(3) ? ["LIMIT", Index(), SmallCount()] : [];

    private string[] SetOperationOptions()
    {
        // WEIGHTS needs one weight per key; the generator does not know the key count here, so it only sometimes adds
        // AGGREGATE (always valid) and leaves WEIGHTS to the syntax-error cases below.
        var options = new List<string>();
        if (Chance(3))
        {
            options.AddRange(["AGGREGATE", Pick(() => ["SUM"], () => ["MIN"], () => ["MAX"], () => ["AVG"])[0]]);
        }
        if (Chance(8))
        {
            options.AddRange(["WEIGHTS", Float()]);
        }
        return [.. options];
    }

    private string ScoreBound() => s_scoreBounds[_random.Next(s_scoreBounds.Length)];

    private string LexBound() => s_lexBounds[_random.Next(s_lexBounds.Length)];

    private string[] SortCommand()
    {
        _family = Pick(() => ["1"], () => ["3"], () => ["4"])[0][0] - '0'; // lists, sets, sorted sets
        var command = new List<string> { Chance(4) ? "SORT_RO" : "SORT", Key() };
        if (Chance(2))
        {
            command.Add("ALPHA");
        }
        if (Chance(3))
        {
            command.Add(Chance(2) ? "DESC" : "ASC");
        }
        if (Chance(3))
        {
            command.AddRange(["LIMIT", Index(), SmallCount()]);
        }
        if (command[0] == "SORT" && Chance(4))
        {
            command.AddRange(["STORE", Key()]);
        }
        return [.. command];
    }
}
