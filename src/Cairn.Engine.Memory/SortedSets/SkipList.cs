using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Cairn.Engine.Memory.Collections;
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
/// The node and link arrays are chunked as <see cref="SlotChunks"/> describes: past one chunk they grow by adding a
/// chunk, never by copying into an array twice the size, which left the old arrays (about as large as the live ones) as
/// resident garbage until the next full GC (measured: 147 B/member at 1M members doubling, against 131 for the old
/// object-per-node list). They only grow while the list is non-empty (no compaction: it would renumber nodes under a
/// scan in progress).
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

    // Scratch for one descent: the last node before the position at each level, and its rank; at level 0 the node
    // itself, at the levels above its block of links (offset in the link pool; the header's is 0), which is all that
    // relinking needs: reading each predecessor's node entry for its block cost a cache miss a level. Reused so that an
    // insert or a delete allocates nothing.
    private readonly int[] _update = new int[MaxLevel];
    private readonly int[] _rank = new int[MaxLevel];

    // Head of the free list of blocks of each level count (0 = none: offset 0 is the header's block, never freed).
    private readonly int[] _freeBlocks = new int[MaxLevel + 1];

    private SkipListNode[][] _nodes;
    private int _nodeCapacity;
    private int _indexCapacity;
    private UpperLink[][] _links;
    private int _linkCapacity;
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
        _indexCapacity = NodeCapacityFor(capacity);
        _nodes = SlotChunks.Create<SkipListNode>(_indexCapacity, out _nodeCapacity);
        _links = SlotChunks.Create<UpperLink>(LinkCapacityFor(_nodeCapacity), out _linkCapacity);
        _index = new MemberIndex(_indexCapacity);
        Clear();
    }

    public long Length => _count;

    /// <summary>The first node, or 0 when empty.</summary>
    public int First => At(_nodes, 0).Forward;

    /// <summary>The last node, or 0 when empty.</summary>
    public int Tail => _tail;

    /// <summary>One past the highest node number ever used since the list was last empty (for tests of node reuse).</summary>
    internal int NodeLimit => _nodeLimit;

    public byte[] MemberOf(int node) => At(_nodes, node).Member!;

    public double ScoreOf(int node) => At(_nodes, node).Score;

    /// <summary>The next node in order, or 0.</summary>
    public int Next(int node) => At(_nodes, node).Forward;

    /// <summary>The previous node in order, or 0.</summary>
    public int Previous(int node) => At(_nodes, node).Backward;

    /// <summary>The node of <paramref name="member"/>, or 0; <paramref name="hash"/> is its hash, to pass to <see cref="Insert"/>.</summary>
    public int Find(ReadOnlySpan<byte> member, out int hash)
    {
        hash = ByteArrayComparer.Hash(member);
        return _index.Find(member, hash, _nodes);
    }

    /// <summary>Prefetches the look-up path of members with these hashes (<see cref="MemberIndex.Prefetch"/>); a hint.</summary>
    public void PrefetchMembers(ReadOnlySpan<int> hashes) => _index.Prefetch(hashes, _nodes);

    /// <summary>Inserts a member known to be absent; <paramref name="hash"/> is its hash. Returns its node.</summary>
    public int Insert(double score, byte[] member, int hash)
    {
        int node = AllocateNode();
        int levels = RandomLevel();
        ref SkipListNode n = ref At(_nodes, node);
        n.Member = member;
        n.Score = score;
        n.Hash = hash;
        n.Upper = levels > 1 ? AllocateBlock(levels) : 0;
        Link(node, levels);
        _index.Add(node, hash);
        return node;
    }

    /// <summary>Deletes a live node.</summary>
    public void Delete(int node) => DeleteRun(node, 1);

    /// <summary>
    /// Deletes <paramref name="count"/> consecutive nodes starting at <paramref name="first"/> with one descent (Redis's
    /// zslDeleteRangeByRank): the predecessors of the first node stay the predecessors of each following one as the run
    /// is unlinked. REQUIRES: first is live and at least count - 1 nodes follow it.
    /// </summary>
    public void DeleteRun(int first, long count)
    {
        ref SkipListNode head = ref At(_nodes, first);
        Invariant.Require(first > 0 && head.Member is not null, "deleting a free node");
        Invariant.Require(count >= 1 && count <= _count, "deleting more nodes than the list has");
        int before = FindUnlinkPredecessors(first);
        Invariant.Require(At(_nodes, before).Forward == first, "deleting a node not in the skip list");
        int node = first;
        for (long deleted = 0; deleted < count; deleted++)
        {
            Invariant.Require(node != 0, "deleting past the end of the skip list");
            ref SkipListNode n = ref At(_nodes, node);
            int next = n.Forward;
            Unlink(node);
            _index.Remove(node, n.Hash, _nodes);
            if (n.Upper != 0)
            {
                FreeBlock(n.Upper);
            }
            n = default;
            n.Forward = _freeNode;
            _freeNode = node;
            node = next;
        }
        if (_count == 0)
        {
            // Empty: start over small, so a drained set does not keep its peak size (no scan can be in progress that
            // needs its old node numbers: it has nothing left to return).
            Shrink();
        }
    }

    /// <summary>
    /// Moves a node to a new score (Redis's zslUpdateScore). A one-level node that keeps its position is updated without
    /// a descent; any other node takes one descent of the upper levels to find its predecessors, and then, if it keeps
    /// its position, only the cached scores in the links to it change; if it moves, it is unlinked and the same node
    /// linked again (a second descent, as Redis's delete-and-insert).
    /// </summary>
    public void UpdateScore(int node, double newScore)
    {
        ref SkipListNode n = ref At(_nodes, node);
        byte[] member = n.Member!;
        int previous = n.Backward;
        int next = n.Forward;
        bool keepsPosition =
            (previous == 0 || SortedSetEntry.Compare(At(_nodes, previous).Score, At(_nodes, previous).Member, newScore, member) < 0)
            && (next == 0 || SortedSetEntry.Compare(At(_nodes, next).Score, At(_nodes, next).Member, newScore, member) > 0);
        if (keepsPosition && n.Upper == 0)
        {
            n.Score = newScore;
            return;
        }
        int before = FindUnlinkPredecessors(node);
        Invariant.Require(At(_nodes, before).Forward == node, "updating the score of a node not in the skip list");
        if (keepsPosition)
        {
            n.Score = newScore;
            for (int i = 1; i < _level; i++)
            {
                ref UpperLink link = ref At(_links, _update[i] + i - 1);
                if (link.Forward == node)
                {
                    link.ForwardScore = newScore;
                }
            }
            return;
        }
        int levels = n.Upper == 0 ? 1 : At(_links, n.Upper).OwnerLevels;
        Unlink(node);
        n.Score = newScore;
        Link(node, levels);
    }

    /// <summary>1-based rank of a live node.</summary>
    public long GetRank(int node)
    {
        double score = At(_nodes, node).Score;
        ReadOnlySpan<byte> member = At(_nodes, node).Member;
        UpperLink[][] pool = _links;
        long rank = 0;
        int x = 0;
        int links = 0;
        for (int i = _level - 1; i >= 1; i--)
        {
            while (true)
            {
                ref UpperLink link = ref At(pool, links + i - 1);
                int forward = link.Forward;
                if (forward == 0 || link.ForwardScore > score
                    || (link.ForwardScore == score && At(_nodes, forward).Member.AsSpan().SequenceCompareTo(member) > 0))
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
            x = At(_nodes, x).Forward;
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
        UpperLink[][] pool = _links;
        long traversed = 0;
        int x = 0;
        int links = 0;
        for (int i = _level - 1; i >= 1; i--)
        {
            while (true)
            {
                ref UpperLink link = ref At(pool, links + i - 1);
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
            x = At(_nodes, x).Forward;
            traversed++;
        }
        return x;
    }

    /// <summary>How many leading elements satisfy a prefix predicate.</summary>
    public long CountPrefix<TPredicate>(in TPredicate predicate)
        where TPredicate : struct, IPrefixPredicate
    {
        UpperLink[][] pool = _links;
        long count = 0;
        int x = 0;
        int links = 0;
        for (int i = _level - 1; i >= 1; i--)
        {
            while (true)
            {
                ref UpperLink link = ref At(pool, links + i - 1);
                if (link.Forward == 0 || !predicate.Holds(link.ForwardScore, At(_nodes, link.Forward).Member!))
                {
                    break;
                }
                count += link.Span;
                x = link.Forward;
                links = link.ForwardUpper;
            }
        }
        for (int next = At(_nodes, x).Forward; next != 0 && predicate.Holds(At(_nodes, next).Score, At(_nodes, next).Member!); next = At(_nodes, next).Forward)
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
            if (At(_nodes, node).Member is not null)
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
            ref SkipListNode n = ref At(_nodes, (int)node);
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
        for (int node = At(_nodes, 0).Forward; node != 0; node = At(_nodes, node).Forward)
        {
            live++;
            ref SkipListNode n = ref At(_nodes, node);
            Invariant.Require(n.Member is not null, "free node linked at level 0");
            Invariant.Require(n.Backward == previous, "backward link does not mirror level 0");
            if (previous != 0)
            {
                Invariant.Require(SortedSetEntry.Compare(At(_nodes, previous).Score, At(_nodes, previous).Member, n.Score, n.Member) < 0,
                    "level 0 out of order");
            }
            Invariant.Require(n.Hash == ByteArrayComparer.Hash(n.Member), "stored hash differs from the member's");
            Invariant.Require(_index.Find(n.Member, n.Hash, _nodes) == node, "live node missing from the member index");
            int levels = n.Upper == 0 ? 1 : At(_links, n.Upper).OwnerLevels;
            Invariant.Require(levels >= 1 && levels <= _level, "node level out of range");
            for (int i = 1; i < levels; i++)
            {
                ref UpperLink into = ref At(_links, At(_nodes, lastAtLevel[i]).Upper + i - 1);
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
            ref UpperLink last = ref At(_links, At(_nodes, lastAtLevel[i]).Upper + i - 1);
            Invariant.Require(last.Forward == 0, "last link of a level has a forward node");
        }
        Invariant.Require(_level == 1 || At(_links, _level - 2).Forward != 0, "top level is empty");
        int free = 0;
        for (int node = _freeNode; node != 0; node = At(_nodes, node).Forward)
        {
            Invariant.Require(At(_nodes, node).Member is null && node < _nodeLimit, "free list holds a live node");
            free++;
        }
        Invariant.Require(live + free == _nodeLimit - 1, "nodes leaked (neither live nor free)");
    }

    /// <summary>The node a link leads to sorts at or after (<paramref name="score"/>, <paramref name="member"/>), or there is
    /// none: a descent for that element stops at this level.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsAtOrPast(SkipListNode[][] nodes, in UpperLink link, double score, ReadOnlySpan<byte> member) =>
        link.Forward == 0 || link.ForwardScore > score
        || (link.ForwardScore == score && At(nodes, link.Forward).Member.AsSpan().SequenceCompareTo(member) >= 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref SkipListNode At(SkipListNode[][] chunks, int node) => ref chunks[node >> SlotChunks.Shift][node & SlotChunks.Mask];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref UpperLink At(UpperLink[][] chunks, int offset) => ref chunks[offset >> SlotChunks.Shift][offset & SlotChunks.Mask];

    private static T[][] CloneChunks<T>(T[][] chunks)
    {
        var copy = new T[chunks.Length][];
        for (int i = 0; i < chunks.Length && chunks[i] is not null; i++)
        {
            copy[i] = (T[])chunks[i].Clone();
        }
        return copy;
    }

    // The header's block plus about a third of a link per node (P = 1/4), at least 64.
    private static int LinkCapacityFor(int nodes) =>
        (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, HeaderLinks + nodes / 2));

    private static int NodeCapacityFor(int elements) =>
        (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(elements + 1, MinimumCapacity, MaximumCapacity));

    private SkipList(SkipList source)
    {
        _nodes = CloneChunks(source._nodes);
        _links = CloneChunks(source._links);
        _nodeCapacity = source._nodeCapacity;
        _linkCapacity = source._linkCapacity;
        _indexCapacity = source._indexCapacity;
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
        At(_nodes, 0) = default;
        _nodeLimit = 1;
        _freeNode = 0;
        _linkLimit = HeaderLinks;
        _links[0].AsSpan(0, HeaderLinks).Clear();
        Array.Clear(_freeBlocks);
        _level = 1;
        _count = 0;
        _tail = 0;
    }

    private void Shrink()
    {
        if (_nodeCapacity > MinimumCapacity)
        {
            _indexCapacity = MinimumCapacity;
            _nodes = SlotChunks.Create<SkipListNode>(MinimumCapacity, out _nodeCapacity);
            _links = SlotChunks.Create<UpperLink>(LinkCapacityFor(MinimumCapacity), out _linkCapacity);
            _index = new MemberIndex(MinimumCapacity);
        }
        else
        {
            Array.Clear(_nodes[0]);
            _index.Reset(_indexCapacity);
        }
        Clear();
    }

    private int AllocateNode()
    {
        if (_freeNode != 0)
        {
            int reused = _freeNode;
            _freeNode = At(_nodes, reused).Forward;
            At(_nodes, reused).Forward = 0;
            return reused;
        }
        if (_nodeLimit == _nodeCapacity)
        {
            Invariant.Require(_nodeCapacity < MaximumCapacity, "sorted set too large");
            _nodeCapacity = SlotChunks.Grow(ref _nodes, _nodeCapacity);
            if (_nodeCapacity > _indexCapacity)
            {
                _indexCapacity = (int)BitOperations.RoundUpToPowerOf2((uint)_nodeCapacity);
                _index.Rebuild(_indexCapacity, _nodes, _nodeLimit);
            }
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
            _freeBlocks[levels] = At(_links, block).Forward;
        }
        else
        {
            if ((_linkLimit >> SlotChunks.Shift) != ((_linkLimit + size - 1) >> SlotChunks.Shift))
            {
                _linkLimit = (_linkLimit | SlotChunks.Mask) + 1; // a block never straddles two chunks
            }
            while (_linkLimit + size > _linkCapacity)
            {
                _linkCapacity = SlotChunks.Grow(ref _links, _linkCapacity);
            }
            block = _linkLimit;
            _linkLimit += size;
        }
        _links[block >> SlotChunks.Shift].AsSpan(block & SlotChunks.Mask, size).Clear();
        At(_links, block).OwnerLevels = levels;
        return block;
    }

    private void FreeBlock(int block)
    {
        int levels = At(_links, block).OwnerLevels;
        At(_links, block).Forward = _freeBlocks[levels];
        _freeBlocks[levels] = block;
    }

    /// <summary>
    /// Fills <see cref="_update"/> (and <see cref="_rank"/>) with the last node before (score, member) at every level in
    /// use (its block at the levels above 0); returns the level-0 one, and its level-0 successor (0 = none) in
    /// <paramref name="successor"/>. Compares scores first: the member bytes are only read on equal scores.
    /// In a set far larger than the caches every node entry read at level 0 is a cache miss, so that walk reads as few
    /// as it can: the level-1 link it starts from says where it must stop (its forward node, past the position) and how
    /// many level-0 steps away that is, so the forward node is never read, and when it is one step away (a quarter of
    /// the time) no node is read at all; and every node the upper levels move to is prefetched, because the last of them
    /// is where the level-0 walk starts.
    /// </summary>
    private unsafe int FindPredecessors(double score, ReadOnlySpan<byte> member, out int successor)
    {
        int[] update = _update;
        int[] rank = _rank;
        UpperLink[][] pool = _links;
        SkipListNode[][] nodes = _nodes;
        int x = 0;
        int links = 0;
        int traversed = 0;
        for (int i = _level - 1; i >= 1; i--)
        {
            while (true)
            {
                ref UpperLink link = ref At(pool, links + i - 1);
                int forward = link.Forward;
                if (IsAtOrPast(nodes, in link, score, member))
                {
                    break;
                }
                traversed += link.Span;
                x = forward;
                links = link.ForwardUpper;
                if (Sse.IsSupported)
                {
                    Sse.Prefetch0(Unsafe.AsPointer(ref At(nodes, x)));
                }
            }
            update[i] = links;
            rank[i] = traversed;
        }
        // x's level-1 link (the header's when x is 0); with one level in use it has no forward node.
        ref UpperLink low = ref At(pool, links);
        int stop = _level > 1 ? low.Forward : 0;
        if (stop != 0 && low.Span == 1)
        {
            successor = stop;
        }
        else
        {
            while (true)
            {
                int forward = At(nodes, x).Forward;
                if (forward == 0 || forward == stop)
                {
                    successor = forward;
                    break;
                }
                ref SkipListNode next = ref At(nodes, forward);
                if (next.Score > score || (next.Score == score && next.Member.AsSpan().SequenceCompareTo(member) >= 0))
                {
                    successor = forward;
                    break;
                }
                traversed++;
                x = forward;
            }
        }
        update[0] = x;
        rank[0] = traversed;
        return x;
    }

    /// <summary>
    /// Fills <see cref="_update"/> with a live node's predecessors, for <see cref="Unlink"/> (not <see cref="_rank"/>,
    /// which unlinking does not use); returns the level-0 one. The descent covers only the levels above 0: the level-0
    /// predecessor is the node's backward link, where the walk along level 0 from the level-1 predecessor was a chain of
    /// cache misses in a large set (about a fifth of ZADD's descent time).
    /// </summary>
    private int FindUnlinkPredecessors(int node)
    {
        int[] update = _update;
        UpperLink[][] pool = _links;
        SkipListNode[][] nodes = _nodes;
        ref SkipListNode n = ref At(nodes, node);
        double score = n.Score;
        ReadOnlySpan<byte> member = n.Member;
        int links = 0;
        for (int i = _level - 1; i >= 1; i--)
        {
            while (true)
            {
                ref UpperLink link = ref At(pool, links + i - 1);
                if (IsAtOrPast(nodes, in link, score, member))
                {
                    break;
                }
                links = link.ForwardUpper;
            }
            update[i] = links;
        }
        update[0] = n.Backward;
        return n.Backward;
    }

    /// <summary>Links a node (new, or unlinked for a score change) at the position of its score and member.</summary>
    private void Link(int node, int levels)
    {
        ref SkipListNode n = ref At(_nodes, node);
        FindPredecessors(n.Score, n.Member, out int successor);
        int[] update = _update;
        int[] rank = _rank;
        UpperLink[][] pool = _links;
        if (levels > _level)
        {
            for (int i = _level; i < levels; i++)
            {
                rank[i] = 0;
                update[i] = 0;
                At(pool, i - 1).Span = _count;
            }
            _level = levels;
        }
        for (int i = 1; i < levels; i++)
        {
            ref UpperLink link = ref At(pool, update[i] + i - 1);
            ref UpperLink own = ref At(pool, n.Upper + i - 1);
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
            At(pool, update[i] + i - 1).Span++;
        }
        int previous = update[0];
        n.Forward = successor;
        At(_nodes, previous).Forward = node;
        n.Backward = previous;
        if (n.Forward != 0)
        {
            At(_nodes, n.Forward).Backward = node;
        }
        else
        {
            _tail = node;
        }
        _count++;
    }

    /// <summary>Unlinks a node. REQUIRES: <see cref="_update"/> holds its predecessors (<see cref="FindUnlinkPredecessors"/>).</summary>
    private void Unlink(int node)
    {
        int[] update = _update;
        UpperLink[][] pool = _links;
        ref SkipListNode n = ref At(_nodes, node);
        for (int i = 1; i < _level; i++)
        {
            ref UpperLink link = ref At(pool, update[i] + i - 1);
            if (link.Forward == node)
            {
                ref UpperLink own = ref At(pool, n.Upper + i - 1);
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
        At(_nodes, update[0]).Forward = n.Forward;
        if (n.Forward != 0)
        {
            At(_nodes, n.Forward).Backward = n.Backward;
        }
        else
        {
            _tail = n.Backward;
        }
        while (_level > 1 && At(pool, _level - 2).Forward == 0)
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
