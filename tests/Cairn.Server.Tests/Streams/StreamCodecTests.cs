using System.Buffers;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Persistence;
using Cairn.Engine.Memory.Streams;

namespace Cairn.Server.Tests.Streams;

/// <summary>The snapshot layout of streams is frozen (docs/formats/snapshot.md, "Streams").</summary>
public sealed class StreamCodecTests
{
    private static StreamObject Sample()
    {
        var stream = new StreamObject();
        stream.Append(new StreamId(1, 1), ["f"u8.ToArray(), "v"u8.ToArray()]);
        stream.Append(new StreamId(1, 2), ["g"u8.ToArray(), "w"u8.ToArray()]);
        stream.Delete(new StreamId(1, 2));
        StreamGroup group = stream.CreateGroup("g"u8.ToArray(), new StreamId(1, 2), 2)!;
        StreamConsumer consumer = group.CreateConsumer("c"u8.ToArray(), 1000)!;
        group.Deliver(new StreamId(1, 2), consumer, 2000, 3);
        return stream;
    }

    private const string GoldenHex =
        "01" + "0100000000000000" + "0200000000000000" + "0200000000000000" + "0100000000000000" + "0200000000000000"
        + "0100000000000000" + "0100000000000000" + "0100000000000000" + "02000000" + "0100000066" + "0100000076"
        + "01000000" + "0100000067" + "0100000000000000" + "0200000000000000" + "0200000000000000"
        + "01000000" + "0100000063" + "e803000000000000"
        + "01000000" + "0100000000000000" + "0200000000000000" + "0100000063" + "d007000000000000" + "0300000000000000";

    [Fact]
    public void TheStreamLayoutMatchesTheGoldenBytes()
    {
        StreamCodec.EnsureRegistered();
        IValueCodec codec = ValueCodecs.For(DataType.Stream)!;
        var buffer = new ArrayBufferWriter<byte>();
        codec.Write(Sample(), buffer);
        Assert.Equal(GoldenHex, Convert.ToHexString(buffer.WrittenSpan).ToLowerInvariant());
    }

    [Fact]
    public void ReadingTheGoldenBytesRestoresTheStream()
    {
        var codec = new StreamCodec();
        var stream = (StreamObject)codec.Read(Convert.FromHexString(GoldenHex));
        Assert.Equal(1, stream.Length);
        Assert.Equal(new StreamId(1, 2), stream.LastId);
        Assert.Equal(2, stream.EntriesAdded);
        Assert.Equal(new StreamId(1, 2), stream.MaxDeletedId);
        StreamGroup group = stream.FindGroup("g"u8.ToArray())!;
        Assert.Equal(2, group.EntriesRead);
        Assert.Equal(3, group.Pending[new StreamId(1, 2)].DeliveryCount);
        Assert.Equal(Sample().MemoryUsageBytes, stream.MemoryUsageBytes);
    }

    [Theory]
    [InlineData("02")]
    [InlineData("01")]
    [InlineData("0100")]
    public void CorruptValuesAreRejected(string hex)
    {
        Assert.Throws<InvalidDataException>(() => new StreamCodec().Read(Convert.FromHexString(hex)));
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        var buffer = new ArrayBufferWriter<byte>();
        new StreamCodec().Write(Sample(), buffer);
        byte[] bytes = [.. buffer.WrittenSpan, 0];
        Assert.Throws<InvalidDataException>(() => new StreamCodec().Read(bytes));
    }

    [Fact]
    public void CloneIsDeep()
    {
        StreamObject original = Sample();
        var copy = (StreamObject)original.Clone();
        original.Append(new StreamId(9, 9), ["x"u8.ToArray(), "y"u8.ToArray()]);
        original.FindGroup("g"u8.ToArray())!.Acknowledge(new StreamId(1, 2));
        Assert.Equal(1, copy.Length);
        Assert.Single(copy.FindGroup("g"u8.ToArray())!.Pending);
    }
}
