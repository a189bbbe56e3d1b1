using System.Globalization;
using Cairn.Primitives.FileSystem;
using Cairn.Replication.Handoff;
using Cairn.Replication.Node;
using Microsoft.Extensions.Logging;

namespace Cairn.Cluster.Handoff;

/// <summary>
/// Makes this node's hints (hinted handoff) survive a restart: every hint stored or removed is appended to
/// <c>cluster-hints.&lt;generation&gt;.log</c> in the node's directory (format: docs/formats/cluster-hints.md, records with
/// CRC-32C), through the file-system seam. At start the newest generation is read (up to a torn or corrupt tail), hints
/// older than the hint window are dropped, the store's size bound applies again, and the live hints are written to a new
/// generation, which later changes are appended to; the old one is then deleted. The log is rewritten the same way when it
/// grows past twice the live hints (plus 4 MiB).
/// Durability: appends are synced once per tick, so a crash loses at most the last tick's hint changes (anti-entropy repairs
/// what they would have). With sloppy quorum, where a hint counts toward W, that tick is a window in which an acknowledged
/// write may rest on a hint that did not reach the disk.
/// Thread safety: used only on the cluster's loop. An IO failure is logged and turns the log off (hints stay in memory).
/// </summary>
internal sealed class HintLog : IDisposable
{
    private const string Prefix = "cluster-hints.";
    private const string Suffix = ".log";
    private const long CompactSlackBytes = 4L * 1024 * 1024;

    private readonly IFileSystem _fileSystem;
    private readonly string _directory;
    private readonly ReplicationNode _node;
    private readonly Func<long> _now;
    private readonly long _tickMilliseconds;
    private readonly ILogger _logger;
    private IWritableFile? _file;
    private long _generation;
    private bool _dirty;

    private HintLog(IFileSystem fileSystem, string directory, ReplicationNode node, Func<long> now, long tickMilliseconds, ILogger logger)
    {
        _fileSystem = fileSystem;
        _directory = directory;
        _node = node;
        _now = now;
        _tickMilliseconds = tickMilliseconds;
        _logger = logger;
    }

    /// <summary>Records read at the last start, and whether reading stopped at a torn or corrupt record.</summary>
    public int RecordsLoaded { get; private set; }

    public HintReadStatus LoadStatus { get; private set; }

    public string CurrentPath => FileName(_generation);

    /// <summary>Loads the hints a previous life of this node left, then starts a new generation; null when it cannot.</summary>
    public static HintLog? Open(IFileSystem fileSystem, string directory, ReplicationNode node, Func<long> now, long tickMilliseconds, ILogger logger)
    {
        var log = new HintLog(fileSystem, directory.Replace('\\', '/').TrimEnd('/'), node, now, tickMilliseconds, logger);
        try
        {
            log.Load();
            log.Rewrite();
            node.Hints.Journaling = true;
            return log;
        }
        catch (IOException e)
        {
            logger.LogError(e, "cannot use the hint log in {Directory}: hints stay in memory only", directory);
            return null;
        }
    }

    /// <summary>Appends the hint changes the node made since the last call. Runs on the loop after each step.</summary>
    public void Append(HintStore hints)
    {
        IReadOnlyList<HintChange> changes = hints.TakeJournal();
        if (_file is null || changes.Count == 0)
        {
            return;
        }
        try
        {
            long now = _now();
            foreach (HintChange change in changes)
            {
                _file.Append(HintLogFormat.EncodeRecord(ToRecord(change.Added, change.Hint, now)));
            }
            _dirty = true;
            if (_file.Length > 2 * hints.SizeBytes + CompactSlackBytes)
            {
                Rewrite();
            }
        }
        catch (IOException e)
        {
            Disable(e);
        }
    }

    /// <summary>Makes the appended changes durable (once per tick).</summary>
    public void Sync()
    {
        if (_file is null || !_dirty)
        {
            return;
        }
        try
        {
            _file.Sync();
            _dirty = false;
        }
        catch (IOException e)
        {
            Disable(e);
        }
    }

    public void Dispose()
    {
        Sync();
        _file?.Dispose();
        _file = null;
    }

