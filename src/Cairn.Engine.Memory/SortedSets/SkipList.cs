using System.Numerics;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// The skiplist encoding of a sorted set: Redis's zskiplist (elements ordered by (score, member) with spans, giving
/// O(log n) insert, delete, rank, element at a rank and the extent of a prefix predicate) and its member → node dict,
/// in flat arrays indexed by node number instead of one object per element:
/// <list type="bullet">
/// <item>a <see cref="SkipListNode"/> array (member, score, level-0 forward and backward, block offset, member hash);
/// node 0 is the header; freed nodes go to a free list and are reused;</item>
/// <item>one pool of <see cref="UpperLink"/>s for levels 1 and above, a block of L - 1 per node of L levels, with a free
/// list per block size;</item>
/// <item>a <see cref="MemberIndex"/> over the same node numbers.</item>
/// </list>
/// Invariants: level-0 links visit every live node in order; an upper link's span is the number of level-0 steps it
/// covers, its ForwardScore and ForwardUpper are its forward node's Score and Upper; Backward mirrors level 0;
/// <see cref="Tail"/> is the last node; every live node is in the index. A node's number and its level never change
/// while it is live (a score change that moves it relinks the same node), so node numbers serve as ZSCAN cursors.
/// The arrays only grow while the list is non-empty (no compaction: it would renumber nodes under a scan in progress).
/// Ranks are 1-based as in Redis. Thread safety: none; the store lock serialises access (the descent scratch arrays are
/// per instance for that reason).
/// </summary>
internal sealed class SkipList
{
    private const int MaxLevel = 32;
    private const ulong LevelProbabilityThreshold = ulong.MaxValue / 4; // P = 1/4, as Redis
    private const int MinimumCapacity = 16;
    private const int MaximumCapacity = 1 << 29;
    private const int HeaderLinks = MaxLevel - 1;
    private const int RandomProbeLimit = 16;

    private static ulong s_seedCounter = 0x9E3779B97F4A7C15UL;

    private readonly SeededRandom _random = new(Interlocked.Add(ref s_seedCounter, 0x9E3779B97F4A7C15UL));

    // Scratch for one descent: the last node before the position at each level, and its rank. Reused so that an insert
    // or a delete allocates nothing.
    private readonly int[] _update = new int[MaxLevel];
    private readonly int[] _rank = new int[MaxLevel];

    // Head of the free list of blocks of each level count (0 = none: offset 0 is the header's block, never freed).
    private readonly int[] _freeBlocks = new int[MaxLevel + 1];

    private SkipListNode[] _nodes;
    private UpperLink[] _links;
    private MemberIndex _index;
    private int _nodeLimit;
    private int _freeNode;
    private int _linkLimit;
    private int _level;
    private int _count;
    private int _tail;

    /// <summary>A list with room for <paramref name="capacity"/> elements before its arrays grow.</summary>
    public SkipList(int capacity)
    {
        int nodes = NodeCapacityFor(capacity);
        _nodes = new SkipListNode[nodes];
        _links = new UpperLink[HeaderLinks + Math.Max(16, nodes / 2)];
        _index = new MemberIndex(nodes);
        Clear();
    }

    public long Length => _count;

    /// <summary>The first node, or 0 when empty.</summary>
    public int First => _nodes[0].Forward;

    /// <summary>The last node, or 0 when empty.</summary>
    public int Tail => _tail;

    /// <summary>One past the highest node number ever used since the list was last empty (for tests of node reuse).</summary>
    internal int NodeLimit => _nodeLimit;

    public byte[] MemberOf(int node) => _nodes[node].Member!;

    public double ScoreOf(int node) => _nodes[node].Score;

    /// <summary>The next node in order, or 0.</summary>
    public int Next(int node) => _nodes[node].Forward;

    /// <summary>The previous node in order, or 0.</summary>
    public int Previous(int node) => _nodes[node].Backward;

    /// <summary>The node of <paramref name="member"/>, or 0; <paramref name="hash"/> is its hash, to pass to <see cref="Insert"/>.</summary>
    public int Find(ReadOnlySpan<byte> member, out int hash)
    {
        hash = ByteArrayComparer.Hash(member);
        return _index.Find(member, hash, _nodes);
    }

