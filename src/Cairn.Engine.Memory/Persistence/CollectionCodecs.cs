using System.Buffers;
using System.Buffers.Binary;
using Cairn.Engine.Memory.Hashes;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Lists;
using Cairn.Engine.Memory.Sets;
using Cairn.Engine.Memory.SortedSets;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// Snapshot codecs of the collection types (docs/formats/snapshot.md): a varint element count, then the elements as
/// varint-length-prefixed bytes (a hash: field then value; a sorted set: the score as an IEEE double, little-endian,
/// then the member). Loading rebuilds values through the types' own APIs, so encodings follow the current thresholds.
/// </summary>
internal static class CollectionCodecs
{
    public static void RegisterAll()
    {
        ValueCodecs.Register(new ListCodec());
        ValueCodecs.Register(new HashCodec());
        ValueCodecs.Register(new SetCodec());
        ValueCodecs.Register(new SortedSetCodec());
    }

    private static void WriteCount(IBufferWriter<byte> output, long count)
    {
        Span<byte> span = output.GetSpan(Varint.MaxLength64);
        output.Advance(Varint.Write(span, (ulong)count));
    }

    private static void WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        Span<byte> span = output.GetSpan(Varint.MaxLength64 + bytes.Length);
        int n = Varint.Write(span, (ulong)bytes.Length);
        bytes.CopyTo(span[n..]);
        output.Advance(n + bytes.Length);
    }

    private static long ReadCount(ReadOnlySpan<byte> data, ref int pos)
    {
        int n = Varint.TryRead(data[pos..], out ulong value);
        if (n == 0 || value > (ulong)data.Length)
        {
            throw new InvalidDataException("bad element count");
        }
        pos += n;
        return (long)value;
    }

    private static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> data, ref int pos)
    {
        int n = Varint.TryRead(data[pos..], out ulong length);
        if (n == 0 || length > (ulong)(data.Length - pos - n))
        {
            throw new InvalidDataException("bad element length");
        }
        pos += n;
        ReadOnlySpan<byte> result = data.Slice(pos, (int)length);
        pos += (int)length;
        return result;
    }

    private static void RequireEnd(ReadOnlySpan<byte> data, int pos)
    {
        if (pos != data.Length)
        {
            throw new InvalidDataException("trailing bytes after the value");
        }
    }

    private sealed class ListCodec : IValueCodec
    {
        public DataType Type => DataType.List;

        public void Write(object value, IBufferWriter<byte> output)
        {
            var list = (ListObject)value;
            WriteCount(output, list.Count);
            ListReader reader = list.ReadFrom(0);
            while (reader.TryRead(out ReadOnlySpan<byte> element))
            {
                WriteBytes(output, element);
            }
        }

        public object Read(ReadOnlySpan<byte> data)
        {
            int pos = 0;
            long count = ReadCount(data, ref pos);
            var list = new ListObject();
            list.PrepareToAdd(data.Length, count);
            for (long i = 0; i < count; i++)
            {
                list.Push(ReadBytes(data, ref pos), head: false);
            }
            RequireEnd(data, pos);
            return list;
        }
    }

    private sealed class HashCodec : IValueCodec
    {
        public DataType Type => DataType.Hash;

        public void Write(object value, IBufferWriter<byte> output)
        {
            var hash = (HashObject)value;
            WriteCount(output, hash.Count);
            for (int p = hash.NextPosition(0); p >= 0; p = hash.NextPosition(p + 1))
            {
                WriteBytes(output, hash.FieldAt(p));
                WriteBytes(output, hash.ValueAt(p));
            }
        }

        public object Read(ReadOnlySpan<byte> data)
        {
            int pos = 0;
            long count = ReadCount(data, ref pos);
            var hash = new HashObject();
            if (count > EncodingSettings.HashMaxListpackEntries)
            {
                hash.ConvertIfLongerThanLimit(int.MaxValue);
            }
            for (long i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> field = ReadBytes(data, ref pos);
                ReadOnlySpan<byte> fieldValue = ReadBytes(data, ref pos);
                if (!hash.Set(field, fieldValue))
                {
                    throw new InvalidDataException("duplicate hash field");
                }
            }
            RequireEnd(data, pos);
            return hash;
        }
    }

    private sealed class SetCodec : IValueCodec
    {
        public DataType Type => DataType.Set;

        public void Write(object value, IBufferWriter<byte> output)
        {
            var set = (SetObject)value;
            WriteCount(output, set.Count);
            foreach (ReadOnlySpan<byte> member in set)
            {
                WriteBytes(output, member);
            }
        }

        public object Read(ReadOnlySpan<byte> data)
        {
            int pos = 0;
            long count = ReadCount(data, ref pos);
            if (count == 0)
            {
                throw new InvalidDataException("empty set");
            }
            int first = pos;
            SetObject set = SetObject.CreateFor(ReadBytes(data, ref first), count);
            for (long i = 0; i < count; i++)
            {
                if (!set.Add(ReadBytes(data, ref pos)))
                {
                    throw new InvalidDataException("duplicate set member");
                }
            }
            RequireEnd(data, pos);
            return set;
        }
    }

    private sealed class SortedSetCodec : IValueCodec
    {
        public DataType Type => DataType.SortedSet;

        public void Write(object value, IBufferWriter<byte> output)
        {
            var set = (SortedSetObject)value;
            WriteCount(output, set.Length);
            SortedSetObject.Walker walker = set.Walk(0, reverse: false);
            while (walker.MoveNext())
            {
                Span<byte> score = output.GetSpan(8);
                BinaryPrimitives.WriteDoubleLittleEndian(score, walker.Current.Score);
                output.Advance(8);
                WriteBytes(output, walker.Current.Member);
            }
        }

        public object Read(ReadOnlySpan<byte> data)
        {
            int pos = 0;
            long count = ReadCount(data, ref pos);
            var entries = new List<SortedSetEntry>((int)Math.Min(count, 1 << 20));
            for (long i = 0; i < count; i++)
            {
                if (data.Length - pos < 8)
                {
                    throw new InvalidDataException("truncated score");
                }
                double score = BinaryPrimitives.ReadDoubleLittleEndian(data[pos..]);
                pos += 8;
                if (double.IsNaN(score))
                {
                    throw new InvalidDataException("NaN score");
                }
                entries.Add(new SortedSetEntry(ReadBytes(data, ref pos).ToArray(), score));
            }
            RequireEnd(data, pos);
            return SortedSetObject.FromEntries(entries);
        }
    }
}
