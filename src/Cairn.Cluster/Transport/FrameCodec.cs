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
