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
/// then the member, in any order). Loading rebuilds values through the types' own APIs, so encodings follow the
/// current thresholds.
/// A value may be split across its key record and more-items records (<see cref="ICollectionCodec"/>); each part is a
/// count and that many items, so a whole value written at once is the one-part case.
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

    /// <summary>Writes a length-prefixed item; returns the bytes written.</summary>
    private static int WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        Span<byte> span = output.GetSpan(Varint.MaxLength64 + bytes.Length);
        int n = Varint.Write(span, (ulong)bytes.Length);
        bytes.CopyTo(span[n..]);
        output.Advance(n + bytes.Length);
        return n + bytes.Length;
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

    /// <summary>Every collection's whole-value layout is its one-part case: the count of all items, then the items.</summary>
    private abstract class CollectionCodec : ICollectionCodec
    {
        public abstract DataType Type { get; }

        public void Write(object value, IBufferWriter<byte> output)
        {
            WriteCount(output, ((DataObject)value).Length);
            long cursor = 0;
            WriteItems(value, ref cursor, output, int.MaxValue, out _);
        }

        public object Read(ReadOnlySpan<byte> data) => FinishRead(StartRead(data));

        public abstract int WriteItems(object value, ref long cursor, IBufferWriter<byte> output, int budgetBytes, out bool done);

        public abstract object StartRead(ReadOnlySpan<byte> data);

        public void ReadMore(object partial, ReadOnlySpan<byte> data)
        {
            int pos = 0;
            long count = ReadCount(data, ref pos);
            ReadItems(partial, data, pos, count);
        }

        public virtual object FinishRead(object partial) => partial;

        /// <summary>Adds <paramref name="count"/> items from <paramref name="data"/>[<paramref name="pos"/>..], which
        /// they must fill exactly.</summary>
        protected abstract void ReadItems(object partial, ReadOnlySpan<byte> data, int pos, long count);
    }

    private sealed class ListCodec : CollectionCodec
    {
        public override DataType Type => DataType.List;

        /// <summary>The cursor is an element's index.</summary>
        public override int WriteItems(object value, ref long cursor, IBufferWriter<byte> output, int budgetBytes, out bool done)
        {
            var list = (ListObject)value;
            int written = 0;
            if (cursor < list.Count)
            {
                long bytes = 0;
                ListReader reader = list.ReadFrom((int)cursor);
                while (bytes < budgetBytes && reader.TryRead(out ReadOnlySpan<byte> element))
                {
                    bytes += WriteBytes(output, element);
                    written++;
                }
            }
            cursor += written;
            done = cursor >= list.Count;
            return written;
        }

        public override object StartRead(ReadOnlySpan<byte> data)
        {
            int pos = 0;
            long count = ReadCount(data, ref pos);
            var list = new ListObject();
            ReadItems(list, data, pos, count);
            return list;
        }

        protected override void ReadItems(object partial, ReadOnlySpan<byte> data, int pos, long count)
        {
            var list = (ListObject)partial;
            list.PrepareToAdd(data.Length, count);
            for (long i = 0; i < count; i++)
            {
                list.Push(ReadBytes(data, ref pos), head: false);
            }
            RequireEnd(data, pos);
        }
    }

    private sealed class HashCodec : CollectionCodec
    {
        public override DataType Type => DataType.Hash;

        /// <summary>The cursor is a position (<see cref="HashObject.NextPosition"/>).</summary>
        public override int WriteItems(object value, ref long cursor, IBufferWriter<byte> output, int budgetBytes, out bool done)
        {
            var hash = (HashObject)value;
            int written = 0;
            long bytes = 0;
            int p = hash.NextPosition((int)cursor);
            for (; p >= 0 && bytes < budgetBytes; p = hash.NextPosition(p + 1))
            {
                bytes += WriteBytes(output, hash.FieldAt(p));
                bytes += WriteBytes(output, hash.ValueAt(p));
                written++;
            }
            done = p < 0;
            cursor = done ? hash.PositionLimit : p;
            return written;
        }

        public override object StartRead(ReadOnlySpan<byte> data)
        {
            int pos = 0;
            long count = ReadCount(data, ref pos);
            var hash = new HashObject();
            ReadItems(hash, data, pos, count);
            return hash;
        }

        protected override void ReadItems(object partial, ReadOnlySpan<byte> data, int pos, long count)
        {
            var hash = (HashObject)partial;
            if (hash.Count + count > EncodingSettings.HashMaxListpackEntries)
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
        }
    }

    private sealed class SetCodec : CollectionCodec
    {
        public override DataType Type => DataType.Set;

        /// <summary>The cursor is a position (<see cref="SetObject.NextPosition"/>).</summary>
        public override int WriteItems(object value, ref long cursor, IBufferWriter<byte> output, int budgetBytes, out bool done)
        {
            var set = (SetObject)value;
            Span<byte> scratch = stackalloc byte[IntegerText.MaxLength];
            int written = 0;
            long bytes = 0;
            int p = set.NextPosition((int)cursor);
            for (; p >= 0 && bytes < budgetBytes; p = set.NextPosition(p + 1))
            {
                bytes += WriteBytes(output, set.MemberAt(p, scratch));
                written++;
            }
            done = p < 0;
            cursor = done ? int.MaxValue : p;
            return written;
        }

        public override object StartRead(ReadOnlySpan<byte> data)
        {
            int pos = 0;
            long count = ReadCount(data, ref pos);
            if (count == 0)
            {
                throw new InvalidDataException("empty set");
            }
            int first = pos;
            SetObject set = SetObject.CreateFor(ReadBytes(data, ref first), count);
            ReadItems(set, data, pos, count);
            return set;
        }

        protected override void ReadItems(object partial, ReadOnlySpan<byte> data, int pos, long count)
        {
            var set = (SetObject)partial;
            for (long i = 0; i < count; i++)
            {
                if (!set.Add(ReadBytes(data, ref pos)))
                {
                    throw new InvalidDataException("duplicate set member");
                }
            }
            RequireEnd(data, pos);
        }
    }

    private sealed class SortedSetCodec : CollectionCodec
    {
        public override DataType Type => DataType.SortedSet;

        /// <summary>The cursor is a position (<see cref="SortedSetObject.NextPosition"/>): a tree's elements go in id
        /// order, not score order (a snapshot's view of the tree has elements only); the reader sorts them.</summary>
        public override int WriteItems(object value, ref long cursor, IBufferWriter<byte> output, int budgetBytes, out bool done)
        {
            var set = (SortedSetObject)value;
            int written = 0;
            long bytes = 0;
            int p = set.NextPosition((int)cursor);
            for (; p >= 0 && bytes < budgetBytes; p = set.NextPosition(p + 1))
            {
                SortedSetEntry entry = set.EntryAtPosition(p);
                Span<byte> score = output.GetSpan(8);
                BinaryPrimitives.WriteDoubleLittleEndian(score, entry.Score);
                output.Advance(8);
                bytes += 8 + WriteBytes(output, entry.Member);
                written++;
            }
            done = p < 0;
            cursor = done ? int.MaxValue : p;
            return written;
        }

        /// <summary>The value under construction is its entries; the set is built from them at the end.</summary>
        public override object StartRead(ReadOnlySpan<byte> data)
        {
            int pos = 0;
            long count = ReadCount(data, ref pos);
            var entries = new List<SortedSetEntry>((int)Math.Min(count, 1 << 20));
            ReadItems(entries, data, pos, count);
            return entries;
        }

        protected override void ReadItems(object partial, ReadOnlySpan<byte> data, int pos, long count)
        {
            var entries = (List<SortedSetEntry>)partial;
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
        }

        public override object FinishRead(object partial) => SortedSetObject.Load((List<SortedSetEntry>)partial);
    }
}
