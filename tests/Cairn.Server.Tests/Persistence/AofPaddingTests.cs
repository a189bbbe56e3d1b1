using System.Text;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives.FileSystem;

namespace Cairn.Server.Tests.Persistence;

/// <summary>
/// The zero padding a log written around the page cache can end in after a crash (docs/formats/aof.md, Padding) is the
/// end of the records, read as a clean file; zeros that are not that padding stay torn or corrupt.
/// </summary>
public sealed class AofPaddingTests
{
    private const string Path = "/aof/file.caof";

    private static byte[] Record(int i) =>
        AofFormat.EncodeRecord([(0, [ "SET"u8.ToArray(), Encoding.ASCII.GetBytes($"key{i}"), "value"u8.ToArray() ])]);

    /// <summary>The header, <paramref name="records"/> records, then <paramref name="tail"/> as given.</summary>
    private static (MemoryFileSystem FileSystem, long RecordsEnd) Write(int records, byte[] tail)
    {
        var fileSystem = new MemoryFileSystem();
        fileSystem.CreateDirectory("/aof");
        using IWritableFile file = fileSystem.CreateWritable(Path);
        file.Append(AofFormat.CreateHeader());
        for (int i = 0; i < records; i++)
        {
            file.Append(Record(i));
        }
        long end = file.Length;
        file.Append(tail);
        file.Sync();
        return (fileSystem, end);
    }

    private static int PaddingTo4K(long end) => (int)((4096 - end % 4096) % 4096);

    /// <summary>Where <paramref name="records"/> records end after the header.</summary>
    private static long RecordsEnd(int records) => Write(records, []).RecordsEnd;

    /// <summary>Reads a file of the header, <paramref name="records"/> records, then <paramref name="tail"/>.</summary>
    private static AofReadResult ReadAfter(int records, byte[] tail) => AofReader.Read(Write(records, tail).FileSystem, Path, null);

    [Fact]
    public void ZerosToTheNextBlockBoundaryAreTheCleanEndOfTheRecords()
    {
        long end = RecordsEnd(50);
        AofReadResult result = ReadAfter(50, new byte[PaddingTo4K(end)]);
        Assert.Equal(AofReadStatus.Clean, result.Status);
        Assert.Equal(50, result.Records);
        Assert.Equal(end, result.ValidLength);
    }

    [Fact]
    public void PaddingShorterThanARecordHeaderIsTheCleanEndToo()
    {
        long end = RecordsEnd(50);
        // One more record, its key sized so that it ends 3 bytes before a block boundary.
        for (int keyLength = 1; keyLength < 5000; keyLength++)
        {
            byte[] last = AofFormat.EncodeRecord([(0, [ "SET"u8.ToArray(), new byte[keyLength], "value"u8.ToArray() ])]);
            if (PaddingTo4K(end + last.Length) == 3)
            {
                AofReadResult result = ReadAfter(50, [.. last, 0, 0, 0]);
                Assert.Equal(AofReadStatus.Clean, result.Status);
                Assert.Equal(51, result.Records);
                Assert.Equal(end + last.Length, result.ValidLength);
                return;
            }
        }
        Assert.Fail("no key length ends the record 3 bytes before a block boundary");
    }

    /// <summary>Not what the log writer leaves, so not dropped silently: start-up stops at them (as before padding).</summary>
    [Fact]
    public void ZerosThatDoNotEndOnABlockBoundaryAreNotPadding()
    {
        long end = RecordsEnd(50);
        AofReadResult result = ReadAfter(50, new byte[PaddingTo4K(end) - 1]);
        Assert.Equal(AofReadStatus.Corrupt, result.Status);
        Assert.Equal(50, result.Records);
        Assert.Equal(end, result.ValidLength);
    }

    [Fact]
    public void AZeroHeaderFollowedByARecordIsNotPadding()
    {
        long end = RecordsEnd(50);
        byte[] record = Record(99);
        byte[] tail = [.. new byte[8], .. record, .. new byte[PaddingTo4K(end + 8 + record.Length)]];
        AofReadResult result = ReadAfter(50, tail);
        Assert.Equal(AofReadStatus.Corrupt, result.Status);
        Assert.Equal(end, result.ValidLength);
    }

    [Fact]
    public void AWholeBlockOfZerosIsNotPadding()
    {
        long end = RecordsEnd(50);
        Assert.Equal(AofReadStatus.Corrupt, ReadAfter(50, new byte[PaddingTo4K(end) + 4096]).Status);
    }
}
