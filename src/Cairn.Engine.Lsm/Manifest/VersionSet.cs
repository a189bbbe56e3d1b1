using System.Text;
using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.Table;
using Cairn.Engine.Lsm.Wal;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm.Manifest;

/// <summary>
/// The current version and the counters that go with it, kept durable in a manifest: a log of version edits, the first of
/// which snapshots the whole state. CURRENT names the manifest in use and is replaced atomically (write a temporary file,
/// sync it, rename it over CURRENT, sync the directory), so recovery always finds one complete manifest.
/// Thread safety: REQUIRES the database mutex for every member.
/// </summary>
internal sealed class VersionSet : IDisposable
{
    private readonly IFileSystem _fileSystem;
    private readonly string _directory;
    private readonly TableCache _tableCache;
    private readonly HashSet<TreeVersion> _pinned = [];
    private LogWriter? _manifest;

    public VersionSet(IFileSystem fileSystem, string directory, TableCache tableCache)
    {
        _fileSystem = fileSystem;
        _directory = directory;
        _tableCache = tableCache;
        Current = NewVersion(EmptyLevels());
        Ref(Current);
    }

    public TreeVersion Current { get; private set; }

    public ulong NextFileNumber { get; private set; } = 2;

    public ulong LastSequence { get; set; }

    /// <summary>Logs numbered below this hold only flushed writes.</summary>
    public ulong LogNumber { get; private set; }

    public ulong ManifestNumber { get; private set; }

    public ulong NewFileNumber() => NextFileNumber++;

    /// <summary>Makes sure numbers handed out before a crash are never reused.</summary>
    public void MarkFileNumberUsed(ulong number)
    {
        if (NextFileNumber <= number)
        {
            NextFileNumber = number + 1;
        }
    }

    public void Ref(TreeVersion version)
    {
        version.References++;
        _pinned.Add(version);
    }

    public void Unref(TreeVersion version)
    {
        Invariant.Require(version.References > 0, "unref of a pinned version");
        if (--version.References == 0)
        {
            _pinned.Remove(version);
        }
    }

    /// <summary>File numbers referenced by any pinned version.</summary>
    public void AddLiveFiles(HashSet<ulong> live)
    {
        foreach (TreeVersion version in _pinned)
        {
            foreach (List<FileMetadata> files in version.Levels)
            {
                foreach (FileMetadata file in files)
                {
                    live.Add(file.Number);
                }
            }
        }
    }

    /// <summary>Applies the edit, makes it durable in the manifest, then installs the result as current.</summary>
    public void LogAndApply(VersionEdit edit)
    {
        edit.LogNumber ??= LogNumber;
        Invariant.Require(edit.LogNumber >= LogNumber, "log number never moves back");
        edit.NextFileNumber = NextFileNumber;
        edit.LastSequence = LastSequence;
        TreeVersion next = Apply(Current, edit);
        if (_manifest is null)
        {
            CreateManifest(next, edit);
        }
        else
        {
            try
            {
                _manifest.AddRecord(edit.Encode());
                _manifest.Sync();
            }
            catch
            {
                // The manifest's tail is now unknown; the next edit starts a fresh manifest (and switches CURRENT to it).
                _manifest.Dispose();
                _manifest = null;
                throw;
            }
        }
        Install(next);
        LogNumber = edit.LogNumber.Value;
    }

