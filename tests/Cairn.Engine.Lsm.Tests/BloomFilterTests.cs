using Cairn.Engine.Lsm.Table;
using Xunit.Abstractions;

namespace Cairn.Engine.Lsm.Tests;

public sealed class BloomFilterTests(ITestOutputHelper output)
{
    [Fact]
    public void TenBitsPerKeyGiveAboutOnePercentFalsePositivesAndNoFalseNegatives()
    {
        const int Keys = 50_000;
        var hashes = new List<ulong>(Keys);
        for (int i = 0; i < Keys; i++)
        {
            hashes.Add(BloomFilter.Hash(TestDatabase.Key(i)));
        }
        var filter = new BloomFilter(BloomFilter.Build(hashes, 10));
        foreach (ulong hash in hashes)
        {
            Assert.True(filter.MayContain(hash));
        }
        int falsePositives = 0;
        const int Probes = 200_000;
        for (int i = 0; i < Probes; i++)
        {
            if (filter.MayContain(BloomFilter.Hash(TestDatabase.Key(Keys + i))))
            {
                falsePositives++;
            }
        }
        double rate = falsePositives / (double)Probes;
        output.WriteLine($"false-positive rate at 10 bits/key: {rate:P3}");
        Assert.InRange(rate, 0.002, 0.015);
    }

    [Fact]
    public void EmptyFilterAnswersForNoKey()
    {
        var filter = new BloomFilter(BloomFilter.Build([], 10));
        Assert.False(filter.MayContain(BloomFilter.Hash(TestDatabase.Key(1))));
    }
}
