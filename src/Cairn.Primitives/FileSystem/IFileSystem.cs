namespace Cairn.Primitives.FileSystem;

/// <summary>
/// The only way engines touch the disk (LevelDB's <c>Env</c>, Pebble's <c>vfs</c>), so that tests can run the real engine
/// on an in-memory file system and on one that injects crashes, torn writes, bit flips and failures.
/// </summary>
/// <remarks>
/// Durability contract, which every implementation honours and every caller must assume is all it gets:
/// <list type="number">
/// <item>Bytes appended to a file survive a crash only once <see cref="IWritableFile.Sync"/> has returned after them.
/// Unsynced bytes may be lost entirely, lost from some point on, or (for the last write) partly written.</item>
/// <item>A file's name (creation, rename target, deletion) survives a crash only once <see cref="SyncDirectory"/> has
/// returned for its parent directory. A file that was synced but whose directory was not may vanish.</item>
/// <item><see cref="Rename"/> is atomic: after a crash the target names either the old file or the new one, never a mix.</item>
/// <item>Every failure is reported as an <see cref="IOException"/>; after a failed append or sync the file's durable
/// contents are unknown and the caller must not assume any of the unsynced bytes reached the disk.</item>
/// </list>
/// Paths use '/' as separator. Implementations are safe to call from several threads; a single file handle is not
/// (one writer per <see cref="IWritableFile"/>), except that <see cref="IRandomAccessFile.Read"/> may run concurrently.
/// </remarks>
public interface IFileSystem
{
    /// <summary>Creates the file (truncating any existing one) for appending.</summary>
    IWritableFile CreateWritable(string path);

    /// <summary>
    /// As <see cref="CreateWritable"/>, for a log appended in large batches and read back only after a restart (the
    /// AOF, snapshots). An implementation may write it around the page cache (<see cref="PhysicalFileSystem"/> does on Linux: each
    /// <see cref="IWritableFile.Flush"/> then ends on a 4 KiB boundary, zero-padded, and the next one overwrites the
    /// padding), so after a crash the file can end in up to 4095 zero bytes past its last append; readers of such a log
    /// must take a zero tail that ends on a 4 KiB boundary as padding, or, as snapshots do, append a multiple of 4 KiB
    /// in all before their last <see cref="IWritableFile.Sync"/>.
    /// </summary>
    IWritableFile CreateLog(string path) => CreateWritable(path);

    /// <summary>Opens an existing file for positional reads. Throws <see cref="FileNotFoundException"/> if absent.</summary>
    IRandomAccessFile OpenRandomAccess(string path);

    /// <summary>Atomically replaces <paramref name="destinationPath"/> (if present) with <paramref name="sourcePath"/>.</summary>
    void Rename(string sourcePath, string destinationPath);

    /// <summary>Deletes the file; returns false if it did not exist.</summary>
    bool Delete(string path);

    bool Exists(string path);

    /// <summary>Length in bytes of the file as readers see it now (synced or not).</summary>
    long GetLength(string path);

    /// <summary>File names (not paths) directly inside <paramref name="directoryPath"/>; empty if the directory is absent.</summary>
    IReadOnlyList<string> List(string directoryPath);

    /// <summary>Creates the directory and its parents if absent.</summary>
    void CreateDirectory(string directoryPath);

    /// <summary>Makes the directory's entries (creations, renames, deletions so far) durable.</summary>
    void SyncDirectory(string directoryPath);
}
