namespace Cairn.Server.Networking;

/// <summary>
/// A client socket as a connection uses it: receives into the connection's own buffer, and sends replies straight from
/// the thread that produced them when the socket has room (<see cref="TrySend"/>), waiting only when it has none.
/// Implementations: <see cref="Epoll.EpollSocket"/> (Cairn's event loops) and <see cref="SocketTransport"/> (.NET's
/// socket engine, config <c>event-loop sockets</c>). At most one receive and one send are outstanding at a time.
/// </summary>
internal interface IClientTransport : IAsyncDisposable
{
    /// <summary>Receives into <paramref name="buffer"/>: bytes received, 0 at end of stream.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Sends what the socket accepts now, without waiting: bytes sent, 0 when its buffer is full. Throws
    /// <see cref="System.Net.Sockets.SocketException"/> or <see cref="ObjectDisposedException"/> when the socket failed.</summary>
    int TrySend(ReadOnlySpan<byte> data);

    /// <summary>
    /// As <see cref="TrySend(ReadOnlySpan{byte})"/> for several buffers in order, in one system call where the
    /// implementation can (sendmsg): bytes sent, counted across the buffers.
    /// </summary>
    int TrySend(ReadOnlySpan<ReadOnlyMemory<byte>> buffers);

    /// <summary>Sends at least one byte of <paramref name="data"/>, waiting for room: bytes sent.</summary>
    ValueTask<int> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}
