using System.Buffers.Binary;
using System.Text;
using Cairn.Primitives;
using Cairn.Replication.Membership;
using Cairn.Replication.Versioning;

namespace Cairn.Replication.Protocol;

/// <summary>
/// The binary encoding of a <see cref="PeerMessage"/> (docs/formats/peer-message.md): a version byte, the type, then every
/// field in a fixed order, integers as varints, byte strings and lists length-prefixed. Framing and checksums belong to the
/// transport. Decoding is total: malformed input returns false, never throws, and every count is bounded.
/// </summary>
public static class PeerMessageCodec
{
    public const byte FormatVersion = 1;

    /// <summary>Bounds any one list or byte string in a message.</summary>
    public const int MaxCount = 1 << 20;

    [ThreadStatic]
    private static Writer? t_writer;

    public static byte[] Encode(PeerMessage message)
    {
        // One writer per thread, reused: a message costs one allocation (its bytes), not a growing buffer as well.
        Writer w = t_writer ??= new Writer();
        w.Reset();
        w.Byte(FormatVersion);
        w.Byte((byte)message.Type);
        w.String(message.From);
        w.String(message.To);
        w.Varint(ZigZag(message.RequestId));
        w.Varint((ulong)message.Partition);
        w.Byte((byte)((message.Ok ? 1 : 0) | (message.Hinted ? 2 : 0)));
        w.Varint((ulong)message.Replicas);
        w.Varint((ulong)message.Required);
        w.UInt64(message.Hash);
        w.Varint(ZigZag(message.SentAtMilliseconds));
        // Indexed loops, not foreach: the lists are arrays behind IReadOnlyList, whose enumerator is an allocation each.
        IReadOnlyList<byte[]> keys = message.Keys;
        w.Varint((ulong)keys.Count);
        for (int i = 0; i < keys.Count; i++)
        {
            w.Bytes(keys[i]);
        }
        IReadOnlyList<ValueVersion> versions = message.Versions;
        w.Varint((ulong)versions.Count);
        for (int i = 0; i < versions.Count; i++)
        {
            WriteVersion(w, versions[i]);
        }
        IReadOnlyList<byte[]?> payloads = message.Payloads;
        w.Varint((ulong)payloads.Count);
        for (int i = 0; i < payloads.Count; i++)
        {
            byte[]? payload = payloads[i];
            if (payload is null)
            {
                w.Varint(0);
            }
            else
            {
                w.Varint((ulong)payload.Length + 1);
                w.Raw(payload);
            }
        }
        w.Bytes(message.Command);
        w.Bytes(message.Reply);
        w.String(message.Error);
        IReadOnlyList<MemberRecord> members = message.Members;
        w.Varint((ulong)members.Count);
        for (int i = 0; i < members.Count; i++)
        {
            MemberRecord member = members[i];
            w.String(member.NodeId);
            w.String(member.Address);
            w.String(member.Zone);
            w.Varint(ZigZag(member.Incarnation));
            w.Varint(ZigZag(member.Heartbeat));
            w.Byte(member.Left ? (byte)1 : (byte)0);
        }
        IReadOnlyList<string> nodes = message.Nodes;
        w.Varint((ulong)nodes.Count);
        for (int i = 0; i < nodes.Count; i++)
        {
            w.String(nodes[i]);
        }
        IReadOnlyList<ulong> hashes = message.Hashes;
        w.Varint((ulong)hashes.Count);
        for (int i = 0; i < hashes.Count; i++)
        {
            w.UInt64(hashes[i]);
        }
        return w.ToArray();
    }

    public static void WriteVersion(Writer w, ValueVersion version)
    {
        w.UInt64(version.Timestamp.Value);
        IReadOnlyList<(string Node, long Counter)> entries = version.Clock.Entries;
        w.Varint((ulong)entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            w.String(entries[i].Node);
            w.Varint((ulong)entries[i].Counter);
        }
    }

