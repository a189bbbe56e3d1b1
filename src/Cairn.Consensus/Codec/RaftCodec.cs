using System.Buffers;
using System.Buffers.Binary;
using Cairn.Consensus.Membership;
using Cairn.Primitives;

namespace Cairn.Consensus.Codec;

/// <summary>
/// Binary encoding of entries, hard state, snapshot metadata and messages (docs/formats/raft-log.md). Each is a framed record:
/// masked CRC-32C (4 bytes LE) over type+payload, payload length (4 bytes LE), type byte, payload of varints and length-prefixed
/// bytes. Stateless and thread-safe.
/// </summary>
public static class RaftCodec
{
    /// <summary>Version of the record layout; a shell writes it in its file headers and refuses newer versions.</summary>
    public const int FormatVersion = 1;

    public const int RecordHeaderBytes = 9;

    /// <summary>Upper bound on a record payload: larger lengths are corruption, not data (bounds what a reader allocates).</summary>
    public const int MaxPayloadBytes = 64 * 1024 * 1024;

    private const byte FlagReject = 1;
    private const byte FlagLeadershipTransfer = 2;
    private const byte FlagSnapshot = 4;

    public static void WriteEntry(IBufferWriter<byte> output, Entry entry) =>
        WriteRecord(output, RecordType.Entry, writer => EntryPayload(writer, entry));

    public static void WriteHardState(IBufferWriter<byte> output, HardState state) =>
        WriteRecord(output, RecordType.HardState, writer =>
        {
            writer.Varint(state.Term);
            writer.Varint(state.Vote);
            writer.Varint(state.Commit);
        });

    public static void WriteSnapshotMetadata(IBufferWriter<byte> output, SnapshotMetadata metadata) =>
        WriteRecord(output, RecordType.SnapshotMetadata, writer => MetadataPayload(writer, metadata));

    public static void WriteMessage(IBufferWriter<byte> output, Message message) =>
        WriteRecord(output, RecordType.Message, writer =>
        {
            writer.Byte((byte)message.Type);
            writer.Varint(message.From);
            writer.Varint(message.To);
            writer.Varint(message.Term);
            writer.Varint(message.LogTerm);
            writer.Varint(message.Index);
            writer.Varint(message.Commit);
            byte flags = (byte)((message.Reject ? FlagReject : 0) | (message.IsLeadershipTransfer ? FlagLeadershipTransfer : 0) |
                (message.Snapshot is null ? 0 : FlagSnapshot));
            writer.Byte(flags);
            writer.Varint(message.RejectHint);
            writer.Varint(message.Context);
            writer.Varint(message.LeaderTick);
            writer.Varint((ulong)message.Entries.Count);
            foreach (var entry in message.Entries)
            {
                EntryPayload(writer, entry);
            }
            if (message.Snapshot is not null)
            {
                MetadataPayload(writer, message.Snapshot.Metadata);
                writer.Bytes(message.Snapshot.Data);
            }
        });

    public static byte[] EncodeConfigurationChange(ConfigurationChange change)
    {
        var buffer = new ArrayBufferWriter<byte>(11);
        var writer = new PayloadWriter(buffer);
        writer.Byte((byte)change.Type);
        writer.Varint(change.Node);
        return buffer.WrittenSpan.ToArray();
    }

    public static bool TryDecodeConfigurationChange(ReadOnlySpan<byte> data, out ConfigurationChange change)
    {
        var reader = new PayloadReader(data);
        var type = (ConfigurationChangeType)reader.Byte();
        ulong node = reader.Varint();
        change = new ConfigurationChange(type, node);
        return !reader.Failed && reader.AtEnd && Enum.IsDefined(type);
    }

