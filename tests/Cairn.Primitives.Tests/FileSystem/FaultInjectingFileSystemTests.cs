using Cairn.Primitives.FileSystem;

namespace Cairn.Primitives.Tests.FileSystem;

public sealed class FaultInjectingFileSystemTests
{
    private static FaultInjectingFileSystem Create(ulong seed = 7)
    {
        var fs = new FaultInjectingFileSystem(new MemoryFileSystem(), new SeededRandom(seed));
        fs.CreateDirectory("/db");
        return fs;
    }

    [Fact]
    public void CrashDropsUnsyncedBytesButKeepsSyncedOnes()
    {
        var fs = Create();
        IWritableFile file = fs.CreateWritable("/db/log");
        fs.SyncDirectory("/db");
        file.Append([1, 2, 3]);
        file.Sync();
        file.Append([4, 5, 6]);
        fs.Crash(CrashMode.DropUnsynced);
        Assert.Equal(3, fs.GetLength("/db/log"));
    }

    [Fact]
    public void CrashRemovesFilesWhoseDirectoryWasNeverSynced()
    {
        var fs = Create();
        using (IWritableFile file = fs.CreateWritable("/db/new"))
        {
            file.Append([1]);
            file.Sync();
        }
        fs.Crash(CrashMode.DropUnsynced);
        Assert.False(fs.Exists("/db/new"));
    }

    [Fact]
    public void HandlesOpenedBeforeACrashThrow()
    {
        var fs = Create();
        IWritableFile file = fs.CreateWritable("/db/log");
        fs.SyncDirectory("/db");
        fs.Crash(CrashMode.DropUnsynced);
        Assert.Throws<IOException>(() => file.Append([1]));
        Assert.Throws<IOException>(() => file.Sync());
    }

    [Fact]
    public void TornCrashKeepsSyncedPrefixAndAtMostTheUnsyncedTail()
    {
        for (ulong seed = 0; seed < 50; seed++)
        {
            var fs = Create(seed);
            IWritableFile file = fs.CreateWritable("/db/log");
            fs.SyncDirectory("/db");
            byte[] synced = [9, 9, 9, 9];
            file.Append(synced);
            file.Sync();
            file.Append(new byte[100]);
            fs.Crash(CrashMode.TearUnsynced);
            long length = fs.GetLength("/db/log");
            Assert.InRange(length, 4, 104);
            using IRandomAccessFile reader = fs.OpenRandomAccess("/db/log");
            var head = new byte[4];
            reader.Read(0, head);
            Assert.Equal(synced, head);
        }
    }

    [Fact]
    public void FlipBitChangesExactlyOneBit()
    {
        var fs = Create();
        using (IWritableFile file = fs.CreateWritable("/db/t"))
        {
            file.Append(new byte[16]);
        }
        fs.FlipBit("/db/t", 13);
        using IRandomAccessFile reader = fs.OpenRandomAccess("/db/t");
        var contents = new byte[16];
        reader.Read(0, contents);
        Assert.Equal(1 << 5, contents[1]);
        Assert.Equal(1, contents.Count(b => b != 0));
    }

    [Fact]
    public void InjectedFailuresThrowIOExceptionAtTheConfiguredRate()
    {
        var fs = Create();
        fs.FailingOperations = FaultKinds.Sync;
        fs.FailureProbability = 0.5;
        using IWritableFile file = fs.CreateWritable("/db/log");
        int failures = 0;
        for (int i = 0; i < 1000; i++)
        {
            try
            {
                file.Sync();
            }
            catch (IOException)
            {
                failures++;
            }
        }
        Assert.InRange(failures, 400, 600);
        Assert.Equal(failures, fs.InjectedFailures);
        file.Append([1]);
    }

    [Fact]
    public void SameSeedReplaysTheSameTear()
    {
        long Run()
        {
            var fs = Create(42);
            IWritableFile file = fs.CreateWritable("/db/log");
            fs.SyncDirectory("/db");
            file.Append(new byte[1000]);
            fs.Crash(CrashMode.TearUnsynced);
            return fs.GetLength("/db/log");
        }
        Assert.Equal(Run(), Run());
    }
}
