using System.Net.Sockets;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.ServerAdmin;

public sealed class ListenPortTests
{
    [Fact]
    public void A_second_node_on_a_port_in_use_fails_to_start_instead_of_sharing_it()
    {
        using var first = new TestServer();
        var e = Assert.Throws<SocketException>(() => new TestServer(c => c.Port = first.Port));
        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        using RawClient client = first.Raw();
        Assert.Equal("+PONG", client.Execute("PING"));
    }
}
