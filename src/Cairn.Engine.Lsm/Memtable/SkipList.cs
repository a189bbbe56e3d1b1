using Cairn.Engine.Lsm.Keys;
using Cairn.Primitives;

namespace Cairn.Engine.Lsm.Memtable;

/// <summary>
/// A skip list of internal keys (LevelDB's <c>db/skiplist.h</c>).
/// Thread safety: one writer at a time (the caller serialises inserts); any number of readers concurrently with it and
/// without locks. Invariants: (1) nodes are never removed until the whole list is dropped; (2) a node's links are set before
/// it is published, so a reader reaching it sees its key, value and lower links; (3) keys are unique (the sequence number
/// makes every internal key distinct).
/// </summary>
internal sealed class SkipList
{
    public const int MaxHeight = 12;
    private const int Branching = 4;

    private readonly SkipListNode _head = new([], [], MaxHeight);
    private readonly IRandomSource _random;
    private readonly SkipListNode?[] _previous = new SkipListNode?[MaxHeight];
    private int _height = 1;

    public SkipList(IRandomSource random) => _random = random;

    public SkipListNode Head => _head;

    public int Height => Volatile.Read(ref _height);

    /// <summary>REQUIRES: external synchronisation among writers; no equal key already present.</summary>
    public void Insert(byte[] key, byte[] value)
    {
        SkipListNode?[] previous = _previous;
        FindGreaterOrEqual(InternalKey.UserKey(key), InternalKey.Trailer(key), previous);
        int height = RandomHeight();
        int currentHeight = Height;
        if (height > currentHeight)
        {
            for (int i = currentHeight; i < height; i++)
            {
                previous[i] = _head;
            }
            Volatile.Write(ref _height, height);
        }
        var node = new SkipListNode(key, value, height);
        for (int i = 0; i < height; i++)
        {
            node.Next[i] = Volatile.Read(ref previous[i]!.Next[i]);
            Volatile.Write(ref previous[i]!.Next[i], node);
        }
    }

    /// <summary>First node whose key is &gt;= (userKey, trailer), or null. Fills <paramref name="previous"/> when not empty.</summary>
    public SkipListNode? FindGreaterOrEqual(ReadOnlySpan<byte> userKey, ulong trailer, Span<SkipListNode?> previous)
    {
        SkipListNode x = _head;
        int level = Height - 1;
        while (true)
        {
            SkipListNode? next = Volatile.Read(ref x.Next[level]);
            if (next is not null && InternalKey.Compare(next.Key, userKey, trailer) < 0)
            {
                x = next;
                continue;
            }
            if (!previous.IsEmpty)
            {
                previous[level] = x;
            }
            if (level == 0)
            {
                return next;
            }
            level--;
        }
    }

    /// <summary>Last node whose key is &lt; <paramref name="internalKey"/>, or the head.</summary>
    public SkipListNode FindLessThan(ReadOnlySpan<byte> internalKey)
    {
        SkipListNode x = _head;
        int level = Height - 1;
        while (true)
        {
            SkipListNode? next = Volatile.Read(ref x.Next[level]);
            if (next is not null && InternalKey.Compare(next.Key, internalKey) < 0)
            {
                x = next;
                continue;
            }
            if (level == 0)
            {
                return x;
            }
            level--;
        }
    }

    /// <summary>The last node, or the head when empty.</summary>
    public SkipListNode FindLast()
    {
        SkipListNode x = _head;
        int level = Height - 1;
        while (true)
        {
            SkipListNode? next = Volatile.Read(ref x.Next[level]);
            if (next is not null)
            {
                x = next;
                continue;
            }
            if (level == 0)
            {
                return x;
            }
            level--;
        }
    }

    private int RandomHeight()
    {
        int height = 1;
        while (height < MaxHeight && _random.NextInt(Branching) == 0)
        {
            height++;
        }
        return height;
    }
}
