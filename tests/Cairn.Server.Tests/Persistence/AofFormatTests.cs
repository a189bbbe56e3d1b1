using Cairn.Engine.Memory.Persistence;

namespace Cairn.Server.Tests.Persistence;

/// <summary>Freezes the AOF format (docs/formats/aof.md): a change to the bytes written must be deliberate.</summary>
public sealed class AofFormatTests
{
    private static byte[] GoldenRecord() => AofFormat.EncodeRecord(
    [
        (0, [ "SET"u8.ToArray(), "key"u8.ToArray(), "value"u8.ToArray() ]),
        (3, [ "PEXPIREAT"u8.ToArray(), "key"u8.ToArray(), "1700000000000"u8.ToArray() ]),
    ]);

    [Fact]
    public void RecordEncodingMatchesTheGoldenFile()
    {
        byte[] file = [.. AofFormat.CreateHeader(), .. GoldenRecord()];
        string path = Path.Combine(AppContext.BaseDirectory, "Persistence", "Golden", "aof-v1.hex");
        string expected = File.ReadAllText(path).Trim();
        Assert.Equal(expected, Convert.ToHexString(file).ToLowerInvariant());
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
    public void AVersionConstantChangeIsDeliberate() => Assert.Equal(1, AofFormat.Version);
}