    public static bool TryDecode(ReadOnlySpan<byte> data, out PeerMessage? message)
    {
        message = null;
        var r = new Reader(data);
        if (!r.Byte(out byte version) || version != FormatVersion || !r.Byte(out byte type)
            || !Enum.IsDefined((PeerMessageType)type) || !r.String(out string from) || !r.String(out string to)
            || !r.Varint(out ulong requestId) || !r.Varint(out ulong partition) || partition > int.MaxValue || !r.Byte(out byte flags)
            || !r.Varint(out ulong replicas) || replicas > 1024 || !r.Varint(out ulong required) || required > 1024 || !r.UInt64(out ulong hash)
            || !r.Varint(out ulong sentAt))
        {
            return false;
        }
        if (!r.Count(out int keyCount))
        {
            return false;
        }
        byte[][] keys = keyCount == 0 ? [] : new byte[keyCount][];
        for (int i = 0; i < keyCount; i++)
        {
            if (!r.Bytes(out keys[i]))
            {
                return false;
            }
        }
        if (!r.Count(out int versionCount))
        {
            return false;
        }
        ValueVersion[] versions = versionCount == 0 ? [] : new ValueVersion[versionCount];
        for (int i = 0; i < versionCount; i++)
        {
            if (!TryReadVersion(ref r, out versions[i]!))
            {
                return false;
            }
        }
        if (!r.Count(out int payloadCount))
        {
            return false;
        }
        byte[]?[] payloads = payloadCount == 0 ? [] : new byte[]?[payloadCount];
        for (int i = 0; i < payloadCount; i++)
        {
            if (!r.Varint(out ulong length) || length > MaxCount + 1UL)
            {
                return false;
            }
            if (length > 0 && !r.Raw((int)length - 1, out payloads[i]))
            {
                return false;
            }
        }
        if (!r.Bytes(out byte[] command) || !r.Bytes(out byte[] reply) || !r.String(out string error) || !r.Count(out int memberCount))
        {
            return false;
        }
        MemberRecord[] members = memberCount == 0 ? [] : new MemberRecord[memberCount];
        for (int i = 0; i < memberCount; i++)
        {
            if (!r.String(out string id) || !r.String(out string address) || !r.String(out string zone)
                || !r.Varint(out ulong incarnation) || !r.Varint(out ulong heartbeat) || !r.Byte(out byte left))
            {
                return false;
            }
            members[i] = new MemberRecord(id, address, zone, UnZigZag(incarnation), UnZigZag(heartbeat), left != 0);
        }
        if (!r.Count(out int nodeCount))
        {
            return false;
        }
        string[] nodes = nodeCount == 0 ? [] : new string[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            if (!r.String(out nodes[i]))
            {
                return false;
            }
        }
        if (!r.Count(out int hashCount))
        {
            return false;
        }
        ulong[] hashes = hashCount == 0 ? [] : new ulong[hashCount];
        for (int i = 0; i < hashCount; i++)
        {
            if (!r.UInt64(out hashes[i]))
            {
                return false;
            }
        }
        if (!r.AtEnd)
        {
            return false;
        }
        message = new PeerMessage
        {
            Type = (PeerMessageType)type,
            From = from,
            To = to,
            RequestId = UnZigZag(requestId),
            Partition = (int)partition,
            Ok = (flags & 1) != 0,
            Hinted = (flags & 2) != 0,
            Replicas = (int)replicas,
            Required = (int)required,
            Hash = hash,
            SentAtMilliseconds = UnZigZag(sentAt),
            Keys = keys,
            Versions = versions,
            Payloads = payloads,
            Command = command,
            Reply = reply,
            Error = error,
            Members = members,
            Nodes = nodes,
            Hashes = hashes,
        };
        return true;
    }

