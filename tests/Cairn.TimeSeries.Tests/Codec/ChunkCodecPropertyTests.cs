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
    public void VersionOneGorillaChunksStillRoundTrip()
    {
        for (int run = 0; run < 50; run++)
        {
            ulong seed = TestValues.Seed(run);
            var random = new SeededRandom(seed);
            var chunk = new GorillaChunkV1(1 << 20);
            var expected = new List<Sample>();
            long timestamp = (long)(random.NextUInt64() >> 20);
            for (int i = 0; i < 300; i++)
            {
                double value = TestValues.NextDouble(random);
                chunk.Append(timestamp, value);
                expected.Add(new Sample(timestamp, value));
                timestamp += TestValues.NextGap(random);
            }
            GorillaChunkV1 rebuilt = GorillaChunkV1.FromEncoded(chunk.EncodedBytes, chunk.Count, 1 << 20);
            Assert.Equal(expected, rebuilt.ToArray(), SampleComparer.BitExact);
        }
    }

    [Fact]
    public void ScaledDecimalsRestoreExactlyOrAreRefused()
    {
        var random = new SeededRandom(23);
        for (int i = 0; i < 200_000; i++)
        {
            double value = random.NextInt(2) == 0 ? TestValues.NextDouble(random) : Math.Round((random.NextDouble() - 0.5) * 1e6, random.NextInt(12));
            for (int decimals = 0; decimals <= DecimalScale.MaximumDecimals; decimals++)
            {
                if (DecimalScale.TryScale(value, decimals, out long scaled))
                {
                    Assert.Equal(BitConverter.DoubleToUInt64Bits(value), BitConverter.DoubleToUInt64Bits(DecimalScale.Restore(scaled, decimals)));
                }
            }
        }
        Assert.False(DecimalScale.TryScale(-0.0, 0, out _));
        Assert.False(DecimalScale.TryScale(double.NaN, 0, out _));
        Assert.False(DecimalScale.TryScale(double.PositiveInfinity, 0, out _));
        Assert.True(DecimalScale.TryScale(0.0, 3, out long zero) && zero == 0);
    }

    [Fact]
    public void SpecialValuesInsideADecimalSeriesRoundTrip()
    {
        double[] specials = [-0.0, 0.0, double.NaN, BitConverter.UInt64BitsToDouble(0xFFF0_0000_0000_0001UL), double.NegativeInfinity,
            double.PositiveInfinity, double.Epsilon, double.MaxValue, -double.MaxValue, 1e-300, 0.1, 1e15, 123456789012345.6];
        var random = new SeededRandom(31);
        var chunk = new CompressedChunk(1 << 20);
        var expected = new List<Sample>();
        double level = 50;
        for (int i = 0; i < 5000; i++)
        {
            level = Math.Round(level + random.NextDouble() - 0.5, 2);
            double value = random.NextInt(25) == 0 ? specials[random.NextInt(specials.Length)] : level;
            long timestamp = (i * 10_000L) + random.NextInt(11);
            chunk.Append(timestamp, value);
            expected.Add(new Sample(timestamp, value));
        }
        Assert.Equal(expected, chunk.ToArray(), SampleComparer.BitExact);
        Assert.Equal(chunk.EncodedBytes.ToArray(), CompressedChunk.FromEncoded(chunk.EncodedBytes, chunk.Count, 1 << 20).EncodedBytes.ToArray());
    }

    [Fact]
    public void JitteredScrapesOfCountersAndGaugesCostWellUnderGorillasBytesPerSample()
    {
        // The goal is 1.37 B/sample (Gorilla's figure) on a monitoring trace; a counter and a one-decimal gauge
        // scraped every 10 s with 0..10 ms of jitter are its costliest metrics (the bench has the full mix).
        var random = new SeededRandom(8);
        var counter = new CompressedChunk(1 << 20);
        var gauge = new CompressedChunk(1 << 20);
        double total = random.NextInt(1_000_000);
        for (int i = 0; i < 8640; i++)
        {
            long timestamp = 1_700_000_000_000 + (i * 10_000L) + random.NextInt(11);
            total += 15 + random.NextInt(11);
            counter.Append(timestamp, total);
            gauge.Append(timestamp, Math.Round(50 + (10 * Math.Sin(i / 360.0)) + ((random.NextDouble() - 0.5) * 2), 1));
        }
        Assert.InRange(counter.SizeBytes / 8640.0, 0.5, 1.5);
        Assert.InRange(gauge.SizeBytes / 8640.0, 0.5, 1.6);
    }

    [Fact]
    public void DeltasSharingTrailingZerosShrinkAndAnOddDeltaStillRoundTrips()
    {
        var paged = new CompressedChunk(1 << 20);
        var plain = new CompressedChunk(1 << 20);
        var expected = new List<Sample>();
        var random = new SeededRandom(12);
        double bytes = 4096.0 * 200_000;
        double odd = 200_000;
        for (int i = 0; i < 2000; i++)
        {
            bytes += 4096.0 * (random.NextInt(201) - 100);
            odd += random.NextInt(201) - 100;
            // Every 100th sample breaks the page multiple (and its trailing zeros), then pages resume.
            double value = i % 100 == 99 ? bytes + 1 : bytes;
            paged.Append(i * 10_000L, value);
            plain.Append(i * 10_000L, odd);
            expected.Add(new Sample(i * 10_000L, value));
        }
        Assert.Equal(expected, paged.ToArray(), SampleComparer.BitExact);
        Assert.Equal(paged.EncodedBytes.ToArray(), CompressedChunk.FromEncoded(paged.EncodedBytes, paged.Count, 1 << 20).EncodedBytes.ToArray());
        // Deltas in pages of 4096 cost about what deltas of the same spread in units cost, not 12 bits more each.
        Assert.True(paged.SizeBytes < plain.SizeBytes * 1.2, $"paged {paged.SizeBytes} B, plain {plain.SizeBytes} B");
    }

    [Fact]
    public void NegativeAndExtremeTimestampsRoundTrip()
    {
        long[] timestamps = [long.MinValue, long.MinValue + 1, -1_000_000, -10_000, -1, 0, 10_000, 20_003, 29_998, long.MaxValue - 1, long.MaxValue];
        var chunk = new CompressedChunk(4096);
        foreach (long timestamp in timestamps)
        {
            chunk.Append(timestamp, 1.5);
        }
        Assert.Equal(timestamps, chunk.ToArray().Select(s => s.Timestamp));
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
        Assert.InRange(chunk.SizeBytes, 64, 64 + 24); // one sample is at most ~23 bytes (escaped timestamp, raw value)
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
