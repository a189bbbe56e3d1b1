using System.Numerics;
using Cairn.Primitives;

namespace Cairn.Primitives.Tests;

public sealed class Crc32CTests
{
    /// <summary>The byte-at-a-time definition, against which the interleaved loop is checked.</summary>
    private static uint Reference(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        foreach (byte b in data)
        {
            c = BitOperations.Crc32C(c, b);
        }
        return ~c;
    }

    [Fact]
    public void TheStandardCheckValue() => Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(Crc32C.InterleavedBytes - 1)]
    [InlineData(Crc32C.InterleavedBytes)]
    [InlineData(Crc32C.InterleavedBytes + 1)]
    [InlineData(2 * Crc32C.InterleavedBytes)]
    [InlineData((5 * Crc32C.InterleavedBytes) + 13)]
    [InlineData(1 << 20)]
    public void EveryLengthMatchesTheDefinition(int length)
    {
        var random = new Random(length);
        byte[] data = new byte[length + 3];
        random.NextBytes(data);
        for (int offset = 0; offset < 3; offset++) // unaligned starts too
        {
            ReadOnlySpan<byte> span = data.AsSpan(offset, length);
            uint start = (uint)random.Next();
            Assert.Equal(Reference(start, span), Crc32C.Append(start, span));
        }
    }

    [Fact]
    public void RandomLengthsAndSplitsMatchTheDefinition()
    {
        var random = new Random(42);
        for (int round = 0; round < 200; round++)
        {
            byte[] data = new byte[random.Next(0, 6000)];
            random.NextBytes(data);
            int split = random.Next(0, data.Length + 1);
            uint whole = Crc32C.Compute(data);
            Assert.Equal(Reference(0, data), whole);
            Assert.Equal(whole, Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }
}