    /// <summary>Reads one framed record: its type and payload (a slice of <paramref name="input"/>) and the bytes consumed.</summary>
    public static DecodeStatus TryReadRecord(ReadOnlySpan<byte> input, out RecordType type, out ReadOnlySpan<byte> payload, out int consumed)
    {
        type = default;
        payload = default;
        consumed = 0;
        if (input.Length < RecordHeaderBytes)
        {
            return DecodeStatus.Truncated;
        }
        uint maskedCrc = BinaryPrimitives.ReadUInt32LittleEndian(input);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(input[4..]);
        if (length > MaxPayloadBytes)
        {
            return DecodeStatus.Corrupt;
        }
        if ((ulong)input.Length < RecordHeaderBytes + (ulong)length)
        {
            return DecodeStatus.Truncated;
        }
        var covered = input.Slice(8, 1 + (int)length);
        if (Crc32C.Unmask(maskedCrc) != Crc32C.Compute(covered))
        {
            return DecodeStatus.Corrupt;
        }
        type = (RecordType)covered[0];
        payload = covered[1..];
        consumed = RecordHeaderBytes + (int)length;
        return DecodeStatus.Ok;
    }

    public static DecodeStatus TryReadEntry(ReadOnlySpan<byte> input, out Entry? entry, out int consumed)
    {
        entry = null;
        var status = TryReadRecord(input, out var type, out var payload, out consumed);
        if (status != DecodeStatus.Ok)
        {
            return status;
        }
        var reader = new PayloadReader(payload);
        entry = ReadEntryPayload(ref reader);
        return type == RecordType.Entry && !reader.Failed && reader.AtEnd && entry is not null ? DecodeStatus.Ok : DecodeStatus.Corrupt;
    }

    public static DecodeStatus TryReadHardState(ReadOnlySpan<byte> input, out HardState state, out int consumed)
    {
        state = default;
        var status = TryReadRecord(input, out var type, out var payload, out consumed);
        if (status != DecodeStatus.Ok)
        {
            return status;
        }
        var reader = new PayloadReader(payload);
        state = new HardState(reader.Varint(), reader.Varint(), reader.Varint());
        return type == RecordType.HardState && !reader.Failed && reader.AtEnd ? DecodeStatus.Ok : DecodeStatus.Corrupt;
    }

    public static DecodeStatus TryReadSnapshotMetadata(ReadOnlySpan<byte> input, out SnapshotMetadata? metadata, out int consumed)
    {
        metadata = null;
        var status = TryReadRecord(input, out var type, out var payload, out consumed);
        if (status != DecodeStatus.Ok)
        {
            return status;
        }
        var reader = new PayloadReader(payload);
        metadata = ReadMetadataPayload(ref reader);
        return type == RecordType.SnapshotMetadata && !reader.Failed && reader.AtEnd && metadata is not null
            ? DecodeStatus.Ok
            : DecodeStatus.Corrupt;
    }

    public static DecodeStatus TryReadMessage(ReadOnlySpan<byte> input, out Message? message, out int consumed)
    {
        message = null;
        var status = TryReadRecord(input, out var type, out var payload, out consumed);
        if (status != DecodeStatus.Ok)
        {
            return status;
        }
        if (type != RecordType.Message)
        {
            return DecodeStatus.Corrupt;
        }
        var reader = new PayloadReader(payload);
        var messageType = (MessageType)reader.Byte();
        ulong from = reader.Varint();
        ulong to = reader.Varint();
        ulong term = reader.Varint();
        ulong logTerm = reader.Varint();
        ulong index = reader.Varint();
        ulong commit = reader.Varint();
        byte flags = reader.Byte();
        ulong rejectHint = reader.Varint();
        ulong context = reader.Varint();
        ulong leaderTick = reader.Varint();
        ulong entryCount = reader.Varint();
        if (reader.Failed || entryCount > (ulong)payload.Length || !Enum.IsDefined(messageType))
        {
            return DecodeStatus.Corrupt;
        }
        var entries = new Entry[(int)entryCount];
        for (int i = 0; i < entries.Length; i++)
        {
            var entry = ReadEntryPayload(ref reader);
            if (entry is null)
            {
                return DecodeStatus.Corrupt;
            }
            entries[i] = entry;
        }
        Snapshot? snapshot = null;
        if ((flags & FlagSnapshot) != 0)
        {
            var metadata = ReadMetadataPayload(ref reader);
            byte[] data = reader.Bytes(MaxPayloadBytes);
            if (metadata is null)
            {
                return DecodeStatus.Corrupt;
            }
            snapshot = new Snapshot(metadata, data);
        }
        if (reader.Failed || !reader.AtEnd)
        {
            return DecodeStatus.Corrupt;
        }
        message = new Message
        {
            Type = messageType,
            From = from,
            To = to,
            Term = term,
            LogTerm = logTerm,
            Index = index,
            Commit = commit,
            Reject = (flags & FlagReject) != 0,
            IsLeadershipTransfer = (flags & FlagLeadershipTransfer) != 0,
            RejectHint = rejectHint,
            Context = context,
            LeaderTick = leaderTick,
            Entries = entries,
            Snapshot = snapshot,
        };
        return DecodeStatus.Ok;
    }

