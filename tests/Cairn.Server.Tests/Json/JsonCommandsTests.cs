using Cairn.Server.Tests.Infrastructure;
using NRedisStack;
using NRedisStack.Json.DataTypes;
using NRedisStack.RedisStackCommands;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Json;

/// <summary>JSON.* through NRedisStack's JsonCommands (every command) and raw RESP for exact replies and errors.</summary>
public sealed class JsonCommandsTests : IClassFixture<JsonCommandsTests.Fixture>
{
    private readonly TestServer _server;

    public JsonCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private JsonCommands Json => _server.Database().JSON();

    [Fact]
    public void SetAndGetRoundTripADocument()
    {
        Assert.True(Json.Set("j:set", "$", """{"a":1,"b":[1,2],"c":{"d":"x"}}"""));
        Assert.Equal("""{"a":1,"b":[1,2],"c":{"d":"x"}}""", Json.Get("j:set").ToString());
        Assert.Equal("[\"x\"]", Json.Get("j:set", path: "$.c.d").ToString());
        Assert.True(Json.Set("j:set", "$.a", "2"));
        Assert.False(Json.Set("j:set", "$.a", "3", When.NotExists));
        Assert.True(Json.Set("j:set", "$.e", "true", When.NotExists));
        Assert.Equal("""{"a":2,"b":[1,2],"c":{"d":"x"},"e":true}""", Json.Get("j:set").ToString());
    }

    [Fact]
    public void GetOfATypedObjectDeserializes()
    {
        Assert.True(Json.Set("j:typed", "$", new Person { Name = "Ann", Age = 30 }));
        Person? person = Json.Get<Person>("j:typed");
        Assert.NotNull(person);
        Assert.Equal("Ann", person!.Name);
        Assert.Equal(30, person.Age);
    }

    public sealed class Person
    {
        public string Name { get; set; } = "";

        public int Age { get; set; }
    }

    [Fact]
    public void MGetAndMSetSpanKeys()
    {
        Json.MSet([new KeyPathValue("j:m1", "$", new { v = 1 }), new KeyPathValue("j:m2", "$", new { v = 2 })]);
        RedisResult[] values = Json.MGet(["j:m1", "j:m2", "j:missing"], "$.v");
        Assert.Equal("[1]", values[0].ToString());
        Assert.Equal("[2]", values[1].ToString());
        Assert.True(values[2].IsNull);
    }

    [Fact]
    public void MergeDelForgetAndType()
    {
        Json.Set("j:merge", "$", """{"a":{"b":1},"c":2}""");
        Assert.True(Json.Merge("j:merge", "$", """{"a":{"x":"y"},"c":null}"""));
        Assert.Equal("""{"a":{"b":1,"x":"y"}}""", Json.Get("j:merge").ToString());
        Assert.Equal([JsonType.OBJECT], Json.Type("j:merge", "$.a"));
        Assert.Equal(1, Json.Del("j:merge", "$.a.b"));
        Assert.Equal(1, Json.Forget("j:merge", "$.a.x"));
        Assert.Equal(1, Json.Del("j:merge"));
        Assert.False(_server.Database().KeyExists("j:merge"));
    }

    [Fact]
    public void NumbersStringsAndBooleans()
    {
        Json.Set("j:num", "$", """{"n":1,"f":1.5,"s":"ab","t":false}""");
        Assert.Equal([3.0], Json.NumIncrby("j:num", "$.n", 2));
        using (RawClient client = _server.Raw())
        {
            Assert.Equal("[3.0]", client.Execute("JSON.NUMMULTBY", "j:num", "$.f", "2")); // NRedisStack has no NumMultby
        }
        Assert.Equal([4L], Json.StrAppend("j:num", "cd", "$.s"));
        Assert.Equal([4L], Json.StrLen("j:num", "$.s"));
        Assert.Equal([true], Json.Toggle("j:num", "$.t"));
        Assert.Equal("""{"n":3,"f":3.0,"s":"abcd","t":true}""", Json.Get("j:num").ToString());
    }

    [Fact]
    public void ArraysEndToEnd()
    {
        Json.Set("j:arr", "$", """{"a":[1,2,3]}""");
        Assert.Equal([5L], Json.ArrAppend("j:arr", "$.a", 4, 5));
        Assert.Equal([2L], Json.ArrIndex("j:arr", "$.a", 3));
        Assert.Equal([6L], Json.ArrInsert("j:arr", "$.a", 0, 0));
        Assert.Equal([6L], Json.ArrLen("j:arr", "$.a"));
        Assert.Equal("5", Json.ArrPop("j:arr", "$.a")[0].ToString());
        Assert.Equal([2L], Json.ArrTrim("j:arr", "$.a", 1, 2));
        Assert.Equal("[[1,2]]", Json.Get("j:arr", path: "$.a").ToString());
        Assert.Equal(1, Json.Clear("j:arr", "$.a"));
        Assert.Equal("[[]]", Json.Get("j:arr", path: "$.a").ToString());
    }

    [Fact]
    public void ObjectsRespAndDebugMemory()
    {
        Json.Set("j:obj", "$", """{"a":{"x":1,"y":2}}""");
        Assert.Equal(["x", "y"], Json.ObjKeys("j:obj", "$.a").First().Order());
        Assert.Equal([2L], Json.ObjLen("j:obj", "$.a"));
        Assert.Equal("{, x, 1, y, 2", string.Join(", ", ((RedisResult[])Json.Resp("j:obj", "$.a")[0]!).Select(r => r.ToString())));
        Assert.True(Json.DebugMemory("j:obj") > 0);
    }

