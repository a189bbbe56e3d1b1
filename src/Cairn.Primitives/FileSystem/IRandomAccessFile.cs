namespace Cairn.Primitives.FileSystem;

/// <summary>A file opened for positional reads. Thread safety: <see cref="Read"/> may be called concurrently.</summary>
public interface IRandomAccessFile : IDisposable
{
    string Path { get; }

    long Length { get; }

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; returns the count read,
    /// which is smaller only at the end of the file.</summary>
    int Read(long offset, Span<byte> destination);
}
