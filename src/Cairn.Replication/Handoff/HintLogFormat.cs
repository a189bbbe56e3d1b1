using System.Buffers.Binary;
using Cairn.Primitives;
using Cairn.Replication.Protocol;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Handoff;

/// <summary>
/// The durable hint log's encoding (docs/formats/cluster-hints.md), pure: a header (magic, format version), then records,
/// each framed as length (u32 LE), masked CRC-32C of the payload (u32 LE) and the payload. Reading stops at the first
/// record that is cut short (a torn tail after a crash) or fails its checksum.
/// </summary>
public static class HintLogFormat
{
    public const uint FormatVersion = 1;
    public const int HeaderBytes = 12;
    public const int FrameHeaderBytes = 8;

    /// <summary>Bounds one record (a hint carries one key's whole state).</summary>
    public const int MaxRecordBytes = 1 << 28;

    private const byte KindAdded = 1;
    private const byte KindRemoved = 2;

    public static ReadOnlySpan<byte> Magic => "CAIRNHNT"u8;

    public static byte[] Header()
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), FormatVersion);
        return header;
    }

    /// <summary>False when the data does not start with this format's header (another file, or another version).</summary>
    public static bool HasHeader(ReadOnlySpan<byte> data) =>
        data.Length >= HeaderBytes && data[..8].SequenceEqual(Magic) && BinaryPrimitives.ReadUInt32LittleEndian(data[8..]) == FormatVersion;

    public static byte[] EncodeRecord(HintRecord record)
    {
        var w = new PeerMessageCodec.Writer();
        w.Byte(record.Added ? KindAdded : KindRemoved);
        w.String(record.Target);
        w.Bytes(record.Key);
        PeerMessageCodec.WriteVersion(w, record.Version);
        if (record.Added)
        {
            w.Varint(ZigZag(record.CreatedUnixMilliseconds));
            if (record.Payload is null)
            {
                w.Varint(0);
            }
            else
            {
                w.Varint((ulong)record.Payload.Length + 1);
                w.Raw(record.Payload);
            }
        }
        byte[] payload = w.ToArray();
        Invariant.Require(payload.Length <= MaxRecordBytes, "hint record bound");
        var frame = new byte[FrameHeaderBytes + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32C.Mask(Crc32C.Compute(payload)));
        payload.CopyTo(frame.AsSpan(FrameHeaderBytes));
        return frame;
    }

    /// <summary>
    /// Reads the record at <paramref name="offset"/> and moves past it. <see cref="HintReadStatus.End"/> at the end of the
    /// data; <see cref="HintReadStatus.Torn"/> when it is cut short; <see cref="HintReadStatus.Corrupt"/> when the checksum
    /// or the contents are wrong. Total: never throws on any input.
    /// </summary>
    public static HintReadStatus TryReadRecord(ReadOnlySpan<byte> data, ref int offset, out HintRecord? record)
    {
        record = null;
        if (offset == data.Length)
        {
            return HintReadStatus.End;
        }
        if (data.Length - offset < FrameHeaderBytes)
        {
            return HintReadStatus.Torn;
        }
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 4)..]);
        if (length > MaxRecordBytes)
        {
            return HintReadStatus.Corrupt;
        }
        if ((ulong)(data.Length - offset - FrameHeaderBytes) < length)
        {
            return HintReadStatus.Torn;
        }
        ReadOnlySpan<byte> payload = data.Slice(offset + FrameHeaderBytes, (int)length);
        if (Crc32C.Mask(Crc32C.Compute(payload)) != crc || !TryDecode(payload, out record))
        {
            return HintReadStatus.Corrupt;
        }
        offset += FrameHeaderBytes + (int)length;
        return HintReadStatus.Ok;
    }

    private static bool TryDecode(ReadOnlySpan<byte> payload, out HintRecord? record)
    {
        record = null;
        var r = new PeerMessageCodec.Reader(payload);
        if (!r.Byte(out byte kind) || kind is not (KindAdded or KindRemoved) || !r.String(out string target) || !r.Bytes(out byte[] key)
            || !PeerMessageCodec.TryReadVersion(ref r, out ValueVersion? version))
        {
            return false;
        }
        long created = 0;
        byte[]? value = null;
        if (kind == KindAdded)
        {
            if (!r.Varint(out ulong zigzag) || !r.Varint(out ulong length) || length > MaxRecordBytes + 1UL)
            {
                return false;
            }
            created = UnZigZag(zigzag);
            if (length > 0 && !r.Raw((int)length - 1, out value))
            {
                return false;
            }
        }
        if (!r.AtEnd)
        {
            return false;
        }
        record = new HintRecord(kind == KindAdded, target, key, version!, value, created);
        return true;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
