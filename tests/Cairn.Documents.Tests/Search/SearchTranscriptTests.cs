using Cairn.Documents.Tests.Operations;

namespace Cairn.Documents.Tests.Search;

public sealed class SearchTranscriptTests
{
    private readonly InMemoryJsonKeyspace _db = new();

    private void Json(string command) => Assert.Equal("OK", _db.Run(command));

    private void Expect(string command, string reply) => Assert.Equal(reply, _db.Ft(command));

    private void CreateUsers()
    {
        Expect("FT.CREATE idx ON JSON PREFIX 1 user: SCHEMA $.name AS name TEXT $.address.city AS city TAG $.tags[*] AS tags TAG $.age AS age NUMERIC SORTABLE", "OK");
    }

    [Fact]
    public void SeedExampleFindsNewYorkPremiumUsersWithOneSearch()
    {
        Json("""JSON.SET user:123 $ '{"name":"John Doe","email":"john@example.com","address":{"city":"New York","zip":"10001"},"tags":["premium","verified"]}'""");
        Json("""JSON.SET user:124 $ '{"name":"Jane Roe","address":{"city":"New York","zip":"10002"},"tags":["verified"]}'""");
        Json("""JSON.SET user:125 $ '{"name":"Max Mustermann","address":{"city":"Berlin","zip":"10115"},"tags":["premium"]}'""");
        Expect("FT.CREATE idx ON JSON PREFIX 1 user: SCHEMA $.address.city AS city TAG $.tags[*] AS tags TAG", "OK");
        Assert.True(_db.Registry.BackfillStep(100));
        Expect("FT.SEARCH idx '@city:{New York} @tags:{premium}'",
            """[1, "user:123", ["$", "{"name":"John Doe","email":"john@example.com","address":{"city":"New York","zip":"10001"},"tags":["premium","verified"]}"]]""");
    }

    [Fact]
    public void IndexesFollowWritesDeletesAndExpiry()
    {
        CreateUsers();
        Json("""JSON.SET user:1 $ '{"name":"Ann","address":{"city":"Paris"},"tags":["a"],"age":30}'""");
        Expect("FT.SEARCH idx @tags:{a} NOCONTENT", "[1, \"user:1\"]");
        Json("JSON.SET user:1 $.tags[0] '\"b\"'");
        Expect("FT.SEARCH idx @tags:{a} NOCONTENT", "[0]");
        Expect("FT.SEARCH idx @tags:{b} NOCONTENT", "[1, \"user:1\"]");
        Assert.Equal("1", _db.Run("JSON.DEL user:1 $.tags"));
        Expect("FT.SEARCH idx @tags:{b} NOCONTENT", "[0]");
        _db.Expire("user:1", 10);
        _db.Now = 10;
        Expect("FT.SEARCH idx '@age:[0 100]' NOCONTENT", "[0]");
        _db.ReclaimExpired();
        Assert.Equal(0, _db.Registry.Indexes.First().DocumentCount);
        Json("""JSON.SET other:1 $ '{"tags":["a"]}'""");
        Expect("FT.SEARCH idx @tags:{a} NOCONTENT", "[0]");
    }

