using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Search;

/// <summary>
/// FT.* reply shapes per protocol: after HELLO 3 RediSearch 2.8's maps (test_resp3.py: attributes, format, results of
/// {id, extra_attributes, values}, total_results, warning), the RESP2 arrays otherwise. Raw RESP so the frame types
/// (map '%', simple '+', double ',', set '~') are asserted, plus StackExchange.Redis on RESP3.
/// </summary>
public sealed class SearchResp3Tests : IClassFixture<SearchResp3Tests.Fixture>
{
    private const string Document = """{"name":"John Doe","city":"New York","tags":["premium","verified"],"age":41}""";

    private readonly TestServer _server;

    public SearchResp3Tests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private RawClient Client(int database, bool resp3)
    {
        RawClient client = _server.Raw();
        if (resp3)
        {
            Assert.StartsWith("{", client.Execute("HELLO", "3"));
        }
        Assert.Equal("+OK", client.Execute("SELECT", database.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("+OK", client.Execute("JSON.SET", "user:1", "$", Document));
        Assert.Equal("+OK", client.Execute("FT.CREATE", "idx", "ON", "JSON", "PREFIX", "1", "user:", "SCHEMA",
            "$.name", "AS", "name", "TEXT", "$.city", "AS", "city", "TAG", "SORTABLE", "$.tags[*]", "AS", "tags", "TAG",
            "$.age", "AS", "age", "NUMERIC"));
        return client;
    }

    [Fact]
    public void SearchUnderResp3IsAMapWithResultMaps()
    {
        using RawClient client = Client(1, resp3: true);
        Assert.Equal(
            "{+attributes: [], +format: +STRING, +results: [{+id: user:1, +extra_attributes: {$: " + Document + "}, +values: []}], " +
            "+total_results: :1, +warning: []}",
            client.Execute("FT.SEARCH", "idx", "@city:{New York} @tags:{premium}"));
    }

    [Fact]
    public void SearchUnderResp3CarriesScoresAsDoublesAndOmitsAttributesWithNoContent()
    {
        using RawClient client = Client(2, resp3: true);
        Assert.Equal(
            "{+attributes: [], +format: +STRING, +results: [{+id: user:1, +score: ,1, +values: []}], +total_results: :1, +warning: []}",
            client.Execute("FT.SEARCH", "idx", "@name:john", "WITHSCORES", "NOCONTENT"));
        Assert.Equal(
            "{+attributes: [], +format: +STRING, +results: [{+id: user:1, +extra_attributes: {city: New York}, +values: []}], " +
            "+total_results: :1, +warning: []}",
            client.Execute("FT.SEARCH", "idx", "*", "RETURN", "1", "city"));
        Assert.Equal("{+attributes: [], +format: +STRING, +results: [], +total_results: :0, +warning: []}",
            client.Execute("FT.SEARCH", "idx", "@city:{Paris}"));
    }

    [Fact]
    public void SearchWithFormatExpandGivesNativeValuesUnderResp3Only()
    {
        using RawClient client = Client(11, resp3: true);
        Assert.Equal(
            "{+attributes: [], +format: +EXPAND, +results: [{+id: user:1, +extra_attributes: {$: [{name: John Doe, city: New York, " +
            "tags: [premium, verified], age: :41}]}, +values: []}], +total_results: :1, +warning: []}",
            client.Execute("FT.SEARCH", "idx", "@tags:{premium}", "FORMAT", "EXPAND"));
        Assert.Equal(
            "{+attributes: [], +format: +EXPAND, +results: [{+id: user:1, +extra_attributes: {tags: [premium, verified], age: [:41]}, " +
            "+values: []}], +total_results: :1, +warning: []}",
            client.Execute("FT.SEARCH", "idx", "*", "RETURN", "2", "tags", "age", "FORMAT", "EXPAND"));
        Assert.StartsWith("{+attributes: [], +format: +STRING,", client.Execute("FT.SEARCH", "idx", "*", "FORMAT", "STRING"));
        Assert.Equal("-Need an argument for FORMAT", client.Execute("FT.SEARCH", "idx", "*", "FORMAT"));
        Assert.Equal("-FORMAT XPAND is not supported", client.Execute("FT.SEARCH", "idx", "*", "FORMAT", "XPAND"));
        Assert.Equal("-Need an argument for FORMAT", client.Execute("FT.AGGREGATE", "idx", "*", "FORMAT"));
        using RawClient resp2 = Client(12, resp3: false);
        Assert.Equal("-EXPAND format is only supported with RESP3", resp2.Execute("FT.SEARCH", "idx", "*", "FORMAT", "EXPAND"));
        Assert.Equal("-EXPAND format is only supported with RESP3", resp2.Execute("FT.AGGREGATE", "idx", "*", "FORMAT", "EXPAND"));
        Assert.StartsWith("[:1, user:1, ", resp2.Execute("FT.SEARCH", "idx", "*", "FORMAT", "STRING"));
    }

    [Fact]
    public void SearchUnderResp2KeepsTheFlatArray()
    {
        using RawClient client = Client(3, resp3: false);
        Assert.Equal("[:1, user:1, [$, " + Document + "]]", client.Execute("FT.SEARCH", "idx", "@tags:{premium}"));
    }

    [Fact]
    public void AggregateUnderResp3IsAMapWithoutIds()
    {
        using RawClient client = Client(4, resp3: true);
        Assert.Equal(
            "{+attributes: [], +format: +STRING, +results: [{+extra_attributes: {city: New York, count: 1}, +values: []}], " +
            "+total_results: :1, +warning: []}",
            client.Execute("FT.AGGREGATE", "idx", "*", "GROUPBY", "1", "@city", "REDUCE", "COUNT", "0", "AS", "count"));
        using RawClient resp2 = Client(5, resp3: false);
        Assert.Equal("[:1, [city, New York, count, 1]]",
            resp2.Execute("FT.AGGREGATE", "idx", "*", "GROUPBY", "1", "@city", "REDUCE", "COUNT", "0", "AS", "count"));
    }

    [Fact]
    public void InfoUnderResp3IsAMapWithTypedNumbersAndAttributeMaps()
    {
        using RawClient client = Client(6, resp3: true);
        string info = client.Execute("FT.INFO", "idx");
        Assert.StartsWith("{+index_name: idx, +index_options: [], " +
            "+index_definition: {+key_type: JSON, +prefixes: [user:], +default_score: ,1, +indexes_all: false}, " +
            "+attributes: [{+identifier: $.name, +attribute: name, +type: +TEXT, +WEIGHT: ,1, +flags: []}, " +
            "{+identifier: $.city, +attribute: city, +type: +TAG, +SEPARATOR: ,, +flags: [+SORTABLE]}, " +
            "{+identifier: $.tags[*], +attribute: tags, +type: +TAG, +SEPARATOR: ,, +flags: []}, " +
            "{+identifier: $.age, +attribute: age, +type: +NUMERIC, +flags: []}], +num_docs: :1, +max_doc_id: :1,", info);
        Assert.Contains("+indexing: :0, +percent_indexed: ,1, ", info);
        using RawClient resp2 = Client(7, resp3: false);
        Assert.StartsWith("[index_name, idx, index_options, [], index_definition, [key_type, JSON, prefixes, [user:], default_score, 1], ",
            resp2.Execute("FT.INFO", "idx"));
    }

    [Fact]
    public void TagValsIsASetUnderResp3AndAnArrayUnderResp2()
    {
        Client(8, resp3: false).Dispose();
        using ConnectionMultiplexer connection = _server.Connect(options => options.Protocol = RedisProtocol.Resp3);
        RedisResult values = connection.GetDatabase(8).Execute("FT.TAGVALS", "idx", "tags");
        Assert.Equal(ResultType.Set, values.Resp3Type);
        Assert.Equal(["premium", "verified"], ((RedisResult[])values!).Select(v => (string?)v));
        using RawClient resp2 = Client(9, resp3: false);
        Assert.Equal("[premium, verified]", resp2.Execute("FT.TAGVALS", "idx", "tags"));
    }

    [Fact]
    public void StackExchangeRedisOnResp3SeesSearchRepliesAsMaps()
    {
        Client(10, resp3: false).Dispose();
        using ConnectionMultiplexer connection = _server.Connect(options => options.Protocol = RedisProtocol.Resp3);
        IDatabase db = connection.GetDatabase(10);
        RedisResult search = db.Execute("FT.SEARCH", "idx", "@tags:{verified}");
        Assert.Equal(ResultType.Map, search.Resp3Type);
        Dictionary<string, RedisResult> top = search.ToDictionary();
        Assert.Equal(1, (long)top["total_results"]);
        Assert.Equal("STRING", (string?)top["format"]);
        RedisResult[] results = (RedisResult[])top["results"]!;
        Dictionary<string, RedisResult> hit = results[0].ToDictionary();
        Assert.Equal("user:1", (string?)hit["id"]);
        Assert.Equal(Document, (string?)hit["extra_attributes"].ToDictionary()["$"]);
        RedisResult info = db.Execute("FT.INFO", "idx");
        Assert.Equal(ResultType.Map, info.Resp3Type);
        Assert.Equal(1, (long)info.ToDictionary()["num_docs"]);
    }
}
