using Cairn.Primitives;

namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// Redis's zskiplist: elements ordered by (score, member) with spans on every link, giving O(log n) insert, delete,
/// rank of an element, element at a rank, and the extent of a prefix predicate.
/// Invariants: level-0 links visit every element in order; a link's span is the number of level-0 steps it covers (1 at
/// level 0, so not stored there); an upper link's ForwardScore and ForwardUpper are its forward node's Score and Upper;
/// Backward links mirror level 0; <see cref="Tail"/> is the last element. Ranks are
/// 1-based as in Redis. A node keeps its level for its whole life (a score change that moves it relinks the same node).
/// Thread safety: none; the store lock serialises access (the descent scratch arrays are per instance for that reason).
/// </summary>
internal sealed class SkipList
{
    private const int MaxLevel = 32;
    private const ulong LevelProbabilityThreshold = ulong.MaxValue / 4; // P = 1/4, as Redis

    private static ulong s_seedCounter = 0x9E3779B97F4A7C15UL;

    private readonly SkipListNode _header = new(MaxLevel, 0, []);
    private readonly SeededRandom _random = new(Interlocked.Add(ref s_seedCounter, 0x9E3779B97F4A7C15UL));

    // Scratch for one descent: the last node before the position at each level, and its rank. Reused so that an insert
    // or a delete allocates nothing but the new node (a per-call array was 280 bytes of garbage per ZADD).
    private readonly SkipListNode[] _update = new SkipListNode[MaxLevel];
    private readonly long[] _rank = new long[MaxLevel];
    private int _level = 1;

    public long Length { get; private set; }

    public SkipListNode? Tail { get; private set; }

    public SkipListNode? First => _header.Forward0;

    /// <summary>Inserts a member known to be absent.</summary>
    public SkipListNode Insert(double score, byte[] member)
    {
        var node = new SkipListNode(RandomLevel(), score, member);
        Link(node);
        return node;
    }

    /// <summary>Deletes the element (score, member); false when absent.</summary>
    public bool Delete(double score, ReadOnlySpan<byte> member)
    {
        SkipListNode before = FindPredecessors(score, member);
        SkipListNode? target = before.Forward0;
        if (target is null || target.Score != score || !member.SequenceEqual(target.Member))
        {
            return false;
        }
        Unlink(target);
        return true;
    }

    /// <summary>
    /// Moves an element to a new score. Keeps the links when its position does not change (Redis's zslUpdateScore) and
    /// no upper link caches its score (a one-level node, three in four); otherwise unlinks the node and links the same
    /// node at its new position (no allocation, and the member index, which points at the node, stays valid).
    /// </summary>
    public void UpdateScore(SkipListNode node, double newScore)
    {
        SkipListNode? previous = node.Backward;
        SkipListNode? next = node.Forward0;
        if (node.Upper is null && (previous is null || SortedSetEntry.Compare(previous.Score, previous.Member, newScore, node.Member) < 0)
            && (next is null || SortedSetEntry.Compare(next.Score, next.Member, newScore, node.Member) > 0))
        {
            node.Score = newScore;
            return;
        }
        SkipListNode before = FindPredecessors(node.Score, node.Member);
        Invariant.Require(ReferenceEquals(before.Forward0, node), "updating the score of a node not in the skip list");
        Unlink(node);
        node.Score = newScore;
        Link(node);
    }

    /// <summary>1-based rank of (score, member), or 0 when absent.</summary>
    public long GetRank(double score, ReadOnlySpan<byte> member)
    {
        long rank = 0;
        SkipListNode x = _header;
        for (int i = _level - 1; i >= 1; i--)
        {
            SkipListNode? next;
            while ((next = x.Upper![i - 1].Forward) is not null && SortedSetEntry.Compare(next.Score, next.Member, score, member) <= 0)
            {
                rank += x.Upper[i - 1].Span;
                x = next;
            }
            if (!ReferenceEquals(x, _header) && x.Score == score && member.SequenceEqual(x.Member))
            {
                return rank;
            }
        }
        {
            SkipListNode? next;
            while ((next = x.Forward0) is not null && SortedSetEntry.Compare(next.Score, next.Member, score, member) <= 0)
            {
                rank++;
                x = next;
            }
        }
        return !ReferenceEquals(x, _header) && x.Score == score && member.SequenceEqual(x.Member) ? rank : 0;
    }

    /// <summary>The element at a 1-based rank, or null when out of range.</summary>
    public SkipListNode? GetByRank(long rank)
    {
        if (rank < 1 || rank > Length)
        {
            return null;
        }
        long traversed = 0;
        SkipListNode x = _header;
        for (int i = _level - 1; i >= 1; i--)
        {
            SkipListNode? next;
            while ((next = x.Upper![i - 1].Forward) is not null && traversed + x.Upper[i - 1].Span <= rank)
            {
                traversed += x.Upper[i - 1].Span;
                x = next;
            }
            if (traversed == rank)
            {
                return x;
            }
        }
        while (traversed < rank)
        {
            x = x.Forward0!;
            traversed++;
        }
        return x;
    }

