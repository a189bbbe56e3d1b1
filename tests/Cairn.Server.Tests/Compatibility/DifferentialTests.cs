using System.Text;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Rdb;

namespace Cairn.Server.Tests.Compatibility;

/// <summary>
/// Differential test against Debian's redis-server 7.0 (which .ci/run installs): the same random command sequence goes to
/// Redis and to Cairn, one command at a time, and every reply must be the same, byte for byte once rendered: values,
/// integers, nulls, error strings, float formatting. On the first difference the test fails with the command and the
/// commands before it, so the case can be replayed by hand.
/// </summary>
[Collection(ProcessWideSettingsCollection.Name)] // the two-entry encoding limits are process-wide
public sealed class DifferentialTests
{
    private const int CommandsPerSeed = 5_000;
    private const int HistoryShown = 25;

    // Every container converts to its full encoding past two entries, so the same short sequences also run through the
    // conversions and the large encodings (Redis 7.0 has no set-max-listpack-entries: small sets of strings are
    // hashtables there, as they become here past the limit).
    private static readonly string[] s_tinyEncodings =
    [
        "hash-max-listpack-entries", "2", "zset-max-listpack-entries", "2", "set-max-intset-entries", "2", "list-max-listpack-size", "2",
    ];

    // Checked once with 60 seeds (100-159, all four combinations): every reply matched.
    [Theory]
    [InlineData(1, false, false)]
    [InlineData(2, false, true)]
    [InlineData(3, true, false)]
    [InlineData(4, true, true)]
    public void RandomCommandsGetTheRepliesRedisGives(int seed, bool tinyEncodings, bool resp3)
    {
        using var redis = new RedisServerProcess();
        using var cairn = new TestServer();
        using var redisClient = new RawClient(redis.Port);
        using RawClient cairnClient = cairn.Raw();
        string[] names = [.. s_tinyEncodings.Where((_, i) => i % 2 == 0), "set-max-listpack-entries"];
        string[] saved = [.. names.Select(name => cairnClient.Execute("CONFIG", "GET", name).TrimEnd(']').Split(", ")[1])]; // RESP2 "[name, value]"
        if (resp3)
        {
            // The HELLO replies name the servers, so only their shape is checked; from then on replies are RESP3.
            Assert.StartsWith("{server: redis", redisClient.Execute("HELLO", "3"), StringComparison.Ordinal);
            Assert.StartsWith("{server: ", cairnClient.Execute("HELLO", "3"), StringComparison.Ordinal);
        }
        try
        {
            if (tinyEncodings)
            {
                for (int i = 0; i < s_tinyEncodings.Length; i += 2)
                {
                    Assert.Equal("+OK", redisClient.Execute("CONFIG", "SET", s_tinyEncodings[i], s_tinyEncodings[i + 1]));
                    Assert.Equal("+OK", cairnClient.Execute("CONFIG", "SET", s_tinyEncodings[i], s_tinyEncodings[i + 1]));
                }
                Assert.Equal("+OK", cairnClient.Execute("CONFIG", "SET", "set-max-listpack-entries", "0"));
            }
            Compare(redisClient, cairnClient, new DifferentialCommands(seed), CommandsPerSeed, $"seed {seed}");
        }
        finally
        {
            for (int i = 0; i < names.Length; i++)
            {
                cairnClient.Execute("CONFIG", "SET", names[i], saved[i]);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> commands of <paramref name="generator"/> to Redis and to Cairn, one at a time, and
    /// fails at the first reply that differs, with the commands before it.
    /// </summary>
    internal static void Compare(RawClient redis, RawClient cairn, DifferentialCommands generator, int count, string label)
    {
        var history = new Queue<string>();
        bool inMulti = false;
        for (int i = 0; i < count; i++)
        {
            string[] command = generator.Next();
            while (inMulti && (DifferentialCommands.IsUnordered(command) || DifferentialCommands.IsUnorderedPairs(command)))
            {
                command = generator.Next(); // an EXEC reply nests it, where Normalize does not look
            }
            string expected = Normalize(command, redis.Execute(command));
            string actual = Normalize(command, cairn.Execute(command));
            string shown = string.Join(' ', command.Select(Quote));
            if (expected != actual)
            {
                if (inMulti)
                {
                    redis.Execute("DISCARD");
                    cairn.Execute("DISCARD");
                }
                // The types each argument names, as a key, in both servers: what the state was.
                string types = string.Join(", ", command.Skip(1).Distinct().Select(a => $"{a}: {redis.Execute("TYPE", a)}/{cairn.Execute("TYPE", a)}"));
                Assert.Fail($"{label}, command {i}: {shown}\n  Redis: {expected}\n  Cairn: {actual}\n  types (Redis/Cairn): {types}\n" +
                    $"after (oldest first):\n  {string.Join("\n  ", history)}");
            }
            inMulti = command[0] switch
            {
                "MULTI" => inMulti || expected == "+OK",
                "EXEC" or "DISCARD" => false,
                _ => inMulti,
            };
            history.Enqueue($"{shown} -> {expected}");
            if (history.Count > HistoryShown)
            {
                history.Dequeue();
            }
        }
    }

    /// <summary>Sorts the items of replies whose order is the hash table's (sets, hash fields and values, KEYS).</summary>
    private static string Normalize(string[] command, string reply)
    {
        if (reply.StartsWith('{') && reply != "{}" && DifferentialCommands.IsUnorderedPairs(command))
        {
            string[] entries = reply[1..^1].Split(", ");
            Array.Sort(entries, StringComparer.Ordinal);
            return "{" + string.Join(", ", entries) + "}";
        }
        if (!reply.StartsWith('[') || reply == "[]")
        {
            return reply;
        }
        string[] items = reply[1..^1].Split(", ");
        if (DifferentialCommands.IsUnordered(command))
        {
            Array.Sort(items, StringComparer.Ordinal);
            return "[" + string.Join(", ", items) + "]";
        }
        if (DifferentialCommands.IsUnorderedPairs(command) && items.Length % 2 == 0)
        {
            var pairs = new List<string>();
            for (int i = 0; i < items.Length; i += 2)
            {
                pairs.Add(items[i] + ", " + items[i + 1]);
            }
            pairs.Sort(StringComparer.Ordinal);
            return "[" + string.Join(", ", pairs) + "]";
        }
        return reply;
    }

    private static string Quote(string argument)
    {
        if (argument.Length > 0 && !argument.Any(char.IsWhiteSpace))
        {
            return argument;
        }
        var quoted = new StringBuilder("\"");
        quoted.Append(argument.Replace("\"", "\\\"", StringComparison.Ordinal));
        return quoted.Append('"').ToString();
    }
}
