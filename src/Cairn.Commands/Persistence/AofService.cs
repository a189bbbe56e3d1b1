using System.Runtime.CompilerServices;
using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;
using Microsoft.Extensions.Logging;

namespace Cairn.Commands.Persistence;

/// <summary>
/// The node's append-only file: loads the files listed in the manifest at start-up (truncating a torn tail, refusing
/// to start on any other corruption), then logs every write command to a new incremental file through
/// <see cref="AofWriter"/>. The AOF directory is {dir}/appendonlydir. Commands logged as they arrived, back to back in
/// one connection's pipelined batch, are logged as one frame run: their request frames copied at once from the receive
/// buffer when the batch ends (<see cref="FlushRun"/>), instead of a record encoded per command.
/// </summary>
public sealed class AofService : IDisposable
{
    public const string DirectoryName = "appendonlydir";
    private readonly ServerContext _server;
    private readonly IFileSystem _fileSystem;
    private readonly string _directory;
    private AofWriter? _writer;

    /// <summary>A frame run holds at most this many bytes of frames; a longer pipelined batch is logged as several.</summary>
    private const int MaxRunBytes = 1024 * 1024;

    // The open frame run (Log, StartRun): request frames of one connection's batch that lie back to back in its receive
    // buffer, not yet copied to the writer. Guarded by the store lock; empty whenever the lock is free.
    private CommandContext? _runOwner;
    private byte[]? _runBuffer;
    private int _runStart;
    private int _runEnd;
    private int _runDatabase;

    public AofService(ServerContext server, IFileSystem fileSystem)
    {
        _server = server;
        _fileSystem = fileSystem;
        _directory = Path.Combine(server.Config.Dir, DirectoryName).Replace('\\', '/');
    }

    /// <summary>The writer (read three times per logged command: the throw is kept out of line so this inlines).</summary>
    public AofWriter Writer => _writer ?? ThrowNotStarted();

    /// <summary>Makes the wake-up of the AOF thread that commands deferred under the store lock (<see cref="AofWriter.WakeDeferred"/>). Call after releasing it.</summary>
    public void WakeDeferred() => _writer?.WakeDeferred();

    public FsyncPolicy Policy => ParsePolicy(_server.Config.AppendFsync);

    public long LoadedRecords { get; private set; }

    public static FsyncPolicy ParsePolicy(string value) => value switch
    {
        "always" => FsyncPolicy.Always,
        "no" => FsyncPolicy.No,
        _ => FsyncPolicy.EverySecond,
    };

    /// <summary>
    /// Replays every AOF file into the store and opens a new incremental file. Throws <see cref="InvalidDataException"/>
    /// naming the file and offset when the AOF is corrupt (the node must not start and serve wrong data).
    /// </summary>
    public void LoadAndStart()
    {
        _fileSystem.CreateDirectory(_directory);
        AofManifest manifest = AofManifest.Load(_fileSystem, _directory) ?? new AofManifest();
        var replay = new AofReplayer(_server);
        for (int i = 0; i < manifest.Files.Count; i++)
        {
            (string name, _, char type) = manifest.Files[i];
            string path = _directory + "/" + name;
            if (!_fileSystem.Exists(path))
            {
                throw new InvalidDataException($"{path}: listed in the AOF manifest but missing");
            }
            if (type == 'b')
            {
                LoadedRecords += SnapshotReader.Load(_server.Store, _fileSystem, path, _server.NowMilliseconds);
                _server.Listeners.OnDataLoaded(_server.Store);
                continue;
            }
            AofReadResult result = AofReader.Read(_fileSystem, path, replay.Apply);
            LoadedRecords += result.Records;
            bool last = NoRecordsAfter(manifest, i);
            switch (result.Status)
            {
                case AofReadStatus.Corrupt:
                    throw new InvalidDataException($"Bad AOF: {result.Problem}. Refusing to start; run 'cairn check {_directory}' to inspect it.");
                case AofReadStatus.TornTail when !last:
                    throw new InvalidDataException($"Bad AOF: {result.Problem} (not the last file). Refusing to start.");
                case AofReadStatus.TornTail:
                    _server.Logger.LogWarning("!!! Warning: short read while loading the AOF file {Path}: {Problem}. " +
                        "AOF loaded anyway because aof-load-truncated is enabled; truncating to {Length} bytes", path, result.Problem, result.ValidLength);
                    AofReader.Truncate(_fileSystem, path, result.ValidLength);
                    break;
            }
        }
        _server.Logger.LogInformation("DB loaded from append only file: {Records} records from {Files} files", LoadedRecords, manifest.Files.Count);
        _manifest = manifest;
        (IWritableFile file, string path2) = OpenIncrementalFile(manifest.NextSequence);
        _writer = new AofWriter(file, Policy, path2, _server.Store.Lock);
        _server.Store.Dirty = 0;
    }