    private static void WriteRecord(IBufferWriter<byte> output, RecordType type, Action<PayloadWriter> writePayload)
    {
        var body = new ArrayBufferWriter<byte>(64);
        var writer = new PayloadWriter(body);
        writer.Byte((byte)type);
        writePayload(writer);
        var covered = body.WrittenSpan;
        Invariant.Require(covered.Length - 1 <= MaxPayloadBytes, "record payload within the format's bound");
        var header = output.GetSpan(8);
        BinaryPrimitives.WriteUInt32LittleEndian(header, Crc32C.Mask(Crc32C.Compute(covered)));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(covered.Length - 1));
        output.Advance(8);
        covered.CopyTo(output.GetSpan(covered.Length));
        output.Advance(covered.Length);
    }

    private static void EntryPayload(PayloadWriter writer, Entry entry)
    {
        writer.Varint(entry.Term);
        writer.Varint(entry.Index);
        writer.Byte((byte)entry.Type);
        writer.Bytes(entry.Data);
    }

    private static Entry? ReadEntryPayload(ref PayloadReader reader)
    {
        ulong term = reader.Varint();
        ulong index = reader.Varint();
        var type = (EntryType)reader.Byte();
        byte[] data = reader.Bytes(MaxPayloadBytes);
        return reader.Failed || !Enum.IsDefined(type) ? null : new Entry(term, index, type, data);
    }

    private static void MetadataPayload(PayloadWriter writer, SnapshotMetadata metadata)
    {
        writer.Varint(metadata.Index);
        writer.Varint(metadata.Term);
        writer.Varint((ulong)metadata.Configuration.Voters.Count);
        foreach (ulong voter in metadata.Configuration.Voters)
        {
            writer.Varint(voter);
        }
        writer.Varint((ulong)metadata.Configuration.Learners.Count);
        foreach (ulong learner in metadata.Configuration.Learners)
        {
            writer.Varint(learner);
        }
    }

    private static SnapshotMetadata? ReadMetadataPayload(ref PayloadReader reader)
    {
        ulong index = reader.Varint();
        ulong term = reader.Varint();
        var voters = ReadNodeList(ref reader);
        var learners = ReadNodeList(ref reader);
        if (reader.Failed || voters.Contains(0UL) || learners.Contains(0UL) || voters.Intersect(learners).Any())
        {
            return null;
        }
        return new SnapshotMetadata(index, term, new Configuration(voters, learners));
    }

    private static List<ulong> ReadNodeList(ref PayloadReader reader)
    {
        const int MaxMembers = 1024;
        ulong count = reader.Varint();
        var nodes = new List<ulong>();
        if (count > MaxMembers)
        {
            reader.Fail();
            return nodes;
        }
        for (ulong i = 0; i < count && !reader.Failed; i++)
        {
            nodes.Add(reader.Varint());
        }
        return nodes;
    }
}
