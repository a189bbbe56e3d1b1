using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Lists;

/// <summary>
/// Encodings (listpack/quicklist at Redis's sizes), memory accounting, and a seeded model test: random operation
/// sequences against a List&lt;string&gt; must give the same replies and contents.
/// </summary>
public sealed class ListEncodingAndModelTests : IClassFixture<ListEncodingAndModelTests.Fixture>
{
    private readonly TestServer _server;

    public ListEncodingAndModelTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void SmallListIsListpackAndConvertsToQuicklistPastEightKilobytes()
    {
        using RawClient c = _server.Raw();
        string element = new('x', 60); // 62 bytes in a listpack: 7 + 132 * 62 = 8191 fits the 8 KB node, 133 do not
        for (int i = 0; i < 132; i++)
        {
            c.Execute("RPUSH", "enc:l", element);
        }
        Assert.Equal("listpack", StoreInspection.EncodingOf(_server, "enc:l"));
        c.Execute("RPUSH", "enc:l", element);
        Assert.Equal("quicklist", StoreInspection.EncodingOf(_server, "enc:l"));
        // Back to listpack only at half the limit (4096 bytes: 65 elements).
        c.Execute("RPOP", "enc:l", "67");
        Assert.Equal("quicklist", StoreInspection.EncodingOf(_server, "enc:l"));
        c.Execute("RPOP", "enc:l");
        Assert.Equal("listpack", StoreInspection.EncodingOf(_server, "enc:l"));
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
    }

