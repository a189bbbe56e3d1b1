using System.Text;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives.FileSystem;
using Cairn.Protocol.Resp;

namespace Cairn.Server.Tests.Persistence;

/// <summary>Freezes the AOF format (docs/formats/aof.md): a change to the bytes written must be deliberate.</summary>
public sealed class AofFormatTests
{
    private static byte[] GoldenRecord() => AofFormat.EncodeRecord(
    [
        (0, [ "SET"u8.ToArray(), "key"u8.ToArray(), "value"u8.ToArray() ]),
        (3, [ "PEXPIREAT"u8.ToArray(), "key"u8.ToArray(), "1700000000000"u8.ToArray() ]),
    ]);

    private static readonly byte[] GoldenFrames = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"u8.ToArray();

    /// <summary>A sealed frame-run record of <paramref name="frames"/> in <paramref name="database"/>, as AofService writes it.</summary>
    private static byte[] FrameRunRecord(int database, byte[] frames)
    {
        var record = new byte[AofFormat.FrameRunRecordSize(database, frames.Length)];
        int pos = AofFormat.BeginFrameRun(record, database);
        frames.CopyTo(record.AsSpan(pos));
        AofFormat.Seal(record);
        return record;
    }

    private static string Golden(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Persistence", "Golden", name)).Trim();

    [Fact]
    public void RecordEncodingMatchesTheGoldenFile()
    {
        byte[] file = [.. AofFormat.CreateHeader(), .. GoldenRecord(), .. FrameRunRecord(2, GoldenFrames)];
        Assert.Equal(Golden("aof-v2.hex"), Convert.ToHexString(file).ToLowerInvariant());
    }

    [Fact]
    public void AVersion1FileIsStillRead()
    {
        var commands = new List<(int Database, byte[][] Arguments)>();
        AofReadResult result = Read(Convert.FromHexString(Golden("aof-v1.hex")), commands);
        Assert.Equal(AofReadStatus.Clean, result.Status);
        Assert.Equal(["SET", "PEXPIREAT"], commands.Select(c => Encoding.ASCII.GetString(c.Arguments[0])));
    }

    [Fact]
    public void AVersion2FileReadsBothKindsOfRecord()
    {
        var commands = new List<(int Database, byte[][] Arguments)>();
        AofReadResult result = Read(Convert.FromHexString(Golden("aof-v2.hex")), commands);
        Assert.Equal(AofReadStatus.Clean, result.Status);
        Assert.Equal(2, result.Records);
        Assert.Equal(["SET key value", "PEXPIREAT key 1700000000000", "SET a b", "INCR n"],
            commands.Select(c => string.Join(' ', c.Arguments.Select(a => Encoding.ASCII.GetString(a)))));
        Assert.Equal([0, 3, 2, 2], commands.Select(c => c.Database));
    }

    [Fact]
    public void AFrameRunInAVersion1FileIsMalformed()
    {
        byte[] header = AofFormat.CreateHeader();
        header[8] = 1;
        var commands = new List<(int Database, byte[][] Arguments)>();
        AofReadResult result = Read([.. header, .. FrameRunRecord(0, GoldenFrames)], commands);
        Assert.Equal(AofReadStatus.Corrupt, result.Status);
        Assert.Contains("malformed record", result.Problem);
    }

    [Fact]
    public void AnUnknownVersionIsRefused()
    {
        byte[] header = AofFormat.CreateHeader();
        header[8] = (byte)(AofFormat.Version + 1);
        AofReadResult result = Read(header, []);
        Assert.Equal(AofReadStatus.Corrupt, result.Status);
        Assert.Contains("unsupported AOF format version", result.Problem);
    }

    [Theory]
    [InlineData("")] // no frame
    [InlineData("*1\r\n$3\r\nSET\r")] // an argument's two trailing bytes missing
    [InlineData("*2\r\n$3\r\nSET\r\n")] // fewer arguments than counted
    [InlineData("*0\r\n")] // no arguments
    [InlineData("*01\r\n$3\r\nSET\r\n")] // a leading zero, which the request parser does not take as a plain frame
    [InlineData("*1\r\n$-1\r\n")] // a sign
    [InlineData("*1\r\n+OK\r\n")] // not a bulk string
    [InlineData("$3\r\nSET\r\n")] // not a multibulk frame
    [InlineData("*1\r\n$3\r\nSET\r\nX")] // a stray byte after the last frame
    public void MalformedFrameRunsAreRejected(string frames)
    {
        byte[] record = FrameRunRecord(0, Encoding.ASCII.GetBytes(frames));
        Assert.False(AofFormat.TryDecodePayload(record.AsSpan(AofFormat.RecordHeaderBytes), []));
    }

    /// <summary>
    /// Whatever the request parser takes as a plain frame (FrameIndex, whose frames the AOF copies), the AOF decodes to
    /// the same arguments: random frames with odd lengths, binary bytes and odd bytes where CRLFs go.
    /// </summary>
    [Fact]
    public void FramesTheRequestParserTakesDecodeToTheSameArguments()
    {
        var random = new Random(1234);
        for (int round = 0; round < 300; round++)
        {
            var input = new List<byte>();
            int frameCount = random.Next(1, FrameIndex.MaxFrames + 1);
            for (int f = 0; f < frameCount; f++)
            {
                int argc = random.Next(1, FrameIndex.MaxArgs + 1);
                input.AddRange(Encoding.ASCII.GetBytes($"*{argc}\r\n"));
                for (int a = 0; a < argc; a++)
                {
                    byte[] argument = new byte[random.Next(0, random.Next(2) == 0 ? 8 : 300)];
                    random.NextBytes(argument);
                    input.AddRange(Encoding.ASCII.GetBytes($"${argument.Length}\r"));
                    input.Add(random.Next(4) == 0 ? (byte)'x' : (byte)'\n'); // the parser skips the byte after '\r'
                    input.AddRange(argument);
                    input.AddRange(random.Next(4) == 0 ? "ab"u8.ToArray() : "\r\n"u8.ToArray());
                }
            }
            byte[] buffer = [.. input];
            var index = new FrameIndex();
            Assert.Equal(frameCount, index.Build(buffer));
            var arguments = new CommandArguments();
            var limits = new RequestParserLimits();
            var expected = new List<byte[][]>();
            int taken = 0;
            for (int f = 0; f < frameCount; f++)
            {
                Assert.True(index.TryTake(buffer.AsMemory(taken), arguments, limits, authenticated: true, out int length));
                Assert.Equal(taken, arguments.Frame.Offset);
                Assert.Equal(length, arguments.Frame.Count);
                expected.Add(arguments.ToOwnedArray());
                taken += length;
            }
            Assert.Equal(buffer.Length, taken);
            var decoded = new List<(int Database, byte[][] Arguments)>();
            byte[] record = FrameRunRecord(5, buffer);
            Assert.True(AofFormat.TryDecodePayload(record.AsSpan(AofFormat.RecordHeaderBytes), decoded));
            Assert.Equal(expected.Count, decoded.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(5, decoded[i].Database);
                Assert.Equal(expected[i], decoded[i].Arguments);
            }
        }
    }

    [Fact]
    public void ChangingTheArgumentsDropsTheirFrame()
    {
        byte[] buffer = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"u8.ToArray();
        var index = new FrameIndex();
        index.Build(buffer);
        var arguments = new CommandArguments();
        Assert.True(index.TryTake(buffer, arguments, new RequestParserLimits(), authenticated: true, out _));
        Assert.NotNull(arguments.Frame.Array);
        arguments.Set(1, "other"u8.ToArray());
        Assert.Null(arguments.Frame.Array);
    }

    [Fact]
    public void ARecordDecodesToWhatWasEncoded()
    {
        byte[] record = GoldenRecord();
        var commands = new List<(int Database, byte[][] Arguments)>();
        Assert.True(AofFormat.TryDecodePayload(record.AsSpan(AofFormat.RecordHeaderBytes), commands));
        Assert.Equal(2, commands.Count);
        Assert.Equal(3, commands[1].Database);
        Assert.Equal("1700000000000"u8.ToArray(), commands[1].Arguments[2]);
    }

    [Fact]
    public void RecordsFramedByLengthAndSealedTogetherMatchTheGoldenEncoding()
    {
        // AofService writes only each record's length under the store lock; the writer thread seals the whole batch.
        byte[] golden = GoldenRecord();
        byte[] batch = [.. golden, .. golden];
        for (int at = 0; at < batch.Length; at += golden.Length)
        {
            batch.AsSpan(at + 4, 4).Clear();
            AofFormat.WriteLength(batch.AsSpan(at, golden.Length));
        }
        Assert.Equal(2, AofFormat.SealAll(batch));
        Assert.Equal([.. golden, .. golden], batch);
    }

    [Fact]
    public void AVersionConstantChangeIsDeliberate() => Assert.Equal(2, AofFormat.Version);

    private static AofReadResult Read(byte[] file, List<(int Database, byte[][] Arguments)> commands)
    {
        var fileSystem = new MemoryFileSystem();
        fileSystem.CreateDirectory("/aof");
        using (IWritableFile writable = fileSystem.CreateWritable("/aof/f.caof"))
        {
            writable.Append(file);
            writable.Sync();
        }
        return AofReader.Read(fileSystem, "/aof/f.caof", batch => commands.AddRange(batch));
    }
}
