using System.Collections.Concurrent;
using Cairn.Engine.Lsm.Cache;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm.Table;

/// <summary>
/// Open table readers by file number. A reader holds a file handle and a few hundred bytes; its blocks live in the shared
/// block cache. Readers stay open until their file is deleted. Thread safety: all members are thread-safe.
/// </summary>
internal sealed class TableCache : IDisposable
{
    private readonly IFileSystem _fileSystem;
    private readonly string _directory;
    private readonly BlockCache _blockCache;
    private readonly Action<CorruptionException>? _onCorruption;
    private readonly ConcurrentDictionary<ulong, Lazy<TableReader>> _readers = new();

    public TableCache(IFileSystem fileSystem, string directory, BlockCache blockCache, Action<CorruptionException>? onCorruption)
    {
        _fileSystem = fileSystem;
        _directory = directory;
        _blockCache = blockCache;
        _onCorruption = onCorruption;
    }

    public BlockCache BlockCache => _blockCache;

    public TableReader Get(ulong fileNumber)
    {
        Lazy<TableReader> lazy = _readers.GetOrAdd(fileNumber, number => new Lazy<TableReader>(
            () => TableReader.Open(_fileSystem, DatabaseFiles.TablePath(_directory, number), number, _blockCache, _onCorruption)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Do not remember a failed open: the next caller retries (and reports) rather than reusing the exception.
            _readers.TryRemove(new KeyValuePair<ulong, Lazy<TableReader>>(fileNumber, lazy));
            throw;
        }
    }

    public void Evict(ulong fileNumber)
    {
        if (_readers.TryRemove(fileNumber, out Lazy<TableReader>? lazy) && lazy.IsValueCreated)
        {
            lazy.Value.Dispose();
        }
        _blockCache.EraseFile(fileNumber);
    }

    public void Dispose()
    {
        foreach (Lazy<TableReader> lazy in _readers.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }
        _readers.Clear();
    }
}
