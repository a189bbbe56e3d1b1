using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Json;

/// <summary>
/// JSON.* replies where RedisJSON's RESP3 shape differs from RESP2 (its tests/pytest/test_resp3.py): JSON.GET FORMAT
/// JSON/EXPAND, JSON.TYPE wrapped in an array, NUMINCRBY/NUMMULTBY as arrays of numbers, JSON.RESP doubles as ','
/// frames; under RESP2 the same commands keep their RESP2 replies and FORMAT is refused.
/// </summary>
public sealed class JsonResp3Tests : IClassFixture<JsonResp3Tests.Fixture>
{
    private readonly TestServer _server;

    public JsonResp3Tests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private RawClient Resp3()
    {
        RawClient client = _server.Raw();
        Assert.StartsWith("{", client.Execute("HELLO", "3"));
        return client;
    }

    [Fact]
    public void GetWithFormatJsonGivesOneArrayPerPathOfJsonTexts()
    {
        using RawClient client = Resp3();
        Assert.Equal("+OK", client.Execute("JSON.SET", "r3:get", "$", """{"a1":{"b":{"c":true,"d":null}},"a2":{"b":{"c":2}}}"""));
        Assert.Equal("""[[{"a1":{"b":{"c":true,"d":null}},"a2":{"b":{"c":2}}}]]""", client.Execute("JSON.GET", "r3:get", "FORMAT", "JSON", "$"));
        Assert.Equal("""[[{"c":true,"d":null}, {"c":2}]]""", client.Execute("JSON.GET", "r3:get", "FORMAT", "JSON", "$..b"));
        Assert.Equal("""[[{"b":{"c":true,"d":null}}], [], [{"b":{"c":2}}]]""",
            client.Execute("JSON.GET", "r3:get", "FORMAT", "JSON", "$.a1", "$.a3", "$.a2"));
        Assert.Equal("[[#t, :2]]", client.Execute("JSON.GET", "r3:get", "FORMAT", "JSON", "$..c"));
        Assert.Equal("(nil)", client.Execute("JSON.GET", "r3:missing", "FORMAT", "JSON", "$.a3"));
    }

    [Fact]
    public void GetWithFormatExpandGivesNativeValues()
    {
        using RawClient client = Resp3();
        Assert.Equal("+OK", client.Execute("JSON.SET", "r3:expand", "$", """{"a":{"b":{"c":true,"d":null}},"e":[1,2.5,"x"]}"""));
        Assert.Equal("[[{a: {b: {c: #t, d: (nil)}}, e: [:1, ,2.5, x]}]]", client.Execute("JSON.GET", "r3:expand", "FORMAT", "EXPAND", "$"));
        Assert.Equal("[[x]]", client.Execute("JSON.GET", "r3:expand", "FORMAT", "EXPAND", "$.e[2]"));
    }

    [Fact]
    public void GetWithFormatStringOrNoFormatKeepsTheSerializedText()
    {
        using RawClient client = Resp3();
        Assert.Equal("+OK", client.Execute("JSON.SET", "r3:string", "$", """{"a":{"c":1}}"""));
        Assert.Equal("""[{"a":{"c":1}}]""", client.Execute("JSON.GET", "r3:string", "$"));
        Assert.Equal("""[{"a":{"c":1}}]""", client.Execute("JSON.GET", "r3:string", "FORMAT", "STRING", "$"));
        Assert.Equal("-ERR wrong reply format", client.Execute("JSON.GET", "r3:string", "FORMAT", "STRINGS", "$"));
    }

    [Fact]
    public void GetWithFormatBeforeAPathIsRefusedUnderResp2()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("+OK", client.Execute("JSON.SET", "r2:format", "$", """{"a":1}"""));
        Assert.Equal("-ERR FORMAT argument is not supported on RESP2", client.Execute("JSON.GET", "r2:format", "FORMAT", "JSON", "$"));
        Assert.Equal("[1]", client.Execute("JSON.GET", "r2:format", "$.a"));
    }

    [Fact]
    public void TypeIsWrappedInAnArrayUnderResp3()
    {
        using RawClient client = Resp3();
        Assert.Equal("+OK", client.Execute("JSON.SET", "r3:type", "$", """{"a1":{"b":{"c":1}},"a2":{"b":{"c":true}},"a4":[1.2,2,3.32],"c":null}"""));
        Assert.Equal("[[integer]]", client.Execute("JSON.TYPE", "r3:type", "$.a1.b.c"));
        Assert.Equal("[[number, integer, number]]", client.Execute("JSON.TYPE", "r3:type", "$.a4[*]"));
        Assert.Equal("[[]]", client.Execute("JSON.TYPE", "r3:type", "$.a3"));
        Assert.Equal("[(nil)]", client.Execute("JSON.TYPE", "r3:missing", "$.a1.b.c"));
        using RawClient resp2 = _server.Raw();
        Assert.Equal("[integer]", resp2.Execute("JSON.TYPE", "r3:type", "$.a1.b.c"));
        Assert.Equal("integer", resp2.Execute("JSON.TYPE", "r3:type", ".a1.b.c"));
    }

    [Fact]
    public void NumIncrByAndNumMultByReplyWithArraysOfNumbersUnderResp3()
    {
        using RawClient client = Resp3();
        Assert.Equal("+OK", client.Execute("JSON.SET", "r3:num", "$", """{"a1":{"b":{"c":1}},"a2":{"b":{"c":2.5}},"a3":{"b":{"c":"val"}}}"""));
        Assert.Equal("[:2]", client.Execute("JSON.NUMINCRBY", "r3:num", "$.a1.b.c", "1"));
        Assert.Equal("[:4, ,4.5, (nil)]", client.Execute("JSON.NUMINCRBY", "r3:num", "$..c", "2"));
        Assert.Equal("[,9]", client.Execute("JSON.NUMMULTBY", "r3:num", "$.a2.b.c", "2"));
        using RawClient resp2 = _server.Raw();
        Assert.Equal("[5,10.0,null]", resp2.Execute("JSON.NUMINCRBY", "r3:num", "$..c", "1"));
    }

    [Fact]
    public void RespRepliesDoublesAsDoubleFramesUnderResp3()
    {
        using RawClient client = Resp3();
        Assert.Equal("+OK", client.Execute("JSON.SET", "r3:resp", "$", """{"a":[1,2.5,true,null,"s"]}"""));
        Assert.Equal("[[+[, :1, ,2.5, +true, (nil), s]]", client.Execute("JSON.RESP", "r3:resp", "$.a"));
        using RawClient resp2 = _server.Raw();
        Assert.Equal("[[+[, :1, 2.5, +true, (nil), s]]", resp2.Execute("JSON.RESP", "r3:resp", "$.a"));
    }
}