    public static bool TryReadVersion(ref Reader r, out ValueVersion? version)
    {
        version = null;
        if (!r.UInt64(out ulong timestamp) || !r.Count(out int entries) || entries > VectorClock.MaxEntries)
        {
            return false;
        }
        var list = new (string, long)[entries];
        for (int i = 0; i < entries; i++)
        {
            if (!r.String(out string node) || !r.Varint(out ulong counter) || counter == 0 || counter > long.MaxValue)
            {
                return false;
            }
            list[i] = (node, (long)counter);
        }
        for (int i = 1; i < entries; i++)
        {
            if (string.CompareOrdinal(list[i - 1].Item1, list[i].Item1) >= 0)
            {
                return false; // entries are sorted and unique on the wire
            }
        }
        version = new ValueVersion(new HybridTimestamp(timestamp), VectorClock.FromEntries(list));
        return true;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>Append-only little-endian writer.</summary>
    public sealed class Writer
    {
        private byte[] _buffer = new byte[256];
        private int _length;

        public int Length => _length;

        public void Byte(byte value)
        {
            Ensure(1);
            _buffer[_length++] = value;
        }

        public void Varint(ulong value)
        {
            Ensure(Primitives.Varint.MaxLength64);
            _length += Primitives.Varint.Write(_buffer.AsSpan(_length), value);
        }

        public void UInt64(ulong value)
        {
            Ensure(8);
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), value);
            _length += 8;
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            Varint((ulong)value.Length);
            Raw(value);
        }

        public void Raw(ReadOnlySpan<byte> value)
        {
            Ensure(value.Length);
            value.CopyTo(_buffer.AsSpan(_length));
            _length += value.Length;
        }

        public void String(string value)
        {
            if (value.Length <= 42)
            {
                // At most 126 UTF-8 bytes: the length's varint is one byte, written after the text (one UTF-8 pass, not two:
                // node ids go out in every version's clock). Same bytes as the general path.
                Ensure(1 + value.Length * 3);
                int written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 1));
                _buffer[_length] = (byte)written;
                _length += 1 + written;
                return;
            }
            int length = Encoding.UTF8.GetByteCount(value);
            Varint((ulong)length);
            Ensure(length);
            _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
        }

        public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        /// <summary>Empties the writer, keeping its buffer (a very large one is dropped).</summary>
        public void Reset()
        {
            _length = 0;
            if (_buffer.Length > 64 * 1024)
            {
                _buffer = new byte[256];
            }
        }

        private void Ensure(int more)
        {
            if (_length + more > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
            }
        }
    }

    /// <summary>Bounds-checked reader: every method returns false instead of reading past the end.</summary>
    public ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _position;

        public Reader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _position = 0;
        }

        public readonly bool AtEnd => _position == _data.Length;

        public bool Byte(out byte value)
        {
            value = 0;
            if (_position >= _data.Length)
            {
                return false;
            }
            value = _data[_position++];
            return true;
        }

        public bool Varint(out ulong value)
        {
            int read = Primitives.Varint.TryRead(_data[_position..], out value);
            _position += read;
            return read > 0;
        }

        public bool UInt64(out ulong value)
        {
            value = 0;
            if (_data.Length - _position < 8)
            {
                return false;
            }
            value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
            _position += 8;
            return true;
        }

        public bool Count(out int count)
        {
            count = 0;
            if (!Varint(out ulong value) || value > MaxCount || value > (ulong)(_data.Length - _position))
            {
                return false; // every element takes at least one byte, so a count beyond the rest is corrupt
            }
            count = (int)value;
            return true;
        }

        public bool Raw(int length, out byte[] value)
        {
            value = [];
            if (length < 0 || _data.Length - _position < length)
            {
                return false;
            }
            value = _data.Slice(_position, length).ToArray();
            _position += length;
            return true;
        }

        public bool Bytes(out byte[] value)
        {
            value = [];
            return Varint(out ulong length) && length <= MaxCount && Raw((int)length, out value);
        }

        public bool String(out string value)
        {
            value = "";
            if (!Varint(out ulong length) || length > MaxCount || (ulong)(_data.Length - _position) < length)
            {
                return false;
            }
            value = PeerStrings.Get(_data.Slice(_position, (int)length));
            _position += (int)length;
            return true;
        }
    }
}
