using System.Globalization;
using System.Text;
using Cairn.Engine.Memory.Hashes;
using Cairn.Engine.Memory.Lists;
using Cairn.Engine.Memory.Sets;
using Cairn.Engine.Memory.SortedSets;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Protocol;

/// <summary>
/// A pipelined batch on one key has its members prefetched before it runs (Connection.PrefetchMembersAhead); that is a hint
/// and must never change a reply. Random batches of set, hash and sorted-set commands on large collections (hash-table
/// encodings, where the prefetch applies), sent as one write so they arrive together, with deletes and type changes in
/// the middle of runs, answer exactly as a simple model says.
/// </summary>
public sealed class PipelinedMemberPrefetchTests : IClassFixture<PipelinedMemberPrefetchTests.Fixture>
{
    private const string SetKey = "pf:set";
    private const string HashKey = "pf:hash";
    private const string ZSetKey = "pf:zset";
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";

    private readonly TestServer _server;

    public PipelinedMemberPrefetchTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void PipelinedBatchesOnLargeCollectionsAnswerAsTheModel()
    {
        var model = new Dictionary<string, object>();
        var random = new Random(20261130);
        int large = 0;
        using RawClient client = _server.Raw();
        for (int batch = 0; batch < 400; batch++)
        {
            var frames = new StringBuilder();
            var expected = new List<string>();
            string key = PickKey(random);
            for (int i = 0; i < 16; i++)
            {
                if (random.Next(4) == 0)
                {
                    key = PickKey(random); // mostly runs on one key, sometimes a switch
                }
                if (model.TryGetValue(key, out object? current) && Size(current) > 128)
                {
                    large++;
                }
                string[] command = NextCommand(random, key, model, out string reply);
                Append(frames, command);
                expected.Add(reply);
            }
            client.Send(Encoding.UTF8.GetBytes(frames.ToString()));
            for (int i = 0; i < expected.Count; i++)
            {
                string actual = client.ReadReply();
                Assert.True(expected[i] == actual, $"batch {batch} command {i}: expected '{expected[i]}', got '{actual}'");
            }
        }
        // Most commands ran on collections in their hash-table encodings, where the prefetch runs.
        Assert.True(large > 2000, $"only {large} commands ran on a collection above 128 elements");
        foreach ((string key, string encoding) in new[] { (SetKey, "hashtable"), (HashKey, "hashtable"), (ZSetKey, "skiplist") })
        {
            if (model.TryGetValue(key, out object? value) && Size(value) > 128)
            {
                Assert.Equal(encoding, client.Execute("OBJECT", "ENCODING", key));
            }
        }
    }

    /// <summary>
    /// Look-ahead hashes a batch's members only for a value that has a table to prefetch them into; the hint must follow
    /// the encoding through conversion, or large collections would lose their prefetch (or small ones pay for hashing).
    /// </summary>
    [Fact]
    public void AValueHasAMemberTableExactlyWhenItsEncodingIsAHashTable()
    {
        var list = new ListObject();
        var hash = new HashObject();
        SetObject set = SetObject.CreateFor("m0"u8, 1);
        SortedSetObject zset = SortedSetObject.CreateFor("m0"u8);
        for (int i = 0; i < 1000; i++)
        {
            byte[] member = Encoding.ASCII.GetBytes($"m{i}");
            list.PrepareToAdd(member.Length, 1);
            list.Push(member, head: false);
            hash.Set(member, member);
            set.Add(member);
            zset.Add(i, member, ZAddFlags.None, out _);
            if (i is 0 or 999)
            {
                Assert.False(list.HasMemberTable);
                Assert.Equal(hash.Encoding == "hashtable", hash.HasMemberTable);
                Assert.Equal(set.Encoding == "hashtable", set.HasMemberTable);
                Assert.Equal(zset.Encoding == "skiplist", zset.HasMemberTable);
            }
        }
        Assert.True(hash.HasMemberTable && set.HasMemberTable && zset.HasMemberTable);
        Assert.False(SetObject.CreateFor("1"u8, 1).HasMemberTable); // an intset
    }

    private static int Size(object value) => value switch
    {
        HashSet<string> set => set.Count,
        System.Collections.ICollection collection => collection.Count,
        _ => 0,
    };

