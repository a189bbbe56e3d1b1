namespace Cairn.Engine.Lsm.Keys;

/// <summary><see cref="InternalKey.Compare(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> as an <see cref="IComparer{T}"/> for sorting.</summary>
internal sealed class InternalKeyComparer : IComparer<byte[]>
{
    public static InternalKeyComparer Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => InternalKey.Compare(x!, y!);
}
