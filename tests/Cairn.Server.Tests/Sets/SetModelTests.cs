using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Sets;

/// <summary>Random operation sequences against a HashSet model; the seed is in the failure message.</summary>
public sealed class SetModelTests : IClassFixture<SetModelTests.Fixture>
{
    private readonly TestServer _server;

    public SetModelTests(Fixture fixture)
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
    [InlineData(4)]
    public void RandomOperationsMatchAHashSetModel(int seed)
    {
        IDatabase db = _server.Database();
        var random = new Random(seed);
        string[] keys = [$"m{seed}:a", $"m{seed}:b", $"m{seed}:c"];
        var model = keys.ToDictionary(k => k, _ => new HashSet<string>());
        // Small integers, strings, and a few long members exercise every encoding and conversion.
        string Member() => random.Next(4) switch
        {
            0 => random.Next(-20, 700).ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 => "s" + random.Next(200),
            2 => new string('L', 60 + random.Next(10)),
            _ => random.Next(40).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        for (int step = 0; step < 1500; step++)
        {
            string key = keys[random.Next(keys.Length)];
            string other = keys[random.Next(keys.Length)];
            HashSet<string> set = model[key];
            string context = $"seed {seed} step {step}";
            switch (random.Next(9))
            {
                case 0:
                case 1:
                case 2:
                {
                    RedisValue[] members = Enumerable.Range(0, 1 + random.Next(40)).Select(_ => (RedisValue)Member()).ToArray();
                    long expected = members.Select(m => (string)m!).Distinct().Count(m => !set.Contains(m));
                    Assert.True(expected == db.SetAdd(key, members), context);
                    set.UnionWith(members.Select(m => (string)m!));
                    break;
                }
                case 3:
                {
                    RedisValue[] members = Enumerable.Range(0, 1 + random.Next(10)).Select(_ => (RedisValue)Member()).ToArray();
                    long expected = members.Select(m => (string)m!).Distinct().Count(set.Contains);
                    Assert.True(expected == db.SetRemove(key, members), context);
                    set.ExceptWith(members.Select(m => (string)m!));
                    break;
                }
                case 4:
                {
                    RedisValue[] popped = db.SetPop(key, random.Next(5));
                    foreach (RedisValue value in popped)
                    {
                        Assert.True(set.Remove(value!), context);
                    }
                    break;
                }
                case 5:
                {
                    string member = Member();
                    bool expected = set.Contains(member) && key != other;
                    bool moved = db.SetMove(key, other, member);
                    Assert.True(expected == moved || (key == other && moved == set.Contains(member)), context);
                    if (expected)
                    {
                        set.Remove(member);
                        model[other].Add(member);
                    }
                    break;
                }
                case 6:
                {
                    string destination = keys[random.Next(keys.Length)];
                    var result = new HashSet<string>(set);
                    result.IntersectWith(model[other]);
                    Assert.True(result.Count == db.SetCombineAndStore(SetOperation.Intersect, destination, key, other), context);
                    model[destination] = result;
                    break;
                }
                case 7:
                {
                    var union = new HashSet<string>(set);
                    union.UnionWith(model[other]);
                    Assert.True(union.SetEquals(db.SetCombine(SetOperation.Union, key, other).Select(v => (string)v!)), context);
                    var difference = new HashSet<string>(set);
                    difference.ExceptWith(model[other]);
                    Assert.True(difference.SetEquals(db.SetCombine(SetOperation.Difference, key, other).Select(v => (string)v!)), context);
                    break;
                }
                default:
                {
                    string[] actual = db.SetMembers(key).Select(v => (string)v!).ToArray();
                    Assert.True(set.SetEquals(actual) && actual.Length == set.Count, context);
                    Assert.True(set.Count == db.SetLength(key), context);
                    break;
                }
            }
            foreach (string checkedKey in new[] { key, other })
            {
                Assert.True(model[checkedKey].Count == db.SetLength(checkedKey), context);
                Assert.True(model[checkedKey].Count > 0 || !KeyspaceProbe.Exists(_server, checkedKey), context);
            }
        }
        foreach (string key in keys)
        {
            if (model[key].Count > 0)
            {
                (long incremental, long rebuilt) = KeyspaceProbe.Memory(_server, key);
                Assert.True(incremental == rebuilt, $"seed {seed}: memory of {key}");
            }
        }
    }
}
