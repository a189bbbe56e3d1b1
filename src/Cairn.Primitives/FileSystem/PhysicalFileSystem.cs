using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cairn.Primitives.FileSystem;

/// <summary>The operating system's file system. Directory sync uses fsync on an O_RDONLY descriptor on Unix and is a no-op on
/// Windows, where NTFS journals metadata.</summary>
public sealed partial class PhysicalFileSystem : IFileSystem
{
    public static PhysicalFileSystem Instance { get; } = new();

    public IWritableFile CreateWritable(string path) => new PhysicalWritableFile(path);

    /// <summary>On Linux (x64, arm64) a <see cref="DirectLogFile"/> when the file system takes O_DIRECT, else as <see cref="CreateWritable"/>.</summary>
    public IWritableFile CreateLog(string path) => (IWritableFile?)DirectLogFile.TryCreate(path) ?? new PhysicalWritableFile(path);

    public IRandomAccessFile OpenRandomAccess(string path) => new PhysicalRandomAccessFile(path);

    public void Rename(string sourcePath, string destinationPath) => File.Move(sourcePath, destinationPath, overwrite: true);

    public bool Delete(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        return true;
    }

    public bool Exists(string path) => File.Exists(path);

    public long GetLength(string path) => new FileInfo(path).Length;

    public IReadOnlyList<string> List(string directoryPath)
    {
        if (!Directory.Exists(directoryPath))
        {
            return [];
        }
        var names = new List<string>();
        foreach (string file in Directory.EnumerateFiles(directoryPath))
        {
            names.Add(System.IO.Path.GetFileName(file));
        }
        return names;
    }

    public void CreateDirectory(string directoryPath) => Directory.CreateDirectory(directoryPath);

    public void SyncDirectory(string directoryPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        int fd = Open(directoryPath, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"open({directoryPath}) for directory sync failed: errno {Marshal.GetLastPInvokeError()}");
        }
        try
        {
            if (FSync(fd) != 0)
            {
                throw new IOException($"fsync({directoryPath}) failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Makes the file's written data durable: fdatasync on Linux, fsync on other Unix, FlushToDisk on Windows. May run
    /// while another thread appends (<see cref="IWritableFile.SyncFlushed"/>).
    /// </summary>
    internal static void SyncData(SafeFileHandle handle)
    {
        bool added = false;
        handle.DangerousAddRef(ref added); // the descriptor stays open (not reused) while fsync runs
        try
        {
            if (OperatingSystem.IsWindows())
            {
                RandomAccess.FlushToDisk(handle);
            }
            else
            {
                int fd = (int)handle.DangerousGetHandle();
                if ((OperatingSystem.IsLinux() ? FDataSync(fd) : FSync(fd)) != 0)
                {
                    throw new IOException($"fsync failed: errno {Marshal.GetLastPInvokeError()}");
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    /// <summary>
    /// fdatasync(2): the data and the metadata needed to read it back (the file size), not timestamps. Redis's AOF uses it on
    /// Linux for the same reason: an append's sync then skips the inode's mtime update.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    private sealed class PhysicalWritableFile : IWritableFile
    {
        private readonly FileStream _stream;
        private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle;

        public PhysicalWritableFile(string path)
        {
            _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
            _handle = _stream.SafeFileHandle; // taken while the buffer is empty: the getter flushes it
        }

        public long Length => _stream.Position;

        public void Append(ReadOnlySpan<byte> data) => _stream.Write(data);

        public void Flush() => _stream.Flush(flushToDisk: false);

        public void Sync()
        {
            if (!OperatingSystem.IsLinux())
            {
                _stream.Flush(flushToDisk: true);
                return;
            }
            _stream.Flush(flushToDisk: false);
            SyncFlushed();
        }

        public void SyncFlushed() => SyncData(_handle);

        public void Dispose() => _stream.Dispose();
    }

    private sealed class PhysicalRandomAccessFile : IRandomAccessFile
    {
        private readonly SafeFileHandle _handle;

        public PhysicalRandomAccessFile(string path)
        {
            Path = path;
            _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        public string Path { get; }

        public long Length => RandomAccess.GetLength(_handle);

        public int Read(long offset, Span<byte> destination)
        {
            int total = 0;
            while (total < destination.Length)
            {
                int read = RandomAccess.Read(_handle, destination[total..], offset + total);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            return total;
        }

        public void Dispose() => _handle.Dispose();
    }
}
