namespace Cairn.Cluster.Transport;

/// <summary>
/// How a node reaches its peers: encoded messages to a peer address, batched per peer, delivered at most once and in order
/// per connection (a broken connection loses what was in flight; the replication core treats that as message loss).
/// The simulator stands in for it in Cairn.Replication.Tests. Thread safety: all members are thread safe.
/// </summary>
public interface IPeerTransport : IAsyncDisposable
{
    /// <summary>The bound peer port.</summary>
    int Port { get; }

    /// <summary>Queues a message for the peer listening at <paramref name="address"/> (host:port) and writes it if the link is idle; never blocks.</summary>
    void Send(string address, byte[] message);

    /// <summary>Queues a message without writing: a later <see cref="Flush"/> sends everything queued, one frame per peer.</summary>
    void Queue(string address, byte[] message);

    /// <summary>Writes everything queued; never blocks (a write the kernel cannot take at once completes in the background).</summary>
    void Flush();

    /// <summary>Connects to <paramref name="address"/> and returns the node id it proved it has (null when it could not).</summary>
    Task<string?> IdentifyAsync(string address, CancellationToken cancellation);
}