    [Fact]
    public void QueryLanguageCoversTagsRangesTextNegationAndGrouping()
    {
        CreateUsers();
        Json("""JSON.SET user:1 $ '{"name":"Ann Lee","address":{"city":"Paris"},"tags":["a","x"],"age":30}'""");
        Json("""JSON.SET user:2 $ '{"name":"Bob Lee","address":{"city":"Rome"},"tags":["b"],"age":40}'""");
        Json("""JSON.SET user:3 $ '{"name":"Cyd Moe","address":{"city":"Paris"},"tags":["b","x"],"age":50}'""");
        Expect("FT.SEARCH idx '@tags:{a|b}' NOCONTENT", "[3, \"user:1\", \"user:2\", \"user:3\"]");
        Expect("FT.SEARCH idx '@age:[(30 50]' NOCONTENT", "[2, \"user:2\", \"user:3\"]");
        Expect("FT.SEARCH idx '@age:[-inf (40]' NOCONTENT", "[1, \"user:1\"]");
        Expect("FT.SEARCH idx '@age:[45 +inf]' NOCONTENT", "[1, \"user:3\"]");
        Expect("FT.SEARCH idx 'lee' NOCONTENT", "[2, \"user:1\", \"user:2\"]");
        Expect("FT.SEARCH idx '\"ann lee\"' NOCONTENT", "[1, \"user:1\"]");
        Expect("FT.SEARCH idx '\"lee ann\"' NOCONTENT", "[0]");
        Expect("FT.SEARCH idx '@name:\"bob lee\" | \"cyd moe\"' NOCONTENT", "[2, \"user:2\", \"user:3\"]");
        Expect("FT.SEARCH idx '@name:bo*' NOCONTENT", "[1, \"user:2\"]");
        Expect("FT.SEARCH idx 'lee -@city:{Rome}' NOCONTENT", "[1, \"user:1\"]");
        Expect("FT.SEARCH idx '(@city:{Rome} | @tags:{a}) @age:[0 35]' NOCONTENT", "[1, \"user:1\"]");
        Expect("FT.SEARCH idx '@city:{paris} | @age:[40 40]' NOCONTENT", "[3, \"user:1\", \"user:2\", \"user:3\"]");
        Expect("FT.SEARCH idx '@tags:{$t} @age:[$lo $hi]' PARAMS 6 t x lo 40 hi 60 DIALECT 2 NOCONTENT", "[1, \"user:3\"]");
        Expect("FT.SEARCH idx * SORTBY age DESC LIMIT 0 2 RETURN 4 name AS who $.age", "[3, \"user:3\", [\"who\", \"Cyd Moe\", \"$.age\", \"50\"], \"user:2\", [\"who\", \"Bob Lee\", \"$.age\", \"40\"]]");
        Expect("FT.SEARCH idx * SORTBY age LIMIT 1 1 NOCONTENT", "[3, \"user:2\"]");
        Expect("FT.SEARCH idx * SORTBY name DESC NOCONTENT", "[3, \"user:3\", \"user:2\", \"user:1\"]");
        Expect("FT.SEARCH idx '@nope:{x}'", "(error) Unknown field at offset 1 near nope:{x}");
        Expect("FT.SEARCH idx '@age:[1 2'", "(error) Syntax error at offset 9 near ");
        Expect("FT.SEARCH nope *", "(error) nope: no such index");
    }

    [Fact]
    public void SameElementQueriesMatchWithinOneArrayElementOnly()
    {
        Expect("FT.CREATE orders ON JSON PREFIX 1 order: SCHEMA $.items[*].sku AS sku TAG $.items[*].qty AS qty NUMERIC", "OK");
        Json("""JSON.SET order:1 $ '{"items":[{"sku":"X","qty":1},{"sku":"Y","qty":5}]}'""");
        Json("""JSON.SET order:2 $ '{"items":[{"sku":"X","qty":3}]}'""");
        Expect("FT.SEARCH orders '@sku:{X} @qty:[(2 inf]' NOCONTENT", "[2, \"order:1\", \"order:2\"]");
        Expect("FT.SEARCH orders '@items[*]:(@sku:{X} @qty:[(2 inf])' NOCONTENT", "[1, \"order:2\"]");
        Expect("FT.SEARCH orders '@items[*]:(@sku:{Y} -@qty:[0 2])' NOCONTENT", "[1, \"order:1\"]");
        Assert.Contains("ELEMENT $.items[*]", _db.Ft("FT.EXPLAIN orders '@items[*]:(@sku:{X} @qty:[(2 inf])'"), StringComparison.Ordinal);
    }

    [Fact]
    public void AdministrativeCommands()
    {
        CreateUsers();
        Expect("FT.CREATE idx ON JSON SCHEMA $.a AS a TAG", "(error) Index already exists");
        Json("""JSON.SET user:1 $ '{"name":"Ann","address":{"city":"Paris"},"tags":["A","b"],"age":30}'""");
        Expect("FT._LIST", "[\"idx\"]");
        Expect("FT.TAGVALS idx tags", "[\"a\", \"b\"]");
        Expect("FT.TAGVALS idx name", "(error) Not a tag field");
        Expect("FT.ALIASADD people idx", "OK");
        Expect("FT.SEARCH people @tags:{a} NOCONTENT", "[1, \"user:1\"]");
        Expect("FT.ALIASADD people idx", "(error) Alias already exists");
        Expect("FT.ALIASUPDATE people idx", "OK");
        Expect("FT.ALIASDEL people", "OK");
        Expect("FT.ALIASDEL people", "(error) Alias does not exist");
        Assert.Equal("\"INTERSECT {\n  TAG:@tags {\n    a\n  }\n  NUMERIC {1.000000 <= @age <= inf}\n}\n\"", _db.Ft("FT.EXPLAIN idx '@tags:{a} @age:[1 inf]'"));
        string info = _db.Ft("FT.INFO idx");
        Assert.Contains("\"num_docs\", \"1\"", info, StringComparison.Ordinal);
        Assert.Contains("\"identifier\", \"$.tags[*]\", \"attribute\", \"tags\", \"type\", \"TAG\"", info, StringComparison.Ordinal);
        Expect("FT.DROPINDEX idx DD", "OK");
        Assert.False(_db.Exists("user:1"));
        Expect("FT.DROPINDEX idx", "(error) Unknown Index name");
    }

