namespace Cairn.Primitives.FileSystem;

/// <summary>
/// A file system held in memory, for tests and simulations. Every operation is durable at once (there is no crash to
/// survive); wrap it in <see cref="FaultInjectingFileSystem"/> to model what a crash loses.
/// </summary>
/// <remarks>Thread safety: all members are safe to call concurrently; one lock guards the namespace, and each file's bytes
/// have their own lock.</remarks>
public sealed class MemoryFileSystem : IFileSystem
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, MemoryFile> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    public IWritableFile CreateWritable(string path)
    {
        path = Normalize(path);
        var file = new MemoryFile();
        lock (_lock)
        {
            RequireParentExists(path);
            _files[path] = file;
        }
        return new Writer(file);
    }

    public IRandomAccessFile OpenRandomAccess(string path)
    {
        path = Normalize(path);
        lock (_lock)
        {
            return _files.TryGetValue(path, out MemoryFile? file)
                ? new Reader(path, file)
                : throw new FileNotFoundException($"{path} does not exist", path);
        }
    }

    public void Rename(string sourcePath, string destinationPath)
    {
        sourcePath = Normalize(sourcePath);
        destinationPath = Normalize(destinationPath);
        lock (_lock)
        {
            if (!_files.Remove(sourcePath, out MemoryFile? file))
            {
                throw new FileNotFoundException($"{sourcePath} does not exist", sourcePath);
            }
            RequireParentExists(destinationPath);
            _files[destinationPath] = file;
        }
    }

    public bool Delete(string path)
    {
        lock (_lock)
        {
            return _files.Remove(Normalize(path));
        }
    }

    public bool Exists(string path)
    {
        lock (_lock)
        {
            return _files.ContainsKey(Normalize(path));
        }
    }

    public long GetLength(string path)
    {
        path = Normalize(path);
        lock (_lock)
        {
            return _files.TryGetValue(path, out MemoryFile? file)
                ? file.Length
                : throw new FileNotFoundException($"{path} does not exist", path);
        }
    }

    public IReadOnlyList<string> List(string directoryPath)
    {
        string prefix = Normalize(directoryPath) + "/";
        var names = new List<string>();
        lock (_lock)
        {
            foreach (string path in _files.Keys)
            {
                if (path.StartsWith(prefix, StringComparison.Ordinal) && path.IndexOf('/', prefix.Length) < 0)
                {
                    names.Add(path[prefix.Length..]);
                }
            }
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public void CreateDirectory(string directoryPath)
    {
        string path = Normalize(directoryPath);
        lock (_lock)
        {
            while (path.Length > 0 && _directories.Add(path))
            {
                int slash = path.LastIndexOf('/');
                path = slash <= 0 ? "" : path[..slash];
            }
        }
    }

    public void SyncDirectory(string directoryPath)
    {
    }

    private static string Normalize(string path)
    {
        path = path.Replace('\\', '/');
        while (path.Length > 1 && path.EndsWith('/'))
        {
            path = path[..^1];
        }
        return path;
    }

    private void RequireParentExists(string path)
    {
        int slash = path.LastIndexOf('/');
        if (slash > 0 && !_directories.Contains(path[..slash]))
        {
            throw new DirectoryNotFoundException($"directory of {path} does not exist");
        }
    }

    private sealed class MemoryFile
    {
        private readonly Lock _lock = new();
        private byte[] _data = new byte[256];
        private long _length;

        public long Length
        {
            get
            {
                lock (_lock)
                {
                    return _length;
                }
            }
        }

        public void Append(ReadOnlySpan<byte> data)
        {
            lock (_lock)
            {
                long needed = _length + data.Length;
                if (needed > _data.Length)
                {
                    Array.Resize(ref _data, (int)Math.Min(Array.MaxLength, Math.Max(needed, _data.Length * 2L)));
                }
                data.CopyTo(_data.AsSpan((int)_length));
                _length = needed;
            }
        }

        public int Read(long offset, Span<byte> destination)
        {
            lock (_lock)
            {
                if (offset >= _length)
                {
                    return 0;
                }
                int count = (int)Math.Min(destination.Length, _length - offset);
                _data.AsSpan((int)offset, count).CopyTo(destination);
                return count;
            }
        }
    }

    private sealed class Writer(MemoryFile file) : IWritableFile
    {
        public long Length => file.Length;

        public void Append(ReadOnlySpan<byte> data) => file.Append(data);

        public void Flush()
        {
        }

        public void Sync()
        {
        }

        public void SyncFlushed()
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed class Reader(string path, MemoryFile file) : IRandomAccessFile
    {
        public string Path => path;

        public long Length => file.Length;

        public int Read(long offset, Span<byte> destination) => file.Read(offset, destination);

        public void Dispose()
        {
        }
    }
}