    private void Load()
    {
        _fileSystem.CreateDirectory(_directory);
        long newest = -1;
        foreach (string name in _fileSystem.List(_directory))
        {
            if (TryParseGeneration(name, out long generation) && generation > newest)
            {
                newest = generation;
            }
        }
        _generation = Math.Max(newest, 0);
        if (newest < 0)
        {
            return;
        }
        byte[] data = ReadAll(FileName(newest));
        if (!HintLogFormat.HasHeader(data))
        {
            _logger.LogWarning("hint log {Path} has no version-{Version} header: ignored", FileName(newest), HintLogFormat.FormatVersion);
            LoadStatus = HintReadStatus.Corrupt;
            return;
        }
        int offset = HintLogFormat.HeaderBytes;
        long now = _now();
        long windowMilliseconds = _node.Hints.WindowTicks * _tickMilliseconds;
        HintStore hints = _node.Hints;
        HintReadStatus status;
        while ((status = HintLogFormat.TryReadRecord(data, ref offset, out HintRecord? record)) == HintReadStatus.Ok)
        {
            RecordsLoaded++;
            if (!record!.Added)
            {
                hints.Remove(record.Target, record.Key, record.Version);
                continue;
            }
            long ageMilliseconds = Math.Max(0, now - record.CreatedUnixMilliseconds);
            if (ageMilliseconds > windowMilliseconds)
            {
                hints.Remove(record.Target, record.Key, record.Version); // an older hint for the key goes too
                continue;
            }
            hints.Add(new Hint(record.Target, record.Key, record.Version, record.Payload, _node.CurrentTick - ageMilliseconds / _tickMilliseconds));
        }
        LoadStatus = status;
        if (status != HintReadStatus.End)
        {
            _logger.LogWarning("hint log {Path}: {Status} record at byte {Offset}; the rest is ignored", FileName(newest), status, offset);
        }
    }

    /// <summary>Writes the live hints to a new generation, makes it durable, then deletes the older ones.</summary>
    private void Rewrite()
    {
        _file?.Dispose();
        _generation++;
        IWritableFile file = _fileSystem.CreateWritable(FileName(_generation));
        file.Append(HintLogFormat.Header());
        long now = _now();
        foreach (Hint hint in _node.Hints.All)
        {
            file.Append(HintLogFormat.EncodeRecord(ToRecord(true, hint, now)));
        }
        file.Sync();
        _fileSystem.SyncDirectory(_directory);
        _file = file;
        _dirty = false;
        foreach (string name in _fileSystem.List(_directory))
        {
            if (TryParseGeneration(name, out long generation) && generation < _generation)
            {
                _fileSystem.Delete(_directory + "/" + name);
            }
        }
        _fileSystem.SyncDirectory(_directory);
    }

    private HintRecord ToRecord(bool added, Hint hint, long now) =>
        new(added, hint.Target, hint.Key, hint.Version, added ? hint.Payload : null,
            added ? now - (_node.CurrentTick - hint.CreatedTick) * _tickMilliseconds : 0);

    private byte[] ReadAll(string path)
    {
        using IRandomAccessFile file = _fileSystem.OpenRandomAccess(path);
        var data = new byte[file.Length];
        int read = 0;
        while (read < data.Length)
        {
            int n = file.Read(read, data.AsSpan(read));
            if (n <= 0)
            {
                break;
            }
            read += n;
        }
        return data.AsSpan(0, read).ToArray();
    }

    private void Disable(IOException e)
    {
        _logger.LogError(e, "hint log write failed: hints stay in memory only from now on");
        _node.Hints.Journaling = false;
        _node.Hints.TakeJournal();
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
        }
        _file = null;
    }

    private string FileName(long generation) =>
        _directory + "/" + Prefix + generation.ToString("D6", CultureInfo.InvariantCulture) + Suffix;

    private static bool TryParseGeneration(string name, out long generation)
    {
        generation = 0;
        return name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(Suffix, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length), NumberStyles.None,
                CultureInfo.InvariantCulture, out generation);
    }
}
