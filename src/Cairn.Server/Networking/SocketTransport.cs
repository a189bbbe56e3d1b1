using System.Net.Sockets;

namespace Cairn.Server.Networking;

/// <summary>
/// A client socket on .NET's socket engine (config <c>event-loop sockets</c>): the socket is non-blocking, so a direct send
/// returns what fits instead of blocking the thread; waits go through the engine's async operations.
/// </summary>
internal sealed class SocketTransport : IClientTransport
{
    private readonly Socket _socket;

    public SocketTransport(Socket socket)
    {
        _socket = socket;
        _socket.Blocking = false;
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public int TrySend(ReadOnlySpan<byte> data)
    {
        int sent = _socket.Send(data, SocketFlags.None, out SocketError error);
        return error switch
        {
            SocketError.Success => sent,
            SocketError.WouldBlock => 0,
            _ => throw new SocketException((int)error),
        };
    }

    /// <summary>One send per buffer, in order, until one is not taken whole.</summary>
    public int TrySend(ReadOnlySpan<ReadOnlyMemory<byte>> buffers)
    {
        int total = 0;
        foreach (ReadOnlyMemory<byte> buffer in buffers)
        {
            int sent = TrySend(buffer.Span);
            total += sent;
            if (sent < buffer.Length)
            {
                break;
            }
        }
        return total;
    }

    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _socket.SendAsync(data, SocketFlags.None, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
