using Cairn.Primitives.FileSystem;

namespace Cairn.Server.Tests.Infrastructure;

/// <summary>Passes everything through to an inner file system; Sync waits while the gate is closed.</summary>
public sealed class GatedFileSystem(IFileSystem inner) : IFileSystem
{
    private readonly ManualResetEventSlim _gate = new(initialState: true);

    public void Close() => _gate.Reset();

    public void Open() => _gate.Set();

    public IWritableFile CreateWritable(string path) => new GatedFile(inner.CreateWritable(path), _gate);

    public IRandomAccessFile OpenRandomAccess(string path) => inner.OpenRandomAccess(path);

    public void Rename(string sourcePath, string destinationPath) => inner.Rename(sourcePath, destinationPath);

    public bool Delete(string path) => inner.Delete(path);

    public bool Exists(string path) => inner.Exists(path);

    public long GetLength(string path) => inner.GetLength(path);

    public IReadOnlyList<string> List(string directoryPath) => inner.List(directoryPath);

    public void CreateDirectory(string directoryPath) => inner.CreateDirectory(directoryPath);

    public void SyncDirectory(string directoryPath) => inner.SyncDirectory(directoryPath);

    private sealed class GatedFile(IWritableFile file, ManualResetEventSlim gate) : IWritableFile
    {
        public long Length => file.Length;

        public void Append(ReadOnlySpan<byte> data) => file.Append(data);

        public void Flush() => file.Flush();

        public void Sync()
        {
            gate.Wait(TimeSpan.FromSeconds(30));
            file.Sync();
        }

        public void SyncFlushed()
        {
            gate.Wait(TimeSpan.FromSeconds(30));
            file.SyncFlushed();
        }

        public void Dispose() => file.Dispose();
    }
}
