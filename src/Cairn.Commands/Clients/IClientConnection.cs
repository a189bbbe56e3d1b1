using Cairn.Protocol.Resp;

namespace Cairn.Commands.Clients;

/// <summary>
/// What the command layer needs from a client's transport: its output (for pushes from other clients: pub/sub, MONITOR,
/// keyspace events) and a way to close it. Implemented by Cairn.Server's connection.
/// </summary>
public interface IClientConnection
{
    string RemoteAddress { get; }

    string LocalAddress { get; }

    /// <summary>Bytes written but not yet sent to the socket (client-output-buffer-limit, CLIENT LIST omem).</summary>
    long PendingOutputBytes { get; }

    long QueryBufferBytes { get; }

    /// <summary>
    /// Writes a push frame from another client's command. Called under the store lock; takes the output lock itself.
    /// Returns false when the client was closed because the write put it past its output-buffer limit.
    /// </summary>
    bool Push(Action<RespWriter> write);

    /// <summary>Same as <see cref="Push"/> with state, to avoid a closure allocation per message.</summary>
    bool Push<TState>(TState state, Action<RespWriter, TState> write);

    /// <summary>Closes the connection as soon as pending output has been sent (afterReply) or at once.</summary>
    void Close(bool afterReply);
}