    [Fact]
    public void AggregateGroupsReducesAppliesFiltersSortsAndLimits()
    {
        CreateUsers();
        Json("""JSON.SET user:1 $ '{"name":"Ann","address":{"city":"Paris"},"tags":["a"],"age":30}'""");
        Json("""JSON.SET user:2 $ '{"name":"Bob","address":{"city":"Rome"},"tags":["b"],"age":40}'""");
        Json("""JSON.SET user:3 $ '{"name":"Cyd","address":{"city":"Paris"},"tags":["b"],"age":50}'""");
        Expect("FT.AGGREGATE idx * GROUPBY 1 @city REDUCE COUNT 0 AS n REDUCE SUM 1 @age AS total REDUCE AVG 1 @age AS mean SORTBY 2 @n DESC",
            "[2, [\"city\", \"Paris\", \"n\", \"2\", \"total\", \"80\", \"mean\", \"40\"], [\"city\", \"Rome\", \"n\", \"1\", \"total\", \"40\", \"mean\", \"40\"]]");
        Expect("FT.AGGREGATE idx * GROUPBY 1 @city REDUCE MIN 1 @age AS lo REDUCE MAX 1 @age AS hi REDUCE COUNT_DISTINCT 1 @tags AS kinds SORTBY 2 @city ASC LIMIT 0 1",
            "[1, [\"city\", \"Paris\", \"lo\", \"30\", \"hi\", \"50\", \"kinds\", \"2\"]]");
        Expect("FT.AGGREGATE idx * LOAD 1 @name APPLY '@age * 2' AS double FILTER '@double > 70' SORTBY 2 @double ASC",
            "[2, [\"name\", \"Bob\", \"double\", \"80\"], [\"name\", \"Cyd\", \"double\", \"100\"]]");
        Expect("FT.AGGREGATE idx @tags:{b} GROUPBY 0 REDUCE TOLIST 1 @name AS names",
            "[1, [\"names\", [\"Bob\", \"Cyd\"]]]");
        Expect("FT.AGGREGATE idx * APPLY 'upper(@name)' AS up SORTBY 2 @up DESC LIMIT 0 1", "[1, [\"up\", \"CYD\"]]");
    }

    [Fact]
    public void CreatingAnIndexBackfillsExistingKeysInSteps()
    {
        for (int i = 0; i < 10; i++)
        {
            Json($$"""JSON.SET user:{{i}} $ '{"tags":["t"],"age":{{i}}}'""");
        }
        CreateUsers();
        var index = _db.Registry.Indexes.First();
        Assert.True(index.Indexing);
        Assert.False(index.BackfillStep(4));
        Json("""JSON.SET user:9 $ '{"tags":["t"],"age":99}'""");
        Assert.True(index.BackfillStep(100));
        Assert.False(index.Indexing);
        Expect("FT.SEARCH idx '@age:[99 99]' NOCONTENT", "[1, \"user:9\"]");
        Expect("FT.SEARCH idx '@tags:{t}' NOCONTENT LIMIT 0 0", "[10]");
    }

    [Fact]
    public void RenameFlushAndSkipInitialScanFollowTheKeyspaceHooks()
    {
        Json("""JSON.SET user:1 $ '{"tags":["t"]}'""");
        Expect("FT.CREATE fresh ON JSON PREFIX 1 user: SKIPINITIALSCAN SCHEMA $.tags[*] AS tags TAG", "OK");
        Assert.True(_db.Registry.BackfillStep(10));
        Expect("FT.SEARCH fresh @tags:{t} NOCONTENT", "[0]");
        CreateUsers();
        Assert.True(_db.Registry.BackfillStep(10));
        Expect("FT.SEARCH idx @tags:{t} NOCONTENT", "[1, \"user:1\"]");

        // RENAME user:1 user:2 as the keyspace reports it: the source disappears, the destination is written.
        var document = _db.GetDocument("user:1"u8.ToArray())!;
        _db.DeleteKey("user:1"u8.ToArray()); // calls Registry.OnKeyDeleted
        _db.StoreDocument("user:2"u8.ToArray(), document); // calls Registry.OnDocumentWritten
        Expect("FT.SEARCH idx @tags:{t} NOCONTENT", "[1, \"user:2\"]");
        Expect("FT.SEARCH fresh @tags:{t} NOCONTENT", "[1, \"user:2\"]");

        _db.Registry.OnFlush();
        Expect("FT.SEARCH idx @tags:{t} NOCONTENT", "[0]");
        Expect("FT._LIST", "[\"fresh\", \"idx\"]");
    }
}
