using System.Buffers.Binary;
using Cairn.Engine.Memory.Hashes;
using Cairn.Engine.Memory.Lists;
using Cairn.Engine.Memory.Sets;
using Cairn.Engine.Memory.SortedSets;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// Reads values in every RDB encoding Redis 7.0 (and 7.2's listpack sets) can produce for strings, lists, sets, sorted
/// sets and hashes (rdbLoadObject), building Cairn's own encodings. Validation is deep, as Redis's RESTORE with
/// sanitize-dump-payload: malformed ziplists/listpacks/intsets, duplicate members or fields, and NaN scores are
/// rejected with <see cref="RdbFormatException"/>. An empty container reads as null (Redis skips empty keys).
/// </summary>
public static class RdbValueReader
{
    /// <summary>verifyDumpPayload: at least 10 bytes, RDB version not newer than Cairn reads, CRC64 matching.</summary>
    public static bool VerifyDumpPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 10)
        {
            return false;
        }
        ReadOnlySpan<byte> footer = payload[^10..];
        int version = BinaryPrimitives.ReadUInt16LittleEndian(footer);
        if (version > RdbOpcode.MaxReadableVersion)
        {
            return false;
        }
        return Crc64.Compute(payload[..^8]) == BinaryPrimitives.ReadUInt64LittleEndian(footer[2..]);
    }

    /// <summary>The value of a verified DUMP payload; false (Redis's "Bad data format") when it does not decode or is empty.</summary>
    public static bool TryReadDumpPayload(ReadOnlyMemory<byte> payload, out object? value)
    {
        value = null;
        var input = new RdbInput(payload[..^10]);
        try
        {
            byte type = input.ReadByte();
            value = Read(type, input);
            return value is not null;
        }
        catch (RdbFormatException)
        {
            return false;
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            // The payload is untrusted client input: a value the decoders let through but a collection refuses must be
            // a bad payload for this client, never a dropped connection.
            return false;
        }
    }

    /// <summary>True for the type bytes of values (as opposed to file opcodes).</summary>
    public static bool IsValueType(byte type) => type is <= RdbType.StreamListpacks3 and not 8;

    /// <summary>rdbLoadObject: one value of RDB type <paramref name="type"/>; null when it has no elements.</summary>
    public static object? Read(byte type, RdbInput input)
    {
        int start = input.Position - 1;
        switch (type)
        {
            case RdbType.String:
                return input.ReadString();
            case RdbType.List:
                return BuildList(ReadStrings(input, input.ReadCount()));
            case RdbType.ListZiplist:
                return BuildList(Decode(input, ZiplistDecoder.TryDecode, "ziplist"));
            case RdbType.ListQuicklist:
            case RdbType.ListQuicklist2:
                return ReadQuicklist(type, input);
            case RdbType.Set:
            case RdbType.SetListpack:
                List<byte[]> members = type == RdbType.Set
                    ? ReadStrings(input, input.ReadCount())
                    : Decode(input, ListpackDecoder.TryDecode, "listpack");
                return BuildSet(members, start);
            case RdbType.SetIntset:
                return ReadIntset(input, start);
            case RdbType.SortedSet:
            case RdbType.SortedSet2:
                return ReadSortedSet(type, input, start);
            case RdbType.SortedSetZiplist:
            case RdbType.SortedSetListpack:
                List<byte[]> pairs = type == RdbType.SortedSetZiplist
                    ? Decode(input, ZiplistDecoder.TryDecode, "ziplist")
                    : Decode(input, ListpackDecoder.TryDecode, "listpack");
                return BuildSortedSetFromPairs(pairs, start);
            case RdbType.Hash:
                int fields = input.ReadCount(int.MaxValue / 2);
                return BuildHash(ReadStrings(input, fields * 2), start);
            case RdbType.HashZipmap:
                return BuildHash(Decode(input, ZipmapDecoder.TryDecode, "zipmap"), start);
            case RdbType.HashZiplist:
                return BuildHash(Decode(input, ZiplistDecoder.TryDecode, "ziplist"), start);
            case RdbType.HashListpack:
                return BuildHash(Decode(input, ListpackDecoder.TryDecode, "listpack"), start);
            case RdbType.Module:
            case RdbType.Module2:
                throw new RdbFormatException(start, "module values are not supported");
        }
        if (RdbCodecs.ForRdbType(type) is { } codec)
        {
            return codec.Read(type, input);
        }
        if (type is RdbType.StreamListpacks or RdbType.StreamListpacks2 or RdbType.StreamListpacks3)
        {
            // Streams are decoded by the codec Streams/StreamRdbCodec registers at start-up; reaching here means it was not.
            throw new RdbFormatException(start, "stream values are not supported (no stream RDB codec registered)");
        }
        throw new RdbFormatException(start, $"unknown value type {type}");
    }

    private delegate bool BlobDecoder(ReadOnlySpan<byte> blob, List<byte[]> output);

    private static List<byte[]> ReadStrings(RdbInput input, int count)
    {
        var strings = new List<byte[]>(Math.Min(count, 1 << 16));
        for (int i = 0; i < count; i++)
        {
            strings.Add(input.ReadString());
        }
        return strings;
    }

    private static List<byte[]> Decode(RdbInput input, BlobDecoder decoder, string what)
    {
        int start = input.Position;
        byte[] blob = input.ReadString();
        var elements = new List<byte[]>();
        if (!decoder(blob, elements))
        {
            throw new RdbFormatException(start, $"invalid {what}");
        }
        return elements;
    }

    private static ListObject? ReadQuicklist(byte type, RdbInput input)
    {
        int nodes = input.ReadCount();
        var elements = new List<byte[]>();
        for (int i = 0; i < nodes; i++)
        {
            int container = RdbType.QuicklistNodePacked;
            if (type == RdbType.ListQuicklist2)
            {
                int at = input.Position;
                container = input.ReadCount();
                if (container is not (RdbType.QuicklistNodePlain or RdbType.QuicklistNodePacked))
                {
                    throw new RdbFormatException(at, $"unknown quicklist node container {container}");
                }
            }
            if (container == RdbType.QuicklistNodePlain)
            {
                elements.Add(input.ReadString());
                continue;
            }
            List<byte[]> node = type == RdbType.ListQuicklist2
                ? Decode(input, ListpackDecoder.TryDecode, "listpack")
                : Decode(input, ZiplistDecoder.TryDecode, "ziplist");
            elements.AddRange(node);
        }
        return BuildList(elements);
    }

    private static ListObject? BuildList(List<byte[]> elements)
    {
        if (elements.Count == 0)
        {
            return null;
        }
        var list = new ListObject();
        long bytes = 0;
        foreach (byte[] element in elements)
        {
            bytes += element.Length;
        }
        list.PrepareToAdd(bytes, elements.Count);
        foreach (byte[] element in elements)
        {
            list.Push(element, head: false);
        }
        return list;
    }

    private static SetObject? BuildSet(List<byte[]> members, int start)
    {
        if (members.Count == 0)
        {
            return null;
        }
        SetObject set = SetObject.CreateFor(members[0], members.Count);
        foreach (byte[] member in members)
        {
            if (!set.Add(member))
            {
                throw new RdbFormatException(start, "duplicate set member");
            }
        }
        return set;
    }

    private static SetObject? ReadIntset(RdbInput input, int start)
    {
        int at = input.Position;
        byte[] blob = input.ReadString();
        var values = new List<long>();
        if (!IntsetCodec.TryDecode(blob, values))
        {
            throw new RdbFormatException(at, "invalid intset");
        }
        var members = new List<byte[]>(values.Count);
        foreach (long v in values)
        {
            members.Add(IntegerText.ToBytes(v));
        }
        return BuildSet(members, start);
    }

    private static SortedSetObject? ReadSortedSet(byte type, RdbInput input, int start)
    {
        int count = input.ReadCount();
        var entries = new List<SortedSetEntry>(Math.Min(count, 1 << 16));
        for (int i = 0; i < count; i++)
        {
            byte[] member = input.ReadString();
            double score = type == RdbType.SortedSet2 ? input.ReadDoubleBinary() : input.ReadDoubleText();
            entries.Add(new SortedSetEntry(member, score));
        }
        return BuildSortedSet(entries, start);
    }

    private static SortedSetObject? BuildSortedSetFromPairs(List<byte[]> pairs, int start)
    {
        if (pairs.Count % 2 != 0)
        {
            throw new RdbFormatException(start, "sorted set with an odd number of elements");
        }
        var entries = new List<SortedSetEntry>(pairs.Count / 2);
        for (int i = 0; i < pairs.Count; i += 2)
        {
            if (!RdbNumbers.TryParseDouble(pairs[i + 1], out double score))
            {
                throw new RdbFormatException(start, "invalid sorted set score");
            }
            entries.Add(new SortedSetEntry(pairs[i], score));
        }
        return BuildSortedSet(entries, start);
    }

    private static SortedSetObject? BuildSortedSet(List<SortedSetEntry> entries, int start)
    {
        if (entries.Count == 0)
        {
            return null;
        }
        var seen = new HashSet<byte[]>(entries.Count, ByteArrayComparer.Instance);
        foreach (SortedSetEntry entry in entries)
        {
            if (double.IsNaN(entry.Score))
            {
                throw new RdbFormatException(start, "sorted set score is NaN");
            }
            if (!seen.Add(entry.Member))
            {
                throw new RdbFormatException(start, "duplicate sorted set member");
            }
        }
        return SortedSetObject.FromEntries(entries);
    }

    private static HashObject? BuildHash(List<byte[]> pairs, int start)
    {
        if (pairs.Count % 2 != 0)
        {
            throw new RdbFormatException(start, "hash with an odd number of elements");
        }
        if (pairs.Count == 0)
        {
            return null;
        }
        var hash = new HashObject();
        int longest = 0;
        foreach (byte[] element in pairs)
        {
            longest = Math.Max(longest, element.Length);
        }
        hash.ConvertIfLongerThanLimit(longest);
        for (int i = 0; i < pairs.Count; i += 2)
        {
            if (!hash.Set(pairs[i], pairs[i + 1]))
            {
                throw new RdbFormatException(start, "duplicate hash field");
            }
        }
        return hash;
    }
}