    private static string PickKey(Random random) => random.Next(3) switch
    {
        0 => SetKey,
        1 => HashKey,
        _ => ZSetKey,
    };

    private static string[] NextCommand(Random random, string key, Dictionary<string, object> model, out string reply)
    {
        string member = "member:" + random.Next(400);
        model.TryGetValue(key, out object? value);
        int roll = random.Next(500);
        if (roll == 0)
        {
            reply = value is null ? ":0" : ":1";
            model.Remove(key);
            return ["DEL", key];
        }
        if (roll == 1)
        {
            reply = "+OK";
            model[key] = "text";
            return ["SET", key, "text"];
        }
        if (value is string)
        {
            // Clear the string away so the collection grows back, answering WRONGTYPE meanwhile.
            reply = WrongType;
            if (random.Next(3) == 0)
            {
                model.Remove(key);
                reply = ":1";
                return ["DEL", key];
            }
            return key == SetKey ? ["SADD", key, member] : key == HashKey ? ["HSET", key, member, "v"] : ["ZADD", key, "1", member];
        }
        return key switch
        {
            SetKey => SetCommand(random, key, member, model, (HashSet<string>?)value, out reply),
            HashKey => HashCommand(random, key, member, model, (Dictionary<string, string>?)value, out reply),
            _ => ZSetCommand(random, key, member, model, (Dictionary<string, long>?)value, out reply),
        };
    }

    private static string[] SetCommand(Random random, string key, string member, Dictionary<string, object> model,
        HashSet<string>? set, out string reply)
    {
        switch (random.Next(6))
        {
            case 0:
                reply = set is not null && set.Remove(member) ? ":1" : ":0";
                if (set is { Count: 0 })
                {
                    model.Remove(key);
                }
                return ["SREM", key, member];
            case 1:
                reply = set is not null && set.Contains(member) ? ":1" : ":0";
                return ["SISMEMBER", key, member];
            default:
                set ??= [];
                model[key] = set;
                reply = set.Add(member) ? ":1" : ":0";
                return ["SADD", key, member];
        }
    }

    private static string[] HashCommand(Random random, string key, string member, Dictionary<string, object> model,
        Dictionary<string, string>? hash, out string reply)
    {
        switch (random.Next(6))
        {
            case 0:
                reply = hash is not null && hash.Remove(member) ? ":1" : ":0";
                if (hash is { Count: 0 })
                {
                    model.Remove(key);
                }
                return ["HDEL", key, member];
            case 1:
                reply = hash is not null && hash.TryGetValue(member, out string? field) ? field : "(nil)";
                return ["HGET", key, member];
            default:
                hash ??= [];
                model[key] = hash;
                string content = "v" + random.Next(1000);
                reply = hash.ContainsKey(member) ? ":0" : ":1";
                hash[member] = content;
                return ["HSET", key, member, content];
        }
    }

    private static string[] ZSetCommand(Random random, string key, string member, Dictionary<string, object> model,
        Dictionary<string, long>? zset, out string reply)
    {
        switch (random.Next(7))
        {
            case 0:
                reply = zset is not null && zset.Remove(member) ? ":1" : ":0";
                if (zset is { Count: 0 })
                {
                    model.Remove(key);
                }
                return ["ZREM", key, member];
            case 1:
                reply = zset is not null && zset.TryGetValue(member, out long score) ? Text(score) : "(nil)";
                return ["ZSCORE", key, member];
            case 2:
            {
                zset ??= [];
                model[key] = zset;
                long increment = random.Next(-50, 50);
                zset[member] = zset.GetValueOrDefault(member) + increment;
                reply = Text(zset[member]);
                return ["ZINCRBY", key, Text(increment), member];
            }
            default:
            {
                zset ??= [];
                model[key] = zset;
                long newScore = random.Next(-1000, 1000);
                reply = zset.ContainsKey(member) ? ":0" : ":1";
                zset[member] = newScore;
                return ["ZADD", key, Text(newScore), member];
            }
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Append(StringBuilder frames, string[] command)
    {
        frames.Append('*').Append(command.Length).Append("\r\n");
        foreach (string argument in command)
        {
            frames.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }
    }
}
