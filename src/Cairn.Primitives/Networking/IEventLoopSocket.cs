namespace Cairn.Primitives.Networking;

/// <summary>
/// A socket read by an event loop (<see cref="IEventLoopHost.Attach"/>). Thread safety: one receive outstanding at a time;
/// <see cref="IDisposable.Dispose"/> may run on any thread and fails a waiting receive.
/// </summary>
public interface IEventLoopSocket : IDisposable
{
    /// <summary>
    /// Receives into <paramref name="buffer"/>: bytes received, 0 at end of stream. When it has to wait, it completes on the
    /// loop thread, inline (its continuation runs there, inside the loop's turn).
    /// </summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer);
}