    /// <summary>
    /// Whether every file listed after file <paramref name="index"/> is an incremental file holding no record (its header
    /// only): a rewrite lists its new incremental file before records switch to it, so a crash in between leaves the file
    /// that was being appended to, possibly torn, followed by an empty one. Its torn tail is then the log's end.
    /// </summary>
    private bool NoRecordsAfter(AofManifest manifest, int index)
    {
        for (int i = index + 1; i < manifest.Files.Count; i++)
        {
            (string name, _, char type) = manifest.Files[i];
            string path = _directory + "/" + name;
            if (type != 'i' || !_fileSystem.Exists(path) || _fileSystem.GetLength(path) > AofFormat.HeaderBytes)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The files to replay. Guarded by <see cref="_manifestLock"/> once the writer runs.</summary>
    private AofManifest _manifest = new();

    /// <summary>
    /// Serialises changes to the manifest (a new incremental file, a finished rewrite) and their fsyncs, which run without
    /// the store lock. Never held while taking the store lock.
    /// </summary>
    private readonly Lock _manifestLock = new();
    private long _baseBytes;

    /// <summary>The running rewrite, from its start until its files are in place (finish included). Guarded by the store lock.</summary>
    private Task? _rewrite;
    private bool _disposed;

    public bool RewriteInProgress => _rewrite is { IsCompleted: false };

    /// <summary>BGREWRITEAOF met a BGSAVE: the cron starts the rewrite when the save is over (Redis's aof_rewrite_scheduled).</summary>
    public bool RewriteScheduled { get; private set; }

    public string LastRewriteStatus { get; private set; } = "ok";

    /// <summary>Creates the next incremental file and lists it in the manifest (durably) before any record goes there.</summary>
    private (IWritableFile File, string Path) OpenIncrementalFile(long sequence)
    {
        string name = AofManifest.IncrementalFileName(sequence);
        string path = _directory + "/" + name;
        IWritableFile file = _fileSystem.CreateLog(path);
        file.Append(AofFormat.CreateHeader());
        file.Sync();
        _manifest.Files.Add((name, sequence, 'i'));
        _manifest.Save(_fileSystem, _directory);
        return (file, path);
    }

    /// <summary>
    /// BGREWRITEAOF without fork: a background task creates the new incremental file and lists it in the manifest (its
    /// fsyncs, 4-35 ms under load, held every client off the store when they ran under the store lock), then, at one instant under the store lock,
    /// new records switch to it and a point-in-time snapshot of the data set starts as the new base. When the base is on
    /// disk the manifest becomes [base, new incremental] and the old files are deleted. Clients are never blocked and no
    /// write is lost: every write after the instant is in the new incremental file, every write before it in the old
    /// ones (until the base replaces them) and in the base. During a BGSAVE the rewrite is scheduled instead (one
    /// background snapshot job at a time). REQUIRES: the store lock.
    /// </summary>
    public BackgroundStart TryStartRewrite()
    {
        if (RewriteInProgress)
        {
            return BackgroundStart.AlreadyRunning;
        }
        if (_server.Snapshots.InProgress)
        {
            RewriteScheduled = true;
            return BackgroundStart.Scheduled;
        }
        RewriteScheduled = false;
        _rewrite = Task.Run(RunRewrite);
        return BackgroundStart.Started;
    }

    private async Task RunRewrite()
    {
        long sequence;
        IWritableFile file;
        string path;
        try
        {
            lock (_manifestLock)
            {
                sequence = _manifest.NextSequence;
                (file, path) = OpenIncrementalFile(sequence);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LastRewriteStatus = "err";
            _server.Logger.LogWarning("Background AOF rewrite failed: {Error}", e.Message);
            return;
        }
        string baseName = AofManifest.BaseFileName(sequence);
        SnapshotJob job;
        using (_server.Store.Lock.EnterScope())
        {
            if (_disposed)
            {
                file.Dispose(); // listed in the manifest: replayed as an empty file
                return;
            }
            Writer.SwitchTo(file, path);
            job = SnapshotJob.Start(_server.Store, _fileSystem, _directory + "/" + baseName);
        }
        FinishRewrite(await job.Completion.ConfigureAwait(false), baseName, sequence);
    }

    /// <summary>Makes the base the start of the manifest and deletes the files it replaces; no store lock (the fsyncs and unlinks run without it).</summary>
    private void FinishRewrite(SnapshotResult result, string baseName, long sequence)
    {
        if (!result.Succeeded)
        {
            LastRewriteStatus = "err";
            _server.Logger.LogWarning("Background AOF rewrite failed: {Error}", result.Error);
            return;
        }
        List<(string Name, long Sequence, char Type)> old;
        lock (_manifestLock)
        {
            old = [];
            var next = new AofManifest();
            next.Files.Add((baseName, sequence, 'b'));
            foreach ((string Name, long Sequence, char Type) file in _manifest.Files)
            {
                (file.Sequence < sequence ? old : next.Files).Add(file);
            }
            next.Save(_fileSystem, _directory);
            _manifest = next;
        }
        Interlocked.Exchange(ref _baseBytes, result.Bytes);
        LastRewriteStatus = "ok";
        _server.Logger.LogInformation("Background AOF rewrite finished successfully: base of {Keys} keys, {Bytes} bytes", result.Keys, result.Bytes);
        // Unlinking a file of tens of MiB frees its page cache (truncate_inode_pages); the manifest no longer names these files.
        foreach ((string name, _, _) in old)
        {
            _fileSystem.Delete(_directory + "/" + name);
        }
    }

    /// <summary>Cron: a scheduled rewrite, or auto-aof-rewrite-percentage / auto-aof-rewrite-min-size, once no background
    /// job is running.</summary>
    public void CheckAutoRewrite()
    {
        if (_server.Snapshots.BackgroundJobRunning)
        {
            return;
        }
        if (RewriteScheduled)
        {
            _server.Logger.LogInformation("Background append only file rewriting started by the schedule");
            TryStartRewrite();
            return;
        }
        int percentage = _server.Config.AutoAofRewritePercentage;
        long size = Writer.CurrentFileBytes;
        if (percentage <= 0 || size < _server.Config.AutoAofRewriteMinSizeBytes)
        {
            return;
        }
        long reference = Math.Max(Interlocked.Read(ref _baseBytes), 1);
        if ((size - reference) * 100 / reference >= percentage)
        {
            _server.Logger.LogInformation("Starting automatic rewriting of AOF on {Percent}% growth", (size - reference) * 100 / reference);
            TryStartRewrite();
        }
    }

    /// <summary>
    /// Logs the command just executed (or adds it to the running transaction's group). The common case under a pipelined
    /// load, a command that extends the open frame run, is inlined into the caller: per command it costs a few compares
    /// and no call (perf of SET -P16 everysec put 50-90 ns per SET at the entry of the out-of-line logging method, a
    /// stall on the call itself, whatever the method did; docs/formats/aof.md, "Frame runs").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Log(CommandContext ctx)
    {
        bool verbatim = ctx.AofGroup is null && AofPropagation.IsVerbatim(ctx);
        if (verbatim && TryExtendRun(ctx))
        {
            return;
        }
        LogSlow(ctx, verbatim);
    }

    /// <summary>Extends the open run with this command's frame when it follows the run's last frame in the same buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryExtendRun(CommandContext ctx)
    {
        ArraySegment<byte> frame = ctx.Arguments.Frame;
        if (frame.Array is not null && ReferenceEquals(_runOwner, ctx) && ReferenceEquals(frame.Array, _runBuffer)
            && frame.Offset == _runEnd && ctx.Client.DatabaseIndex == _runDatabase && _runEnd - _runStart <= MaxRunBytes - frame.Count)
        {
            _runEnd += frame.Count;
            return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LogSlow(CommandContext ctx, bool verbatim)
    {
        if (verbatim)
        {
            FlushRun();
            if (ctx.Arguments.Frame.Array is not null)
            {
                StartRun(ctx);
                return;
            }
            LogVerbatim(ctx);
            return;
        }
        FlushRun();
        List<ReadOnlyMemory<byte>[]> commands = AofPropagation.Translate(ctx);
        if (ctx.AofGroup is { } group)
        {
            foreach (ReadOnlyMemory<byte>[] command in commands)
            {
                group.Add((ctx.Client.DatabaseIndex, command));
            }
            return;
        }
        var entries = new List<(int, IReadOnlyList<ReadOnlyMemory<byte>>)>(commands.Count);
        foreach (ReadOnlyMemory<byte>[] command in commands)
        {
            entries.Add((ctx.Client.DatabaseIndex, command));
        }
        ctx.DurabilityTicket = Writer.Append(AofFormat.EncodeRecord(entries), ctx.Now);
    }

    /// <summary>Opens a frame run with this command's request frame (no run is open). REQUIRES: the store lock.</summary>
    private void StartRun(CommandContext ctx)
    {
        ArraySegment<byte> frame = ctx.Arguments.Frame;
        _runOwner = ctx;
        _runBuffer = frame.Array;
        _runStart = frame.Offset;
        _runEnd = frame.Offset + frame.Count;
        _runDatabase = ctx.Client.DatabaseIndex;
    }

    /// <summary>
    /// Writes the open frame run as one record and gives its owner the durability ticket. Called before any other record
    /// (so records stay in execution order) and by the connection at the end of its batch, before it releases the store
    /// lock (the frames live in its receive buffer). REQUIRES: the store lock.
    /// </summary>
    public void FlushRun()
    {
        if (_runOwner is not { } owner)
        {
            return;
        }
        ReadOnlySpan<byte> frames = _runBuffer.AsSpan(_runStart, _runEnd - _runStart);
        _runOwner = null; // closed first: a failure below must not leave a run pointing into a buffer that moves on
        _runBuffer = null;
        int size = AofFormat.FrameRunRecordSize(_runDatabase, frames.Length);
        AofWriter writer = Writer;
        Span<byte> record = writer.Reserve(size);
        int pos = AofFormat.BeginFrameRun(record, _runDatabase);
        frames.CopyTo(record[pos..]);
        AofFormat.WriteLength(record); // the writer thread computes the CRC, off the store lock
        owner.DurabilityTicket = Math.Max(owner.DurabilityTicket, writer.Commit(size, owner.Now));
    }

    /// <summary>
    /// The common case (a command logged as it arrived): encoded from the request straight into the writer's buffer.
    /// The size is taken from the arguments' lengths (no span per argument) and one-byte lengths are written inline:
    /// a loop microbenchmark of the encoding (SET, 16-byte key, 64-byte value) measured 49-52 ns per record against 57-62
    /// with the generic varint helpers (bench/README.md, AOF section, aof9).
    /// </summary>
    private void LogVerbatim(CommandContext ctx)
    {
        Protocol.Resp.CommandArguments args = ctx.Arguments;
        int count = args.Count;
        int argumentsSize = 0;
        for (int i = 0; i < count; i++)
        {
            argumentsSize += AofFormat.ArgumentSize(args.GetMemory(i).Length);
        }
        int database = ctx.Client.DatabaseIndex;
        int size = AofFormat.SingleCommandRecordSize(database, count, argumentsSize);
        AofWriter writer = Writer;
        Span<byte> record = writer.Reserve(size);
        int pos = AofFormat.BeginSingleCommand(record, database, count);
        for (int i = 0; i < count; i++)
        {
            pos = AofFormat.WriteArgument(record, pos, args[i]);
        }
        Invariant.Require(pos == size, "AOF record size mismatch");
        AofFormat.WriteLength(record); // the writer thread computes the CRC, off the store lock
        ctx.DurabilityTicket = writer.Commit(size, ctx.Now);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static AofWriter ThrowNotStarted() => throw new InvalidOperationException("AOF not started");

    public void AppendGroup(CommandContext ctx, List<(int Database, IReadOnlyList<ReadOnlyMemory<byte>> Arguments)> group)
    {
        FlushRun();
        ctx.DurabilityTicket = Writer.Append(AofFormat.EncodeRecord(group), ctx.Now);
    }

    public void Dispose()
    {
        _disposed = true;
        _writer?.Dispose();
    }
}
