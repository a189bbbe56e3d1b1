using System.Text;
using Cairn.Primitives;
using Cairn.Replication.Membership;
using Cairn.Replication.Protocol;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Tests.Protocol;

public sealed class PeerMessageCodecTests
{
    internal static PeerMessage Sample() => new()
    {
        Type = PeerMessageType.Replicate,
        From = "node-a",
        To = "node-b",
        RequestId = 42,
        Partition = 7,
        Ok = true,
        Hinted = true,
        Replicas = 3,
        Required = 2,
        Hash = 0x0123456789ABCDEFUL,
        SentAtMilliseconds = 1_700_000_000_123,
        Keys = ["k1"u8.ToArray(), "{t}k2"u8.ToArray()],
        Versions =
        [
            new ValueVersion(HybridTimestamp.Create(1_700_000_000_000, 3), VectorClock.FromEntries([("node-a", 2), ("node-b", 1)])),
            new ValueVersion(HybridTimestamp.Create(1_700_000_000_001, 0), VectorClock.FromEntries([("node-a", 1)])),
        ],
        Payloads = ["value"u8.ToArray(), null],
        Command = "SET"u8.ToArray(),
        Reply = "+OK\r\n"u8.ToArray(),
        Error = "",
        Members = [new MemberRecord("node-a", "127.0.0.1:7001", "z1", 3, 99, false)],
        Nodes = ["node-c"],
        Hashes = [1, ulong.MaxValue],
    };

    [Theory]
    [InlineData(0, "a")]
    [InlineData(1, "a")]
    [InlineData(42, "a")]
    [InlineData(43, "a")]
    [InlineData(200, "a")]
    [InlineData(42, "\u20ac")] // 126 UTF-8 bytes: the short path's longest
    [InlineData(43, "\u20ac")]
    [InlineData(30, "\u00e9")]
    public void StringsOfEveryLengthRoundTripWithAVarintLengthPrefix(int repeat, string unit)
    {
        string text = string.Concat(Enumerable.Repeat(unit, repeat));
        var writer = new PeerMessageCodec.Writer();
        writer.String(text);
        writer.Byte(0x7F);
        byte[] bytes = writer.ToArray();
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        Span<byte> prefix = stackalloc byte[Varint.MaxLength64];
        int prefixLength = Varint.Write(prefix, (ulong)utf8.Length);
        Assert.Equal([.. prefix[..prefixLength].ToArray(), .. utf8, 0x7F], bytes);
        var reader = new PeerMessageCodec.Reader(bytes);
        Assert.True(reader.String(out string decoded));
        Assert.Equal(text, decoded);
    }

    [Fact]
    public void RoundTripsEveryField()
    {
        byte[] bytes = PeerMessageCodec.Encode(Sample());
        Assert.True(PeerMessageCodec.TryDecode(bytes, out PeerMessage? decoded));
        Assert.Equal(bytes, PeerMessageCodec.Encode(decoded!));
        Assert.Equal(Sample().Versions, decoded!.Versions);
        Assert.Null(decoded.Payloads[1]);
        Assert.Equal(Sample().Members, decoded.Members);
    }

    [Fact]
    public void DecodedNodeIdsAreSharedAcrossMessagesAndLongOrNonAsciiStringsStillRoundTrip()
    {
        byte[] bytes = PeerMessageCodec.Encode(Sample());
        Assert.True(PeerMessageCodec.TryDecode(bytes, out PeerMessage? first));
        Assert.True(PeerMessageCodec.TryDecode(bytes, out PeerMessage? second));
        Assert.Same(first!.From, second!.From);
        Assert.Same(first.Versions[0].Clock.Entries[0].Node, second.Versions[0].Clock.Entries[0].Node);

        string longError = new('e', PeerStrings.MaxInternedBytes + 1);
        PeerMessage unusual = Sample() with { From = "nöde-ä", Error = longError };
        Assert.True(PeerMessageCodec.TryDecode(PeerMessageCodec.Encode(unusual), out PeerMessage? decoded));
        Assert.Equal("nöde-ä", decoded!.From);
        Assert.Equal(longError, decoded.Error);
        Assert.Equal(PeerMessageCodec.Encode(unusual), PeerMessageCodec.Encode(decoded)); // the reused writer starts empty
    }

    [Fact]
    public void RecentlyDecodedStringsAreSharedAndStringsThatShareACacheSlotStayDistinct()
    {
        // Many strings of one length whose first, middle and last bytes vary: several land in the same slot of the cache of
        // recent strings, and each decode must still return its own text; decoded again at once, the same instance.
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 300; i++)
            {
                string text = $"{(char)('a' + i % 26)}node-{i:D4}{(char)('A' + i % 7)}";
                byte[] utf8 = Encoding.UTF8.GetBytes(text);
                string value = PeerStrings.Get(utf8);
                Assert.Equal(text, value);
                Assert.Same(value, PeerStrings.Get(utf8));
            }
        }
        Assert.Equal("x", PeerStrings.Get("x"u8));
        Assert.Equal("ä", PeerStrings.Get("ä"u8));
    }

    [Fact]
    public void EncodingMatchesTheGoldenFile()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "testdata", "peer-message-v1.bin");
        byte[] bytes = PeerMessageCodec.Encode(Sample());
        if (Environment.GetEnvironmentVariable("CAIRN_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllBytes(Path.Combine(FindSourceDirectory(), "testdata", "peer-message-v1.bin"), bytes);
        }
        Assert.Equal(File.ReadAllBytes(path), bytes);
        Assert.Equal(1, PeerMessageCodec.FormatVersion);
    }

    [Fact]
    public void EveryTruncationOrCorruptionIsRejectedWithoutThrowing()
    {
        byte[] bytes = PeerMessageCodec.Encode(Sample());
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(PeerMessageCodec.TryDecode(bytes.AsSpan(0, length), out _));
        }
        var random = new SeededRandom(1);
        for (int i = 0; i < 2000; i++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[random.NextInt(copy.Length)] = (byte)random.NextInt(256);
            PeerMessageCodec.TryDecode(copy, out _); // may or may not decode; must not throw
        }
    }

    private static string FindSourceDirectory()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Cairn.Replication.Tests.csproj")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        return dir ?? throw new InvalidOperationException("source directory not found");
    }
}
