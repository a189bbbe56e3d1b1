namespace Cairn.Primitives.FileSystem;

/// <summary>
/// Wraps a file system and models what the <see cref="IFileSystem"/> durability contract allows to go wrong (LevelDB's
/// fault_injection_test, Pebble's errorfs): <see cref="Crash"/> drops or tears everything not synced and forgets files whose
/// directory was not synced; <see cref="FlipBit"/> corrupts stored bytes; <see cref="FailureProbability"/> fails chosen
/// operations. Every random choice is drawn from the given <see cref="IRandomSource"/>, so a seed replays a run.
/// </summary>
/// <remarks>
/// Thread safety: all members may be called concurrently. Invariants: for every tracked file, synced length &lt;= length.
/// Renames are modelled as atomic and immediately durable (the destination inherits the source's sync state); creations
/// become durable only at <see cref="SyncDirectory"/>. After <see cref="Crash"/>, every handle opened before it throws
/// <see cref="IOException"/>, as if the process had died.
/// </remarks>
public sealed class FaultInjectingFileSystem : IFileSystem
{
    private readonly IFileSystem _inner;
    private readonly IRandomSource _random;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FileState> _files = new(StringComparer.Ordinal);
    private int _generation;

    public FaultInjectingFileSystem(IFileSystem inner, IRandomSource random)
    {
        _inner = inner;
        _random = random;
    }

    /// <summary>Operations eligible for injected failures.</summary>
    public FaultKinds FailingOperations { get; set; } = FaultKinds.None;

    /// <summary>Probability in [0, 1] that an eligible operation throws <see cref="IOException"/>.</summary>
    public double FailureProbability { get; set; }

    /// <summary>Number of failures injected so far.</summary>
    public int InjectedFailures { get; private set; }

    public IWritableFile CreateWritable(string path)
    {
        MaybeFail(FaultKinds.Create, path);
        IWritableFile inner = _inner.CreateWritable(path);
        lock (_lock)
        {
            _files[path] = new FileState { NameDurable = false };
            return new Writer(this, path, inner, _generation);
        }
    }

    public IRandomAccessFile OpenRandomAccess(string path)
    {
        MaybeFail(FaultKinds.Read, path);
        IRandomAccessFile inner = _inner.OpenRandomAccess(path);
        lock (_lock)
        {
            return new Reader(this, inner, _generation);
        }
    }

    public void Rename(string sourcePath, string destinationPath)
    {
        MaybeFail(FaultKinds.Rename, sourcePath);
        _inner.Rename(sourcePath, destinationPath);
        lock (_lock)
        {
            if (_files.Remove(sourcePath, out FileState? state))
            {
                state.NameDurable = true;
                _files[destinationPath] = state;
            }
            else
            {
                _files.Remove(destinationPath);
            }
        }
    }

    public bool Delete(string path)
    {
        lock (_lock)
        {
            _files.Remove(path);
        }
        return _inner.Delete(path);
    }

    public bool Exists(string path) => _inner.Exists(path);

    public long GetLength(string path) => _inner.GetLength(path);

    public IReadOnlyList<string> List(string directoryPath) => _inner.List(directoryPath);

    public void CreateDirectory(string directoryPath) => _inner.CreateDirectory(directoryPath);

    public void SyncDirectory(string directoryPath)
    {
        MaybeFail(FaultKinds.SyncDirectory, directoryPath);
        _inner.SyncDirectory(directoryPath);
        string prefix = directoryPath.TrimEnd('/') + "/";
        lock (_lock)
        {
            foreach (KeyValuePair<string, FileState> entry in _files)
            {
                if (entry.Key.StartsWith(prefix, StringComparison.Ordinal) && entry.Key.IndexOf('/', prefix.Length) < 0)
                {
                    entry.Value.NameDurable = true;
                }
            }
        }
    }

    /// <summary>
    /// Simulates a power loss: files never made durable by a directory sync disappear, and every file loses (or, with
    /// <see cref="CrashMode.TearUnsynced"/>, partly keeps and garbles) its unsynced tail. Handles opened before the crash
    /// become unusable. Injected failures are switched off so that recovery can run.
    /// </summary>
    public void Crash(CrashMode mode)
    {
        lock (_lock)
        {
            _generation++;
            FailingOperations = FaultKinds.None;
            foreach (KeyValuePair<string, FileState> entry in _files)
            {
                string path = entry.Key;
                FileState state = entry.Value;
                if (!state.NameDurable)
                {
                    _inner.Delete(path);
                    continue;
                }
                long length = _inner.GetLength(path);
                if (length <= state.SyncedLength)
                {
                    continue;
                }
                long keep = state.SyncedLength;
                bool garble = false;
                if (mode == CrashMode.TearUnsynced)
                {
                    keep += (long)(_random.NextDouble() * (length - state.SyncedLength));
                    garble = keep > state.SyncedLength && _random.NextInt(2) == 0;
                }
                byte[] contents = ReadAll(path, keep);
                if (garble)
                {
                    // A torn sector: the last few kept bytes are whatever the device left there.
                    int garbage = (int)Math.Min(16, keep - state.SyncedLength);
                    for (int i = contents.Length - garbage; i < contents.Length; i++)
                    {
                        contents[i] = (byte)_random.NextUInt64();
                    }
                }
                Rewrite(path, contents);
                state.SyncedLength = keep;
            }
            // Files that survived are exactly as durable as their contents now.
            foreach (string path in new List<string>(_files.Keys))
            {
                if (!_files[path].NameDurable)
                {
                    _files.Remove(path);
                }
            }
        }
    }

