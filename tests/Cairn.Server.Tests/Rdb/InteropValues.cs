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
        "zset:tiny",
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
