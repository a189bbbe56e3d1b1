using Cairn.Cluster.Engine;
using Cairn.Protocol.Resp;

namespace Cairn.Server.Tests.Cluster;

public sealed class CommandEncodingTests
{
    [Fact]
    public void CommandsRoundTripWithTheirProtocolAndArgumentsOfEveryLength()
    {
        byte[] longArgument = new byte[300]; // a two-byte length varint
        new Random(7).NextBytes(longArgument);
        List<byte[][]> commands =
        [
            ["MULTI"u8.ToArray()],
            ["SET"u8.ToArray(), "k"u8.ToArray(), longArgument, [], "PX"u8.ToArray(), "100"u8.ToArray()],
            ["EXEC"u8.ToArray()],
        ];

        foreach (RespVersion protocol in new[] { RespVersion.Resp2, RespVersion.Resp3 })
        {
            byte[] encoded = CommandEncoding.Encode(protocol, commands);
            Assert.True(CommandEncoding.TryDecode(encoded, out RespVersion decodedProtocol, out List<byte[][]> decoded));
            Assert.Equal(protocol, decodedProtocol);
            Assert.Equal(commands.Count, decoded.Count);
            for (int c = 0; c < commands.Count; c++)
            {
                Assert.Equal(commands[c], decoded[c]);
            }
        }
    }

    [Fact]
    public void TheEncodingIsTheVersionByteTheCountAndLengthPrefixedArguments()
    {
        byte[] encoded = CommandEncoding.Encode(RespVersion.Resp2, [["GET"u8.ToArray(), "key"u8.ToArray()]]);
        Assert.Equal(new byte[] { 2, 1, 2, 3, (byte)'G', (byte)'E', (byte)'T', 3, (byte)'k', (byte)'e', (byte)'y' }, encoded);
    }

    [Fact]
    public void ATruncatedEncodingDoesNotDecode()
    {
        byte[] encoded = CommandEncoding.Encode(RespVersion.Resp3, [["GET"u8.ToArray(), "key"u8.ToArray()]]);
        Assert.False(CommandEncoding.TryDecode(encoded[..^1], out _, out _));
    }
}
