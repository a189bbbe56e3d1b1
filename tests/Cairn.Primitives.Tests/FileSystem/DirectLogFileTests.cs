using Cairn.Primitives.FileSystem;

namespace Cairn.Primitives.Tests.FileSystem;

/// <summary>
/// <see cref="IFileSystem.CreateLog"/> on the physical file system: written around the page cache on Linux (O_DIRECT,
/// <see cref="DirectLogFile"/>), or buffered where the file system refuses that. Either way every appended byte reads back
/// in order; a direct file ends each flush on a 4 KiB boundary in zero padding, and loses the padding when closed.
/// </summary>
public sealed class DirectLogFileTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cairn-log-" + Guid.NewGuid().ToString("N"));

    public DirectLogFileTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    [Fact]
    public void OnLinuxTheLogIsWrittenAroundThePageCacheWhenTheFileSystemAllowsIt()
    {
        using IWritableFile file = PhysicalFileSystem.Instance.CreateLog(Path.Combine(_root, "a.log"));
        if (OperatingSystem.IsLinux() && (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture
            is System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.Arm64)
            && FileSystemType(_root) is "ext4" or "xfs")
        {
            Assert.IsType<DirectLogFile>(file); // both take O_DIRECT; tmpfs and some overlays refuse it
        }
    }

    [Fact]
    public void AppendsOfEverySizeAcrossFlushesReadBackInOrderWithOnlyZeroPaddingAfterThem()
    {
        string path = Path.Combine(_root, "b.log");
        var expected = new List<byte>();
        IWritableFile file = PhysicalFileSystem.Instance.CreateLog(path);
        try
        {
            // Small appends, a block exactly, appends straddling blocks, and one larger than the 1 MiB buffer.
            int[] sizes = [1, 7, 4095, 1, 4096, 3000, 5000, (1 << 20) + 123, 10, 8192, 1];
            for (int i = 0; i < sizes.Length; i++)
            {
                byte[] data = Pattern(sizes[i], i);
                file.Append(data);
                expected.AddRange(data);
                Assert.Equal(expected.Count, file.Length);
                if (i % 2 == 0)
                {
                    file.Flush();
                    AssertReadsBack(path, expected, file is DirectLogFile);
                }
            }
            file.Sync();
            AssertReadsBack(path, expected, file is DirectLogFile);
        }
        finally
        {
            file.Dispose();
        }
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path)); // closed: the padding is gone
    }

    [Fact]
    public async Task RepeatedFlushesAndASyncFlushedBesideTheAppendsKeepEveryByteInOrder()
    {
        string path = Path.Combine(_root, "c.log");
        var expected = new List<byte>();
        using IWritableFile file = PhysicalFileSystem.Instance.CreateLog(path);
        using var stop = new CancellationTokenSource();
        Task syncer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                file.SyncFlushed();
            }
        });
        for (int i = 0; i < 300; i++)
        {
            byte[] data = Pattern(97 + i, i);
            file.Append(data);
            expected.AddRange(data);
            file.Flush();
            file.Flush();
        }
        stop.Cancel();
        await syncer;
        file.Sync();
        AssertReadsBack(path, expected, file is DirectLogFile);
    }

    private static void AssertReadsBack(string path, List<byte> expected, bool padded)
    {
        byte[] onDisk = ReadShared(path);
        if (!padded)
        {
            Assert.Equal(expected.ToArray(), onDisk);
            return;
        }
        Assert.Equal(0, onDisk.Length % 4096);
        Assert.InRange(onDisk.Length - expected.Count, 0, 4095);
        Assert.Equal(expected.ToArray(), onDisk.AsSpan(0, expected.Count).ToArray());
        Assert.False(onDisk.AsSpan(expected.Count).ContainsAnyExcept((byte)0));
    }

    private static string? FileSystemType(string path)
    {
        string full = Path.GetFullPath(path);
        string? type = null;
        int best = -1;
        foreach (string line in File.ReadLines("/proc/mounts"))
        {
            string[] fields = line.Split(' ');
            if (fields.Length > 2 && full.StartsWith(fields[1], StringComparison.Ordinal) && fields[1].Length > best)
            {
                best = fields[1].Length;
                type = fields[2];
            }
        }
        return type;
    }
}
