using System.Net.Sockets;
using System.Text;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Concurrency;

/// <summary>Hundreds of concurrent connections on 2 cores: every command answered, INCR atomic across all of them.</summary>
public sealed class ManyConnectionsTests
{
    [Fact]
    public async Task FiveHundredConnectionsIncrementOneCounterWithoutLosingAnUpdate()
    {
        await using var server = new TestServer();
        const int Connections = 500;
        const int IncrementsEach = 40;
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < Connections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync("127.0.0.1", server.Port);
                sockets.Add(socket);
            }
            byte[] incr = Encoding.ASCII.GetBytes("*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n");
            await Task.WhenAll(sockets.Select(async socket =>
            {
                var buffer = new byte[64];
                for (int i = 0; i < IncrementsEach; i++)
                {
                    await socket.SendAsync(incr, SocketFlags.None);
                    int read = 0;
                    while (read == 0 || buffer[read - 1] != '\n')
                    {
                        int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
                        Assert.True(n > 0, "connection closed");
                        read += n;
                    }
                    Assert.Equal((byte)':', buffer[0]);
                }
            })).WaitAsync(TimeSpan.FromMinutes(2));
            using RawClient check = server.Raw();
            Assert.Equal((Connections * IncrementsEach).ToString(System.Globalization.CultureInfo.InvariantCulture), check.Execute("GET", "counter"));
            Assert.Contains($"connected_clients:{Connections + 1}", check.Execute("INFO", "clients"), StringComparison.Ordinal);
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
