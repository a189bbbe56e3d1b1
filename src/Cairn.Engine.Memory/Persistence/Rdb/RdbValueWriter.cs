using System.Buffers.Binary;
using Cairn.Engine.Memory.Hashes;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Lists;
using Cairn.Engine.Memory.Sets;
using Cairn.Engine.Memory.SortedSets;

using Cairn.Primitives;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Writes values in Redis 7.0's RDB encoding (rdbSaveObjectType + rdbSaveObject), choosing the type byte Redis 7.0
/// would for the same value: strings as RDB strings (integer-encoded when they are small canonical integers), lists as
/// quicklist 2 (18) of listpack nodes, listpack hashes as 16 else 4, intsets as 11 else plain sets 2 (7.0 has no
/// listpack sets), listpack sorted sets as 17 else 5. Small values come out byte for byte as Redis 7.0's DUMP; strings
/// are never LZF-compressed (Redis's larger values may differ in bytes, never in content).
/// </summary>
public static class RdbValueWriter
{
    /// <summary>quicklist.c SIZE_SAFETY_LIMIT and SIZE_ESTIMATE_OVERHEAD, for list-max-listpack-size -2 (8 KB nodes).</summary>
    private const int NodeSizeLimitBytes = 8192;
    private const int SizeEstimateOverheadBytes = 8;

    /// <summary>The DUMP payload: type, value, RDB version 10 (little-endian), CRC64 of all before it.</summary>
    public static byte[] CreateDumpPayload(object value)
    {
        var output = new RdbOutput();
        Write(value, output);
        Span<byte> footer = stackalloc byte[10];
        BinaryPrimitives.WriteUInt16LittleEndian(footer, RdbOpcode.Redis70Version);
        output.WriteBytes(footer[..2]);
        ulong crc = Crc64.Compute(output.WrittenSpan);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[2..], crc);
        output.WriteBytes(footer[2..]);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes the RDB type byte and the value. Throws NotSupportedException for a type with no RDB codec.</summary>
    public static void Write(object value, RdbOutput output)
    {
        switch (value)
        {
            case byte[] bytes:
                output.WriteByte(RdbType.String);
                output.WriteString(bytes);
                return;
            case ListObject list:
                WriteList(list, output);
                return;
            case HashObject hash:
                WriteHash(hash, output);
                return;
            case SetObject set:
                WriteSet(set, output);
                return;
            case SortedSetObject sortedSet:
                WriteSortedSet(sortedSet, output);
                return;
            case DataObject other when RdbCodecs.ForDataType(other.Type) is { } codec:
                codec.Write(other, output);
                return;
            default:
                throw new NotSupportedException($"no RDB encoding for values of type {((DataObject)value).Type}");
        }
    }

    /// <summary>Whether <see cref="Write"/> can encode the value.</summary>
    public static bool CanWrite(object value) =>
        value is byte[] or ListObject or HashObject or SetObject or SortedSetObject
        || RdbCodecs.ForDataType(((DataObject)value).Type) is not null;

    private static void WriteList(ListObject list, RdbOutput output)
    {
        // Nodes split as quicklist's tail push does at the default fill -2: a node takes an element while its listpack
        // size + the element + 8 stays within 8 KB.
        var nodes = new List<byte[]>();
        var node = new ListpackBuilder();
        ListReader reader = list.ReadFrom(0);
        while (reader.TryRead(out ReadOnlySpan<byte> element))
        {
            if (node.Count > 0 && node.SizeBytes + element.Length + SizeEstimateOverheadBytes > NodeSizeLimitBytes)
            {
                nodes.Add(node.ToArray());
                node = new ListpackBuilder();
            }
            node.Append(element);
        }
        nodes.Add(node.ToArray());
        output.WriteByte(RdbType.ListQuicklist2);
        output.WriteLength((ulong)nodes.Count);
        foreach (byte[] listpack in nodes)
        {
            output.WriteLength(RdbType.QuicklistNodePacked);
            output.WriteLength((ulong)listpack.Length);
            output.WriteBytes(listpack);
        }
    }

    private static void WriteHash(HashObject hash, RdbOutput output)
    {
        if (hash.IsListpack)
        {
            var listpack = new ListpackBuilder();
            for (int p = hash.NextPosition(0); p >= 0; p = hash.NextPosition(p + 1))
            {
                listpack.Append(hash.FieldAt(p));
                listpack.Append(hash.ValueAt(p));
            }
            output.WriteByte(RdbType.HashListpack);
            WriteBlob(listpack.ToArray(), output);
            return;
        }
        output.WriteByte(RdbType.Hash);
        output.WriteLength((ulong)hash.Count);
        for (int p = hash.NextPosition(0); p >= 0; p = hash.NextPosition(p + 1))
        {
            output.WriteString(hash.FieldAt(p));
            output.WriteString(hash.ValueAt(p));
        }
    }

    private static void WriteSet(SetObject set, RdbOutput output)
    {
        if (set.Kind == SetEncoding.Intset)
        {
            var members = new long[set.Count];
            int n = 0;
            foreach (ReadOnlySpan<byte> member in set)
            {
                IntegerText.TryParse(member, out members[n++]);
            }
            Array.Sort(members);
            output.WriteByte(RdbType.SetIntset);
            WriteBlob(IntsetCodec.Encode(members), output);
            return;
        }
        output.WriteByte(RdbType.Set);
        output.WriteLength((ulong)set.Count);
        foreach (ReadOnlySpan<byte> member in set)
        {
            output.WriteString(member);
        }
    }

    private static void WriteSortedSet(SortedSetObject set, RdbOutput output)
    {
        if (set.IsListpack)
        {
            var listpack = new ListpackBuilder();
            Span<byte> score = stackalloc byte[RdbNumbers.MaxDoubleChars];
            SortedSetObject.Walker walker = set.Walk(0, reverse: false);
            while (walker.MoveNext())
            {
                listpack.Append(walker.Current.Member);
                listpack.Append(score[..RdbNumbers.FormatDouble(walker.Current.Score, score)]);
            }
            output.WriteByte(RdbType.SortedSetListpack);
            WriteBlob(listpack.ToArray(), output);
            return;
        }
        // Redis writes a skiplist from the tail, so loading inserts each element at the head in O(1).
        output.WriteByte(RdbType.SortedSet2);
        output.WriteLength((ulong)set.Length);
        SortedSetObject.Walker reverse = set.Walk(set.Length - 1, reverse: true);
        while (reverse.MoveNext())
        {
            output.WriteString(reverse.Current.Member);
            output.WriteDoubleBinary(reverse.Current.Score);
        }
    }

    /// <summary>A listpack or intset as an RDB string (rdbSaveRawString: it is never integer-encoded, being binary).</summary>
    private static void WriteBlob(byte[] blob, RdbOutput output)
    {
        output.WriteLength((ulong)blob.Length);
        output.WriteBytes(blob);
    }
}
