using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives.FileSystem;
using Microsoft.Extensions.Logging;

namespace Cairn.Commands.Persistence;

/// <summary>
/// The node's append-only file: loads the files listed in the manifest at start-up (truncating a torn tail, refusing
/// to start on any other corruption), then logs every write command to a new incremental file through
/// <see cref="AofWriter"/>. The AOF directory is {dir}/appendonlydir.
/// </summary>
public sealed class AofService : IDisposable
{
    public const string DirectoryName = "appendonlydir";
    private readonly ServerContext _server;
    private readonly IFileSystem _fileSystem;
    private readonly string _directory;
    private AofWriter? _writer;

    public AofService(ServerContext server, IFileSystem fileSystem)
    {
        _server = server;
        _fileSystem = fileSystem;
        _directory = Path.Combine(server.Config.Dir, DirectoryName).Replace('\\', '/');
    }

    public AofWriter Writer => _writer ?? throw new InvalidOperationException("AOF not started");

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
            string path = _directory + "/" + manifest.Files[i].Name;
            if (!_fileSystem.Exists(path))
            {
                throw new InvalidDataException($"{path}: listed in the AOF manifest but missing");
            }
            AofReadResult result = AofReader.Read(_fileSystem, path, replay.Apply);
            LoadedRecords += result.Records;
            bool last = i == manifest.Files.Count - 1;
            switch (result.Status)
            {
                case AofReadStatus.Corrupt:
                    throw new InvalidDataException($"Bad AOF: {result.Problem}. Refusing to start; run 'cairn check {path}' to inspect it.");
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
        long sequence = manifest.NextSequence;
        string name = AofManifest.IncrementalFileName(sequence);
        IWritableFile file = _fileSystem.CreateWritable(_directory + "/" + name);
        file.Append(AofFormat.CreateHeader());
        file.Sync();
        manifest.Files.Add((name, sequence));
        manifest.Save(_fileSystem, _directory);
        _writer = new AofWriter(file, Policy, _directory + "/" + name);
        _server.Store.Dirty = 0;
    }

    /// <summary>Logs the command just executed (or adds it to the running transaction's group).</summary>
    public void Log(CommandContext ctx)
    {
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
        ctx.AofTargetOffset = Writer.Append(AofFormat.EncodeRecord(entries));
    }

    public void AppendGroup(CommandContext ctx, List<(int Database, IReadOnlyList<ReadOnlyMemory<byte>> Arguments)> group) =>
        ctx.AofTargetOffset = Writer.Append(AofFormat.EncodeRecord(group));

    public void Dispose() => _writer?.Dispose();
}
