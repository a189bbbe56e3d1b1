using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Persistence;
using Cairn.Engine.Memory.Persistence.Rdb;
using Cairn.Primitives.FileSystem;
using Microsoft.Extensions.Logging;

namespace Cairn.Commands.Persistence;

/// <summary>
/// Snapshots of the data set ({dir}/{dbfilename}): SAVE, BGSAVE, LASTSAVE, the save &lt;seconds&gt; &lt;changes&gt; rules,
/// and loading at start-up. Snapshots are fork-less point-in-time copies (<see cref="SnapshotJob"/>).
/// A BGSAVE and an AOF rewrite never run at once (each is a background snapshot job, and a store has one set of write
/// hooks): as in Redis, BGSAVE during a rewrite is refused unless SCHEDULE'd, then started by the cron when the rewrite
/// is over, and the save rules wait for it too. SAVE and SHUTDOWN write a foreground snapshot, which needs no hooks and
/// so runs even during a rewrite; SHUTDOWN abandons a running BGSAVE first (Redis kills its child).
/// Thread safety: called under the store lock.
/// </summary>
public sealed class SnapshotService
{
    private readonly ServerContext _server;
    private readonly IFileSystem _fileSystem;
    private SnapshotJob? _running;
    private SnapshotJob? _abandoned;

    public SnapshotService(ServerContext server, IFileSystem fileSystem)
    {
        _server = server;
        _fileSystem = fileSystem;
        LastSaveUnixSeconds = server.StartedAtMilliseconds / 1000;
    }

    public string Path => System.IO.Path.Combine(_server.Config.Dir, _server.Config.DbFilename).Replace('\\', '/');

    public bool InProgress => _running is not null && !_running.Completion.IsCompleted;

    /// <summary>BGSAVE SCHEDULE met an AOF rewrite: the cron starts the save when it is over.</summary>
    public bool Scheduled { get; private set; }

    /// <summary>A background job of either kind (BGSAVE, AOF rewrite) is running; another must wait.</summary>
    public bool BackgroundJobRunning => InProgress || _server.Aof?.RewriteInProgress == true;

    public long LastSaveUnixSeconds { get; private set; }

    public bool LastSucceeded { get; private set; } = true;

    public long LastDurationMilliseconds { get; private set; } = -1;

    public long DirtyAtStart { get; private set; }

    /// <summary>
    /// Loads the snapshot file if present: Cairn's own snapshot (magic "CAIRNSNP") or a Redis dump.rdb (magic "REDIS").
    /// Throws InvalidDataException (file and offset) when it is damaged.
    /// </summary>
    public long LoadIfPresent()
    {
        if (!_fileSystem.Exists(Path))
        {
            return 0;
        }
        if (RdbFileLoader.IsRdbFile(_fileSystem, Path))
        {
            // A dump.rdb written by Redis (magic "REDIS"), copied in by a user migrating; the next save writes Cairn's format.
            RdbLoadResult result = RdbFileLoader.Load(_server.Store, _fileSystem, Path, _server.NowMilliseconds);
            _server.Logger.LogInformation("DB loaded from Redis RDB file: {Keys} keys from {Path}", result.Keys, Path);
            if (result.SkippedFunctions > 0)
            {
                _server.Logger.LogWarning("Skipped {Count} function libraries in {Path}: Cairn does not support functions", result.SkippedFunctions, Path);
            }
            return result.Keys;
        }
        long keys = SnapshotReader.Load(_server.Store, _fileSystem, Path, _server.NowMilliseconds);
        _server.Listeners.OnDataLoaded(_server.Store);
        _server.Logger.LogInformation("DB loaded from disk: {Keys} keys from {Path}", keys, Path);
        return keys;
    }