    /// <summary>Inserts a member known to be absent; <paramref name="hash"/> is its hash. Returns its node.</summary>
    public int Insert(double score, byte[] member, int hash)
    {
        int node = AllocateNode();
        int levels = RandomLevel();
        ref SkipListNode n = ref _nodes[node];
        n.Member = member;
        n.Score = score;
        n.Hash = hash;
        n.Upper = levels > 1 ? AllocateBlock(levels) : 0;
        Link(node, levels);
        _index.Add(node, hash);
        return node;
    }

    /// <summary>Deletes a live node.</summary>
    public void Delete(int node)
    {
        ref SkipListNode n = ref _nodes[node];
        Invariant.Require(node > 0 && n.Member is not null, "deleting a free node");
        int before = FindPredecessors(n.Score, n.Member);
        Invariant.Require(_nodes[before].Forward == node, "deleting a node not in the skip list");
        Unlink(node);
        _index.Remove(node, n.Hash, _nodes);
        if (n.Upper != 0)
        {
            FreeBlock(n.Upper);
        }
        if (_count == 0)
        {
            // Empty: start over small, so a drained set does not keep its peak size (no scan can be in progress that
            // needs its old node numbers: it has nothing left to return).
            Shrink();
            return;
        }
        n = default;
        n.Forward = _freeNode;
        _freeNode = node;
    }

    /// <summary>
    /// Moves a node to a new score (Redis's zslUpdateScore). A one-level node that keeps its position is updated without
    /// a descent; any other node takes one descent to find its predecessors, and then, if it keeps its position, only
    /// the cached scores in the links to it change; if it moves, it is unlinked and the same node linked again (a second
    /// descent, as Redis's delete-and-insert).
    /// </summary>
    public void UpdateScore(int node, double newScore)
    {
        ref SkipListNode n = ref _nodes[node];
        byte[] member = n.Member!;
        int previous = n.Backward;
        int next = n.Forward;
        bool keepsPosition =
            (previous == 0 || SortedSetEntry.Compare(_nodes[previous].Score, _nodes[previous].Member, newScore, member) < 0)
            && (next == 0 || SortedSetEntry.Compare(_nodes[next].Score, _nodes[next].Member, newScore, member) > 0);
        if (keepsPosition && n.Upper == 0)
        {
            n.Score = newScore;
            return;
        }
        int before = FindPredecessors(n.Score, member);
        Invariant.Require(_nodes[before].Forward == node, "updating the score of a node not in the skip list");
        if (keepsPosition)
        {
            n.Score = newScore;
            for (int i = 1; i < _level; i++)
            {
                ref UpperLink link = ref _links[_nodes[_update[i]].Upper + i - 1];
                if (link.Forward == node)
                {
                    link.ForwardScore = newScore;
                }
            }
            return;
        }
        int levels = n.Upper == 0 ? 1 : _links[n.Upper].OwnerLevels;
        Unlink(node);
        n.Score = newScore;
        Link(node, levels);
    }

    /// <summary>1-based rank of a live node.</summary>
    public long GetRank(int node)
    {
        double score = _nodes[node].Score;
        ReadOnlySpan<byte> member = _nodes[node].Member;
        UpperLink[] pool = _links;
        long rank = 0;
        int x = 0;
        int links = 0;
        for (int i = _level - 1; i >= 1; i--)
        {
            while (true)
            {
                ref UpperLink link = ref pool[links + i - 1];
                int forward = link.Forward;
                if (forward == 0 || link.ForwardScore > score
                    || (link.ForwardScore == score && _nodes[forward].Member.AsSpan().SequenceCompareTo(member) > 0))
                {
                    break;
                }
                rank += link.Span;
                x = forward;
                links = link.ForwardUpper;
            }
            if (x == node)
            {
                return rank;
            }
        }
        while (x != node)
        {
            x = _nodes[x].Forward;
            Invariant.Require(x != 0, "rank of a node not in the skip list");
            rank++;
        }
        return rank;
    }