    /// <summary>Loads the state named by CURRENT. Returns false if the database does not exist.</summary>
    public bool Recover(List<string> report)
    {
        string currentPath = DatabaseFiles.CurrentPath(_directory);
        if (!_fileSystem.Exists(currentPath))
        {
            return false;
        }
        string manifestName;
        using (IRandomAccessFile current = _fileSystem.OpenRandomAccess(currentPath))
        {
            var bytes = new byte[Math.Min(current.Length, 256)];
            current.Read(0, bytes);
            manifestName = Encoding.ASCII.GetString(bytes).TrimEnd('\n');
        }
        if (DatabaseFiles.Parse(manifestName, out ulong manifestNumber) != DatabaseFiles.Kind.Manifest)
        {
            throw new CorruptionException(currentPath, 0, "CURRENT does not name a manifest");
        }
        string manifestPath = $"{_directory}/{manifestName}";
        TreeVersion version = NewVersion(EmptyLevels());
        bool sawVersion = false, sawNext = false, sawLast = false, sawLog = false;
        using (IRandomAccessFile file = _fileSystem.OpenRandomAccess(manifestPath))
        {
            var reader = new LogReader(file);
            while (true)
            {
                LogReadResult result = reader.ReadRecord(LogFormat.ManifestMagic, out ReadOnlyMemory<byte> record);
                if (result == LogReadResult.EndOfFile)
                {
                    if (reader.TornTail)
                    {
                        report.Add($"{manifestPath}: torn tail after offset {reader.LastRecordEndOffset} ignored (an edit never acknowledged)");
                    }
                    break;
                }
                if (result == LogReadResult.Corrupted)
                {
                    throw new CorruptionException(manifestPath, reader.ProblemOffset, reader.ProblemReason);
                }
                VersionEdit edit = VersionEdit.TryDecode(record.Span)
                    ?? throw new CorruptionException(manifestPath, reader.LastRecordEndOffset - record.Length, "malformed version edit");
                if (edit.FormatVersion is { } format)
                {
                    if (format != ManifestFormat.Version)
                    {
                        throw new CorruptionException(manifestPath, 0, $"unsupported manifest format version {format}");
                    }
                    sawVersion = true;
                }
                version = Apply(version, edit);
                if (edit.LogNumber is { } log)
                {
                    LogNumber = log;
                    sawLog = true;
                }
                if (edit.NextFileNumber is { } next)
                {
                    NextFileNumber = next;
                    sawNext = true;
                }
                if (edit.LastSequence is { } last)
                {
                    LastSequence = last;
                    sawLast = true;
                }
            }
        }
        if (!sawVersion || !sawNext || !sawLast || !sawLog)
        {
            throw new CorruptionException(manifestPath, 0, "manifest lacks its format version, file counters or log number");
        }
        MarkFileNumberUsed(manifestNumber);
        Install(version);
        return true;
    }

    public void Dispose() => _manifest?.Dispose();

    private void CreateManifest(TreeVersion next, VersionEdit edit)
    {
        ulong number = NewFileNumber();
        edit.NextFileNumber = NextFileNumber;
        var snapshot = new VersionEdit
        {
            FormatVersion = ManifestFormat.Version,
            LogNumber = edit.LogNumber,
            NextFileNumber = NextFileNumber,
            LastSequence = LastSequence,
        };
        for (int level = 0; level < next.Levels.Length; level++)
        {
            foreach (FileMetadata file in next.Levels[level])
            {
                snapshot.NewFiles.Add((level, file));
            }
        }
        string name = DatabaseFiles.ManifestName(number);
        var writer = new LogWriter(_fileSystem.CreateWritable($"{_directory}/{name}"), LogFormat.ManifestMagic);
        try
        {
            writer.AddRecord(snapshot.Encode());
            writer.Sync();
            ulong tempNumber = NewFileNumber();
            string temp = DatabaseFiles.TempPath(_directory, tempNumber);
            using (IWritableFile current = _fileSystem.CreateWritable(temp))
            {
                current.Append(Encoding.ASCII.GetBytes(name + "\n"));
                current.Sync();
            }
            _fileSystem.Rename(temp, DatabaseFiles.CurrentPath(_directory));
            _fileSystem.SyncDirectory(_directory);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        _manifest = writer;
        ManifestNumber = number;
    }

    private void Install(TreeVersion version)
    {
        Ref(version);
        Unref(Current);
        Current = version;
    }

    private TreeVersion Apply(TreeVersion baseVersion, VersionEdit edit)
    {
        var deleted = new HashSet<(int, ulong)>(edit.DeletedFiles);
        List<FileMetadata>[] levels = EmptyLevels();
        for (int level = 0; level < levels.Length; level++)
        {
            foreach (FileMetadata file in baseVersion.Levels[level])
            {
                if (!deleted.Contains((level, file.Number)))
                {
                    levels[level].Add(file);
                }
            }
        }
        foreach ((int level, FileMetadata file) in edit.NewFiles)
        {
            levels[level].Add(file);
            MarkFileNumberUsed(file.Number);
        }
        levels[0].Sort((a, b) => b.LargestSequence.CompareTo(a.LargestSequence));
        for (int level = 1; level < levels.Length; level++)
        {
            levels[level].Sort((a, b) => InternalKey.Compare(a.Smallest, b.Smallest));
            for (int i = 1; i < levels[level].Count; i++)
            {
                Invariant.Require(InternalKey.Compare(levels[level][i - 1].Largest, levels[level][i].Smallest) < 0,
                    "files of a level below 0 do not overlap");
            }
        }
        return NewVersion(levels);
    }

    private TreeVersion NewVersion(List<FileMetadata>[] levels) => new(_tableCache, levels);

    private static List<FileMetadata>[] EmptyLevels()
    {
        var levels = new List<FileMetadata>[LsmOptions.LevelCount];
        for (int i = 0; i < levels.Length; i++)
        {
            levels[i] = [];
        }
        return levels;
    }
}
