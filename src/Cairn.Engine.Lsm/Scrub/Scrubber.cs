using System.Diagnostics;
using Cairn.Engine.Lsm.Manifest;
using Cairn.Engine.Lsm.Table;

namespace Cairn.Engine.Lsm.Scrub;

/// <summary>
/// Background verification of table checksums at a bounded read rate, so that damage to data nobody reads (cold files) is
/// found before it is needed. Tables are visited least-recently-verified first; blocks are read straight from the file,
/// bypassing the cache. Damage is reported through the database's corruption list; reads of healthy blocks go on.
/// Thread safety: <see cref="Run"/> runs on one dedicated thread; <see cref="VerifyTable"/> is thread-safe.
/// </summary>
internal sealed class Scrubber
{
    private static readonly TimeSpan s_reverifyInterval = TimeSpan.FromMinutes(10);

    private readonly TableCache _tableCache;
    private readonly long _bytesPerSecond;
    private readonly Func<ReadState> _pin;
    private readonly Action<CorruptionException> _report;
    private readonly Dictionary<ulong, long> _lastVerifiedTicks = [];

    public Scrubber(TableCache tableCache, long bytesPerSecond, Func<ReadState> pin, Action<CorruptionException> report)
    {
        _tableCache = tableCache;
        _bytesPerSecond = bytesPerSecond;
        _pin = pin;
        _report = report;
    }

    public long TablesVerified { get; private set; }

    public void Run(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            ReadState state = _pin();
            try
            {
                FileMetadata? coldest = null;
                long coldestTicks = long.MaxValue;
                var live = new HashSet<ulong>();
                foreach (List<FileMetadata> files in state.Version.Levels)
                {
                    foreach (FileMetadata file in files)
                    {
                        live.Add(file.Number);
                        long ticks = _lastVerifiedTicks.GetValueOrDefault(file.Number, 0);
                        if (ticks < coldestTicks)
                        {
                            coldest = file;
                            coldestTicks = ticks;
                        }
                    }
                }
                // Forget deleted tables so that the bookkeeping stays as small as the tree.
                foreach (ulong number in new List<ulong>(_lastVerifiedTicks.Keys))
                {
                    if (!live.Contains(number))
                    {
                        _lastVerifiedTicks.Remove(number);
                    }
                }
                // A table verified recently is not cold: rest rather than re-read the whole tree in a loop.
                if (coldest is null || (coldestTicks != 0 && Stopwatch.GetElapsedTime(coldestTicks) < s_reverifyInterval))
                {
                    cancellation.WaitHandle.WaitOne(1000);
                    continue;
                }
                var found = new List<CorruptionException>();
                VerifyTable(_tableCache, coldest, found, _bytesPerSecond, cancellation);
                foreach (CorruptionException e in found)
                {
                    _report(e);
                }
                _lastVerifiedTicks[coldest.Number] = Stopwatch.GetTimestamp();
                TablesVerified++;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (IOException)
            {
                // A file deleted or unreadable mid-scan: try again on the next round.
                cancellation.WaitHandle.WaitOne(1000);
            }
            finally
            {
                state.Unpin();
            }
        }
    }

    /// <summary>Verifies every block of one table; damage goes to <paramref name="found"/>. 0 bytes per second means no limit.</summary>
    public static void VerifyTable(TableCache tableCache, FileMetadata file, List<CorruptionException> found, long bytesPerSecond,
        CancellationToken cancellation)
    {
        TableReader reader;
        List<BlockHandle> handles;
        try
        {
            reader = tableCache.Get(file.Number);
            handles = reader.AllBlockHandles();
        }
        catch (CorruptionException e)
        {
            found.Add(e);
            return;
        }
        long start = Stopwatch.GetTimestamp();
        long bytes = 0;
        foreach (BlockHandle handle in handles)
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                reader.VerifyBlock(handle);
            }
            catch (CorruptionException e)
            {
                found.Add(e);
            }
            bytes += (long)handle.Size + TableFormat.BlockTrailerBytes;
            if (bytesPerSecond > 0)
            {
                double dueSeconds = bytes / (double)bytesPerSecond;
                double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (dueSeconds > elapsed + 0.001)
                {
                    cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(dueSeconds - elapsed));
                }
            }
        }
    }
}
