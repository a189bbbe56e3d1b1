using System.Buffers;
using Cairn.Consensus.Codec;
using Cairn.Consensus.Membership;

namespace Cairn.Consensus.Tests.Codec;

/// <summary>
/// The Raft record format (docs/formats/raft-log.md) is frozen by a golden file: changing the encoding must fail this test and
/// come with a new format version. Regenerate deliberately with CAIRN_UPDATE_GOLDEN=1.
/// </summary>
public sealed class RaftCodecTests
{
    private const string GoldenPath = "testdata/raft-records-v1.hex";

    private static readonly Entry SampleEntry = new(7, 42, EntryType.Normal, "hello"u8.ToArray());
    private static readonly Entry SampleConfigurationEntry =
        new(7, 43, EntryType.ConfigurationChange, RaftCodec.EncodeConfigurationChange(new ConfigurationChange(ConfigurationChangeType.AddLearner, 4)));
    private static readonly HardState SampleHardState = new(7, 2, 41);
    private static readonly SnapshotMetadata SampleMetadata = new(40, 6, new Configuration([1, 2, 3], [4]));

    private static Message SampleMessage() => new()
    {
        Type = MessageType.Append,
        From = 1,
        To = 2,
        Term = 7,
        LogTerm = 6,
        Index = 41,
        Commit = 41,
        Entries = [SampleEntry, SampleConfigurationEntry],
        RejectHint = 0,
        Context = 9,
        LeaderTick = 300,
    };

    private static Message SampleSnapshotMessage() => new()
    {
        Type = MessageType.InstallSnapshot,
        From = 1,
        To = 3,
        Term = 7,
        Reject = true,
        IsLeadershipTransfer = true,
        Snapshot = new Snapshot(SampleMetadata, [0xCA, 0xFE]),
    };

    private static byte[] EncodeSamples()
    {
        var buffer = new ArrayBufferWriter<byte>();
        RaftCodec.WriteEntry(buffer, SampleEntry);
        RaftCodec.WriteEntry(buffer, SampleConfigurationEntry);
        RaftCodec.WriteHardState(buffer, SampleHardState);
        RaftCodec.WriteSnapshotMetadata(buffer, SampleMetadata);
        RaftCodec.WriteMessage(buffer, SampleMessage());
        RaftCodec.WriteMessage(buffer, SampleSnapshotMessage());
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void EncodingMatchesGoldenFile()
    {
        string actual = Convert.ToHexString(EncodeSamples()).ToLowerInvariant();
        string path = Path.Combine(AppContext.BaseDirectory, GoldenPath);
        if (Environment.GetEnvironmentVariable("CAIRN_UPDATE_GOLDEN") == "1")
        {
            string source = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", GoldenPath);
            File.WriteAllText(source, actual + "\n");
            return;
        }
        Assert.Equal(1, RaftCodec.FormatVersion);
        Assert.Equal(File.ReadAllText(path).Trim(), actual);
    }

    [Fact]
    public void GoldenFileDecodesToTheSampleRecords()
    {
        byte[] bytes = Convert.FromHexString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, GoldenPath)).Trim());
        ReadOnlySpan<byte> input = bytes;

        Assert.Equal(DecodeStatus.Ok, RaftCodec.TryReadEntry(input, out var entry, out int consumed));
        Assert.Equal(SampleEntry.Index, entry!.Index);
        Assert.Equal(SampleEntry.Data, entry.Data);
        input = input[consumed..];
        Assert.Equal(DecodeStatus.Ok, RaftCodec.TryReadEntry(input, out var configurationEntry, out consumed));
        Assert.True(RaftCodec.TryDecodeConfigurationChange(configurationEntry!.Data, out var change));
        Assert.Equal(new ConfigurationChange(ConfigurationChangeType.AddLearner, 4), change);
        input = input[consumed..];
        Assert.Equal(DecodeStatus.Ok, RaftCodec.TryReadHardState(input, out var hardState, out consumed));
        Assert.Equal(SampleHardState, hardState);
        input = input[consumed..];
        Assert.Equal(DecodeStatus.Ok, RaftCodec.TryReadSnapshotMetadata(input, out var metadata, out consumed));
        Assert.Equal(SampleMetadata, metadata);
        input = input[consumed..];
        Assert.Equal(DecodeStatus.Ok, RaftCodec.TryReadMessage(input, out var message, out consumed));
        var expected = SampleMessage();
        Assert.Equal((expected.Type, expected.From, expected.To, expected.Term, expected.LogTerm, expected.Index, expected.Commit, expected.Context, expected.LeaderTick),
            (message!.Type, message.From, message.To, message.Term, message.LogTerm, message.Index, message.Commit, message.Context, message.LeaderTick));
        Assert.Equal(2, message.Entries.Count);
        Assert.Equal(SampleConfigurationEntry.Data, message.Entries[1].Data);
        input = input[consumed..];
        Assert.Equal(DecodeStatus.Ok, RaftCodec.TryReadMessage(input, out var snapshotMessage, out consumed));
        Assert.True(snapshotMessage!.Reject && snapshotMessage.IsLeadershipTransfer);
        Assert.Equal(SampleMetadata, snapshotMessage.Snapshot!.Metadata);
        Assert.Equal([0xCA, 0xFE], snapshotMessage.Snapshot.Data);
        Assert.Equal(consumed, input.Length);
    }

    [Fact]
    public void FlippedBitIsReportedCorrupt()
    {
        byte[] bytes = EncodeSamples();
        Assert.Equal(DecodeStatus.Ok, RaftCodec.TryReadEntry(bytes, out _, out int firstRecordLength));
        for (int bit = 0; bit < 8 * firstRecordLength; bit++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            var status = RaftCodec.TryReadEntry(copy, out _, out _);
            Assert.NotEqual(DecodeStatus.Ok, status);
        }
    }

    [Fact]
    public void TornTailIsReportedTruncated()
    {
        var buffer = new ArrayBufferWriter<byte>();
        RaftCodec.WriteEntry(buffer, SampleEntry);
        byte[] bytes = buffer.WrittenSpan.ToArray();
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Equal(DecodeStatus.Truncated, RaftCodec.TryReadEntry(bytes.AsSpan(0, length), out _, out _));
        }
    }

    [Fact]
    public void RecordOfAnotherTypeIsNotAcceptedAsEntry()
    {
        var buffer = new ArrayBufferWriter<byte>();
        RaftCodec.WriteHardState(buffer, SampleHardState);
        Assert.Equal(DecodeStatus.Corrupt, RaftCodec.TryReadEntry(buffer.WrittenSpan, out _, out _));
    }

    [Fact]
    public void PersistedEnumValuesAreFrozen()
    {
        Assert.Equal([1, 2], Enum.GetValues<EntryType>().Select(v => (int)v));
        Assert.Equal(Enumerable.Range(1, 10), Enum.GetValues<MessageType>().Select(v => (int)v));
        Assert.Equal([1, 2, 3, 4], Enum.GetValues<RecordType>().Select(v => (int)v));
        Assert.Equal([1, 2, 3], Enum.GetValues<ConfigurationChangeType>().Select(v => (int)v));
    }
}