    /// <summary>The node at a 1-based rank, or 0 when out of range.</summary>
    public int GetByRank(long rank)
    {
        if (rank < 1 || rank > _count)
        {
            return 0;
        }
        UpperLink[] pool = _links;
        long traversed = 0;
        int x = 0;
        int links = 0;
        for (int i = _level - 1; i >= 1; i--)
        {
            while (true)
            {
                ref UpperLink link = ref pool[links + i - 1];
                if (link.Forward == 0 || traversed + link.Span > rank)
                {
                    break;
                }
                traversed += link.Span;
                x = link.Forward;
                links = link.ForwardUpper;
            }
            if (traversed == rank)
            {
                return x;
            }
        }
        while (traversed < rank)
        {
            x = _nodes[x].Forward;
            traversed++;
        }
        return x;
    }

    /// <summary>How many leading elements satisfy a prefix predicate.</summary>
    public long CountPrefix<TPredicate>(in TPredicate predicate)
        where TPredicate : struct, IPrefixPredicate
    {
        UpperLink[] pool = _links;
        long count = 0;
        int x = 0;
        int links = 0;
        for (int i = _level - 1; i >= 1; i--)
        {
            while (true)
            {
                ref UpperLink link = ref pool[links + i - 1];
                if (link.Forward == 0 || !predicate.Holds(link.ForwardScore, _nodes[link.Forward].Member!))
                {
                    break;
                }
                count += link.Span;
                x = link.Forward;
                links = link.ForwardUpper;
            }
        }
        for (int next = _nodes[x].Forward; next != 0 && predicate.Holds(_nodes[next].Score, _nodes[next].Member!); next = _nodes[next].Forward)
        {
            count++;
        }
        return count;
    }

    /// <summary>
    /// A uniformly chosen live node: random node numbers until a live one (the arrays are at least about half live
    /// unless the set shrank), then a random rank. REQUIRES: Length &gt; 0.
    /// </summary>
    public int RandomNode(IRandomSource random)
    {
        Invariant.Require(_count > 0, "random element of an empty skip list");
        for (int attempt = 0; attempt < RandomProbeLimit; attempt++)
        {
            int node = 1 + random.NextInt(_nodeLimit - 1);
            if (_nodes[node].Member is not null)
            {
                return node;
            }
        }
        return GetByRank(1 + random.NextInt(_count));
    }

    /// <summary>
    /// One ZSCAN step: appends the live nodes numbered from <paramref name="cursor"/> on until <paramref name="count"/>
    /// were added or 10 x count numbers were visited; returns the next cursor, 0 when done. Node numbers never change
    /// while live, so a full scan returns every element present for its whole duration exactly once.
    /// </summary>
    public long Scan(long cursor, int count, List<SortedSetEntry> output)
    {
        int wanted = Math.Max(count, 1);
        long visitsLeft = wanted * 10L;
        long node = Math.Max(cursor, 1);
        int added = 0;
        for (; node < _nodeLimit && added < wanted && visitsLeft > 0; node++, visitsLeft--)
        {
            ref SkipListNode n = ref _nodes[(int)node];
            if (n.Member is not null)
            {
                output.Add(new SortedSetEntry(n.Member, n.Score));
                added++;
            }
        }
        return node >= _nodeLimit ? 0 : node;
    }

    /// <summary>A copy sharing the member arrays (they are never changed in place), with the same node numbers.</summary>
    public SkipList Clone() => new(this);

