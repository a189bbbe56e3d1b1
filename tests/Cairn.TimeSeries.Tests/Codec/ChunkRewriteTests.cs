using Cairn.Primitives;
using Cairn.TimeSeries.Codec;

namespace Cairn.TimeSeries.Tests.Codec;

/// <summary>Rewriting a chunk's tail after a late insert must give exactly the bits of encoding the new list from scratch.</summary>
public sealed class ChunkRewriteTests
{
    [Fact]
    public void RewritingFromAnInsertPointEqualsAFreshEncoding()
    {
        for (int run = 0; run < 300; run++)
        {
            ulong seed = TestValues.Seed(run);
            var random = new SeededRandom(seed);
            var chunk = new CompressedChunk(1 << 16);
            var samples = new List<Sample>();
            long timestamp = random.NextInt(1000);
            int count = 1 + random.NextInt(300);
            for (int i = 0; i < count; i++)
            {
                double value = random.NextInt(3) == 0 ? TestValues.NextDouble(random) : Math.Round(random.NextDouble() * 100, random.NextInt(4));
                chunk.Append(timestamp, value);
                samples.Add(new Sample(timestamp, value));
                timestamp += 1 + random.NextInt(random.NextInt(10) == 0 ? 100_000 : 30);
            }
            long insertAt = random.NextInt((int)Math.Min(int.MaxValue - 1, timestamp));
            var decoded = new Sample[chunk.Count];
            int position = chunk.DecodeForInsert(insertAt, decoded, out EncoderState state);
            int found = samples.FindIndex(s => s.Timestamp >= insertAt);
            Assert.True((found < 0 ? samples.Count : found) == position, $"seed {seed}: position {position}");
            var inserted = new Sample(insertAt, TestValues.NextDouble(random));
            bool replaces = position < samples.Count && samples[position].Timestamp == insertAt;
            var expected = new List<Sample>(samples);
            if (replaces)
            {
                expected[position] = inserted;
            }
            else
            {
                expected.Insert(position, inserted);
            }
            chunk.RewriteFrom(position, state, expected.Skip(position).ToArray());
            var fresh = new CompressedChunk(1 << 16);
            foreach (Sample sample in expected)
            {
                fresh.Append(sample.Timestamp, sample.Value);
            }
            int differs = fresh.EncodedBytes.CommonPrefixLength(chunk.EncodedBytes);
            Assert.True(fresh.EncodedBytes.SequenceEqual(chunk.EncodedBytes),
                $"seed {seed}: bits differ after rewrite at {position} of {samples.Count}, byte {differs}, state {state}, replaces {replaces}, inserted {inserted}, lengths {fresh.EncodedBytes.Length}/{chunk.EncodedBytes.Length}, around {string.Join(",", samples.Skip(Math.Max(0, position - 2)).Take(4))}");
            Assert.Equal(expected.Count, chunk.Count);
            Assert.Equal(expected, chunk.ToArray(), SampleComparer.BitExact);
        }
    }

    [Fact]
    public void InsertPointIsFoundAtTheLargestTimestamp()
    {
        var chunk = new CompressedChunk(4096);
        chunk.Append(long.MaxValue - 10, 1.5);
        chunk.Append(long.MaxValue, 2.5);
        var decoded = new Sample[2];
        Assert.Equal(1, chunk.DecodeForInsert(long.MaxValue, decoded, out EncoderState state));
        chunk.RewriteFrom(1, state, [new Sample(long.MaxValue, 3.5)]);
        Assert.Equal([new Sample(long.MaxValue - 10, 1.5), new Sample(long.MaxValue, 3.5)], chunk.ToArray(), SampleComparer.BitExact);
    }
}