    [Fact]
    public void OneLargeElementMakesAQuicklistAndLSetOfASmallOneShrinksIt()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "big:l", "a", new string('y', 9000));
        Assert.Equal("quicklist", StoreInspection.EncodingOf(_server, "big:l"));
        Assert.Equal("+OK", c.Execute("LSET", "big:l", "1", "b"));
        Assert.Equal("listpack", StoreInspection.EncodingOf(_server, "big:l"));
        Assert.Equal(":-1", c.Execute("LINSERT", "big:l", "BEFORE", "nothere", new string('z', 9000)));
        // LINSERT converts before it searches for the pivot, as Redis 7's listTypeTryConversionAppend.
        Assert.Equal("quicklist", StoreInspection.EncodingOf(_server, "big:l"));
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
    }

    [Fact]
    public void MemoryAccountingFollowsEveryListOperation()
    {
        using RawClient c = _server.Raw();
        c.Execute("RPUSH", "mem:l", "1", "22", "-333", "abc", new string('q', 5000));
        c.Execute("LSET", "mem:l", "0", new string('r', 100));
        c.Execute("LINSERT", "mem:l", "AFTER", "22", "ins");
        c.Execute("LREM", "mem:l", "0", "abc");
        c.Execute("LMOVE", "mem:l", "mem:d", "LEFT", "RIGHT");
        c.Execute("LTRIM", "mem:l", "1", "-1");
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
        c.Execute("LTRIM", "mem:l", "1", "0");
        c.Execute("LPOP", "mem:d", "10");
        Assert.Equal(StoreInspection.RecomputedMemory(_server), StoreInspection.UsedMemory(_server));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20261129)]
    public void RandomOperationsMatchAListModel(int seed)
    {
        var random = new Random(seed);
        using RawClient c = _server.Raw();
        string key = "model:l:" + seed;
        string other = "model:o:" + seed;
        var model = new List<string>();
        var otherModel = new List<string>();
        string[] small = ["a", "b", "c", "7", "-12", "300", "0"];
        string Value() => random.Next(10) == 0 ? new string((char)('k' + random.Next(3)), 400 + random.Next(400)) : small[random.Next(small.Length)];
        string Render(IEnumerable<string> items) => "[" + string.Join(", ", items) + "]";
        var encodingsSeen = new HashSet<string>();

        for (int step = 0; step < 1500; step++)
        {
            string context = $"seed {seed} step {step}";
            // Alternate growing and shrinking phases so that the list crosses the listpack/quicklist thresholds both ways.
            bool growing = step / 250 % 2 == 0;
            int op = random.Next(14);
            if (growing && op is 2 or 6 or 7 or 10 or 11 && random.Next(5) != 0)
            {
                op = random.Next(2);
            }
            switch (op)
            {
                case 0:
                case 1:
                {
                    string[] values = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => Value()).ToArray();
                    bool head = op == 0;
                    foreach (string v in values)
                    {
                        if (head)
                        {
                            model.Insert(0, v);
                        }
                        else
                        {
                            model.Add(v);
                        }
                    }
                    Assert.Equal(":" + model.Count, c.Execute([head ? "LPUSH" : "RPUSH", key, .. values]));
                    break;
                }
                case 2:
                {
                    bool head = random.Next(2) == 0;
                    int count = random.Next(4);
                    string reply = c.Execute(head ? "LPOP" : "RPOP", key, count.ToString());
                    if (model.Count == 0)
                    {
                        Assert.Equal("(nil array)", reply);
                        break;
                    }
                    var popped = new List<string>();
                    for (int i = 0; i < count && model.Count > 0; i++)
                    {
                        int at = head ? 0 : model.Count - 1;
                        popped.Add(model[at]);
                        model.RemoveAt(at);
                    }
                    Assert.True(Render(popped) == reply, context);
                    break;
                }
                case 3:
                {
                    long index = random.Next(-model.Count - 2, model.Count + 2);
                    long at = index < 0 ? index + model.Count : index;
                    string expected = at >= 0 && at < model.Count ? model[(int)at] : "(nil)";
                    Assert.True(expected == c.Execute("LINDEX", key, index.ToString()), context);
                    break;
                }
                case 4:
                {
                    long index = random.Next(-model.Count - 1, model.Count + 1);
                    long at = index < 0 ? index + model.Count : index;
                    string v = Value();
                    string reply = c.Execute("LSET", key, index.ToString(), v);
                    if (model.Count == 0)
                    {
                        Assert.Equal("-ERR no such key", reply);
                    }
                    else if (at < 0 || at >= model.Count)
                    {
                        Assert.Equal("-ERR index out of range", reply);
                    }
                    else
                    {
                        model[(int)at] = v;
                        Assert.Equal("+OK", reply);
                    }
                    break;
                }
                case 5:
                {
                    bool after = random.Next(2) == 0;
                    string pivot = small[random.Next(small.Length)];
                    string v = Value();
                    string reply = c.Execute("LINSERT", key, after ? "AFTER" : "BEFORE", pivot, v);
                    int found = model.IndexOf(pivot);
                    if (model.Count == 0)
                    {
                        Assert.Equal(":0", reply);
                    }
                    else if (found < 0)
                    {
                        Assert.Equal(":-1", reply);
                    }
                    else
                    {
                        model.Insert(after ? found + 1 : found, v);
                        Assert.Equal(":" + model.Count, reply);
                    }
                    break;
                }
                case 6:
                {
                    int count = random.Next(-3, 4);
                    string v = small[random.Next(small.Length)];
                    int removed = 0;
                    if (count >= 0)
                    {
                        for (int i = 0; i < model.Count && (count == 0 || removed < count);)
                        {
                            if (model[i] == v)
                            {
                                model.RemoveAt(i);
                                removed++;
                            }
                            else
                            {
                                i++;
                            }
                        }
                    }
                    else
                    {
                        for (int i = model.Count - 1; i >= 0 && removed < -count; i--)
                        {
                            if (model[i] == v)
                            {
                                model.RemoveAt(i);
                                removed++;
                            }
                        }
                    }
                    Assert.True(":" + removed == c.Execute("LREM", key, count.ToString(), v), context);
                    break;
                }
                case 7:
                {
                    if (random.Next(4) != 0)
                    {
                        break; // trims empty the list quickly; keep them rarer
                    }
                    long start = random.Next(-5, 5);
                    long end = random.Next(-5, 40);
                    Assert.Equal("+OK", c.Execute("LTRIM", key, start.ToString(), end.ToString()));
                    long n = model.Count;
                    long s = start < 0 ? Math.Max(0, start + n) : start;
                    long e = end < 0 ? end + n : Math.Min(end, n - 1);
                    model = s > e || s >= n ? [] : model.GetRange((int)s, (int)(e - s + 1));
                    break;
                }
                case 8:
                {
                    long start = random.Next(-10, 10);
                    long end = random.Next(-10, 10);
                    long n = model.Count;
                    long s = start < 0 ? Math.Max(0, start + n) : start;
                    long e = end < 0 ? end + n : Math.Min(end, n - 1);
                    List<string> expected = s > e || s >= n ? [] : model.GetRange((int)s, (int)(e - s + 1));
                    Assert.True(Render(expected) == c.Execute("LRANGE", key, start.ToString(), end.ToString()), context);
                    break;
                }
                case 9:
                {
                    string v = small[random.Next(small.Length)];
                    var positions = new List<string>();
                    for (int i = 0; i < model.Count; i++)
                    {
                        if (model[i] == v)
                        {
                            positions.Add(":" + i);
                        }
                    }
                    Assert.True(Render(positions) == c.Execute("LPOS", key, v, "COUNT", "0"), context);
                    Assert.True((positions.Count == 0 ? "(nil)" : positions[^1]) == c.Execute("LPOS", key, v, "RANK", "-1"), context);
                    break;
                }
                case 10:
                {
                    bool fromHead = random.Next(2) == 0;
                    bool toHead = random.Next(2) == 0;
                    string destination = random.Next(2) == 0 ? key : other;
                    string reply = c.Execute("LMOVE", key, destination, fromHead ? "LEFT" : "RIGHT", toHead ? "LEFT" : "RIGHT");
                    if (model.Count == 0)
                    {
                        Assert.Equal("(nil)", reply);
                        break;
                    }
                    int at = fromHead ? 0 : model.Count - 1;
                    string moved = model[at];
                    model.RemoveAt(at);
                    List<string> target = destination == key ? model : otherModel;
                    if (toHead)
                    {
                        target.Insert(0, moved);
                    }
                    else
                    {
                        target.Add(moved);
                    }
                    Assert.True(moved == reply, context);
                    break;
                }
                case 11:
                {
                    string reply = c.Execute("LMPOP", "2", other, key, "LEFT", "COUNT", "2");
                    List<string>? source = otherModel.Count > 0 ? otherModel : model.Count > 0 ? model : null;
                    if (source is null)
                    {
                        Assert.Equal("(nil array)", reply);
                        break;
                    }
                    string name = source == otherModel ? other : key;
                    List<string> popped = source.GetRange(0, Math.Min(2, source.Count));
                    source.RemoveRange(0, popped.Count);
                    Assert.True($"[{name}, {Render(popped)}]" == reply, context);
                    break;
                }
                default:
                    Assert.True(":" + model.Count == c.Execute("LLEN", key), context);
                    break;
            }
            if (step % 25 == 0)
            {
                Assert.True(Render(model) == c.Execute("LRANGE", key, "0", "-1"), context);
                Assert.True(Render(otherModel) == c.Execute("LRANGE", other, "0", "-1"), context);
                Assert.True(StoreInspection.RecomputedMemory(_server) == StoreInspection.UsedMemory(_server), context + ": memory accounting drifted");
                string? encoding = StoreInspection.EncodingOf(_server, key);
                Assert.True((model.Count == 0) == (encoding is null), context + ": an empty list must not exist");
                if (encoding is not null)
                {
                    encodingsSeen.Add(encoding);
                }
            }
        }
        Assert.Equal(Render(model), c.Execute("LRANGE", key, "0", "-1"));
        Assert.Equal(["listpack", "quicklist"], encodingsSeen.Order());
        c.Execute("LTRIM", key, "1", "0");
        c.Execute("LTRIM", other, "1", "0");
    }
}
