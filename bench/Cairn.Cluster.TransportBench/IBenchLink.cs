namespace Cairn.Cluster.TransportBench;

/// <summary>
/// One direction of peer traffic under test: the sender writes a batch of encoded peer messages as one write; the receiver
/// checks and splits it (FrameCodec: length, CRC-32C, varint-prefixed messages) and acknowledges how many it got.
/// </summary>
internal interface IBenchLink : IAsyncDisposable
{
    string Name { get; }

    AckCounter Acks { get; }

    Task StartAsync();

    /// <summary>Writes the batch as one frame; returns when the transport has taken it (not when it arrived).</summary>
    ValueTask SendAsync(List<byte[]> batch);
}
