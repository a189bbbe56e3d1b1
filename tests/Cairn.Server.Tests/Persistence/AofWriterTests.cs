using System.Text;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;

namespace Cairn.Server.Tests.Persistence;

/// <summary>
/// AofWriter under everysec: its bounded queue (a writer that cannot keep up makes commands wait and loses nothing) and
/// what a crash may take (at most the tail not yet fsynced, never a record in the middle). Records are built as
/// AofService.LogVerbatim builds them: length only, the writer thread computes every CRC.
/// </summary>
public sealed class AofWriterTests
{
    private const string Directory = "/aof";
    private const string FilePath = Directory + "/appendonly.aof.1.incr.caof";

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // commands give their clock: they hand the queue over too, between the writer's own takes
    public void AWriterThatCannotKeepUpMakesCommandsWaitAndLosesNothing(bool commandsGiveTheirClock)
    {
        var fileSystem = new MemoryFileSystem();
        fileSystem.CreateDirectory(Directory);
        var file = new SlowFile(fileSystem.CreateWritable(FilePath), delayMilliseconds: 5);
        file.Append(AofFormat.CreateHeader());
        var options = new AofWriterOptions { WriteIntervalMilliseconds = 1, EagerWriteBytes = 1024, MaxPendingBytes = 4096 };
        const int records = 3000;
        long mostQueued = 0;
        var storeLock = new Lock();
        var writer = new AofWriter(file, FsyncPolicy.EverySecond, FilePath, storeLock, options);
        try
        {
            for (int i = 0; i < records; i++)
            {
                // Waiting for room holds the store lock, as a command does: the writer must make progress without it.
                lock (storeLock)
                {
                    Append(writer, i, commandsGiveTheirClock ? Environment.TickCount64 : long.MinValue);
                }
                // Queued = the buffer being written plus the pending one: each at most MaxPendingBytes.
                mostQueued = Math.Max(mostQueued, writer.AppendedOffset - (file.Length - AofFormat.HeaderBytes));
            }
            Assert.True(writer.BackpressureWaits > 0, "the writer kept up: the test did not exercise the bound");
            Assert.True(mostQueued <= 2 * options.MaxPendingBytes, $"{mostQueued} bytes queued, bound {options.MaxPendingBytes} per buffer");
        }
        finally
        {
            writer.Dispose();
        }
        List<string> keys = ReadKeys(fileSystem, out AofReadResult result);
        Assert.Equal(AofReadStatus.Clean, result.Status);
        Assert.Equal(records, keys.Count);
        for (int i = 0; i < records; i++)
        {
            Assert.Equal(Key(i), keys[i]);
        }
    }

