namespace Cairn.Engine.Memory.Streams;

/// <summary>Byte-wise (memcmp) order of names, the order of Redis's radix trees of groups and consumers.</summary>
internal sealed class BytesOrder : IComparer<byte[]>
{
    public static BytesOrder Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
