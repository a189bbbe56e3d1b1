using System.Globalization;
using System.Text;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Keys;

/// <summary>
/// Random sequences of keyspace commands over a few keys and databases, each reply checked against a plain dictionary
/// model; the final contents of every database are compared too. A failure names its seed and step.
/// </summary>
public sealed class KeyspaceModelTests : IClassFixture<KeyspaceModelTests.Fixture>
{
    private const int DatabaseCount = 3;
    private const int Steps = 600;
    private static readonly string[] s_keys = ["a", "b", "c", "d", "e"];

    private readonly TestServer _server;

    public KeyspaceModelTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private sealed record Entry(string Value, bool Volatile);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20261129)]
    public void RandomCommandsAgreeWithADictionaryModel(int seed)
    {
        var random = new Random(seed);
        var model = new Dictionary<string, Entry>[DatabaseCount];
        for (int i = 0; i < DatabaseCount; i++)
        {
            model[i] = new Dictionary<string, Entry>(StringComparer.Ordinal);
        }
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("FLUSHALL"));
        int current = 0;
        client.Execute("SELECT", "0");

        for (int step = 0; step < Steps; step++)
        {
            string a = s_keys[random.Next(s_keys.Length)];
            string b = s_keys[random.Next(s_keys.Length)];
            int other = random.Next(DatabaseCount);
            string otherText = other.ToString(CultureInfo.InvariantCulture);
            Dictionary<string, Entry> db = model[current];
            string[] command;
            string expected;
            switch (random.Next(15))
            {
                case 0:
                case 1:
                {
                    string value = "v" + step.ToString(CultureInfo.InvariantCulture);
                    KeyspaceSeeder.SetString(_server, a, value, current);
                    db[a] = new Entry(value, false);
                    continue;
                }
                case 2:
                {
                    command = ["DEL", a, b];
                    int removed = (db.Remove(a) ? 1 : 0) + (db.Remove(b) ? 1 : 0);
                    expected = ":" + removed;
                    break;
                }
                case 3:
                    command = ["EXISTS", a, b, a];
                    expected = ":" + ((db.ContainsKey(a) ? 2 : 0) + (db.ContainsKey(b) ? 1 : 0));
                    break;
                case 4:
                    command = ["RENAME", a, b];
                    if (!db.TryGetValue(a, out Entry? renamed))
                    {
                        expected = "-ERR no such key";
                    }
                    else
                    {
                        db.Remove(a);
                        db[b] = renamed;
                        expected = "+OK";
                    }
                    break;
                case 5:
                    command = ["RENAMENX", a, b];
                    if (!db.TryGetValue(a, out Entry? moved))
                    {
                        expected = "-ERR no such key";
                    }
                    else if (a == b || db.ContainsKey(b))
                    {
                        expected = ":0";
                    }
                    else
                    {
                        db.Remove(a);
                        db[b] = moved;
                        expected = ":1";
                    }
                    break;
                case 6:
                {
                    bool replace = random.Next(2) == 0;
                    bool withDb = random.Next(2) == 0;
                    int target = withDb ? other : current;
                    List<string> args = ["COPY", a, b];
                    if (withDb)
                    {
                        args.AddRange(["DB", otherText]);
                    }
                    if (replace)
                    {
                        args.Add("REPLACE");
                    }
                    command = [.. args];
                    if (target == current && a == b)
                    {
                        expected = "-ERR source and destination objects are the same";
                    }
                    else if (!db.TryGetValue(a, out Entry? source) || (model[target].ContainsKey(b) && !replace))
                    {
                        expected = ":0";
                    }
                    else
                    {
                        model[target][b] = source;
                        expected = ":1";
                    }
                    break;
                }
                case 7:
                    command = ["MOVE", a, otherText];
                    if (other == current)
                    {
                        expected = "-ERR source and destination objects are the same";
                    }
                    else if (!db.TryGetValue(a, out Entry? entry) || model[other].ContainsKey(a))
                    {
                        expected = ":0";
                    }
                    else
                    {
                        db.Remove(a);
                        model[other][a] = entry;
                        expected = ":1";
                    }
                    break;
                case 8:
                    command = ["EXPIRE", a, "1000"];
                    expected = db.TryGetValue(a, out Entry? expiring) ? ":1" : ":0";
                    if (expiring is not null)
                    {
                        db[a] = expiring with { Volatile = true };
                    }
                    break;
                case 9:
                    command = ["PERSIST", a];
                    expected = db.TryGetValue(a, out Entry? persisted) && persisted.Volatile ? ":1" : ":0";
                    if (persisted is not null)
                    {
                        db[a] = persisted with { Volatile = false };
                    }
                    break;
                case 10:
                    command = ["TTL", a];
                    expected = !db.TryGetValue(a, out Entry? timed) ? ":-2" : timed.Volatile ? ":1000" : ":-1";
                    break;
                case 11:
                    command = ["TYPE", a];
                    expected = db.ContainsKey(a) ? "+string" : "+none";
                    break;
                case 12:
                    command = ["SELECT", otherText];
                    expected = "+OK";
                    current = other;
                    break;
                case 13:
                    command = ["SWAPDB", current.ToString(CultureInfo.InvariantCulture), otherText];
                    expected = "+OK";
                    (model[current], model[other]) = (model[other], model[current]);
                    break;
                default:
                    if (random.Next(10) != 0)
                    {
                        continue;
                    }
                    command = ["FLUSHDB"];
                    expected = "+OK";
                    db.Clear();
                    break;
            }
            string actual = client.Execute(command);
            if (command[0] == "TTL" && expected == ":1000")
            {
                // Whole seconds, rounded: a slow run may already be a second in.
                Assert.True(actual is ":1000" or ":999", Describe(seed, step, command, expected, actual));
                continue;
            }
            Assert.True(expected == actual, Describe(seed, step, command, expected, actual));
        }

        for (int i = 0; i < DatabaseCount; i++)
        {
            int database = i;
            var stored = KeyspaceSeeder.Read(_server, s =>
            {
                var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
                for (int slot = s[database].NextSlot(0); slot >= 0; slot = s[database].NextSlot(slot + 1))
                {
                    contents[Encoding.UTF8.GetString(s[database].KeyAt(slot))] =
                        Encoding.UTF8.GetString((byte[])s[database].EntryAt(slot).Value)
                        + (s[database].ExpiresAt(slot) != 0 ? "+ttl" : "");
                }
                return contents;
            });
            var expectedContents = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, Entry> pair in model[i])
            {
                expectedContents[pair.Key] = pair.Value.Value + (pair.Value.Volatile ? "+ttl" : "");
            }
            Assert.True(expectedContents.SequenceEqual(stored), $"seed {seed}: database {i} differs from the model at the end");
        }
    }

    private static string Describe(int seed, int step, string[] command, string expected, string actual) =>
        $"seed {seed}, step {step}: {string.Join(' ', command)} replied {actual}, model says {expected}";
}
