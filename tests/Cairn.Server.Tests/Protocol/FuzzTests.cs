using System.Net.Sockets;
using Cairn.Primitives;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Protocol;

/// <summary>
/// Random and malformed bytes from many connections: the server never crashes or hangs, and a well-behaved client on
/// another connection keeps getting correct answers throughout. The seed is printed on failure.
/// </summary>
public sealed class FuzzTests
{
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public async Task RandomAndMalformedInputNeverDisturbsOtherClients(ulong seed)
    {
        using var server = new TestServer(c => c.ProtoMaxBulkLengthBytes = 1024 * 1024);
        var random = new SeededRandom(seed);
        using RawClient healthy = server.Raw();
        string[] fragments = ["*", "$", "\r\n", "*1\r\n", "*2\r\n$4\r\nECHO\r\n", "$-1\r\n", "*-1\r\n", "$99999999999\r\n", "*9999999999\r\n",
            "PING\r\n", "\"", "'", "\\x", "*1\r\n$4\r\nPING\r\n", "*3\r\n$3\r\nSET\r\n", ":1\r\n", "\0", "HELLO 3\r\n", "MULTI\r\n", "EXEC\r\n",
            "SUBSCRIBE x\r\n", "CLIENT REPLY OFF\r\n", "*1\r\n$1000\r\n"];
        for (int round = 0; round < 60; round++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync("127.0.0.1", server.Port);
            int pieces = 1 + random.NextInt(40);
            for (int i = 0; i < pieces; i++)
            {
                byte[] bytes;
                if (random.NextInt(3) == 0)
                {
                    bytes = new byte[1 + random.NextInt(300)];
                    for (int j = 0; j < bytes.Length; j++)
                    {
                        bytes[j] = (byte)random.NextInt(256);
                    }
                }
                else
                {
                    bytes = System.Text.Encoding.ASCII.GetBytes(fragments[random.NextInt(fragments.Length)]);
                }
                try
                {
                    await socket.SendAsync(bytes, SocketFlags.None);
                }
                catch (SocketException)
                {
                    break; // the server closed this connection after a protocol error, as it should
                }
            }
            if (random.NextInt(2) == 0)
            {
                socket.Close();
            }
            string expected = $"alive-{seed}-{round}";
            Assert.True(expected == healthy.Execute("ECHO", expected), $"seed {seed} round {round}: healthy client got a wrong reply");
        }
        Assert.Equal("+PONG", healthy.Execute("PING"));
    }
}
