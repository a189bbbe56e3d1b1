namespace Cairn.Engine.Memory.Persistence;

/// <summary>How <see cref="AofWriter"/> batches writes under appendfsync everysec and no, and how much it may hold.</summary>
public sealed record AofWriterOptions
{
    public static AofWriterOptions Default { get; } = new();

    /// <summary>
    /// Under everysec and no, nobody waits for a record, so the writer thread is not woken per burst: while records keep
    /// coming the command that finds the oldest queued record this old hands the queue to the thread (or at once when
    /// <see cref="EagerWriteBytes"/> queue), and the thread's own timer (this + 1 ms) takes what is left before a pause.
    /// This is also about the longest a record waits in Cairn's memory before it reaches the OS while the thread keeps
    /// up (what a kill -9 of the process may lose; a machine crash may lose up to the last second, as everysec promises).
    /// </summary>
    public int WriteIntervalMilliseconds { get; init; } = 4;

    /// <summary>Queued bytes at which the writer thread is woken at once rather than at its next interval.</summary>
    public int EagerWriteBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// The most bytes queued for the writer under everysec and no: a command that would pass it waits (holding the store
    /// lock, so every client waits, as Redis's loop blocks in write()) until the writer has taken the queue. With the
    /// buffer being written, the writer holds at most twice this. Under always clients wait for every fsync anyway.
    /// </summary>
    public int MaxPendingBytes { get; init; } = 32 * 1024 * 1024;
}
