namespace Cairn.Primitives.FileSystem;

/// <summary>
/// An append-only file. Thread safety: one thread at a time. Appended bytes are visible to readers of the same file system
/// at once (after <see cref="Flush"/> for buffered implementations) but durable only after <see cref="Sync"/>.
/// </summary>
public interface IWritableFile : IDisposable
{
    /// <summary>Bytes appended so far, synced or not.</summary>
    long Length { get; }

    void Append(ReadOnlySpan<byte> data);

    /// <summary>Hands buffered bytes to the operating system: visible to readers, not yet durable.</summary>
    void Flush();

    /// <summary>Flushes, then makes every byte appended so far durable (fsync). See <see cref="IFileSystem"/>.</summary>
    void Sync();

    /// <summary>
    /// Makes durable every byte already handed to the operating system by <see cref="Flush"/> (fsync without flushing).
    /// The one member that may run on another thread concurrently with <see cref="Append"/> and <see cref="Flush"/>: a
    /// group-commit thread fsyncs behind writers that keep appending. Throws ObjectDisposedException once disposed.
    /// </summary>
    void SyncFlushed();
}
