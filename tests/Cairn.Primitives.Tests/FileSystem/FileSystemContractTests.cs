using Cairn.Primitives.FileSystem;

namespace Cairn.Primitives.Tests.FileSystem;

/// <summary>The same contract checks against every implementation, so the in-memory one cannot drift from the real one.</summary>
public sealed class FileSystemContractTests : IDisposable
{
    private readonly string _physicalRoot = Path.Combine(Path.GetTempPath(), "cairn-fs-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Kinds => new() { "memory", "physical", "fault" };

    public void Dispose()
    {
        if (Directory.Exists(_physicalRoot))
        {
            Directory.Delete(_physicalRoot, recursive: true);
        }
    }

    private (IFileSystem FileSystem, string Root) Create(string kind) => kind switch
    {
        "memory" => (new MemoryFileSystem(), "/db"),
        "physical" => (PhysicalFileSystem.Instance, _physicalRoot),
        _ => (new FaultInjectingFileSystem(new MemoryFileSystem(), new SeededRandom(1)), "/db"),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void AppendedBytesAreReadableAtTheirOffsets(string kind)
    {
        var (fs, root) = Create(kind);
        fs.CreateDirectory(root);
        string path = root + "/a.log";
        using (IWritableFile file = fs.CreateWritable(path))
        {
            file.Append([1, 2, 3]);
            file.Append([4, 5]);
            file.Sync();
            Assert.Equal(5, file.Length);
        }
        using IRandomAccessFile reader = fs.OpenRandomAccess(path);
        var buffer = new byte[10];
        Assert.Equal(3, reader.Read(2, buffer));
        Assert.Equal(new byte[] { 3, 4, 5 }, buffer[..3]);
        Assert.Equal(5, fs.GetLength(path));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RenameReplacesTheDestinationAndListShowsNames(string kind)
    {
        var (fs, root) = Create(kind);
        fs.CreateDirectory(root);
        using (IWritableFile a = fs.CreateWritable(root + "/a"))
        {
            a.Append([1]);
        }
        using (IWritableFile b = fs.CreateWritable(root + "/b"))
        {
            b.Append([2, 2]);
        }
        fs.Rename(root + "/a", root + "/b");
        fs.SyncDirectory(root);
        Assert.False(fs.Exists(root + "/a"));
        Assert.Equal(1, fs.GetLength(root + "/b"));
        Assert.Equal(["b"], fs.List(root));
        Assert.True(fs.Delete(root + "/b"));
        Assert.False(fs.Delete(root + "/b"));
        Assert.Empty(fs.List(root));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void OpeningAMissingFileThrowsFileNotFound(string kind)
    {
        var (fs, root) = Create(kind);
        fs.CreateDirectory(root);
        Assert.Throws<FileNotFoundException>(() => fs.OpenRandomAccess(root + "/missing"));
    }
}
