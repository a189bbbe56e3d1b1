using Cairn.Primitives;

namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// Redis's zskiplist: elements ordered by (score, member) with spans on every link, giving O(log n) insert, delete,
/// rank of an element, element at a rank, and the extent of a prefix predicate.
/// Invariants: level-0 links visit every element in order; a link's span is the number of level-0 steps it covers;
/// Backward links mirror level 0; <see cref="Tail"/> is the last element. Ranks are 1-based as in Redis.
/// Thread safety: none; the store lock serialises access.
/// </summary>
internal sealed class SkipList
{
    private const int MaxLevel = 32;
    private const ulong LevelProbabilityThreshold = ulong.MaxValue / 4; // P = 1/4, as Redis

    private static ulong s_seedCounter = 0x9E3779B97F4A7C15UL;

    private readonly SkipListNode _header = new(MaxLevel, 0, []);
    private readonly SeededRandom _random = new(Interlocked.Add(ref s_seedCounter, 0x9E3779B97F4A7C15UL));
    private int _level = 1;

    public long Length { get; private set; }

    public SkipListNode? Tail { get; private set; }

    public SkipListNode? First => _header.ForwardAt(0);

    /// <summary>Inserts a member known to be absent.</summary>
    public SkipListNode Insert(double score, byte[] member)
    {
        var update = new SkipListNode[MaxLevel];
        Span<long> rank = stackalloc long[MaxLevel];
        SkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            rank[i] = i == _level - 1 ? 0 : rank[i + 1];
            SkipListNode? next;
            while ((next = x.ForwardAt(i)) is not null && SortedSetEntry.Compare(next.Score, next.Member, score, member) < 0)
            {
                rank[i] += x.SpanAt(i);
                x = next;
            }
            update[i] = x;
        }
        int level = RandomLevel();
        if (level > _level)
        {
            for (int i = _level; i < level; i++)
            {
                rank[i] = 0;
                update[i] = _header;
                _header.SpanAt(i) = Length;
            }
            _level = level;
        }
        var node = new SkipListNode(level, score, member);
        for (int i = 0; i < level; i++)
        {
            node.ForwardAt(i) = update[i].ForwardAt(i);
            update[i].ForwardAt(i) = node;
            node.SpanAt(i) = update[i].SpanAt(i) - (rank[0] - rank[i]);
            update[i].SpanAt(i) = rank[0] - rank[i] + 1;
        }
        for (int i = level; i < _level; i++)
        {
            update[i].SpanAt(i)++;
        }
        node.Backward = ReferenceEquals(update[0], _header) ? null : update[0];
        if (node.ForwardAt(0) is { } following)
        {
            following.Backward = node;
        }
        else
        {
            Tail = node;
        }
        Length++;
        return node;
    }

    /// <summary>Deletes the element (score, member); false when absent.</summary>
    public bool Delete(double score, ReadOnlySpan<byte> member)
    {
        var update = new SkipListNode[MaxLevel];
        SkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            SkipListNode? next;
            while ((next = x.ForwardAt(i)) is not null && SortedSetEntry.Compare(next.Score, next.Member, score, member) < 0)
            {
                x = next;
            }
            update[i] = x;
        }
        SkipListNode? target = x.ForwardAt(0);
        if (target is null || target.Score != score || !member.SequenceEqual(target.Member))
        {
            return false;
        }
        Unlink(target, update);
        return true;
    }

    /// <summary>
    /// Moves an element to a new score. Keeps the node when its position does not change (Redis's zslUpdateScore),
    /// otherwise deletes and re-inserts; returns the node now holding the member.
    /// </summary>
    public SkipListNode UpdateScore(SkipListNode node, double newScore)
    {
        SkipListNode? previous = node.Backward;
        SkipListNode? next = node.ForwardAt(0);
        if ((previous is null || SortedSetEntry.Compare(previous.Score, previous.Member, newScore, node.Member) < 0)
            && (next is null || SortedSetEntry.Compare(next.Score, next.Member, newScore, node.Member) > 0))
        {
            node.Score = newScore;
            return node;
        }
        bool deleted = Delete(node.Score, node.Member);
        Invariant.Require(deleted, "updating the score of a node not in the skip list");
        return Insert(newScore, node.Member);
    }

    /// <summary>1-based rank of (score, member), or 0 when absent.</summary>
    public long GetRank(double score, ReadOnlySpan<byte> member)
    {
        long rank = 0;
        SkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            SkipListNode? next;
            while ((next = x.ForwardAt(i)) is not null && SortedSetEntry.Compare(next.Score, next.Member, score, member) <= 0)
            {
                rank += x.SpanAt(i);
                x = next;
            }
            if (!ReferenceEquals(x, _header) && x.Score == score && member.SequenceEqual(x.Member))
            {
                return rank;
            }
        }
        return 0;
    }

    /// <summary>The element at a 1-based rank, or null when out of range.</summary>
    public SkipListNode? GetByRank(long rank)
    {
        long traversed = 0;
        SkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            SkipListNode? next;
            while ((next = x.ForwardAt(i)) is not null && traversed + x.SpanAt(i) <= rank)
            {
                traversed += x.SpanAt(i);
                x = next;
            }
            if (traversed == rank)
            {
                return ReferenceEquals(x, _header) ? null : x;
            }
        }
        return null;
    }

    /// <summary>How many leading elements satisfy a prefix predicate.</summary>
    public long CountPrefix<TPredicate>(in TPredicate predicate)
        where TPredicate : struct, IPrefixPredicate
    {
        long count = 0;
        SkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            SkipListNode? next;
            while ((next = x.ForwardAt(i)) is not null && predicate.Holds(next.Score, next.Member))
            {
                count += x.SpanAt(i);
                x = next;
            }
        }
        return count;
    }

    private void Unlink(SkipListNode node, SkipListNode[] update)
    {
        for (int i = 0; i < _level; i++)
        {
            if (ReferenceEquals(update[i].ForwardAt(i), node))
            {
                update[i].SpanAt(i) += node.SpanAt(i) - 1;
                update[i].ForwardAt(i) = node.ForwardAt(i);
            }
            else
            {
                update[i].SpanAt(i)--;
            }
        }
        if (node.ForwardAt(0) is { } following)
        {
            following.Backward = node.Backward;
        }
        else
        {
            Tail = node.Backward;
        }
        while (_level > 1 && _header.ForwardAt(_level - 1) is null)
        {
            _level--;
        }
        Length--;
    }

    private int RandomLevel()
    {
        int level = 1;
        while (level < MaxLevel && _random.NextUInt64() < LevelProbabilityThreshold)
        {
            level++;
        }
        return level;
    }
}
