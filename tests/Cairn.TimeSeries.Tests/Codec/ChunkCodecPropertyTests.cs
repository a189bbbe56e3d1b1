using Cairn.Primitives;
using Cairn.TimeSeries.Codec;

namespace Cairn.TimeSeries.Tests.Codec;

/// <summary>The codec against the simplest model: the list of samples appended.</summary>
public sealed class ChunkCodecPropertyTests
{
    [Theory]
    [InlineData(ChunkEncoding.Compressed)]
    [InlineData(ChunkEncoding.Uncompressed)]
    public void RandomSamplesRoundTripBitExactly(ChunkEncoding encoding)
    {
        for (int run = 0; run < 200; run++)
        {
            ulong seed = TestValues.Seed(run);
            var random = new SeededRandom(seed);
            var expected = new List<Sample>();
            Chunk chunk = Chunk.Create(encoding, 1 << 20);
            long timestamp = random.NextInt(3) == 0 ? 0 : (long)(random.NextUInt64() >> 20);
            int count = 1 + random.NextInt(400);
            for (int i = 0; i < count; i++)
            {
                double value = TestValues.NextDouble(random);
                chunk.Append(timestamp, value);
                expected.Add(new Sample(timestamp, value));
                timestamp += TestValues.NextGap(random);
            }
            Sample[] actual = chunk.ToArray();
            Assert.True(expected.Count == actual.Length, $"seed {seed}");
            for (int i = 0; i < actual.Length; i++)
            {
                Assert.True(expected[i].Timestamp == actual[i].Timestamp, $"seed {seed} sample {i} timestamp");
                Assert.True(BitConverter.DoubleToUInt64Bits(expected[i].Value) == BitConverter.DoubleToUInt64Bits(actual[i].Value),
                    $"seed {seed} sample {i} value");
            }
            Assert.Equal(expected[^1].Timestamp, chunk.LastTimestamp);
            Assert.Equal(expected[0].Timestamp, chunk.FirstTimestamp);
        }
    }

    [Fact]
    public void ShortDecimalsRoundTripBitExactlyAndCompress()
    {
        for (int run = 0; run < 100; run++)
        {
            ulong seed = TestValues.Seed(run);
            var random = new SeededRandom(seed);
            var chunk = new CompressedChunk(1 << 20);
            var expected = new List<double>();
            int decimals = random.NextInt(DecimalErasure.MaximumDecimals + 3);
            double scale = Math.Pow(10, random.NextInt(12) - 4);
            for (int i = 0; i < 500; i++)
            {
                // Mostly values with a fixed number of decimals, sometimes a switch of precision or an awkward value.
                double raw = (random.NextDouble() - 0.3) * scale;
                double value = random.NextInt(20) == 0 ? TestValues.NextDouble(random) : Math.Round(raw, Math.Min(decimals, 15));
                expected.Add(value);
                chunk.Append(i * 1000L, value);
            }
            Sample[] decoded = chunk.ToArray();
            for (int i = 0; i < decoded.Length; i++)
            {
                Assert.True(BitConverter.DoubleToUInt64Bits(expected[i]) == BitConverter.DoubleToUInt64Bits(decoded[i].Value),
                    $"seed {seed} sample {i}: {expected[i]:R} decoded as {decoded[i].Value:R}");
            }
        }
    }

    [Fact]
    public void ErasureNeverChangesAValue()
    {
        var random = new SeededRandom(17);
        for (int i = 0; i < 200_000; i++)
        {
            double value = random.NextInt(2) == 0 ? TestValues.NextDouble(random) : Math.Round((random.NextDouble() - 0.5) * 1e6, random.NextInt(10));
            int code = DecimalErasure.Erase(value, random.NextInt(16), out ulong stored);
            Assert.Equal(BitConverter.DoubleToUInt64Bits(value), BitConverter.DoubleToUInt64Bits(DecimalErasure.Restore(stored, code)));
        }
    }

    [Fact]
    public void OneDecimalGaugeCostsUnderThreeBytesPerSample()
    {
        var random = new SeededRandom(5);
        var chunk = new CompressedChunk(1 << 20);
        for (int i = 0; i < 10_000; i++)
        {
            chunk.Append(i * 10_000L, Math.Round(50 + (10 * Math.Sin(i / 360.0)) + random.NextDouble(), 1));
        }
        Assert.InRange(chunk.SizeBytes / 10_000.0, 0.5, 3.0);
    }

    [Fact]
    public void ExtremeTimestampDeltasRoundTrip()
    {
        long[] timestamps = [0, 1, 2, long.MaxValue / 2, (long.MaxValue / 2) + 1, long.MaxValue - 5, long.MaxValue];
        var chunk = new CompressedChunk(4096);
        foreach (long timestamp in timestamps)
        {
            chunk.Append(timestamp, timestamp);
        }
        Sample[] decoded = chunk.ToArray();
        for (int i = 0; i < timestamps.Length; i++)
        {
            Assert.Equal(timestamps[i], decoded[i].Timestamp);
        }
    }

    [Fact]
    public void RegularTimestampsAndConstantValuesCostAboutTwoBitsPerSample()
    {
        var chunk = new CompressedChunk(1 << 20);
        for (int i = 0; i < 10_000; i++)
        {
            chunk.Append(1_700_000_000_000 + (i * 10_000L), 42.0);
        }
        Assert.InRange(chunk.SizeBytes, 2_400, 2_600);
    }

    [Fact]
    public void ChunkReportsFullOnceItsBytesReachTheCapacity()
    {
        var chunk = new CompressedChunk(64);
        var random = new SeededRandom(3);
        long timestamp = 0;
        while (!chunk.IsFull)
        {
            chunk.Append(timestamp++, random.NextDouble());
        }
        Assert.InRange(chunk.SizeBytes, 64, 64 + 18);
    }

    [Fact]
    public void PersistedBitsRebuildAnIdenticalChunk()
    {
        var random = new SeededRandom(11);
        var chunk = new CompressedChunk(4096);
        long timestamp = 5;
        for (int i = 0; i < 300; i++)
        {
            chunk.Append(timestamp, TestValues.NextDouble(random));
            timestamp += TestValues.NextGap(random);
        }
        CompressedChunk rebuilt = CompressedChunk.FromEncoded(chunk.EncodedBytes, chunk.Count, 4096);
        Assert.Equal(chunk.EncodedBytes.ToArray(), rebuilt.EncodedBytes.ToArray());
        rebuilt.Append(timestamp, 1.0);
        chunk.Append(timestamp, 1.0);
        Assert.Equal(chunk.EncodedBytes.ToArray(), rebuilt.EncodedBytes.ToArray());
    }
}
