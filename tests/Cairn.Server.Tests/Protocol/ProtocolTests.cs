using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Protocol;

public sealed class ProtocolTests : IClassFixture<ProtocolTests.Fixture>
{
    private readonly TestServer _server;

    public ProtocolTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public void PingRepliesPong()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("+PONG", client.Execute("PING"));
        Assert.Equal("hello", client.Execute("PING", "hello"));
    }

    [Fact]
    public void InlineCommandsAreParsedWithQuotes()
    {
        using RawClient client = _server.Raw();
        client.Send("ECHO \"hello world\\x41\"\r\n");
        Assert.Equal("hello worldA", client.ReadReply());
        client.Send("PING\n");
        Assert.Equal("+PONG", client.ReadReply());
    }

    [Fact]
    public void UnbalancedQuotesInInlineCommandAreAProtocolErrorAndCloseTheConnection()
    {
        using RawClient client = _server.Raw();
        client.Send("ECHO \"unterminated\r\n");
        Assert.Equal("-ERR Protocol error: unbalanced quotes in request", client.ReadReply());
        Assert.True(client.IsClosedByServer());
    }

    [Theory]
    [InlineData("*1\r\n:5\r\n", "-ERR Protocol error: expected '$', got ':'")]
    [InlineData("*abc\r\n", "-ERR Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$600000000\r\n", "-ERR Protocol error: invalid bulk length")]
    [InlineData("*3000000000\r\n", "-ERR Protocol error: invalid multibulk length")]
    public void MalformedMultibulkGetsRedisProtocolErrorAndIsClosed(string input, string expected)
    {
        using RawClient client = _server.Raw();
        client.Send(input);
        Assert.Equal(expected, client.ReadReply());
        Assert.True(client.IsClosedByServer());
        using RawClient other = _server.Raw();
        Assert.Equal("+PONG", other.Execute("PING"));
    }

    [Fact]
    public void CommandsBeforeAProtocolErrorInTheSameBufferAreAnswered()
    {
        using RawClient client = _server.Raw();
        client.Send("*1\r\n$4\r\nPING\r\n*1\r\n!\r\n");
        Assert.Equal("+PONG", client.ReadReply());
        Assert.StartsWith("-ERR Protocol error", client.ReadReply(), StringComparison.Ordinal);
    }

    [Fact]
    public void TooBigInlineRequestIsRefused()
    {
        using RawClient client = _server.Raw();
        client.Send(new string('a', 70 * 1024));
        Assert.Equal("-ERR Protocol error: too big inline request", client.ReadReply());
        Assert.True(client.IsClosedByServer());
    }

    [Fact]
    public void PipelinedThousandsOfCommandsAreAllAnsweredInOrder()
    {
        using RawClient client = _server.Raw();
        var batch = new System.Text.StringBuilder();
        for (int i = 0; i < 5000; i++)
        {
            batch.Append($"*2\r\n$4\r\nECHO\r\n${i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length}\r\n{i}\r\n");
        }
        client.Send(batch.ToString());
        for (int i = 0; i < 5000; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), client.ReadReply());
        }
    }

    [Fact]
    public void ARequestSplitAcrossManyWritesIsReassembled()
    {
        using RawClient client = _server.Raw();
        string value = new('x', 200_000);
        byte[] request = System.Text.Encoding.ASCII.GetBytes($"*2\r\n$4\r\nECHO\r\n${value.Length}\r\n{value}\r\n");
        for (int offset = 0; offset < request.Length; offset += 7919)
        {
            client.Send(request.AsSpan(offset, Math.Min(7919, request.Length - offset)).ToArray());
        }
        Assert.Equal(value, client.ReadReply());
    }

    [Fact]
    public void UnknownCommandErrorListsArgumentsAsRedisDoes()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR unknown command 'foo', with args beginning with: 'a' 'b' ", client.Execute("foo", "a", "b"));
    }

    [Fact]
    public void WrongArityIsReportedWithLowercaseName()
    {
        using RawClient client = _server.Raw();
        Assert.Equal("-ERR wrong number of arguments for 'echo' command", client.Execute("ECHO"));
        Assert.Equal("-ERR wrong number of arguments for 'client|setname' command", client.Execute("CLIENT", "SETNAME"));
        Assert.Equal("-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.", client.Execute("CLIENT", "NOPE"));
    }

    [Fact]
    public void Resp3HelloSwitchesProtocolAndRepliesWithAMap()
    {
        using RawClient client = _server.Raw();
        string hello = client.Execute("HELLO", "3", "SETNAME", "tester");
        Assert.StartsWith("{server: redis, version: ", hello, StringComparison.Ordinal);
        Assert.Contains("proto: :3", hello, StringComparison.Ordinal);
        Assert.Equal("tester", client.Execute("CLIENT", "GETNAME"));
        Assert.Equal("-NOPROTO unsupported protocol version", client.Execute("HELLO", "4"));
    }
}