    /// <summary>
    /// Writes a snapshot now, holding the store lock throughout (SAVE, SHUTDOWN, the exit). A BGSAVE still running is
    /// abandoned first: it would otherwise rename an older snapshot over this one when it ends (waiting for it here,
    /// under the lock its walk needs, would never end). Returns success. REQUIRES: the store lock.
    /// </summary>
    public bool SaveNow()
    {
        if (InProgress)
        {
            _abandoned = _running;
            _running!.Abandon();
            _server.Logger.LogInformation("Background saving abandoned: a foreground save replaces it");
        }
        Scheduled = false;
        _fileSystem.CreateDirectory(_server.Config.Dir);
        DirtyAtStart = _server.Store.Dirty;
        long started = _server.NowMilliseconds;
        SnapshotJob job = SnapshotJob.Start(_server.Store, _fileSystem, Path, background: false);
        Finish(job, job.Completion.Result, started);
        return LastSucceeded;
    }

    /// <summary>
    /// Starts a background snapshot (BGSAVE), or with <paramref name="schedule"/> schedules one behind a running AOF
    /// rewrite. REQUIRES: the store lock.
    /// </summary>
    public BackgroundStart TryStartBackground(bool schedule = false)
    {
        if (InProgress)
        {
            return BackgroundStart.AlreadyRunning;
        }
        if (_server.Aof?.RewriteInProgress == true)
        {
            if (!schedule)
            {
                return BackgroundStart.OtherJobRunning;
            }
            Scheduled = true;
            return BackgroundStart.Scheduled;
        }
        Scheduled = false;
        _fileSystem.CreateDirectory(_server.Config.Dir);
        DirtyAtStart = _server.Store.Dirty;
        long started = _server.NowMilliseconds;
        SnapshotJob job = SnapshotJob.Start(_server.Store, _fileSystem, Path);
        _running = job;
        job.Completion.ContinueWith(t => Finish(job, t.Result, started), TaskScheduler.Default);
        return BackgroundStart.Started;
    }

    private void Finish(SnapshotJob job, SnapshotResult result, long started)
    {
        using (_server.Store.Lock.EnterScope())
        {
            if (ReferenceEquals(job, _abandoned))
            {
                _abandoned = null; // the foreground save that replaced it has set the status
                return;
            }
            LastSucceeded = result.Succeeded;
            LastDurationMilliseconds = _server.NowMilliseconds - started;
            if (result.Succeeded)
            {
                LastSaveUnixSeconds = started / 1000;
                _server.Store.Dirty -= Math.Min(DirtyAtStart, _server.Store.Dirty);
                _server.Logger.LogInformation("Background saving terminated with success: {Keys} keys, {Bytes} bytes", result.Keys, result.Bytes);
            }
            else
            {
                _server.Logger.LogWarning("Background saving error: {Error}", result.Error);
            }
        }
    }

    /// <summary>The job running now, if any.</summary>
    public Task? Running => InProgress ? _running!.Completion : null;

    /// <summary>Cron: starts a scheduled BGSAVE, or a background save when a "save seconds changes" rule is met, once no
    /// background job is running.</summary>
    public void CheckSaveRules()
    {
        if (BackgroundJobRunning)
        {
            return;
        }
        if (Scheduled)
        {
            _server.Logger.LogInformation("Background saving started by the schedule");
            TryStartBackground();
            return;
        }
        if (_server.Store.Dirty == 0)
        {
            return;
        }
        string[] parts = _server.Config.Save.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long elapsed = _server.NowMilliseconds / 1000 - LastSaveUnixSeconds;
        for (int i = 0; i + 1 < parts.Length; i += 2)
        {
            if (long.TryParse(parts[i], out long seconds) && long.TryParse(parts[i + 1], out long changes)
                && elapsed >= seconds && _server.Store.Dirty >= changes)
            {
                _server.Logger.LogInformation("{Changes} changes in {Seconds} seconds. Saving...", changes, seconds);
                TryStartBackground();
                return;
            }
        }
    }
}

/// <summary>What <see cref="SnapshotService.TryStartBackground"/> did.</summary>
public enum BackgroundStart
{
    Started,

    /// <summary>A BGSAVE is already running.</summary>
    AlreadyRunning,

    /// <summary>An AOF rewrite is running, and no schedule was asked for.</summary>
    OtherJobRunning,

    /// <summary>An AOF rewrite is running; the save starts after it.</summary>
    Scheduled,
}
