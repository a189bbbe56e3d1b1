using Cairn.Primitives;

namespace Cairn.Engine.Lsm.Table;

/// <summary>Where a block lives in a table file: offset and size of its payload, not counting the 5-byte trailer.</summary>
internal readonly record struct BlockHandle(ulong Offset, ulong Size)
{
    public const int MaxEncodedBytes = 2 * Varint.MaxLength64;

    public int EncodeTo(Span<byte> destination)
    {
        int length = Varint.Write(destination, Offset);
        return length + Varint.Write(destination[length..], Size);
    }

    public byte[] Encode()
    {
        Span<byte> buffer = stackalloc byte[MaxEncodedBytes];
        return buffer[..EncodeTo(buffer)].ToArray();
    }

    public static bool TryDecode(ReadOnlySpan<byte> source, out BlockHandle handle, out int consumed)
    {
        handle = default;
        int first = Varint.TryRead(source, out ulong offset);
        if (first == 0)
        {
            consumed = 0;
            return false;
        }
        int second = Varint.TryRead(source[first..], out ulong size);
        consumed = first + second;
        if (second == 0)
        {
            return false;
        }
        handle = new BlockHandle(offset, size);
        return true;
    }
}
