using System.Net.Sockets;
using Cairn.Primitives.Networking;

namespace Cairn.Server.Networking.Epoll;

/// <summary>
/// Lends one <see cref="EpollLoop"/> to sockets that are not clients' (<see cref="CairnServer.PeerLinkLoop"/>): a
/// cluster node's inbound peer links are read on the loop that serves clients, so a peer frame that answers a routed
/// client is handled, and the client answered and resumed, on an event-loop thread rather than on a .NET socket-engine
/// thread that the frame had to wake (docs/cluster.md, Peer transport).
/// </summary>
internal sealed class EpollLoopHost : IEventLoopHost
{
    private readonly EpollLoop _loop;

    public EpollLoopHost(EpollLoop loop)
    {
        _loop = loop;
    }

    public IEventLoopSocket Attach(Socket socket) => new EpollSocket(socket, _loop);
}
