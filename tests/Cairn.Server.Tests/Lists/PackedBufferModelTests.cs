using Cairn.Engine.Memory.Collections;

namespace Cairn.Server.Tests.Lists;

/// <summary>
/// The packed element buffer against a List&lt;byte[]&gt; model under seeded random operations weighted to the head (where
/// inserts write into free room before the elements and removals advance the start) and mixed with tail and middle
/// operations that must move the elements back; one run starts over a shared array whose prefix (a key's bytes) must
/// survive every relayout, growth and shrink untouched.
/// </summary>
public sealed class PackedBufferModelTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(3, 23)]
    [InlineData(4, 300)]
    public void Random_operations_match_a_list_model(int seed, int prefixBytes)
    {
        var random = new Random(seed);
        byte[] prefix = new byte[prefixBytes];
        random.NextBytes(prefix);
        PackedBuffer buffer = prefixBytes == 0 ? new PackedBuffer(16) : PackedBuffer.Over((byte[])prefix.Clone(), prefixBytes, 0, prefixBytes);
        var model = new List<byte[]>();
        byte[] NewElement()
        {
            var e = new byte[random.Next(8) == 0 ? random.Next(100, 400) : random.Next(0, 20)];
            random.NextBytes(e);
            return e;
        }
        for (int step = 0; step < 30_000; step++)
        {
            switch (random.Next(10))
            {
                case 0:
                case 1:
                case 2:
                    {
                        byte[] e = NewElement();
                        buffer.Insert(0, e);
                        model.Insert(0, e);
                        break;
                    }
                case 3:
                    {
                        byte[] e = NewElement();
                        buffer.Add(e);
                        model.Add(e);
                        break;
                    }
                case 4:
                    {
                        byte[] e = NewElement();
                        int at = random.Next(model.Count + 1);
                        buffer.Insert(at, e);
                        model.Insert(at, e);
                        break;
                    }
                case 5 when model.Count > 0:
                case 6 when model.Count > 0:
                    {
                        int n = Math.Min(model.Count, 1 + random.Next(3));
                        buffer.RemoveRange(0, n, shrink: random.Next(2) == 0);
                        model.RemoveRange(0, n);
                        break;
                    }
                case 7 when model.Count > 0:
                    {
                        int at = random.Next(model.Count);
                        buffer.RemoveAt(at);
                        model.RemoveAt(at);
                        break;
                    }
                case 8 when model.Count > 0:
                    {
                        byte[] e = NewElement();
                        int at = random.Next(model.Count);
                        buffer.Replace(at, e);
                        model[at] = e;
                        break;
                    }
                case 9 when model.Count > 0:
                    {
                        int at = random.Next(model.Count);
                        Assert.Equal(model[at], buffer[at].ToArray());
                        break;
                    }
            }
            Assert.Equal(model.Count, buffer.Count);
            if (step % 97 == 0)
            {
                AssertSame(model, buffer, prefix);
            }
            if (model.Count > 200)
            {
                buffer.RemoveRange(0, model.Count - 20, shrink: true); // drain to small so shrinking runs too
                model.RemoveRange(0, model.Count - 20);
            }
        }
        AssertSame(model, buffer, prefix);
    }

    [Fact]
    public void Head_pushes_and_pops_do_not_move_the_elements_once_there_is_room()
    {
        var buffer = new PackedBuffer(1024);
        buffer.Insert(0, "a"u8);
        buffer.Insert(0, "b"u8); // makes head room: the elements move to the buffer's end once
        byte[] array = buffer.RawBuffer!;
        int end = buffer.EndOffset;
        for (int i = 0; i < 100; i++)
        {
            buffer.Insert(0, "xyz"u8);
        }
        for (int i = 0; i < 100; i++)
        {
            buffer.RemoveRange(0, 1, shrink: false);
        }
        Assert.Same(array, buffer.RawBuffer);
        Assert.Equal(end, buffer.EndOffset);
        Assert.Equal("b"u8.ToArray(), buffer[0].ToArray());
        Assert.Equal("a"u8.ToArray(), buffer[1].ToArray());
    }

    private static void AssertSame(List<byte[]> model, PackedBuffer buffer, byte[] prefix)
    {
        Assert.Equal(model.Count, buffer.Count);
        for (int i = 0; i < model.Count; i++)
        {
            Assert.Equal(model[i], buffer[i].ToArray());
        }
        if (prefix.Length > 0)
        {
            Assert.Equal(prefix, buffer.RawBuffer.AsSpan(0, prefix.Length).ToArray());
            Assert.True(buffer.StartOffset >= prefix.Length);
        }
        for (int from = 0; from <= model.Count; from += Math.Max(1, model.Count / 3))
        {
            PackedReader reader = buffer.ReadFrom(from);
            for (int i = from; i < model.Count; i++)
            {
                Assert.True(reader.TryRead(out ReadOnlySpan<byte> element), $"reader ended before element {i}");
                Assert.Equal(model[i], element.ToArray());
            }
            Assert.False(reader.TryRead(out _));
        }
        PackedBuffer copy = buffer.Clone();
        Assert.Equal(model.Count, copy.Count);
        for (int i = 0; i < model.Count; i++)
        {
            Assert.Equal(model[i], copy[i].ToArray());
        }
    }
}
