using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Sets;
using StackExchange.Redis;

namespace Cairn.Server.Tests.SortedSets;

/// <summary>
/// Random operation sequences against a simple model (a dictionary, sorted by (score, member) on demand), crossing the
/// listpack/skiplist threshold. The seed and step are in every failure message.
/// </summary>
public sealed class SortedSetModelTests : IClassFixture<SortedSetModelTests.Fixture>
{
    private readonly TestServer _server;

    public SortedSetModelTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static List<KeyValuePair<string, double>> Ordered(Dictionary<string, double> model)
    {
        var list = model.ToList();
        list.Sort((a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : string.CompareOrdinal(a.Key, b.Key));
        return list;
    }

    private static string[] Strings(RedisResult result) => ((RedisResult[])result!).Select(r => (string)r!).ToArray();

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void RandomOperationsMatchASortedModel(int seed)
    {
        IDatabase db = _server.Database();
        var random = new Random(seed);
        string key = $"zm{seed}";
        var model = new Dictionary<string, double>();
        string Member() => random.Next(10) == 0 ? new string('L', 60 + random.Next(10)) + random.Next(5) : "m" + random.Next(260);
        double Score() => random.Next(4) == 0 ? random.Next(-50, 50) / 4.0 : random.Next(0, 30);
        for (int step = 0; step < 2000; step++)
        {
            string context = $"seed {seed} step {step}";
            List<KeyValuePair<string, double>> ordered;
            switch (random.Next(12))
            {
                case 0:
                case 1:
                case 2:
                {
                    int pairs = 1 + random.Next(random.Next(3) == 0 ? 60 : 4);
                    var args = new List<object> { key };
                    string[] options = random.Next(3) == 0 ? [new[] { "NX", "XX", "GT", "LT" }[random.Next(4)]] : [];
                    args.AddRange(options);
                    args.Add("CH");
                    var pending = new List<(string Member, double Score)>();
                    for (int i = 0; i < pairs; i++)
                    {
                        pending.Add((Member(), Score()));
                        args.Add(Format(pending[^1].Score));
                        args.Add(pending[^1].Member);
                    }
                    long changed = 0;
                    foreach ((string member, double score) in pending)
                    {
                        bool exists = model.TryGetValue(member, out double current);
                        string option = options.Length == 0 ? "" : options[0];
                        bool apply = option switch
                        {
                            "NX" => !exists,
                            "XX" => exists,
                            "GT" => !exists || score > current,
                            "LT" => !exists || score < current,
                            _ => true,
                        };
                        if (apply && (!exists || current != score))
                        {
                            changed++;
                            model[member] = score;
                        }
                    }
                    // Elements apply in order, so a member repeated in one call counts once per change, as the model does.
                    long reply = (long)db.Execute("ZADD", args.ToArray());
                    Assert.True(reply == changed, context);
                    break;
                }
                case 3:
                {
                    string member = Member();
                    double by = Score();
                    double expected = (model.TryGetValue(member, out double current) ? current : 0) + by;
                    model[member] = expected;
                    Assert.True(expected == (double)db.Execute("ZINCRBY", key, Format(by), member), context);
                    break;
                }
                case 4:
                {
                    string[] members = Enumerable.Range(0, 1 + random.Next(6)).Select(_ => Member()).ToArray();
                    long expected = members.Distinct().Count(model.ContainsKey);
                    Assert.True(expected == (long)db.Execute("ZREM", [key, .. members]), context);
                    foreach (string member in members)
                    {
                        model.Remove(member);
                    }
                    break;
                }
                case 5:
                {
                    ordered = Ordered(model);
                    int start = random.Next(-20, 20);
                    int stop = random.Next(-20, 300);
                    int from = start < 0 ? Math.Max(0, ordered.Count + start) : start;
                    int to = Math.Min(stop < 0 ? ordered.Count + stop : stop, ordered.Count - 1);
                    string[] expected = from > to ? [] : ordered.Skip(from).Take(to - from + 1).Select(p => p.Key).ToArray();
                    Assert.True(expected.SequenceEqual(Strings(db.Execute("ZRANGE", key, start, stop))), context);
                    break;
                }
                case 6:
                {
                    ordered = Ordered(model);
                    double min = Score();
                    double max = Score();
                    bool minExclusive = random.Next(2) == 0;
                    int offset = random.Next(3);
                    int count = random.Next(-1, 20);
                    var inRange = ordered.Where(p => (minExclusive ? p.Value > min : p.Value >= min) && p.Value <= max).ToList();
                    bool reverse = random.Next(2) == 0;
                    if (reverse)
                    {
                        inRange.Reverse();
                    }
                    IEnumerable<string> expected = inRange.Skip(offset).Select(p => p.Key);
                    if (count >= 0)
                    {
                        expected = expected.Take(count);
                    }
                    string minText = (minExclusive ? "(" : "") + Format(min);
                    string[] actual = reverse
                        ? Strings(db.Execute("ZREVRANGEBYSCORE", key, Format(max), minText, "LIMIT", offset, count))
                        : Strings(db.Execute("ZRANGEBYSCORE", key, minText, Format(max), "LIMIT", offset, count));
                    Assert.True(expected.SequenceEqual(actual), context);
                    Assert.True(inRange.Count == (long)db.Execute("ZCOUNT", key, minText, Format(max)), context);
                    break;
                }
                case 7:
                {
                    ordered = Ordered(model);
                    string member = Member();
                    int index = ordered.FindIndex(p => p.Key == member);
                    RedisResult rank = db.Execute("ZRANK", key, member);
                    RedisResult reverseRank = db.Execute("ZREVRANK", key, member);
                    Assert.True(index < 0 ? rank.IsNull : (long)rank == index, context);
                    Assert.True(index < 0 ? reverseRank.IsNull : (long)reverseRank == ordered.Count - 1 - index, context);
                    RedisResult score = db.Execute("ZSCORE", key, member);
                    Assert.True(index < 0 ? score.IsNull : (double)score == ordered[index].Value, context);
                    break;
                }
                case 8:
                {
                    ordered = Ordered(model);
                    double min = Score();
                    double max = Score();
                    long expected = ordered.Count(p => p.Value >= min && p.Value <= max);
                    Assert.True(expected == (long)db.Execute("ZREMRANGEBYSCORE", key, Format(min), Format(max)), context);
                    foreach (KeyValuePair<string, double> pair in ordered.Where(p => p.Value >= min && p.Value <= max))
                    {
                        model.Remove(pair.Key);
                    }
                    break;
                }
                case 9:
                {
                    ordered = Ordered(model);
                    bool max = random.Next(2) == 0;
                    int count = random.Next(1, 4);
                    if (max)
                    {
                        ordered.Reverse();
                    }
                    string[] expected = ordered.Take(count).SelectMany(p => new[] { p.Key, NumberText(p.Value) }).ToArray();
                    Assert.True(expected.SequenceEqual(Strings(db.Execute(max ? "ZPOPMAX" : "ZPOPMIN", key, count))), context);
                    foreach (KeyValuePair<string, double> pair in ordered.Take(count))
                    {
                        model.Remove(pair.Key);
                    }
                    break;
                }
                case 10:
                {
                    ordered = Ordered(model);
                    int start = random.Next(0, 10);
                    int stop = start + random.Next(0, 5);
                    long expected = Math.Max(0, Math.Min(stop, ordered.Count - 1) - start + 1);
                    Assert.True(expected == (long)db.Execute("ZREMRANGEBYRANK", key, start, stop), context);
                    foreach (KeyValuePair<string, double> pair in ordered.Skip(start).Take((int)expected))
                    {
                        model.Remove(pair.Key);
                    }
                    break;
                }
                default:
                {
                    ordered = Ordered(model);
                    string[] actual = Strings(db.Execute("ZRANGE", key, 0, -1, "WITHSCORES"));
                    string[] expected = ordered.SelectMany(p => new[] { p.Key, NumberText(p.Value) }).ToArray();
                    Assert.True(expected.SequenceEqual(actual), context);
                    break;
                }
            }
            // Model and server agree on the whole content after every step (cheap enough at this size).
            ordered = Ordered(model);
            Assert.True(ordered.Count == (long)db.Execute("ZCARD", key), context);
            string[] wholeSet = Strings(db.Execute("ZRANGE", key, 0, -1, "WITHSCORES"));
            Assert.True(ordered.SelectMany(p => new[] { p.Key, NumberText(p.Value) }).SequenceEqual(wholeSet), context);
            Assert.True(ordered.Count > 0 || !KeyspaceProbe.Exists(_server, key), context);
        }
        if (model.Count > 0)
        {
            (long incremental, long rebuilt) = KeyspaceProbe.Memory(_server, key);
            Assert.True(incremental == rebuilt, $"seed {seed}: memory");
        }
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void SetAlgebraMatchesAModel(int seed)
    {
        IDatabase db = _server.Database();
        var random = new Random(seed);
        string[] aggregates = ["SUM", "MIN", "MAX"];
        double[] weights = [0, 1, 2, -1, 0.5];
        for (int round = 0; round < 60; round++)
        {
            string context = $"seed {seed} round {round}";
            int inputCount = 1 + random.Next(4);
            var inputs = new List<(string Key, Dictionary<string, double> Members)>();
            for (int i = 0; i < inputCount; i++)
            {
                string key = $"za{seed}:{round}:{i}";
                var members = new Dictionary<string, double>();
                int size = random.Next(3) == 0 ? random.Next(150, 260) : random.Next(0, 12);
                bool plainSet = random.Next(4) == 0;
                for (int j = 0; j < size; j++)
                {
                    members["m" + random.Next(300)] = plainSet ? 1 : random.Next(-20, 20) / 2.0;
                }
                if (members.Count > 0)
                {
                    if (plainSet)
                    {
                        db.Execute("SADD", [key, .. members.Keys]);
                    }
                    else
                    {
                        db.Execute("ZADD", [key, .. members.SelectMany(p => new object[] { Format(p.Value), p.Key })]);
                    }
                }
                inputs.Add((key, members));
            }
            double[] chosenWeights = inputs.Select(_ => weights[random.Next(weights.Length)]).ToArray();
            string aggregate = aggregates[random.Next(aggregates.Length)];
            var keys = inputs.Select(i => (object)i.Key).ToList();
            var options = new List<object> { "WEIGHTS" };
            options.AddRange(chosenWeights.Select(w => (object)Format(w)));
            options.Add("AGGREGATE");
            options.Add(aggregate);

            double Combine(double a, double b) => aggregate switch { "SUM" => a + b, "MIN" => Math.Min(a, b), _ => Math.Max(a, b) };
            var union = new Dictionary<string, double>();
            for (int i = 0; i < inputs.Count; i++)
            {
                foreach ((string member, double score) in inputs[i].Members)
                {
                    double weighted = score * chosenWeights[i];
                    union[member] = union.TryGetValue(member, out double existing) ? Combine(existing, weighted) : weighted;
                }
            }
            var intersection = union.Where(p => inputs.All(i => i.Members.ContainsKey(p.Key))).ToDictionary(p => p.Key, p => p.Value);
            var difference = inputs[0].Members.Where(p => inputs.Skip(1).All(i => !i.Members.ContainsKey(p.Key))).ToDictionary(p => p.Key, p => p.Value);

            string destination = $"za{seed}:{round}:dst";
            // A signed zero depends on the order Redis aggregates in (inputs sorted by size, ties unordered): compare 0 and -0 as equal.
            static string Flatten(IEnumerable<string> items) => string.Join(" ", items.Select(t => t == "-0" ? "0" : t));
            void AssertContent(Dictionary<string, double> expected, RedisResult actual)
            {
                string wanted = Flatten(Ordered(expected).SelectMany(p => new[] { p.Key, NumberText(p.Value) }));
                string got = Flatten(Strings(actual));
                Assert.True(wanted == got, $"{context}\nexpected {wanted}\nactual   {got}");
            }
            Assert.True(union.Count == (long)db.Execute("ZUNIONSTORE", [destination, inputs.Count, .. keys, .. options]), context);
            AssertContent(union, db.Execute("ZRANGE", destination, 0, -1, "WITHSCORES"));
            Assert.True(intersection.Count == (long)db.Execute("ZINTERSTORE", [destination, inputs.Count, .. keys, .. options]), context);
            AssertContent(intersection, db.Execute("ZRANGE", destination, 0, -1, "WITHSCORES"));
            AssertContent(intersection, db.Execute("ZINTER", [inputs.Count, .. keys, .. options, "WITHSCORES"]));
            Assert.True(intersection.Count == (long)db.Execute("ZINTERCARD", [inputs.Count, .. keys]), context);
            Assert.True(Ordered(difference).Select(p => p.Key).SequenceEqual(Strings(db.Execute("ZDIFF", [inputs.Count, .. keys]))), context);
            Assert.True(difference.Count == (long)db.Execute("ZDIFFSTORE", [destination, inputs.Count, .. keys]), context);
            Assert.True(difference.Count > 0 || !KeyspaceProbe.Exists(_server, destination), context);
        }
    }

    private static string NumberText(double value) => Cairn.Protocol.Resp.NumberFormat.FormatDouble(value);
}
