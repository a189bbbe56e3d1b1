using System.Globalization;
using Cairn.Primitives;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Lsm;

/// <summary>
/// Metamorphic test: the same random command sequence against a memory-mode node and a storage-lsm node whose tiny
/// maxmemory keeps pushing keys out to disk must give the same replies, and the same data after the lsm node restarts.
/// The seed is in the failure message; a failing seed becomes an InlineData.
/// </summary>
public sealed class LsmModelTests
{
    private const int KeySpace = 24;

    [Theory]
    [InlineData(101UL)]
    [InlineData(202UL)]
    [InlineData(303UL)]
    [InlineData(404UL)]
    [InlineData(505UL)]
    [InlineData(606UL)]
    public void RandomCommandsGiveTheSameRepliesAsMemoryMode(ulong seed)
    {
        var random = new SeededRandom(seed);
        string dir = LsmTestServer.NewDirectory();
        try
        {
            using var memory = new TestServer();
            using RawClient expected = memory.Raw();
            using (var lsm = new LsmTestServer(dir, config => config.MaxMemoryBytes = 8 * 1024))
            {
                using RawClient actual = lsm.Raw();
                for (int step = 0; step < 2000; step++)
                {
                    string[] command = NextCommand(random);
                    string want, got;
                    if (random.NextInt(40) == 0)
                    {
                        // A transaction: one LSM batch for all of it.
                        string[] second = NextCommand(random);
                        want = NormalizeStringEncodings(Transaction(expected, command, second));
                        got = NormalizeStringEncodings(Transaction(actual, command, second));
                    }
                    else if (random.NextInt(400) == 0)
                    {
                        command = ["FLUSHDB"];
                        want = expected.Execute(command);
                        got = actual.Execute(command);
                    }
                    else
                    {
                        want = Normalize(command, expected.Execute(command));
                        got = Normalize(command, actual.Execute(command));
                    }
                    Assert.True(want == got, $"seed {seed} step {step}: {string.Join(' ', command)}\nmemory: {want}\nlsm:    {got}");
                }
                Assert.True(lsm.Keyspace.KeysUnloaded > 0, $"seed {seed}: nothing was pushed out of memory");
                Assert.Equal(Dump(expected), Dump(actual));
            }
            using (var lsm = new LsmTestServer(dir))
            {
                using RawClient actual = lsm.Raw();
                Assert.Equal(Dump(expected), Dump(actual));
            }
        }
        finally
        {
            LsmTestServer.DeleteData(dir);
        }
    }

    private static string Transaction(RawClient client, string[] first, string[] second)
    {
        // Inside EXEC a reply cannot be normalized on its own: leave out those whose order is undefined.
        static string[] Ordered(string[] command) => command[0] is "KEYS" or "SMEMBERS" or "HGETALL" ? ["DBSIZE"] : command;
        first = Ordered(first);
        second = Ordered(second);
        client.Execute("MULTI");
        client.Execute(first);
        client.Execute(second);
        return Normalize(["EXEC"], client.Execute("EXEC"));
    }

    private static string[] NextCommand(SeededRandom random)
    {
        string key = "k" + random.NextInt(KeySpace).ToString(CultureInfo.InvariantCulture);
        string other = "k" + random.NextInt(KeySpace).ToString(CultureInfo.InvariantCulture);
        string n = random.NextInt(50).ToString(CultureInfo.InvariantCulture);
        string big = new('b', 200 + random.NextInt(3000));
        return random.NextInt(32) switch
        {
            0 => ["SET", key, big],
            1 => ["SET", key, n, "EX", "1000"],
            2 => ["GET", key],
            3 => ["DEL", key, other],
            4 => ["INCR", key],
            5 => ["APPEND", key, "xyz"],
            6 => ["LPUSH", key, n, big],
            7 => ["RPOP", key],
            8 => ["LRANGE", key, "0", "-1"],
            9 => ["HSET", key, "f" + n, big],
            10 => ["HDEL", key, "f" + n],
            11 => ["HGETALL", key],
            12 => ["SADD", key, n, "m" + n],
            13 => ["SREM", key, n],
            14 => ["SMEMBERS", key],
            15 => ["ZADD", key, n, "z" + n],
            16 => ["ZINCRBY", key, "2.5", "z" + n],
            17 => ["ZRANGE", key, "0", "-1", "WITHSCORES"],
            18 => ["EXISTS", key, other],
            19 => ["TYPE", key],
            20 => ["DBSIZE"],
            21 => ["EXPIRE", key, "500"],
            22 => ["PERSIST", key],
            23 => ["TTL", key],
            24 => ["RENAME", key, other],
            25 => ["COPY", key, other, "REPLACE"],
            26 => ["KEYS", "*"],
            27 => ["XADD", key, "*", "f", n],
            28 => ["XLEN", key],
            29 => ["OBJECT", "ENCODING", key],
            30 => ["SETRANGE", key, n, "abc"],
            _ => ["STRLEN", key],
        };
    }

