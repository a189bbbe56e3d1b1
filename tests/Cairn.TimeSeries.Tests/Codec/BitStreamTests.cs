using Cairn.Primitives;
using Cairn.TimeSeries.Codec;

namespace Cairn.TimeSeries.Tests.Codec;

public sealed class BitStreamTests
{
    [Fact]
    public void BitsWrittenInAnyWidthReadBackUnchanged()
    {
        var random = new SeededRandom(7);
        var writer = new BitWriter(1);
        var fields = new List<(ulong Value, int Width)>();
        for (int i = 0; i < 5000; i++)
        {
            int width = random.NextInt(65);
            ulong value = width == 64 ? random.NextUInt64() : random.NextUInt64() & ((1UL << width) - 1);
            fields.Add((value, width));
            writer.WriteBits(value, width);
        }
        var reader = new BitReader(writer.Bytes);
        foreach (var (value, width) in fields)
        {
            Assert.Equal(value, reader.ReadBits(width));
        }
        Assert.Equal(writer.BitLength, reader.Position);
    }

    [Fact]
    public void ReadingPastTheEndIsAnInvariantViolationNotGarbage()
    {
        var writer = new BitWriter();
        writer.WriteBits(0b101, 3);
        byte[] bytes = writer.Bytes.ToArray();
        Assert.Throws<InvariantViolationException>(() =>
        {
            var reader = new BitReader(bytes);
            reader.ReadBits(9);
        });
    }
}
