using System.Net.Sockets;

namespace Cairn.Primitives.Networking;

/// <summary>
/// One of the server's event loops, lent to a socket that is not a client's (a cluster node's inbound peer links), so that
/// its reads complete on the loop thread in the same <c>epoll_wait</c> turns as the loop's clients (see
/// <see cref="EventLoopTurn"/>). The cluster lives above the server, so it sees the loop only through this seam.
/// </summary>
public interface IEventLoopHost
{
    /// <summary>
    /// Registers <paramref name="socket"/> with the loop. The socket must not have been used with an asynchronous .NET
    /// socket call (that registers it with .NET's engine too, whose thread would then wake on every edge); it still belongs
    /// to the caller, who disposes the returned reader before closing it.
    /// </summary>
    IEventLoopSocket Attach(Socket socket);
}
