using System.Globalization;
using System.Text;
using Cairn.Documents.Json;
using Cairn.Documents.Tests.Operations;
using Cairn.Primitives;

namespace Cairn.Documents.Tests.Search;

/// <summary>
/// Model-based test: random writes, partial updates, deletes and expiries go through the JSON.* dispatcher (which maintains the
/// index); after each step random queries run through FT.SEARCH and must return exactly the keys a brute-force filter over
/// all live documents selects. A failure prints its seed; rerun that seed to replay.
/// </summary>
public sealed class SearchModelTests
{
    private static readonly string[] s_tags = ["red", "green", "blue", "gold", "grey"];
    private static readonly string[] s_words = ["alpha", "beta", "gamma", "delta", "omega"];
    private static readonly string[] s_skus = ["x", "y", "z"];

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(42UL)]
    public void SearchAgreesWithBruteForceUnderRandomWritesDeletesAndExpiries(ulong seed)
    {
        var random = new SeededRandom(seed);
        var db = new InMemoryJsonKeyspace();
        Assert.Equal("OK", db.Ft("FT.CREATE idx ON JSON PREFIX 1 doc: SCHEMA $.tags[*] AS tags TAG $.n AS n NUMERIC $.name AS name TEXT $.items[*].sku AS sku TAG $.items[*].qty AS qty NUMERIC"));
        var keys = new List<string>();
        for (int i = 0; i < 60; i++)
        {
            keys.Add("doc:" + i.ToString(CultureInfo.InvariantCulture));
        }
        int nonEmpty = 0;
        for (int step = 0; step < 400; step++)
        {
            string key = keys[random.NextInt(keys.Count)];
            switch (random.NextInt(10))
            {
                case 0:
                case 1:
                case 2:
                case 3:
                    db.Run($"JSON.SET {key} $ '{RandomDocument(random)}'");
                    break;
                case 4:
                    db.Run($"JSON.NUMINCRBY {key} $.n {random.NextInt(21) - 10}");
                    break;
                case 5:
                    db.Run($"JSON.ARRAPPEND {key} $.tags '\"{s_tags[random.NextInt(s_tags.Length)]}\"'");
                    break;
                case 6:
                    db.Run($"JSON.DEL {key} {(random.NextInt(2) == 0 ? "$.tags" : "$")}");
                    break;
                case 7:
                    db.Expire(key, db.Now + 1 + random.NextInt(5));
                    break;
                case 8:
                    db.Now++;
                    if (random.NextInt(2) == 0)
                    {
                        db.ReclaimExpired();
                    }
                    break;
                default:
                    db.Run($"JSON.SET {key} $.items[0].qty {random.NextInt(6)}");
                    break;
            }
            for (int q = 0; q < 3; q++)
            {
                var (query, predicate) = RandomQuery(random, 2);
                var expected = new SortedSet<string>(StringComparer.Ordinal);
                foreach (string candidate in keys)
                {
                    var bytes = Encoding.UTF8.GetBytes(candidate);
                    if (db.IsLive(bytes) && db.GetDocument(bytes) is { } document && predicate(document))
                    {
                        expected.Add(candidate);
                    }
                }
                nonEmpty += expected.Count > 0 ? 1 : 0;
                var actual = Keys(db.Ft($"FT.SEARCH idx '{query}' NOCONTENT LIMIT 0 1000"));
                Assert.True(expected.SetEquals(actual),
                    $"seed {seed} step {step} query {query}: expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
            }
        }
        Assert.True(nonEmpty > 200, $"seed {seed}: only {nonEmpty} queries had matches; the model is not exercising the index");
    }

    private static SortedSet<string> Keys(string reply)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string part in reply.Trim('[', ']').Split(", "))
        {
            if (part.StartsWith('"'))
            {
                result.Add(part.Trim('"'));
            }
        }
        return result;
    }

    private static string RandomDocument(IRandomSource random)
    {
        var builder = new StringBuilder("{");
        if (random.NextInt(5) > 0)
        {
            builder.Append("\"tags\":[");
            int count = random.NextInt(3);
            for (int i = 0; i < count; i++)
            {
                builder.Append(i > 0 ? "," : "").Append('"').Append(s_tags[random.NextInt(s_tags.Length)]).Append('"');
            }
            builder.Append("],");
        }
        if (random.NextInt(5) > 0)
        {
            builder.Append("\"n\":").Append(random.NextInt(100)).Append(',');
        }
        builder.Append("\"name\":\"").Append(s_words[random.NextInt(s_words.Length)]).Append(' ').Append(s_words[random.NextInt(s_words.Length)]).Append("\",");
        builder.Append("\"items\":[");
        int items = random.NextInt(3) + 1;
        for (int i = 0; i < items; i++)
        {
            builder.Append(i > 0 ? "," : "").Append("{\"sku\":\"").Append(s_skus[random.NextInt(s_skus.Length)]).Append("\",\"qty\":").Append(random.NextInt(6)).Append('}');
        }
        builder.Append("]}");
        return builder.ToString();
    }

    private static (string Query, Func<JsonValue, bool> Predicate) RandomQuery(IRandomSource random, int depth)
    {
        int choice = random.NextInt(depth > 0 ? 8 : 4);
        switch (choice)
        {
            case 0:
            {
                string a = s_tags[random.NextInt(s_tags.Length)];
                string b = s_tags[random.NextInt(s_tags.Length)];
                return ($"@tags:{{{a}|{b}}}", d => Strings(d, "tags").Any(t => t == a || t == b));
            }
            case 1:
            {
                int low = random.NextInt(100);
                int high = low + random.NextInt(50);
                bool exclusive = random.NextInt(2) == 0;
                return ($"@n:[{(exclusive ? "(" : "")}{low} {high}]", d => d.GetMember("n") is { IsNumber: true } n &&
                    (exclusive ? n.NumberAsDouble > low : n.NumberAsDouble >= low) && n.NumberAsDouble <= high);
            }
            case 2:
            {
                string word = s_words[random.NextInt(s_words.Length)];
                return ($"@name:{word}", d => Encoding.UTF8.GetString(d.GetMember("name")?.StringBytes ?? []).Split(' ').Contains(word));
            }
            case 3:
            {
                string sku = s_skus[random.NextInt(s_skus.Length)];
                int qty = random.NextInt(5);
                return ($"@items[*]:(@sku:{{{sku}}} @qty:[({qty} +inf])", d => d.GetMember("items") is { Kind: JsonKind.Array } items &&
                    items.Items.Any(item => item.GetMember("sku") is { } s && Encoding.UTF8.GetString(s.StringBytes) == sku &&
                        item.GetMember("qty") is { IsNumber: true } q && q.NumberAsDouble > qty));
            }
            case 4:
            case 5:
            {
                var (left, leftPredicate) = RandomQuery(random, depth - 1);
                var (right, rightPredicate) = RandomQuery(random, depth - 1);
                return ($"({left} {right})", d => leftPredicate(d) && rightPredicate(d));
            }
            case 6:
            {
                var (left, leftPredicate) = RandomQuery(random, depth - 1);
                var (right, rightPredicate) = RandomQuery(random, depth - 1);
                return ($"({left} | {right})", d => leftPredicate(d) || rightPredicate(d));
            }
            default:
            {
                var (left, leftPredicate) = RandomQuery(random, depth - 1);
                var (right, rightPredicate) = RandomQuery(random, depth - 1);
                return ($"({left} -{right})", d => leftPredicate(d) && !rightPredicate(d));
            }
        }
    }

    private static IEnumerable<string> Strings(JsonValue document, string name)
    {
        if (document.GetMember(name) is { Kind: JsonKind.Array } array)
        {
            foreach (var item in array.Items)
            {
                if (item.Kind == JsonKind.String)
                {
                    yield return Encoding.UTF8.GetString(item.StringBytes);
                }
            }
        }
    }
}
