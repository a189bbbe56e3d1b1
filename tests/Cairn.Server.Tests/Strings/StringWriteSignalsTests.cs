using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Strings;

/// <summary>Keyspace events (Redis's names, only on a real change) and WATCH invalidation after string writes.</summary>
public sealed class StringWriteSignalsTests : IClassFixture<WriteSignalsFixture>
{
    private readonly WriteSignalsFixture _fixture;
    private readonly TestServer _server;

    public StringWriteSignalsTests(WriteSignalsFixture fixture)
    {
        _fixture = fixture;
        _server = fixture.Server;
    }

    private void AssertEvents(RawClient client, string[] command, params string[] expected)
    {
        _fixture.Events.Take();
        client.Execute(command);
        Assert.Equal(expected, _fixture.Events.Take());
    }

    [Fact]
    public void SetFamilyEvents()
    {
        using RawClient client = _server.Raw();
        AssertEvents(client, ["SET", "ev:k", "v"], "set ev:k");
        AssertEvents(client, ["SET", "ev:k", "v", "EX", "100"], "set ev:k", "expire ev:k");
        AssertEvents(client, ["SET", "ev:k", "v", "NX"]);
        AssertEvents(client, ["SETEX", "ev:k", "100", "v"], "set ev:k", "expire ev:k");
        AssertEvents(client, ["PSETEX", "ev:k", "100000", "v"], "set ev:k", "expire ev:k");
        AssertEvents(client, ["SETNX", "ev:k", "v"]);
        AssertEvents(client, ["GETSET", "ev:k", "w"], "set ev:k");
        AssertEvents(client, ["MSET", "ev:a", "1", "ev:b", "2"], "set ev:a", "set ev:b");
        AssertEvents(client, ["MSETNX", "ev:a", "1", "ev:c", "2"]);
        AssertEvents(client, ["GETEX", "ev:k", "EX", "100"], "expire ev:k");
        AssertEvents(client, ["GETEX", "ev:k", "PERSIST"], "persist ev:k");
        AssertEvents(client, ["GETEX", "ev:k", "PERSIST"]);
        AssertEvents(client, ["GETEX", "ev:k", "PXAT", "1"], "del ev:k");
        AssertEvents(client, ["GETDEL", "ev:a"], "del ev:a");
        AssertEvents(client, ["GETDEL", "ev:a"]);
    }

    [Fact]
    public void RangeCounterAndBitEvents()
    {
        using RawClient client = _server.Raw();
        AssertEvents(client, ["APPEND", "evr:k", "ab"], "append evr:k");
        AssertEvents(client, ["SETRANGE", "evr:k", "1", "x"], "setrange evr:k");
        AssertEvents(client, ["SETRANGE", "evr:k", "1", ""]);
        AssertEvents(client, ["INCR", "evr:n"], "incrby evr:n");
        AssertEvents(client, ["DECRBY", "evr:n", "3"], "incrby evr:n");
        AssertEvents(client, ["INCRBYFLOAT", "evr:n", "0.5"], "incrbyfloat evr:n");
        AssertEvents(client, ["SETBIT", "evr:bits", "3", "1"], "setbit evr:bits");
        AssertEvents(client, ["SETBIT", "evr:bits", "3", "1"]);
        AssertEvents(client, ["SETBIT", "evr:bits", "100", "0"], "setbit evr:bits");
        AssertEvents(client, ["BITFIELD", "evr:bits", "SET", "u4", "0", "5"], "setbit evr:bits");
        AssertEvents(client, ["BITFIELD", "evr:bits", "SET", "u4", "0", "5", "GET", "u4", "0"]);
        AssertEvents(client, ["BITOP", "NOT", "evr:dest", "evr:bits"], "set evr:dest");
        AssertEvents(client, ["BITOP", "AND", "evr:dest", "evr:none"], "del evr:dest");
        AssertEvents(client, ["BITOP", "AND", "evr:dest", "evr:none"]);
    }

    [Theory]
    [InlineData("SET", "w:k", "x")]
    [InlineData("APPEND", "w:k", "x")]
    [InlineData("SETRANGE", "w:k", "0", "z")]
    [InlineData("INCRBYFLOAT", "w:k", "1")]
    [InlineData("SETBIT", "w:k", "0", "1")]
    [InlineData("BITFIELD", "w:k", "INCRBY", "u8", "0", "1")]
    [InlineData("GETDEL", "w:k")]
    [InlineData("GETEX", "w:k", "EX", "100")]
    [InlineData("BITOP", "NOT", "w:k", "w:k")]
    public void WritesBreakAWatch(params string[] write)
    {
        using RawClient watcher = _server.Raw();
        using RawClient writer = _server.Raw();
        watcher.Execute("SET", "w:k", "5");
        Assert.Equal("+OK", watcher.Execute("WATCH", "w:k"));
        Assert.Equal("+OK", watcher.Execute("MULTI"));
        Assert.Equal("+QUEUED", watcher.Execute("GET", "w:k"));
        writer.Execute(write);
        Assert.Equal("(nil array)", watcher.Execute("EXEC"));
    }

    [Theory]
    [InlineData("GET", "nw:k")]
    [InlineData("SET", "nw:k", "x", "NX")]
    [InlineData("SETRANGE", "nw:k", "0", "")]
    [InlineData("SETBIT", "nw:k", "2", "1")]
    [InlineData("BITFIELD", "nw:k", "GET", "u8", "0")]
    [InlineData("GETEX", "nw:k")]
    [InlineData("INCRBY", "nw:k", "9223372036854775807")]
    public void ReadsAndNoOpWritesKeepAWatch(params string[] command)
    {
        using RawClient watcher = _server.Raw();
        using RawClient other = _server.Raw();
        // "1" is 0x31: bit 2 is already set.
        watcher.Execute("SET", "nw:k", "1");
        Assert.Equal("+OK", watcher.Execute("WATCH", "nw:k"));
        Assert.Equal("+OK", watcher.Execute("MULTI"));
        Assert.Equal("+QUEUED", watcher.Execute("GET", "nw:k"));
        other.Execute(command);
        Assert.Equal("[1]", watcher.Execute("EXEC"));
    }
}