    [Theory]
    [InlineData(CrashMode.DropUnsynced, 31UL)]
    [InlineData(CrashMode.TearUnsynced, 32UL)]
    [InlineData(CrashMode.TearUnsynced, 33UL)]
    public async Task ACrashMidBufferLosesAtMostTheUnsyncedTail(CrashMode mode, ulong seed)
    {
        var memory = new MemoryFileSystem();
        var faulty = new FaultInjectingFileSystem(memory, new SeededRandom(seed));
        faulty.CreateDirectory(Directory);
        IWritableFile file = faulty.CreateWritable(FilePath);
        faulty.SyncDirectory(Directory);
        file.Append(AofFormat.CreateHeader());
        file.Sync();
        var storeLock = new Lock();
        var writer = new AofWriter(file, FsyncPolicy.EverySecond, FilePath, storeLock, new AofWriterOptions { WriteIntervalMilliseconds = 2 });
        const int synced = 500;
        int appended = 0;
        try
        {
            for (; appended < synced; appended++)
            {
                lock (storeLock)
                {
                    Append(writer, appended);
                }
            }
            long target = writer.AppendedOffset;
            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            while (writer.SyncedOffset < target && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
            Assert.True(writer.SyncedOffset >= target, "everysec did not fsync within 10 s");
            // The unsynced tail: some of it reaches the file (not fsynced), some is still queued when the crash hits.
            for (; appended < synced + 2000; appended++)
            {
                lock (storeLock)
                {
                    Append(writer, appended);
                }
                if (appended == synced + 1000)
                {
                    await Task.Delay(20);
                }
            }
            faulty.Crash(mode);
        }
        finally
        {
            writer.Dispose(); // its handle died with the crash: nothing more reaches the file
        }
        List<string> keys = ReadKeys(memory, out AofReadResult result);
        Assert.NotEqual(AofReadStatus.Corrupt, result.Status);
        Assert.InRange(keys.Count, synced, appended);
        for (int i = 0; i < keys.Count; i++)
        {
            Assert.Equal(Key(i), keys[i]); // a prefix: nothing in the middle is missing
        }
    }

    [Fact]
    public async Task ACommandThatFindsTheQueueOlderThanTheIntervalHandsItToTheWriter()
    {
        var fileSystem = new MemoryFileSystem();
        fileSystem.CreateDirectory(Directory);
        IWritableFile file = fileSystem.CreateWritable(FilePath);
        file.Append(AofFormat.CreateHeader());
        var storeLock = new Lock();
        // The thread's own timer would take the queue only after 30 s: what reaches the file sooner was handed over.
        var writer = new AofWriter(file, FsyncPolicy.EverySecond, FilePath, storeLock, new AofWriterOptions { WriteIntervalMilliseconds = 30_000 });
        try
        {
            lock (storeLock)
            {
                Append(writer, 0, nowMilliseconds: 1_000);
                Append(writer, 1, nowMilliseconds: 20_000); // the first record is 19 s old: not yet the interval
            }
            await Task.Delay(100);
            Assert.Equal(0, writer.DurableOffset);
            lock (storeLock)
            {
                Append(writer, 2, nowMilliseconds: 31_000); // 30 s after the first record: hand the queue over
            }
            // Handed over, but the wake-up waits for the caller to leave the store lock and ask for it (as a connection
            // does after its batch): a thread woken under the lock would preempt the lock's holder.
            await Task.Delay(100);
            Assert.Equal(0, writer.DurableOffset);
            writer.WakeDeferred();
            long target = writer.AppendedOffset;
            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            while (writer.DurableOffset < target && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
            Assert.Equal(target, writer.DurableOffset);
            Assert.Equal(AofFormat.HeaderBytes + target, file.Length);
        }
        finally
        {
            writer.Dispose();
        }
        Assert.Equal(["key000000", "key000001", "key000002"], ReadKeys(fileSystem, out AofReadResult result));
        Assert.Equal(AofReadStatus.Clean, result.Status);
    }

    private static string Key(int i) => $"key{i:D6}";

    /// <summary>Queues SET key{i} value as one record, the way AofService.LogVerbatim does.</summary>
    private static long Append(AofWriter writer, int i, long nowMilliseconds = long.MinValue)
    {
        byte[] key = Encoding.ASCII.GetBytes(Key(i));
        ReadOnlySpan<byte> value = "value"u8;
        int size = AofFormat.SingleCommandRecordSize(0, 3,
            AofFormat.ArgumentSize(3) + AofFormat.ArgumentSize(key.Length) + AofFormat.ArgumentSize(value.Length));
        Span<byte> record = writer.Reserve(size);
        int pos = AofFormat.BeginSingleCommand(record, 0, 3);
        pos = AofFormat.WriteArgument(record, pos, "SET"u8);
        pos = AofFormat.WriteArgument(record, pos, key);
        pos = AofFormat.WriteArgument(record, pos, value);
        Assert.Equal(size, pos);
        AofFormat.WriteLength(record);
        return writer.Commit(size, nowMilliseconds);
    }

    private static List<string> ReadKeys(IFileSystem fileSystem, out AofReadResult result)
    {
        var keys = new List<string>();
        result = AofReader.Read(fileSystem, FilePath, commands =>
        {
            foreach ((int _, byte[][] arguments) in commands)
            {
                keys.Add(Encoding.ASCII.GetString(arguments[1]));
            }
        });
        return keys;
    }

    /// <summary>A disk slower than the commands: every append takes a few milliseconds.</summary>
    private sealed class SlowFile(IWritableFile inner, int delayMilliseconds) : IWritableFile
    {
        public long Length => inner.Length;

        public void Append(ReadOnlySpan<byte> data)
        {
            Thread.Sleep(delayMilliseconds);
            inner.Append(data);
        }

        public void Flush() => inner.Flush();

        public void Sync() => inner.Sync();

        public void SyncFlushed() => inner.SyncFlushed();

        public void Dispose() => inner.Dispose();
    }
}