    /// <summary>Orders replies whose order Redis does not define (sets, hashes, KEYS); TTLs become "has a TTL".</summary>
    /// <summary>An EXEC reply with OBJECT ENCODING inside: see <see cref="Normalize"/>.</summary>
    private static string NormalizeStringEncodings(string reply) =>
        System.Text.RegularExpressions.Regex.Replace(reply, @"(?<=[\[ ])(raw|embstr|int)(?=[,\]])", "string");

    private static string Normalize(string[] command, string reply)
    {
        switch (command[0])
        {
            case "SMEMBERS" or "KEYS":
                return Sorted(reply);
            case "HGETALL":
                string[] items = Split(reply);
                var pairs = new List<string>();
                for (int i = 0; i + 1 < items.Length; i += 2)
                {
                    pairs.Add(items[i] + "=" + items[i + 1]);
                }
                pairs.Sort(StringComparer.Ordinal);
                return string.Join(",", pairs);
            case "TTL":
                return reply.StartsWith(":-", StringComparison.Ordinal) ? reply : ":positive";
            case "OBJECT" when reply is "raw" or "embstr" or "int":
                // How a string was built (APPEND leaves raw) does not survive its trip to disk, as it does not survive
                // Redis's own reload: a string read back is encoded by its bytes.
                return "string";
            case "XADD":
                return reply.StartsWith('-') ? reply : "id";
            case "EXEC":
                return System.Text.RegularExpressions.Regex.Replace(reply, @"\d+-\d+", "id"); // XADD ids differ by time
            default:
                return reply;
        }
    }

    private static string[] Split(string reply) =>
        reply.StartsWith('[') ? reply.Trim('[', ']').Split(", ", StringSplitOptions.RemoveEmptyEntries) : [reply];

    private static string Sorted(string reply)
    {
        string[] items = Split(reply);
        Array.Sort(items, StringComparer.Ordinal);
        return string.Join(",", items);
    }

    /// <summary>Every key with its type, contents and whether it has a TTL, in key order.</summary>
    private static string Dump(RawClient client)
    {
        var text = new System.Text.StringBuilder();
        string[] keys = Split(client.Execute("KEYS", "*"));
        Array.Sort(keys, StringComparer.Ordinal);
        text.Append("dbsize ").Append(client.Execute("DBSIZE")).Append('\n');
        foreach (string key in keys)
        {
            string type = client.Execute("TYPE", key);
            string contents = type switch
            {
                "+string" => client.Execute("GET", key),
                "+list" => client.Execute("LRANGE", key, "0", "-1"),
                "+hash" => Normalize(["HGETALL"], client.Execute("HGETALL", key)),
                "+set" => Sorted(client.Execute("SMEMBERS", key)),
                "+zset" => client.Execute("ZRANGE", key, "0", "-1", "WITHSCORES"),
                "+stream" => client.Execute("XLEN", key),
                _ => "?",
            };
            text.Append(key).Append(' ').Append(type).Append(' ').Append(contents).Append(' ')
                .Append(Normalize(["TTL"], client.Execute("TTL", key))).Append('\n');
        }
        return text.ToString();
    }
}