    [Fact]
    public void KeyTypeEncodingAndMemoryAreReported()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("JSON.SET", "j:meta", "$", """{"a":[1,2,3]}"""));
        Assert.Equal("+ReJSON-RL", client.Execute("TYPE", "j:meta"));
        Assert.Equal("raw", client.Execute("OBJECT", "ENCODING", "j:meta"));
        long before = long.Parse(client.Execute("MEMORY", "USAGE", "j:meta")[1..], System.Globalization.CultureInfo.InvariantCulture);
        client.Execute("JSON.SET", "j:meta", "$.b", "\"" + new string('x', 1000) + "\"");
        long after = long.Parse(client.Execute("MEMORY", "USAGE", "j:meta")[1..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(after >= before + 1000, $"{before} -> {after}");
    }

    [Fact]
    public void CopyRenameAndDumpKeepDocumentsIndependent()
    {
        using RawClient client = _server.Raw();
        client.Execute("JSON.SET", "j:src", "$", """{"a":1}""");
        Assert.Equal(":1", client.Execute("COPY", "j:src", "j:dst"));
        client.Execute("JSON.SET", "j:dst", "$.a", "2");
        Assert.Equal("{\"a\":1}", client.Execute("JSON.GET", "j:src"));
        Assert.Equal("+OK", client.Execute("RENAME", "j:dst", "j:renamed"));
        Assert.Equal("{\"a\":2}", client.Execute("JSON.GET", "j:renamed"));
    }

    [Fact]
    public void KeyPositionsAndFlagsAreDeclared()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("[a, b]", client.Execute("COMMAND", "GETKEYS", "JSON.MGET", "a", "b", "$"));
        Assert.Equal("[a, b]", client.Execute("COMMAND", "GETKEYS", "JSON.MSET", "a", "$", "1", "b", "$", "2"));
        Assert.Equal("[k]", client.Execute("COMMAND", "GETKEYS", "JSON.SET", "k", "$", "1"));
        string set = client.Execute("COMMAND", "INFO", "JSON.SET");
        Assert.Contains("write", set);
        Assert.Contains("denyoom", set);
        Assert.Contains("readonly", client.Execute("COMMAND", "INFO", "JSON.GET"));
        Assert.Contains("write", client.Execute("COMMAND", "INFO", "FT.CREATE"));
        Assert.Contains("readonly", client.Execute("COMMAND", "INFO", "FT.SEARCH"));
    }

    [Fact]
    public void ErrorsMatchRedisJson()
    {
        using RawClient client = _server.Raw();
        client.Execute("SET", "j:string", "x");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", client.Execute("JSON.GET", "j:string"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", client.Execute("JSON.SET", "j:string", "$", "1"));
        Assert.Equal("-ERR wrong number of arguments for 'json.set' command", client.Execute("JSON.SET", "j:x", "$"));
        Assert.Equal("-ERR wrong number of arguments for 'json.get' command", client.Execute("JSON.GET"));
        Assert.StartsWith("-ERR new objects must be created at the root", client.Execute("JSON.SET", "j:new", "$.a", "1"));
        Assert.StartsWith("-", client.Execute("JSON.SET", "j:bad", "$", "{not json"));
        client.Execute("JSON.SET", "j:err", "$", """{"a":"s"}""");
        Assert.Equal("[null]", client.Execute("JSON.NUMINCRBY", "j:err", "$.a", "1"));
        Assert.Equal("(nil)", client.Execute("JSON.GET", "j:missing"));
        client.Execute("JSON.SET", "j:wt", "$", "1");
        Assert.StartsWith("-WRONGTYPE", client.Execute("LPUSH", "j:wt", "x"));
    }

    [Fact]
    public void Resp3RepliesUseNativeNumbers()
    {
        using RawClient client = _server.Raw();
        client.Execute("HELLO", "3");
        client.Execute("JSON.SET", "j:r3", "$", """{"n":1}""");
        Assert.Equal("[:3]", client.Execute("JSON.NUMINCRBY", "j:r3", "$.n", "2"));
    }

    [Fact]
    public void WritesPublishModuleKeyspaceEvents()
    {
        using RawClient admin = _server.Raw();
        admin.Execute("CONFIG", "SET", "notify-keyspace-events", "KEd");
        try
        {
            using RawClient subscriber = _server.Raw();
            subscriber.Execute("SUBSCRIBE", "__keyevent@0__:json.set");
            admin.Execute("JSON.SET", "j:event", "$", "1");
            Assert.Equal("[message, __keyevent@0__:json.set, j:event]", subscriber.ReadReply());
        }
        finally
        {
            admin.Execute("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    [Fact]
    public void WatchIsBrokenByAJsonWrite()
    {
        using RawClient a = _server.Raw();
        using RawClient b = _server.Raw();
        a.Execute("JSON.SET", "j:watch", "$", """{"n":1}""");
        a.Execute("WATCH", "j:watch");
        b.Execute("JSON.NUMINCRBY", "j:watch", "$.n", "1");
        a.Execute("MULTI");
        a.Execute("JSON.GET", "j:watch");
        Assert.Equal("(nil array)", a.Execute("EXEC"));
    }
}
