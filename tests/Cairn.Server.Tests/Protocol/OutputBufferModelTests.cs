using Cairn.Server.Networking;

namespace Cairn.Server.Tests.Protocol;

/// <summary>
/// <see cref="OutputBuffer"/> against a plain byte queue: random writes (small replies, chunk-crossing and larger-than-
/// chunk values), partial sends of the head or of a gather of chunks (sendmsg), and clears, in every order; the bytes
/// sent must be exactly the bytes written.
/// </summary>
public sealed class OutputBufferModelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Bytes_come_out_in_the_order_they_were_written_whatever_the_mix_of_writes_and_sends(int seed)
    {
        var random = new Random(seed);
        var buffer = new OutputBuffer();
        var model = new Queue<byte>();
        var sent = new List<byte>();
        var expected = new List<byte>();
        byte next = 0;
        for (int step = 0; step < 5_000; step++)
        {
            int action = random.Next(10);
            if (action < 5)
            {
                int size = random.Next(4) switch
                {
                    0 => random.Next(1, 8),
                    1 => random.Next(1, 300),
                    2 => random.Next(1, 20_000),
                    _ => random.Next(1, 1_200_000),
                };
                int hint = random.Next(2) == 0 ? size : 0;
                int written = 0;
                while (written < size)
                {
                    Span<byte> span = buffer.GetSpan(size - written <= hint ? size - written : 0);
                    Assert.True(span.Length > 0);
                    int n = Math.Min(span.Length, size - written);
                    for (int i = 0; i < n; i++)
                    {
                        span[i] = next;
                        model.Enqueue(next);
                        next++;
                    }
                    buffer.Advance(n);
                    written += n;
                }
            }
            else if (action < 9 && random.Next(2) == 0)
            {
                // A gather send (sendmsg): the segments in order, a prefix of them taken, consumed across chunks.
                var segments = new ReadOnlyMemory<byte>[random.Next(1, 17)];
                int count = buffer.GetSegments(segments, out long bytes);
                Assert.Equal(model.Count == 0, count == 0);
                byte[] offered = segments.Take(count).SelectMany(segment => segment.ToArray()).ToArray();
                Assert.Equal(offered.Length, bytes);
                Assert.True(offered.Length <= model.Count);
                if (count < segments.Length)
                {
                    Assert.Equal(model.Count, offered.Length); // room left: every pending byte was offered
                }
                int take = offered.Length == 0 ? 0 : random.Next(1, offered.Length + 1);
                sent.AddRange(offered[..take]);
                for (int i = 0; i < take; i++)
                {
                    expected.Add(model.Dequeue());
                }
                buffer.ConsumeAcross(take);
            }
            else if (action < 9)
            {
                ReadOnlyMemory<byte> head = buffer.Head;
                Assert.Equal(model.Count == 0, head.IsEmpty);
                int take = head.IsEmpty ? 0 : random.Next(1, head.Length + 1);
                sent.AddRange(head.Span[..take].ToArray());
                for (int i = 0; i < take; i++)
                {
                    expected.Add(model.Dequeue());
                }
                buffer.Consume(take);
            }
            else if (random.Next(20) == 0)
            {
                buffer.Clear();
                model.Clear();
            }
            Assert.Equal(model.Count, buffer.Length);
        }
        while (buffer.Length > 0)
        {
            ReadOnlyMemory<byte> head = buffer.Head;
            sent.AddRange(head.ToArray());
            for (int i = 0; i < head.Length; i++)
            {
                expected.Add(model.Dequeue());
            }
            buffer.Consume(head.Length);
        }
        Assert.Empty(model);
        Assert.True(buffer.Head.IsEmpty);
        Assert.Equal(expected, sent);
    }
}
