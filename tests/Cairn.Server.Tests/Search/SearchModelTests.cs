using System.Globalization;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Search;

/// <summary>
/// Model test at server level: random JSON.SET (whole and partial), JSON.DEL, DEL and PEXPIREAT with deadlines a few
/// milliseconds ahead, checked against a brute-force filter of a client-side model through FT.SEARCH. Deadlines are
/// absolute, so the model knows them exactly; a key whose deadline falls inside a check's time window is left out of
/// that comparison (it may legitimately be on either side).
/// </summary>
public sealed class SearchModelTests
{
    private sealed record Doc(string City, string[] Tags, int N, long Deadline);

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SearchAgreesWithABruteForceFilter(int seed)
    {
        using var server = new TestServer();
        using RawClient client = server.Raw();
        var random = new Random(seed);
        var model = new Dictionary<string, Doc>(StringComparer.Ordinal);
        Assert.Equal("+OK", client.Execute("FT.CREATE", "m", "ON", "JSON", "PREFIX", "1", "m:", "SCHEMA",
            "$.city", "AS", "city", "TAG", "$.tags[*]", "AS", "tags", "TAG", "$.n", "AS", "n", "NUMERIC"));
        const int margin = 15;
        for (int op = 0; op < 600; op++)
        {
            string key = "m:" + random.Next(25);
            long now = Now();
            if (model.TryGetValue(key, out Doc? existing) && existing.Deadline != 0)
            {
                if (existing.Deadline < now - margin)
                {
                    model.Remove(key); // certainly expired
                    existing = null;
                }
                else if (existing.Deadline <= now + margin)
                {
                    continue; // may or may not exist when the command runs: pick another operation
                }
            }
            switch (random.Next(10))
            {
                case < 4:
                {
                    var doc = new Doc("c" + random.Next(4), Enumerable.Range(0, random.Next(3)).Select(_ => "t" + random.Next(5)).ToArray(),
                        random.Next(100), existing?.Deadline ?? 0);
                    string tags = string.Join(",", doc.Tags.Select(t => "\"" + t + "\""));
                    Assert.Equal("+OK", client.Execute("JSON.SET", key, "$", $$"""{"city":"{{doc.City}}","tags":[{{tags}}],"n":{{doc.N}}}"""));
                    model[key] = doc;
                    break;
                }
                case 4 when existing is not null:
                {
                    int n = random.Next(100);
                    Assert.Equal("+OK", client.Execute("JSON.SET", key, "$.n", n.ToString(CultureInfo.InvariantCulture)));
                    model[key] = existing with { N = n };
                    break;
                }
                case 5:
                    client.Execute("JSON.DEL", key, "$");
                    model.Remove(key);
                    break;
                case 6:
                    client.Execute("DEL", key);
                    model.Remove(key);
                    break;
                default:
                    if (existing is not null)
                    {
                        long deadline = now + random.Next(1, 60);
                        Assert.Equal(":1", client.Execute("PEXPIREAT", key, deadline.ToString(CultureInfo.InvariantCulture)));
                        model[key] = existing with { Deadline = deadline };
                    }
                    break;
            }
            if (op % 5 == 4)
            {
                Check(client, model, random, margin);
            }
        }
    }

    private static void Check(RawClient client, Dictionary<string, Doc> model, Random random, int margin)
    {
        string city = "c" + random.Next(4);
        string tag = "t" + random.Next(5);
        int lo = random.Next(100);
        int hi = lo + random.Next(50);
        (string query, Func<Doc, bool> predicate) = random.Next(5) switch
        {
            0 => ($"@city:{{{city}}}", (Func<Doc, bool>)(d => d.City == city)),
            1 => ($"@tags:{{{tag}}}", d => d.Tags.Contains(tag)),
            2 => ($"@n:[{lo} {hi}]", d => d.N >= lo && d.N <= hi),
            3 => ($"@city:{{{city}}} @tags:{{{tag}}} @n:[{lo} {hi}]", d => d.City == city && d.Tags.Contains(tag) && d.N >= lo && d.N <= hi),
            _ => ($"@city:{{{city}}} | -@tags:{{{tag}}}", d => d.City == city || !d.Tags.Contains(tag)),
        };
        long before = Now();
        string reply = client.Execute("FT.SEARCH", "m", query, "NOCONTENT", "LIMIT", "0", "1000");
        long after = Now();
        bool Ambiguous(Doc d) => d.Deadline != 0 && d.Deadline >= before - margin && d.Deadline <= after + margin;
        var actual = reply.Trim('[', ']').Split(", ").Skip(1).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        foreach ((string key, Doc doc) in model)
        {
            if (Ambiguous(doc))
            {
                actual.Remove(key);
            }
            else if ((doc.Deadline == 0 || doc.Deadline > after) && predicate(doc))
            {
                expected.Add(key);
            }
        }
        Assert.Equal(string.Join(" ", expected), string.Join(" ", actual.Order(StringComparer.Ordinal)));
    }
}