    /// <summary>How many leading elements satisfy a prefix predicate.</summary>
    public long CountPrefix<TPredicate>(in TPredicate predicate)
        where TPredicate : struct, IPrefixPredicate
    {
        long count = 0;
        SkipListNode x = _header;
        for (int i = _level - 1; i >= 1; i--)
        {
            SkipListNode? next;
            while ((next = x.Upper![i - 1].Forward) is not null && predicate.Holds(next.Score, next.Member))
            {
                count += x.Upper[i - 1].Span;
                x = next;
            }
        }
        {
            SkipListNode? next;
            while ((next = x.Forward0) is not null && predicate.Holds(next.Score, next.Member))
            {
                count++;
                x = next;
            }
        }
        return count;
    }

    /// <summary>
    /// Fills <see cref="_update"/> (and <see cref="_rank"/>) with the last node before (score, member) at every level in
    /// use; returns the level-0 one. Compares scores first: the member bytes are only read on equal scores.
    /// </summary>
    private SkipListNode FindPredecessors(double score, ReadOnlySpan<byte> member)
    {
        SkipListNode[] update = _update;
        long[] rank = _rank;
        SkipListNode x = _header;
        long traversed = 0;
        for (int i = _level - 1; i >= 1; i--)
        {
            SkipListNode.UpperLevel[] links = x.Upper!;
            while (true)
            {
                ref SkipListNode.UpperLevel link = ref links[i - 1];
                SkipListNode? next = link.Forward;
                if (next is null
                    || link.ForwardScore > score
                    || (link.ForwardScore == score && next.Member.AsSpan().SequenceCompareTo(member) >= 0))
                {
                    break;
                }
                traversed += link.Span;
                x = next;
                links = link.ForwardUpper!;
            }
            update[i] = x;
            rank[i] = traversed;
        }
        {
            SkipListNode? next;
            while ((next = x.Forward0) is not null
                && (next.Score < score || (next.Score == score && next.Member.AsSpan().SequenceCompareTo(member) < 0)))
            {
                traversed++;
                x = next;
            }
            update[0] = x;
            rank[0] = traversed;
        }
        return x;
    }

    /// <summary>Links a node (new, or unlinked for a score change) at the position of its score and member.</summary>
    private void Link(SkipListNode node)
    {
        FindPredecessors(node.Score, node.Member);
        SkipListNode[] update = _update;
        long[] rank = _rank;
        int level = node.Levels;
        if (level > _level)
        {
            for (int i = _level; i < level; i++)
            {
                rank[i] = 0;
                update[i] = _header;
                _header.Upper![i - 1].Span = Length;
            }
            _level = level;
        }
        for (int i = 1; i < level; i++)
        {
            ref SkipListNode.UpperLevel link = ref update[i].Upper![i - 1];
            ref SkipListNode.UpperLevel own = ref node.Upper![i - 1];
            own.Forward = link.Forward;
            own.ForwardScore = link.ForwardScore;
            own.ForwardUpper = link.ForwardUpper;
            link.Forward = node;
            link.ForwardScore = node.Score;
            link.ForwardUpper = node.Upper;
            own.Span = link.Span - (rank[0] - rank[i]);
            link.Span = rank[0] - rank[i] + 1;
        }
        for (int i = level; i < _level; i++)
        {
            update[i].Upper![i - 1].Span++;
        }
        SkipListNode previous = update[0];
        node.Forward0 = previous.Forward0;
        previous.Forward0 = node;
        node.Backward = ReferenceEquals(previous, _header) ? null : previous;
        if (node.Forward0 is { } following)
        {
            following.Backward = node;
        }
        else
        {
            Tail = node;
        }
        Length++;
    }

    /// <summary>Unlinks a node. REQUIRES: <see cref="_update"/> holds its predecessors (FindPredecessors of its key).</summary>
    private void Unlink(SkipListNode node)
    {
        SkipListNode[] update = _update;
        for (int i = 1; i < _level; i++)
        {
            ref SkipListNode.UpperLevel link = ref update[i].Upper![i - 1];
            if (ReferenceEquals(link.Forward, node))
            {
                ref SkipListNode.UpperLevel own = ref node.Upper![i - 1];
                link.Span += own.Span - 1;
                link.Forward = own.Forward;
                link.ForwardScore = own.ForwardScore;
                link.ForwardUpper = own.ForwardUpper;
            }
            else
            {
                link.Span--;
            }
        }
        update[0].Forward0 = node.Forward0;
        if (node.Forward0 is { } following)
        {
            following.Backward = node.Backward;
        }
        else
        {
            Tail = node.Backward;
        }
        while (_level > 1 && _header.Upper![_level - 2].Forward is null)
        {
            _level--;
        }
        Length--;
        node.Forward0 = null;
        node.Backward = null;
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