    /// <summary>Flips one bit of a stored file, as media decay would. The flip counts as durable.</summary>
    public void FlipBit(string path, long bitOffset)
    {
        lock (_lock)
        {
            byte[] contents = ReadAll(path, _inner.GetLength(path));
            Invariant.Require(bitOffset >= 0 && bitOffset < contents.Length * 8L, "bit offset inside the file");
            contents[bitOffset / 8] ^= (byte)(1 << (int)(bitOffset % 8));
            Rewrite(path, contents);
        }
    }

    /// <summary>Flips a random bit of the file within [startOffset, endOffset) bytes; returns the bit offset flipped.</summary>
    public long FlipRandomBit(string path, long startOffset = 0, long endOffset = long.MaxValue)
    {
        long length = _inner.GetLength(path);
        endOffset = Math.Min(endOffset, length);
        Invariant.Require(endOffset > startOffset, "a non-empty range to corrupt");
        long bit = (startOffset * 8) + (long)(_random.NextDouble() * ((endOffset - startOffset) * 8));
        FlipBit(path, bit);
        return bit;
    }

    private byte[] ReadAll(string path, long length)
    {
        var contents = new byte[length];
        using IRandomAccessFile file = _inner.OpenRandomAccess(path);
        int read = file.Read(0, contents);
        Invariant.Require(read == length, "file shorter than its recorded length");
        return contents;
    }

    private void Rewrite(string path, byte[] contents)
    {
        using IWritableFile file = _inner.CreateWritable(path);
        file.Append(contents);
        file.Sync();
    }

    private void MaybeFail(FaultKinds kind, string path)
    {
        if ((FailingOperations & kind) == 0)
        {
            return;
        }
        lock (_lock)
        {
            if (_random.NextDouble() < FailureProbability)
            {
                InjectedFailures++;
                throw new IOException($"injected {kind} failure on {path}");
            }
        }
    }

    private void CheckAlive(int generation, string path)
    {
        if (Volatile.Read(ref _generation) != generation)
        {
            throw new IOException($"handle to {path} was opened before a simulated crash");
        }
    }

    private sealed class FileState
    {
        public long Length;
        public long SyncedLength;
        public bool NameDurable;
    }

    private sealed class Writer(FaultInjectingFileSystem owner, string path, IWritableFile inner, int generation) : IWritableFile
    {
        public long Length => inner.Length;

        public void Append(ReadOnlySpan<byte> data)
        {
            owner.CheckAlive(generation, path);
            owner.MaybeFail(FaultKinds.Append, path);
            lock (owner._lock)
            {
                owner.CheckAlive(generation, path);
                inner.Append(data);
                if (owner._files.TryGetValue(path, out FileState? state))
                {
                    state.Length = inner.Length;
                }
            }
        }

        public void Flush()
        {
            owner.CheckAlive(generation, path);
            inner.Flush();
        }

        public void Sync()
        {
            owner.CheckAlive(generation, path);
            owner.MaybeFail(FaultKinds.Sync, path);
            lock (owner._lock)
            {
                owner.CheckAlive(generation, path);
                inner.Sync();
                if (owner._files.TryGetValue(path, out FileState? state))
                {
                    state.SyncedLength = inner.Length;
                }
            }
        }

        public void SyncFlushed()
        {
            owner.CheckAlive(generation, path);
            owner.MaybeFail(FaultKinds.Sync, path);
            lock (owner._lock)
            {
                owner.CheckAlive(generation, path);
                inner.SyncFlushed(); // appends take the same lock and the inner files do not buffer: all appended is flushed
                if (owner._files.TryGetValue(path, out FileState? state))
                {
                    state.SyncedLength = inner.Length;
                }
            }
        }

        public void Dispose() => inner.Dispose();
    }

    private sealed class Reader(FaultInjectingFileSystem owner, IRandomAccessFile inner, int generation) : IRandomAccessFile
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public int Read(long offset, Span<byte> destination)
        {
            owner.CheckAlive(generation, inner.Path);
            owner.MaybeFail(FaultKinds.Read, inner.Path);
            return inner.Read(offset, destination);
        }

        public void Dispose() => inner.Dispose();
    }
}
