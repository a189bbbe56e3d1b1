using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Hashes;

/// <summary>
/// Seeded random operation sequences against an insertion-ordered model: same replies, same contents, and while the hash
/// is a listpack the same field order as Redis (insertion order); memory accounting checked along the way.
/// </summary>
public sealed class HashModelTests : IClassFixture<HashModelTests.Fixture>
{
    private readonly TestServer _server;

    public HashModelTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20261129)]
    public void RandomOperationsMatchADictionaryModel(int seed)
    {
        var random = new Random(seed);
        using RawClient c = _server.Raw();
        string key = "model:h:" + seed;
        var order = new List<string>();
        var model = new Dictionary<string, string>();
        int fieldSpace = seed % 2 == 0 ? 40 : 200; // even seeds stay small (listpack), odd ones grow into a hashtable
        string Field() => "f" + random.Next(fieldSpace);
        bool staysSmall = seed % 2 == 0;
        string Value() => !staysSmall && random.Next(30) == 0 ? new string('v', 70) : random.Next(1000).ToString();
        void Put(string field, string value)
        {
            if (!model.ContainsKey(field))
            {
                order.Add(field);
            }
            model[field] = value;
        }
        void Remove(string field)
        {
            if (model.Remove(field))
            {
                order.Remove(field);
            }
        }

        for (int step = 0; step < 1500; step++)
        {
            string context = $"seed {seed} step {step}";
            switch (random.Next(9))
            {
                case 0:
                case 1:
                {
                    int pairs = 1 + random.Next(3);
                    var args = new List<string> { "HSET", key };
                    var added = new HashSet<string>();
                    for (int i = 0; i < pairs; i++)
                    {
                        string f = Field();
                        string v = Value();
                        args.Add(f);
                        args.Add(v);
                        if (!model.ContainsKey(f))
                        {
                            added.Add(f);
                        }
                        Put(f, v);
                    }
                    Assert.True(":" + added.Count == c.Execute([.. args]), context);
                    break;
                }
                case 2:
                {
                    string f = Field();
                    bool isNew = !model.ContainsKey(f);
                    string v = Value();
                    if (isNew)
                    {
                        Put(f, v);
                    }
                    Assert.True((isNew ? ":1" : ":0") == c.Execute("HSETNX", key, f, v), context);
                    break;
                }
                case 3:
                {
                    string f = Field();
                    Assert.True((model.TryGetValue(f, out string? v) ? v : "(nil)") == c.Execute("HGET", key, f), context);
                    break;
                }
                case 4:
                {
                    string[] fields = [Field(), Field()];
                    int deleted = 0;
                    foreach (string f in fields.Distinct())
                    {
                        if (model.ContainsKey(f))
                        {
                            deleted++;
                            Remove(f);
                        }
                    }
                    Assert.True(":" + deleted == c.Execute("HDEL", key, fields[0], fields[1]), context);
                    break;
                }
                case 5:
                {
                    string f = Field();
                    long increment = random.Next(-50, 50);
                    string reply = c.Execute("HINCRBY", key, f, increment.ToString());
                    if (model.TryGetValue(f, out string? current) && !long.TryParse(current, out _))
                    {
                        Assert.Equal("-ERR hash value is not an integer", reply);
                        break;
                    }
                    long result = (current is null ? 0 : long.Parse(current)) + increment;
                    Put(f, result.ToString());
                    Assert.True(":" + result == reply, context);
                    break;
                }
                case 6:
                {
                    string f = Field();
                    Assert.True((model.TryGetValue(f, out string? v) ? v.Length : 0) == int.Parse(c.Execute("HSTRLEN", key, f)[1..]), context);
                    Assert.True((model.ContainsKey(f) ? ":1" : ":0") == c.Execute("HEXISTS", key, f), context);
                    break;
                }
                case 7:
                {
                    string f1 = Field();
                    string f2 = Field();
                    string Expected(string f) => model.TryGetValue(f, out string? v) ? v : "(nil)";
                    Assert.True($"[{Expected(f1)}, {Expected(f2)}]" == c.Execute("HMGET", key, f1, f2), context);
                    break;
                }
                default:
                    Assert.True(":" + model.Count == c.Execute("HLEN", key), context);
                    break;
            }
            if (step % 50 == 0)
            {
                Check(c, key, order, model, context);
            }
        }
        Check(c, key, order, model, $"seed {seed} end");
        Assert.Equal(staysSmall ? "listpack" : "hashtable", StoreInspection.EncodingOf(_server, key));
    }

    private void Check(RawClient c, string key, List<string> order, Dictionary<string, string> model, string context)
    {
        string? encoding = StoreInspection.EncodingOf(_server, key);
        Assert.True((model.Count == 0) == (encoding is null), context + ": an empty hash must not exist");
        string all = c.Execute("HGETALL", key);
        if (encoding == "listpack")
        {
            string expected = "[" + string.Join(", ", order.Select(f => f + ", " + model[f])) + "]";
            Assert.True(expected == all, context + ": listpack order");
            Assert.True(model.Count <= 128 && model.All(p => p.Key.Length <= 64 && p.Value.Length <= 64), context + ": should have converted");
        }
        else
        {
            string[] items = all.Trim('[', ']').Split(", ", StringSplitOptions.RemoveEmptyEntries);
            var actual = new Dictionary<string, string>();
            for (int i = 0; i + 1 < items.Length; i += 2)
            {
                actual.Add(items[i], items[i + 1]);
            }
            Assert.Equal(model.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        }
        Assert.True(StoreInspection.RecomputedMemory(_server) == StoreInspection.UsedMemory(_server), context + ": memory accounting drifted");
    }
}