    /// <summary>
    /// Checks every invariant in O(n + slots) and throws on the first broken one (for tests and debugging).
    /// </summary>
    internal void CheckInvariants()
    {
        int[] expectedSpanStart = new int[MaxLevel];
        int[] lastAtLevel = new int[MaxLevel]; // node whose link at the level is open
        int live = 0;
        int previous = 0;
        for (int node = _nodes[0].Forward; node != 0; node = _nodes[node].Forward)
        {
            live++;
            ref SkipListNode n = ref _nodes[node];
            Invariant.Require(n.Member is not null, "free node linked at level 0");
            Invariant.Require(n.Backward == previous, "backward link does not mirror level 0");
            if (previous != 0)
            {
                Invariant.Require(SortedSetEntry.Compare(_nodes[previous].Score, _nodes[previous].Member, n.Score, n.Member) < 0,
                    "level 0 out of order");
            }
            Invariant.Require(n.Hash == ByteArrayComparer.Hash(n.Member), "stored hash differs from the member's");
            Invariant.Require(_index.Find(n.Member, n.Hash, _nodes) == node, "live node missing from the member index");
            int levels = n.Upper == 0 ? 1 : _links[n.Upper].OwnerLevels;
            Invariant.Require(levels >= 1 && levels <= _level, "node level out of range");
            for (int i = 1; i < levels; i++)
            {
                ref UpperLink into = ref _links[_nodes[lastAtLevel[i]].Upper + i - 1];
                Invariant.Require(into.Forward == node, "upper link skips a node of its level");
                Invariant.Require(into.Span == live - expectedSpanStart[i], "upper link span wrong");
                Invariant.Require(into.ForwardScore == n.Score && into.ForwardUpper == n.Upper, "upper link cache stale");
                lastAtLevel[i] = node;
                expectedSpanStart[i] = live;
            }
            previous = node;
        }
        Invariant.Require(live == _count, "count differs from the level-0 length");
        Invariant.Require(_tail == previous, "tail is not the last node");
        Invariant.Require(_index.CountEntries() == _count, "member index holds other nodes");
        for (int i = 1; i < _level; i++)
        {
            ref UpperLink last = ref _links[_nodes[lastAtLevel[i]].Upper + i - 1];
            Invariant.Require(last.Forward == 0, "last link of a level has a forward node");
        }
        Invariant.Require(_level == 1 || _links[_level - 2].Forward != 0, "top level is empty");
        int free = 0;
        for (int node = _freeNode; node != 0; node = _nodes[node].Forward)
        {
            Invariant.Require(_nodes[node].Member is null && node < _nodeLimit, "free list holds a live node");
            free++;
        }
        Invariant.Require(live + free == _nodeLimit - 1, "nodes leaked (neither live nor free)");
    }

    private static int NodeCapacityFor(int elements) =>
        (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(elements + 1, MinimumCapacity, MaximumCapacity));

    private SkipList(SkipList source)
    {
        _nodes = (SkipListNode[])source._nodes.Clone();
        _links = (UpperLink[])source._links.Clone();
        _index = source._index.Clone();
        source._freeBlocks.CopyTo(_freeBlocks, 0);
        _nodeLimit = source._nodeLimit;
        _freeNode = source._freeNode;
        _linkLimit = source._linkLimit;
        _level = source._level;
        _count = source._count;
        _tail = source._tail;
    }

    private void Clear()
    {
        _nodes[0] = default;
        _nodeLimit = 1;
        _freeNode = 0;
        _linkLimit = HeaderLinks;
        Array.Clear(_links, 0, HeaderLinks);
        Array.Clear(_freeBlocks);
        _level = 1;
        _count = 0;
        _tail = 0;
    }

    private void Shrink()
    {
        if (_nodes.Length > MinimumCapacity)
        {
            _nodes = new SkipListNode[MinimumCapacity];
            _links = new UpperLink[HeaderLinks + 16];
            _index = new MemberIndex(MinimumCapacity);
        }
        else
        {
            Array.Clear(_nodes);
            _index.Reset(_nodes.Length);
        }
        Clear();
    }

    private int AllocateNode()
    {
        if (_freeNode != 0)
        {
            int reused = _freeNode;
            _freeNode = _nodes[reused].Forward;
            _nodes[reused].Forward = 0;
            return reused;
        }
        if (_nodeLimit == _nodes.Length)
        {
            Invariant.Require(_nodes.Length < MaximumCapacity, "sorted set too large");
            Array.Resize(ref _nodes, _nodes.Length * 2);
            _index.Rebuild(_nodes.Length, _nodes, _nodeLimit);
        }
        return _nodeLimit++;
    }

    /// <summary>A block of levels - 1 links for a node of <paramref name="levels"/> levels; returns its offset.</summary>
    private int AllocateBlock(int levels)
    {
        int size = levels - 1;
        int block = _freeBlocks[levels];
        if (block != 0)
        {
            _freeBlocks[levels] = _links[block].Forward;
        }
        else
        {
            if (_linkLimit + size > _links.Length)
            {
                // Grow by half, not double: the pool is about a third of a link per element, and its unused tail is
                // resident memory once copied into.
                Array.Resize(ref _links, Math.Max(_linkLimit + size, _links.Length + (_links.Length >> 1)));
            }
            block = _linkLimit;
            _linkLimit += size;
        }
        _links.AsSpan(block, size).Clear();
        _links[block].OwnerLevels = levels;
        return block;
    }

