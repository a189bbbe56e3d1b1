using Cairn.Server.Tests.Infrastructure;
using NRedisStack;
using NRedisStack.RedisStackCommands;
using NRedisStack.Search;
using NRedisStack.Search.Aggregation;
using NRedisStack.Search.Literals.Enums;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Search;

/// <summary>FT.* through NRedisStack's SearchCommands, index maintenance on every write path, and raw error replies.
/// Each test uses its own database so indexes do not see each other's keys.</summary>
public sealed class SearchCommandsTests : IClassFixture<SearchCommandsTests.Fixture>
{
    private readonly TestServer _server;

    public SearchCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private static Schema UserSchema() => new Schema()
        .AddTextField(new FieldName("$.name", "name"))
        .AddTagField(new FieldName("$.city", "city"))
        .AddNumericField(new FieldName("$.age", "age"), sortable: true);

    private static void CreateUsers(SearchCommands ft, string index = "users") =>
        Assert.True(ft.Create(index, new FTCreateParams().On(IndexDataType.JSON).Prefix("u:"), UserSchema()));

    private static void AddUser(JsonCommands json, string key, string name, string city, int age) =>
        Assert.True(json.Set(key, "$", new { name, city, age }));

    private static List<string> Ids(SearchCommands ft, string query, string index = "users") =>
        ft.Search(index, new Query(query).Limit(0, 1000)).Documents.Select(d => d.Id).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void SearchFiltersSortsAndPaginates()
    {
        IDatabase db = _server.Database(1);
        JsonCommands json = db.JSON();
        SearchCommands ft = db.FT();
        AddUser(json, "u:1", "Ann Smith", "Paris", 30);
        AddUser(json, "u:2", "Bob Smith", "Rome", 40);
        AddUser(json, "u:3", "Cid Jones", "Paris", 50);
        CreateUsers(ft);
        Assert.Equal(["u:1", "u:3"], Ids(ft, "@city:{Paris}"));
        Assert.Equal(["u:2", "u:3"], Ids(ft, "@age:[35 +inf]"));
        Assert.Equal(["u:1", "u:2"], Ids(ft, "@name:smith"));
        Assert.Equal(["u:3"], Ids(ft, "@city:{Paris} -@name:ann"));
        SearchResult sorted = ft.Search("users", new Query("*").SetSortBy("age", ascending: false).Limit(0, 2));
        Assert.Equal(3, sorted.TotalResults);
        Assert.Equal(["u:3", "u:2"], sorted.Documents.Select(d => d.Id));
        SearchResult noContent = ft.Search("users", new Query("@city:{Rome}").SetNoContent());
        Assert.Equal("u:2", noContent.Documents.Single().Id);
        SearchResult returned = ft.Search("users", new Query("@city:{Rome}").ReturnFields("name"));
        Assert.Equal("Bob Smith", returned.Documents.Single()["name"].ToString());
        SearchResult parameterised = ft.Search("users", new Query("@age:[$lo $hi]").AddParam("lo", 45).AddParam("hi", 60).Dialect(2));
        Assert.Equal("u:3", parameterised.Documents.Single().Id);
    }

    [Fact]
    public void InfoListTagValsExplainAndAggregate()
    {
        IDatabase db = _server.Database(2);
        JsonCommands json = db.JSON();
        SearchCommands ft = db.FT();
        AddUser(json, "u:1", "Ann", "Paris", 30);
        AddUser(json, "u:2", "Bob", "Rome", 40);
        AddUser(json, "u:3", "Cid", "Paris", 50);
        CreateUsers(ft);
        var info = ft.Info("users");
        Assert.Equal("users", info.IndexName);
        Assert.Equal(3, info.NumDocs);
        Assert.Contains("users", ft._List().Select(r => r.ToString()));
        Assert.Equal(["paris", "rome"], ft.TagVals("users", "city").Select(r => r.ToString()).Order(StringComparer.Ordinal));
        Assert.False(string.IsNullOrEmpty(ft.Explain("users", "@city:{Paris} @age:[1 2]")));
        AggregationResult result = ft.Aggregate("users", new AggregationRequest("*")
            .GroupBy("@city", Reducers.Count().As("n")).SortBy(new SortedField("@city", SortedField.SortOrder.ASC)));
        Assert.Equal(2, result.TotalResults);
        Assert.Equal("Paris", result.GetRow(0).GetString("city"));
        Assert.Equal(2, result.GetRow(0).GetLong("n"));
    }

    [Fact]
    public void AliasesAndDropIndex()
    {
        IDatabase db = _server.Database(3);
        JsonCommands json = db.JSON();
        SearchCommands ft = db.FT();
        AddUser(json, "u:1", "Ann", "Paris", 30);
        CreateUsers(ft);
        Assert.True(ft.AliasAdd("people", "users"));
        Assert.Equal(["u:1"], Ids(ft, "*", "people"));
        CreateUsers(ft, "users2");
        Assert.True(ft.AliasUpdate("people", "users2"));
        Assert.True(ft.AliasDel("people"));
        Assert.True(ft.DropIndex("users2"));
        Assert.True(ft.DropIndex("users", dd: true));
        Assert.False(db.KeyExists("u:1"));
        Assert.Empty(ft._List());
    }

