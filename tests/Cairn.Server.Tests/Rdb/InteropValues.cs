using System.Text;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Rdb;

/// <summary>
/// Values of every core type in every encoding Redis 7.0 gives them, written through commands into Redis or Cairn.
/// <see cref="ByteExact"/> names the keys whose DUMP is small enough (no LZF, one node) that Cairn's must equal Redis's
/// byte for byte (Redis LZF-compresses strings over 20 bytes when that saves space; Cairn never compresses).
/// </summary>
public static class InteropValues
{
    public static readonly string[] ByteExact =
    [
        "str:raw", "str:int", "str:neg", "str:int64", "str:empty", "list:small", "hash:small", "set:int", "set:int64",
        "zset:tiny", "stream:small",
    ];

    /// <summary>Writes the values; <paramref name="isRedis"/> adds those that need Redis-only knobs (compressed and plain quicklist nodes).</summary>
    public static List<string> Populate(IDatabase db, string prefix, bool isRedis)
    {
        var keys = new List<string>();
        void Run(string key, string command, params object[] args)
        {
            var all = new object[args.Length + 1];
            all[0] = prefix + key;
            args.CopyTo(all, 1);
            db.Execute(command, all);
            if (!keys.Contains(key))
            {
                keys.Add(key);
            }
        }
        Run("str:raw", "SET", "hello");
        Run("str:int", "SET", "12345");
        Run("str:neg", "SET", "-100");
        Run("str:int64", "SET", "12345678901234");
        Run("str:empty", "SET", "");
        Run("str:long", "SET", new string('x', 300) + "tail");
        Run("str:random", "SET", RandomBytes(500, 1));
        Run("str:binary", "SET", AllBytes());
        Run("list:small", "RPUSH", "a", "b", "1", "-1000", "70000", "9999999999", "");
        Run("list:big", "RPUSH", Many(3000, i => $"element-{i}-{new string('p', i % 50)}"));
        Run("list:ints", "RPUSH", Many(2000, i => (i * 7919 - 5000000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Run("hash:small", "HSET", "f", "v", "n", "1", "neg", "-5", "big", "5000000000", "e", "");
        Run("hash:big", "HSET", Many(600, i => i % 2 == 0 ? $"field-{i / 2}" : $"value-{i}"));
        Run("hash:longvalue", "HSET", "f", new string('v', 100));
        Run("set:int", "SADD", "3", "1", "2", "-5", "100000");
        Run("set:int64", "SADD", "1", "5000000000", "-5000000000");
        Run("set:strings", "SADD", "a", "b", "c", "10");
        Run("set:bigints", "SADD", Many(1000, i => (i * 3).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Run("set:bigstrings", "SADD", Many(300, i => $"member-{i}"));
        Run("zset:small", "ZADD", "1", "a", "2.5", "b", "-0.1", "c", "+inf", "d", "100", "e", "-inf", "f");
        Run("zset:tiny", "ZADD", "1", "a", "2.5", "b");
        Run("zset:big", "ZADD", Many(400, i => i % 2 == 0 ? ((i / 2) * 0.37).ToString("R", System.Globalization.CultureInfo.InvariantCulture) : $"m{i}"));
        Run("zset:longmember", "ZADD", "1", new string('m', 100));
        PopulateStreams(db, prefix, keys);
        if (isRedis)
        {
            db.Execute("CONFIG", "SET", "list-compress-depth", "1");
            Run("list:compressed", "RPUSH", Many(5000, i => $"compressible-value-{i % 10}"));
            db.Execute("CONFIG", "SET", "list-compress-depth", "0");
            db.Execute("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100");
            Run("list:plain", "RPUSH", "small", new string('P', 500), "after");
        }
        return keys;
    }

    /// <summary>Streams: one entry; deletions and differing field sets; several listpack nodes; groups, PELs, consumers.</summary>
    private static void PopulateStreams(IDatabase db, string prefix, List<string> keys)
    {
        string small = prefix + "stream:small";
        db.Execute("XADD", small, "1-1", "a", "b");
        string mixed = prefix + "stream:mixed";
        db.Execute("XADD", mixed, "1-1", "f1", "v1", "f2", "v2");
        db.Execute("XADD", mixed, "1-2", "f1", "x", "f2", "y");
        db.Execute("XADD", mixed, "2-0", "g", "1");
        db.Execute("XADD", mixed, "3-5", "f1", "a", "f2", "b");
        db.Execute("XADD", mixed, "4-0", "h", "12345", "hh", "-7");
        db.Execute("XADD", mixed, "5-0", "f1", "", "f2", "z");
        db.Execute("XDEL", mixed, "1-2", "4-0");
        string big = prefix + "stream:big";
        for (int i = 1; i <= 150; i++)
        {
            db.Execute("XADD", big, $"1000-{i}", "f", i, "name", $"n{i}");
        }
        for (int i = 1; i <= 30; i++)
        {
            db.Execute("XADD", big, $"{2000 + i}-0", "payload", i.ToString("D500", System.Globalization.CultureInfo.InvariantCulture));
        }
        string groups = prefix + "stream:groups";
        for (int i = 1; i <= 10; i++)
        {
            db.Execute("XADD", groups, $"{i}-0", "k", $"v{i}");
        }
        db.Execute("XGROUP", "CREATE", groups, "g1", "0");
        db.Execute("XREADGROUP", "GROUP", "g1", "alice", "COUNT", 3, "STREAMS", groups, ">");
        db.Execute("XREADGROUP", "GROUP", "g1", "bob", "COUNT", 2, "STREAMS", groups, ">");
        db.Execute("XACK", groups, "g1", "2-0");
        db.Execute("XGROUP", "CREATE", groups, "g2", "$");
        db.Execute("XGROUP", "CREATECONSUMER", groups, "g2", "carol");
        db.Execute("XGROUP", "CREATE", groups, "g3", "5-0", "ENTRIESREAD", 3);
        db.Execute("XCLAIM", groups, "g1", "bob", 0, "3-0");
        db.Execute("XDEL", groups, "9-0");
        string empty = prefix + "stream:empty";
        db.Execute("XADD", empty, "1-1", "a", "b");
        db.Execute("XDEL", empty, "1-1");
        db.Execute("XGROUP", "CREATE", empty, "g", "0");
        keys.AddRange(["stream:small", "stream:mixed", "stream:big", "stream:groups", "stream:empty"]);
    }

    private static object[] Many(int count, Func<int, string> make)
    {
        var values = new object[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = make(i);
        }
        return values;
    }

    private static byte[] AllBytes()
    {
        byte[] bytes = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            bytes[i] = (byte)i;
        }
        return bytes;
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        byte[] bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return Encoding.ASCII.GetBytes(Convert.ToHexString(bytes));
    }
}