    private void FreeBlock(int block)
    {
        int levels = _links[block].OwnerLevels;
        _links[block].Forward = _freeBlocks[levels];
        _freeBlocks[levels] = block;
    }

    /// <summary>
    /// Fills <see cref="_update"/> (and <see cref="_rank"/>) with the last node before (score, member) at every level in
    /// use; returns the level-0 one. Compares scores first: the member bytes are only read on equal scores.
    /// </summary>
    private int FindPredecessors(double score, ReadOnlySpan<byte> member)
    {
        int[] update = _update;
        int[] rank = _rank;
        UpperLink[] pool = _links;
        SkipListNode[] nodes = _nodes;
        int x = 0;
        int links = 0;
        int traversed = 0;
        for (int i = _level - 1; i >= 1; i--)
        {
            while (true)
            {
                ref UpperLink link = ref pool[links + i - 1];
                int forward = link.Forward;
                if (forward == 0 || link.ForwardScore > score
                    || (link.ForwardScore == score && nodes[forward].Member.AsSpan().SequenceCompareTo(member) >= 0))
                {
                    break;
                }
                traversed += link.Span;
                x = forward;
                links = link.ForwardUpper;
            }
            update[i] = x;
            rank[i] = traversed;
        }
        while (true)
        {
            int forward = nodes[x].Forward;
            if (forward == 0)
            {
                break;
            }
            ref SkipListNode next = ref nodes[forward];
            if (next.Score > score || (next.Score == score && next.Member.AsSpan().SequenceCompareTo(member) >= 0))
            {
                break;
            }
            traversed++;
            x = forward;
        }
        update[0] = x;
        rank[0] = traversed;
        return x;
    }

    /// <summary>Links a node (new, or unlinked for a score change) at the position of its score and member.</summary>
    private void Link(int node, int levels)
    {
        ref SkipListNode n = ref _nodes[node];
        FindPredecessors(n.Score, n.Member);
        int[] update = _update;
        int[] rank = _rank;
        UpperLink[] pool = _links;
        if (levels > _level)
        {
            for (int i = _level; i < levels; i++)
            {
                rank[i] = 0;
                update[i] = 0;
                pool[i - 1].Span = _count;
            }
            _level = levels;
        }
        for (int i = 1; i < levels; i++)
        {
            ref UpperLink link = ref pool[_nodes[update[i]].Upper + i - 1];
            ref UpperLink own = ref pool[n.Upper + i - 1];
            own.Forward = link.Forward;
            own.ForwardScore = link.ForwardScore;
            own.ForwardUpper = link.ForwardUpper;
            link.Forward = node;
            link.ForwardScore = n.Score;
            link.ForwardUpper = n.Upper;
            own.Span = link.Span - (rank[0] - rank[i]);
            link.Span = rank[0] - rank[i] + 1;
        }
        for (int i = levels; i < _level; i++)
        {
            pool[_nodes[update[i]].Upper + i - 1].Span++;
        }
        int previous = update[0];
        n.Forward = _nodes[previous].Forward;
        _nodes[previous].Forward = node;
        n.Backward = previous;
        if (n.Forward != 0)
        {
            _nodes[n.Forward].Backward = node;
        }
        else
        {
            _tail = node;
        }
        _count++;
    }

    /// <summary>Unlinks a node. REQUIRES: <see cref="_update"/> holds its predecessors (FindPredecessors of its key).</summary>
    private void Unlink(int node)
    {
        int[] update = _update;
        UpperLink[] pool = _links;
        ref SkipListNode n = ref _nodes[node];
        for (int i = 1; i < _level; i++)
        {
            ref UpperLink link = ref pool[_nodes[update[i]].Upper + i - 1];
            if (link.Forward == node)
            {
                ref UpperLink own = ref pool[n.Upper + i - 1];
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
        _nodes[update[0]].Forward = n.Forward;
        if (n.Forward != 0)
        {
            _nodes[n.Forward].Backward = n.Backward;
        }
        else
        {
            _tail = n.Backward;
        }
        while (_level > 1 && pool[_level - 2].Forward == 0)
        {
            _level--;
        }
        _count--;
        n.Forward = 0;
        n.Backward = 0;
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