    [Fact]
    public void IndexFollowsEveryWritePath()
    {
        IDatabase db = _server.Database(4);
        JsonCommands json = db.JSON();
        SearchCommands ft = db.FT();
        CreateUsers(ft);
        AddUser(json, "u:del", "A", "X", 1);
        AddUser(json, "u:unlink", "A", "X", 1);
        AddUser(json, "u:set", "A", "X", 1);
        AddUser(json, "u:rename", "A", "X", 1);
        AddUser(json, "u:move", "A", "X", 1);
        AddUser(json, "u:copy", "A", "X", 1);
        AddUser(json, "u:path", "A", "X", 1);
        AddUser(json, "u:expire", "A", "X", 1);
        Assert.Equal(8, ft.Search("users", new Query("@city:{X}").Limit(0, 100)).TotalResults);
        db.KeyDelete("u:del");
        db.Execute("UNLINK", "u:unlink");
        db.StringSet("u:set", "now a string");
        db.KeyRename("u:rename", "other:renamed");
        db.KeyMove("u:move", 5);
        db.KeyCopy("u:copy", "u:copied");
        json.Set("u:path", "$.city", "\"Y\"");
        db.Execute("PEXPIRE", "u:expire", "1");
        Thread.Sleep(20);
        Assert.Equal(["u:copied", "u:copy"], Ids(ft, "@city:{X}"));
        Assert.Equal(["u:path"], Ids(ft, "@city:{Y}"));
        db.KeyRename("other:renamed", "u:back");
        Assert.Equal(["u:back", "u:copied", "u:copy"], Ids(ft, "@city:{X}"));
        db.Execute("JSON.DEL", "u:back", "$");
        Assert.Equal(["u:copied", "u:copy"], Ids(ft, "@city:{X}"));
        db.Execute("FLUSHDB");
        Assert.Empty(Ids(ft, "*"));
        Assert.Contains("users", ft._List().Select(r => r.ToString()));
        AddUser(json, "u:after", "A", "X", 1);
        Assert.Equal(["u:after"], Ids(ft, "*"));
    }

    [Fact]
    public void SwapDbRebuildsIndexesFromTheSwappedContents()
    {
        IDatabase db6 = _server.Database(6);
        IDatabase db7 = _server.Database(7);
        AddUser(db6.JSON(), "u:six", "A", "X", 1);
        AddUser(db7.JSON(), "u:seven", "A", "X", 1);
        CreateUsers(db6.FT());
        Assert.Equal(["u:six"], Ids(db6.FT(), "*"));
        Assert.Equal("OK", db6.Execute("SWAPDB", "6", "7").ToString());
        Assert.Equal(["u:seven"], Ids(db6.FT(), "*"));
        Assert.Equal("OK", db6.Execute("SWAPDB", "6", "7").ToString());
        Assert.Equal(["u:six"], Ids(db6.FT(), "*"));
    }

    [Fact]
    public void LargeBackfillCompletesInTheCron()
    {
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "8");
        for (int i = 0; i < 12_000; i += 500)
        {
            var args = new List<string> { "JSON.MSET" };
            for (int j = i; j < i + 500; j++)
            {
                args.AddRange([$"big:{j}", "$", $$"""{"n":{{j}}}"""]);
            }
            Assert.Equal("+OK", client.Execute([.. args]));
        }
        Assert.Equal("+OK", client.Execute("FT.CREATE", "big", "ON", "JSON", "PREFIX", "1", "big:", "SCHEMA", "$.n", "AS", "n", "NUMERIC"));
        string count = "";
        for (int attempt = 0; attempt < 200 && count != ":12000"; attempt++)
        {
            Thread.Sleep(25);
            count = client.Execute("FT.SEARCH", "big", "*", "LIMIT", "0", "0");
        }
        Assert.Equal(":12000", count.Trim('[', ']'));
    }

    [Fact]
    public void EvictedDocumentsLeaveTheIndex()
    {
        using var server = new TestServer();
        using RawClient client = server.Raw();
        Assert.Equal("+OK", client.Execute("FT.CREATE", "ev", "ON", "JSON", "PREFIX", "1", "ev:", "SCHEMA", "$.n", "AS", "n", "NUMERIC"));
        string padding = new('x', 2000);
        for (int i = 0; i < 300; i++)
        {
            Assert.Equal("+OK", client.Execute("JSON.SET", $"ev:{i}", "$", $$"""{"n":{{i}},"p":"{{padding}}"}"""));
        }
        Assert.Equal("+OK", client.Execute("CONFIG", "SET", "maxmemory-policy", "allkeys-random"));
        Assert.Equal("+OK", client.Execute("CONFIG", "SET", "maxmemory", "300000"));
        client.Execute("PING");
        long left = long.Parse(client.Execute("DBSIZE")[1..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(left, 1, 299);
        Assert.Equal($"[:{left}]", client.Execute("FT.SEARCH", "ev", "*", "LIMIT", "0", "0"));
    }

    [Fact]
    public void ErrorsMatchRediSearch()
    {
        using RawClient client = _server.Raw();
        client.Execute("SELECT", "9");
        Assert.Equal("-no_such: no such index", client.Execute("FT.SEARCH", "no_such", "*"));
        Assert.Equal("-Unknown index name", client.Execute("FT.INFO", "no_such"));
        Assert.Equal("-Unknown Index name", client.Execute("FT.DROPINDEX", "no_such"));
        Assert.Equal("-ERR wrong number of arguments for 'ft.search' command", client.Execute("FT.SEARCH", "x"));
        Assert.Equal("+OK", client.Execute("FT.CREATE", "e", "ON", "JSON", "SCHEMA", "$.a", "AS", "a", "TAG"));
        Assert.Equal("-Index already exists", client.Execute("FT.CREATE", "e", "ON", "JSON", "SCHEMA", "$.a", "AS", "a", "TAG"));
        Assert.StartsWith("-", client.Execute("FT.SEARCH", "e", "@a:{unclosed"));
        Assert.Equal("-Alias does not exist", client.Execute("FT.ALIASDEL", "nope"));
    }
}
