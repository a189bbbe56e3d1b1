namespace Cairn.Engine.Lsm.Memtable;

/// <summary>A skip-list entry: an internal key, its value, and one forward link per level.</summary>
internal sealed class SkipListNode
{
    public SkipListNode(byte[] key, byte[] value, int height)
    {
        Key = key;
        Value = value;
        Next = new SkipListNode?[height];
    }

    public byte[] Key { get; }

    public byte[] Value { get; }

    /// <summary>Links are published with <see cref="Volatile.Write{T}(ref T, T)"/> so lock-free readers see initialised nodes.</summary>
    public SkipListNode?[] Next { get; }
}
