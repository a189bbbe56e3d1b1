using System.Text;
using Cairn.Engine.Memory.Collections;
using Cairn.Engine.Memory.Lists;

namespace Cairn.Server.Tests.Lists;

/// <summary>
/// The quicklist's chunked storage against a List&lt;byte[]&gt; model under seeded random operations, with chunk limits
/// small enough that every path (new chunks at both ends, splits on insert and replace, elements larger than a chunk,
/// chunks emptied by pops, trims and removals, cursor walks in both directions) runs thousands of times. Now and then a
/// snapshot's view is taken (<see cref="ChunkedList.Share"/>): it must keep reading the list as it was while the list
/// goes on changing (copy-on-write chunks; a drained chunk it holds is not reused).
/// </summary>
public sealed class ChunkedListModelTests
{
    [Theory]
    [InlineData(1, 64, 5)]
    [InlineData(2, 200, 1000)]
    [InlineData(3, 8192, 3)]
    [InlineData(4, 40, 1)]
    public void Random_operations_match_a_list_model(int seed, int chunkBytes, int chunkElements)
    {
        var random = new Random(seed);
        var list = new ChunkedList(chunkBytes, chunkElements);
        var model = new List<byte[]>();
        byte[] NewElement()
        {
            int length = random.Next(10) == 0 ? random.Next(chunkBytes, chunkBytes * 2 + 2) : random.Next(0, 24);
            var e = new byte[length];
            for (int i = 0; i < length; i++)
            {
                e[i] = (byte)('a' + random.Next(3)); // few distinct values so removals by value find matches
            }
            return length > 2 ? e : Encoding.ASCII.GetBytes(random.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        ChunkedList? view = null;
        List<byte[]> viewModel = [];
        var shared = new SharedArrays();
        for (int step = 0; step < 20_000; step++)
        {
            int op = random.Next(13);
            switch (op)
            {
                case 0:
                case 1:
                    {
                        byte[] e = NewElement();
                        list.AddFirst(e);
                        model.Insert(0, e);
                        break;
                    }
                case 2:
                case 3:
                    {
                        byte[] e = NewElement();
                        list.AddLast(e);
                        model.Add(e);
                        break;
                    }
                case 4 when model.Count > 0:
                    Assert.Equal(model[0], list.First.ToArray());
                    list.DropFirst();
                    model.RemoveAt(0);
                    break;
                case 5 when model.Count > 0:
                    Assert.Equal(model[^1], list.Last.ToArray());
                    list.DropLast();
                    model.RemoveAt(model.Count - 1);
                    break;
                case 6:
                    {
                        int at = random.Next(model.Count + 1);
                        byte[] e = NewElement();
                        list.Insert(at, e);
                        model.Insert(at, e);
                        break;
                    }
                case 7 when model.Count > 0:
                    {
                        int at = random.Next(model.Count);
                        byte[] e = NewElement();
                        list.Replace(at, e);
                        model[at] = e;
                        break;
                    }
                case 8 when model.Count > 0 && random.Next(4) == 0:
                    {
                        byte[] value = model[random.Next(model.Count)];
                        long limit = random.Next(3) == 0 ? long.MaxValue : random.Next(1, 4);
                        bool fromTail = random.Next(2) == 0;
                        long removed = list.RemoveWhere(value, static (v, e) => e.SequenceEqual(v), limit, fromTail);
                        long expected = 0;
                        if (!fromTail)
                        {
                            for (int i = 0; i < model.Count && expected < limit;)
                            {
                                if (model[i].AsSpan().SequenceEqual(value)) { model.RemoveAt(i); expected++; } else { i++; }
                            }
                        }
                        else
                        {
                            for (int i = model.Count - 1; i >= 0 && expected < limit; i--)
                            {
                                if (model[i].AsSpan().SequenceEqual(value)) { model.RemoveAt(i); expected++; }
                            }
                        }
                        Assert.Equal(expected, removed);
                        break;
                    }
                case 9 when model.Count > 0 && random.Next(8) == 0:
                    {
                        int n = random.Next(Math.Min(model.Count, 30) + 1);
                        if (random.Next(2) == 0)
                        {
                            list.RemoveFirst(n);
                            model.RemoveRange(0, n);
                        }
                        else
                        {
                            list.RemoveLast(n);
                            model.RemoveRange(model.Count - n, n);
                        }
                        break;
                    }
                case 10 when model.Count > 0:
                    {
                        // A random read, then a short sequential run from there (the cursor path).
                        int at = random.Next(model.Count);
                        for (int i = at; i < Math.Min(model.Count, at + 5); i++)
                        {
                            Assert.True(model[i].AsSpan().SequenceEqual(list[i]), $"step {step}: element {i}");
                        }
                        // And a run from there through the reader (LRANGE's path), across chunk boundaries.
                        AssertReads(model, list, at, 40);
                        break;
                    }
                case 11 when random.Next(50) == 0:
                    {
                        ChunkedList copy = list.Clone();
                        AssertSame(model, copy);
                        copy.AddFirst("only in the copy"u8);
                        Assert.Equal(model.Count, list.Count);
                        break;
                    }
                case 12 when random.Next(10) == 0:
                    if (view is null)
                    {
                        shared = new SharedArrays();
                        view = list.Share(shared);
                        viewModel = [.. model];
                    }
                    else
                    {
                        AssertSame(viewModel, view);
                        list.Unshare(shared);
                        view = null;
                    }
                    break;
            }
            if (view is not null && step % 89 == 0)
            {
                AssertSame(viewModel, view);
            }
            Assert.Equal(model.Count, list.Count);
            if (step % 997 == 0)
            {
                AssertSame(model, list);
            }
        }
        AssertSame(model, list);
        // Walk backwards as LRANGE with a negative direction would.
        for (int i = model.Count - 1; i >= 0; i--)
        {
            Assert.True(model[i].AsSpan().SequenceEqual(list[i]));
        }
    }

    [Fact]
    public void A_million_small_elements_take_a_few_thousand_chunks_not_a_million_objects()
    {
        var list = new ChunkedList(8192, int.MaxValue);
        byte[] element = new byte[62];
        for (int i = 0; i < 1_000_000; i++)
        {
            element[0] = (byte)i;
            if (i % 2 == 0)
            {
                list.AddLast(element);
            }
            else
            {
                list.AddFirst(element);
            }
        }
        Assert.Equal(1_000_000, list.Count);
        Assert.InRange(list.ChunkCount, 7_000, 8_500); // 63 bytes an element, 130 to an 8 KB chunk
        Assert.InRange(list.CapacityBytes, 63_000_000L, 70_000_000L);
        Assert.Equal(62, list[500_000].Length);
    }

    [Fact]
    public void Chunks_drained_from_one_list_are_reused_by_another_without_mixing_their_bytes()
    {
        // Full 8 KiB chunks are uninitialised arrays, recycled through the thread's pool when a chunk drains: a list that
        // fills while another drains (a queue moved between keys) writes into arrays the other wrote.
        var source = new ChunkedList(ChunkArrays.PooledLength, int.MaxValue);
        var target = new ChunkedList(ChunkArrays.PooledLength, int.MaxValue);
        static byte[] Element(int i, int length) =>
            Encoding.ASCII.GetBytes(i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture).PadRight(length, (char)('a' + (i % 26))));
        for (int i = 0; i < 40_000; i++)
        {
            source.AddLast(Element(i, 64));
        }
        int sourceChunks = source.ChunkCount;
        for (int i = 0; i < 40_000; i++)
        {
            Assert.Equal(Element(i, 64), source.First.ToArray());
            source.DropFirst();
            target.AddFirst(Element(i, 1 + (i % 90))); // other lengths, so stale headers would misparse
        }
        Assert.Equal(0, source.Count);
        Assert.InRange(sourceChunks, 300, 400);
        Assert.Equal(40_000, target.Count);
        int index = 0;
        ListReader reader = target.ReadFrom(0);
        while (reader.TryRead(out ReadOnlySpan<byte> element))
        {
            int i = 40_000 - 1 - index;
            Assert.Equal(Element(i, 1 + (i % 90)), element.ToArray());
            index++;
        }
        Assert.Equal(40_000, index);
    }

    [Fact]
    public void A_list_thinned_out_by_removals_merges_its_chunks()
    {
        var list = new ChunkedList(8192, int.MaxValue);
        for (int i = 0; i < 100_000; i++)
        {
            byte[] element = new byte[62];
            element[0] = (byte)(i % 10 == 0 ? 'k' : 'x'); // every tenth is kept
            list.AddLast(element);
        }
        int before = list.ChunkCount;
        long removed = list.RemoveWhere(0, static (_, e) => e[0] == 'x', long.MaxValue, fromTail: false);
        Assert.Equal(90_000, removed);
        Assert.Equal(10_000, list.Count);
        Assert.InRange(list.ChunkCount, before / 12, before / 8); // as full as before, not 770 chunks of 13 elements
        for (int i = 0; i < list.Count; i++)
        {
            Assert.Equal((byte)'k', list[i][0]);
        }
    }

    private static void AssertSame(List<byte[]> model, ChunkedList list)
    {
        Assert.Equal(model.Count, list.Count);
        for (int i = 0; i < model.Count; i++)
        {
            Assert.True(model[i].AsSpan().SequenceEqual(list[i]), $"element {i}");
        }
        if (model.Count > 0)
        {
            AssertReads(model, list, 0, int.MaxValue);
        }
    }

    /// <summary>Up to <paramref name="count"/> elements from <paramref name="from"/> through <see cref="ChunkedList.ReadFrom"/>;
    /// a read that reaches the end must then report the end.</summary>
    private static void AssertReads(List<byte[]> model, ChunkedList list, int from, int count)
    {
        ListReader reader = list.ReadFrom(from);
        int end = (int)Math.Min(model.Count, (long)from + count);
        for (int i = from; i < end; i++)
        {
            Assert.True(reader.TryRead(out ReadOnlySpan<byte> element), $"reader ended before element {i}");
            Assert.True(model[i].AsSpan().SequenceEqual(element), $"reader element {i}");
        }
        if (end == model.Count)
        {
            Assert.False(reader.TryRead(out _));
        }
    }
}
