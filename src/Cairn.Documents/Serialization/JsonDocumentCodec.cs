using System.Buffers;
using System.Buffers.Binary;
using Cairn.Documents.Json;
using Cairn.Primitives;

namespace Cairn.Documents.Serialization;

/// <summary>
/// The durable encoding of one JSON document for snapshots and AOF rewrites (spec: docs/formats/json-document.md):
/// version byte, varint payload length, payload (pre-order node encoding), masked CRC32C of everything before it.
/// </summary>
public static class JsonDocumentCodec
{
    public const byte FormatVersion = 1;

    public static byte[] Encode(JsonValue document)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        WriteNode(payload, document);
        var output = new byte[1 + Varint.SizeOf((ulong)payload.WrittenCount) + payload.WrittenCount + 4];
        int position = 0;
        output[position++] = FormatVersion;
        position += Varint.Write(output.AsSpan(position), (ulong)payload.WrittenCount);
        payload.WrittenSpan.CopyTo(output.AsSpan(position));
        position += payload.WrittenCount;
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(position), Crc32C.Mask(Crc32C.Compute(output.AsSpan(0, position))));
        return output;
    }

    /// <summary>Decodes a record; false (with a reason) for an unknown version, truncation, a checksum mismatch or bad nesting.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> record, out JsonValue document, out int consumed, out string error)
    {
        document = JsonValue.Null();
        consumed = 0;
        if (record.Length < 1 || record[0] != FormatVersion)
        {
            error = "unknown JSON document format version";
            return false;
        }
        int lengthBytes = Varint.TryRead(record[1..], out ulong payloadLength);
        if (lengthBytes == 0 || payloadLength > (ulong)(record.Length - 1 - lengthBytes - 4))
        {
            error = "truncated JSON document record";
            return false;
        }
        int header = 1 + lengthBytes;
        int end = header + (int)payloadLength;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(record[end..]);
        if (Crc32C.Unmask(stored) != Crc32C.Compute(record[..end]))
        {
            error = "JSON document checksum mismatch";
            return false;
        }
        var payload = record[header..end];
        int position = 0;
        var node = ReadNode(payload, ref position, 0);
        if (node is null || position != payload.Length)
        {
            error = "malformed JSON document payload";
            return false;
        }
        document = node;
        consumed = end + 4;
        error = "";
        return true;
    }

    internal static void WriteNode(IBufferWriter<byte> output, JsonValue node)
    {
        output.Write([(byte)node.Kind]);
        switch (node.Kind)
        {
            case JsonKind.Integer:
                WriteVarint(output, Varint.ZigZag(node.IntegerValue));
                break;
            case JsonKind.Double:
            {
                var span = output.GetSpan(8);
                BinaryPrimitives.WriteDoubleLittleEndian(span, node.DoubleValue);
                output.Advance(8);
                break;
            }
            case JsonKind.String:
                WriteBytes(output, node.StringSpan);
                break;
            case JsonKind.Array:
                WriteVarint(output, (ulong)node.Items.Count);
                foreach (var item in node.Items)
                {
                    WriteNode(output, item);
                }
                break;
            case JsonKind.Object:
                WriteVarint(output, (ulong)node.Members.Count);
                foreach (var member in node.Members)
                {
                    WriteBytes(output, member.Name);
                    WriteNode(output, member.Value);
                }
                break;
        }
    }

    internal static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(Varint.MaxLength64);
        output.Advance(Varint.Write(span, value));
    }

    internal static void WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        WriteVarint(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    private static JsonValue? ReadNode(ReadOnlySpan<byte> payload, ref int position, int depth)
    {
        if (position >= payload.Length || depth > JsonLimits.MaxNestingDepth)
        {
            return null;
        }
        var kind = (JsonKind)payload[position++];
        switch (kind)
        {
            case JsonKind.Null:
                return JsonValue.Null();
            case JsonKind.False:
                return JsonValue.Boolean(false);
            case JsonKind.True:
                return JsonValue.Boolean(true);
            case JsonKind.Integer:
                return TryReadVarint(payload, ref position, out ulong zigzag) ? JsonValue.Integer(Varint.UnZigZag(zigzag)) : null;
            case JsonKind.Double:
                if (payload.Length - position < 8)
                {
                    return null;
                }
                position += 8;
                return JsonValue.Double(BinaryPrimitives.ReadDoubleLittleEndian(payload[(position - 8)..]));
            case JsonKind.String:
                return TryReadBytes(payload, ref position, out var bytes) ? JsonValue.String(bytes) : null;
            case JsonKind.Array:
            {
                if (!TryReadVarint(payload, ref position, out ulong count) || count > (ulong)(payload.Length - position))
                {
                    return null;
                }
                var items = new List<JsonValue>((int)count);
                for (ulong i = 0; i < count; i++)
                {
                    var item = ReadNode(payload, ref position, depth + 1);
                    if (item is null)
                    {
                        return null;
                    }
                    items.Add(item);
                }
                return JsonValue.Array(items);
            }
            case JsonKind.Object:
            {
                if (!TryReadVarint(payload, ref position, out ulong count) || count > (ulong)(payload.Length - position))
                {
                    return null;
                }
                var result = JsonValue.Object();
                for (ulong i = 0; i < count; i++)
                {
                    if (!TryReadBytes(payload, ref position, out var name))
                    {
                        return null;
                    }
                    var value = ReadNode(payload, ref position, depth + 1);
                    if (value is null)
                    {
                        return null;
                    }
                    result.SetMember(JsonNameTable.Intern(name), value); // SetMember keeps names unique even in a crafted record
                }
                result.TrimExcess();
                return result;
            }
            default:
                return null;
        }
    }

    internal static bool TryReadVarint(ReadOnlySpan<byte> payload, ref int position, out ulong value)
    {
        int read = Varint.TryRead(payload[position..], out value);
        position += read;
        return read > 0;
    }

    internal static bool TryReadBytes(ReadOnlySpan<byte> payload, ref int position, out byte[] bytes)
    {
        bytes = [];
        if (!TryReadVarint(payload, ref position, out ulong length) || length > (ulong)(payload.Length - position))
        {
            return false;
        }
        bytes = payload.Slice(position, (int)length).ToArray();
        position += (int)length;
        return true;
    }
}
