using System.Buffers;
using System.Buffers.Binary;
using Cairn.Primitives;

namespace Cairn.Cluster.Transport;

/// <summary>
/// Peer frames (docs/cluster.md, "Peer transport"): u32 little-endian payload length, u32 masked CRC-32C of the payload, then
/// the payload: a batch of messages, each a varint length and the encoded message. One frame carries every message queued
/// for a peer when the link wrote, so a busy link sends few, large writes.
/// </summary>
public static class FrameCodec
{
    public const int HeaderBytes = 8;

    /// <summary>Bounds a frame; a longer length is corruption and closes the connection.</summary>
    public const int MaxFrameBytes = 64 * 1024 * 1024;

    public static byte[] Encode(IReadOnlyList<byte[]> messages)
    {
        int payload = 0;
        foreach (byte[] message in messages)
        {
            payload += Varint.SizeOf((ulong)message.Length) + message.Length;
        }
        var frame = new byte[HeaderBytes + payload];
        int position = HeaderBytes;
        foreach (byte[] message in messages)
        {
            position += Varint.Write(frame.AsSpan(position), (ulong)message.Length);
            message.CopyTo(frame.AsSpan(position));
            position += message.Length;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32C.Mask(Crc32C.Compute(frame.AsSpan(HeaderBytes))));
        return frame;
    }

    /// <summary>How many messages from <paramref name="start"/> fit in a payload of about <paramref name="maxPayloadBytes"/> (at least one).</summary>
    public static int CountFitting(IReadOnlyList<byte[]> messages, int start, int maxPayloadBytes)
    {
        int bytes = 0;
        int count = 0;
        while (start + count < messages.Count && (count == 0 || bytes + messages[start + count].Length <= maxPayloadBytes))
        {
            bytes += messages[start + count].Length;
            count++;
        }
        return count;
    }

    /// <summary>
    /// Encodes messages [start, start + count) as one frame into a buffer rented from <see cref="ArrayPool{T}.Shared"/>
    /// (the caller returns it); the frame is the first <c>Length</c> bytes.
    /// </summary>
    public static (byte[] Buffer, int Length) EncodePooled(IReadOnlyList<byte[]> messages, int start, int count)
    {
        int payload = 0;
        for (int i = start; i < start + count; i++)
        {
            payload += Varint.SizeOf((ulong)messages[i].Length) + messages[i].Length;
        }
        byte[] frame = ArrayPool<byte>.Shared.Rent(HeaderBytes + payload);
        int position = HeaderBytes;
        for (int i = start; i < start + count; i++)
        {
            byte[] message = messages[i];
            position += Varint.Write(frame.AsSpan(position), (ulong)message.Length);
            message.CopyTo(frame.AsSpan(position));
            position += message.Length;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32C.Mask(Crc32C.Compute(frame.AsSpan(HeaderBytes, payload))));
        return (frame, HeaderBytes + payload);
    }

    /// <summary>Reads the header; false when the length is out of bounds.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out int payloadBytes, out uint maskedCrc)
    {
        payloadBytes = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header), int.MaxValue);
        maskedCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        return payloadBytes <= MaxFrameBytes;
    }

    /// <summary>Splits a payload into messages; false when the checksum or the structure is wrong.</summary>
    public static bool TryDecodePayload(ReadOnlySpan<byte> payload, uint maskedCrc, List<byte[]> messages)
    {
        if (Crc32C.Unmask(maskedCrc) != Crc32C.Compute(payload))
        {
            return false;
        }
        int position = 0;
        while (position < payload.Length)
        {
            int read = Varint.TryRead(payload[position..], out ulong length);
            if (read == 0 || length > (ulong)(payload.Length - position - read))
            {
                return false;
            }
            position += read;
            messages.Add(payload.Slice(position, (int)length).ToArray());
            position += (int)length;
        }
        return true;
    }
}
