using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cairn.Engine.Memory.Collections;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// The skiplist encoding of a sorted set (Redis's name for it, kept for OBJECT ENCODING), as an order-statistic B+tree
/// over an element slab, in flat arrays and without one object per element:
/// <list type="bullet">
/// <item>elements (member, score, member hash) in a chunked slab (<see cref="SlotChunks"/>), named by an id that does not
/// change while the element is live (a score change moves the id in the tree, not the element), so ids serve as ZSCAN
/// cursors; freed ids are reused through a free list; a <see cref="MemberIndex"/> maps members to ids;</item>
/// <item>leaves of up to <see cref="LeafCapacity"/> entries: a leaf's scores are contiguous doubles (searched without
/// loading elements unless scores tie) beside their ids, in two chunked arrays where leaf L owns slots
/// [L * LeafCapacity, (L + 1) * LeafCapacity); leaves are doubly linked in order for walks;</item>
/// <item>inner nodes of up to <see cref="InnerCapacity"/> children, with each child's element count (a rank is the sum
/// of the counts left of the path) and its separator key (score, member bytes).</item>
/// </list>
/// A descent touches height + 1 nodes (4 for 100k elements, of which the inner ones, about a hundred, stay cached) where
/// the skip list it replaces touched a node or more per level over about nine levels.
/// Invariants (<see cref="CheckInvariants"/>): every leaf is at depth <see cref="_height"/>; entries are in strict
/// (score, member) order across the leaves; a child's count is the number of entries under it; a separator is at most
/// the first key under its child and greater than every key before that child (a lower bound, so deletions never update
/// separators; the first child of the leftmost nodes has none that is read); every node but the root and the last leaf holds
/// at least a quarter of its capacity (the last leaf may hold less: an ascending load keeps full leaves full and starts
/// a new last one), an inner root at least two children; a leaf entry's score is its element's score; every live
/// element is in exactly one leaf slot and in the index. Leaf 0, inner node 0 and element 0 are never used (0 = none).
/// Arrays only grow while the tree is non-empty (no compaction: it would renumber ids under a scan in progress); a
/// drained tree starts over small.
/// A snapshot can read the elements on its own thread (<see cref="Share"/>): until it is done (<see cref="Unshare"/>)
/// the element chunks it holds are copy-on-write (an insert, a removal or a score change first gives the element's chunk
/// a private copy; leaves, inner nodes and the index, which a view never reads, are written in place).
/// Thread safety: none; the store lock serialises access (the path scratch arrays are per instance for that reason). A
/// view is read by one other thread while its tree changes.
/// </summary>
internal sealed class SortedSetTree
{
    /// <summary>Entries per leaf: a power of two dividing <see cref="SlotChunks.Slots"/>, so no leaf straddles two chunks.
    /// 32 measured a little cheaper per ZADD than 64 (fewer cache lines to count and shift; bench/README.md).</summary>
    public const int LeafCapacity = 32;

    /// <summary>Children per inner node.</summary>
    public const int InnerCapacity = 64;

    private const int LeafMinimum = LeafCapacity / 4;
    private const int InnerMinimum = InnerCapacity / 4;
    private const int MaxHeight = 16;
    private const int MinimumCapacity = 16;
    private const int MaximumCapacity = 1 << 29;
    private const int MinimumInnerNodes = 4;
    private const int RandomProbeLimit = 16;

    // The descent's path: the inner node at each level (0 = root) and the child slot taken there. Filled by every
    // descent; insert, delete and rebalancing read it. Per instance so that a descent allocates nothing.
    private readonly int[] _pathNodes = new int[MaxHeight];
    private readonly int[] _pathSlots = new int[MaxHeight];

    private SortedSetElement[][] _elements;
    private int _elementCapacity;
    private int _indexCapacity;
    private MemberIndex _index;
    private int _elementLimit;
    private int _freeElement;

    private double[][] _leafScores;
    private int[][] _leafIds;
    private int _leafSlotCapacity;
    private int[] _leafCount;
    private int[] _leafNext;
    private int[] _leafPrevious;
    private int _leafLimit;
    private int _freeLeaf;

    private int[] _innerSize;
    private int[] _innerChildren;
    private int[] _innerCounts;
    private double[] _innerScores;
    private byte[]?[] _innerMembers;
    private int _innerLimit;
    private int _freeInner;

    private int _root;
    private int _height;
    private int _count;

    /// <summary>The element chunks a snapshot's view reads, or null.</summary>
    private SharedArrays? _shared;

    /// <summary>A tree with room for about <paramref name="capacity"/> elements before its arrays grow.</summary>
    public SortedSetTree(int capacity)
    {
        _indexCapacity = ElementCapacityFor(capacity);
        _elements = SlotChunks.Create<SortedSetElement>(_indexCapacity, out _elementCapacity);
        _index = new MemberIndex(_indexCapacity);
        int leafSlots = LeafSlotsFor(capacity);
        _leafScores = SlotChunks.Create<double>(leafSlots, out _leafSlotCapacity);
        _leafIds = SlotChunks.Create<int>(leafSlots, out _);
        int leaves = _leafSlotCapacity / LeafCapacity;
        _leafCount = new int[leaves];
        _leafNext = new int[leaves];
        _leafPrevious = new int[leaves];
        _innerSize = [];
        _innerChildren = [];
        _innerCounts = [];
        _innerScores = [];
        _innerMembers = [];
        Clear();
    }

    public long Length => _count;

    /// <summary>One past the highest id ever used since the tree was last empty (for tests of id reuse).</summary>
    internal int ElementLimit => _elementLimit;

    /// <summary>Inner levels above the leaves (for tests that want splits at every level).</summary>
    internal int Height => _height;

    public byte[] MemberOf(int id) => Element(id).Member!;

    public double ScoreOf(int id) => Element(id).Score;

    /// <summary>The id of <paramref name="member"/>, or 0; <paramref name="hash"/> is its hash, to pass to <see cref="Insert"/>.</summary>
    public int Find(ReadOnlySpan<byte> member, out int hash)
    {
        hash = ByteArrayComparer.Hash(member);
        return _index.Find(member, hash, _elements);
    }

    /// <summary>Prefetches the look-up path of members with these hashes (<see cref="MemberIndex.Prefetch"/>); a hint.</summary>
    public void PrefetchMembers(ReadOnlySpan<int> hashes) => _index.Prefetch(hashes, _elements);

    /// <summary>Inserts a member known to be absent; <paramref name="hash"/> is its hash. Returns its id.</summary>
    public int Insert(double score, byte[] member, int hash)
    {
        int id = AllocateElement();
        ref SortedSetElement element = ref WritableElement(id);
        element.Member = member;
        element.Score = score;
        element.Hash = hash;
        _index.Add(id, hash);
        InsertEntry(id, score, member);
        return id;
    }

    /// <summary>
    /// Fills an empty tree with entries in ascending (score, member) order and their members' hashes, as a load does:
    /// elements take ids in that order, leaves are filled whole one after another and the inner levels are built bottom
    /// up, with no descent per element. Returns false when a member repeats (the tree is then to be dropped).
    /// REQUIRES: the tree is empty and has never held an element (so its ids and leaves come in order).
    /// </summary>
    public bool TryFillSorted(ReadOnlySpan<SortedSetEntry> sorted, ReadOnlySpan<int> hashes)
    {
        Invariant.Require(_count == 0 && _elementLimit == 1 && _leafLimit == 2 && _height == 0 && sorted.Length == hashes.Length,
            "filling a tree that is not new");
        int leaf = _root;
        int filled = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            ref readonly SortedSetEntry entry = ref sorted[i];
            int hash = hashes[i];
            // The tag test first: the member, at a random place in memory, is read only when a slot's tag matches.
            if (_index.MayContain(hash) && _index.Find(entry.Member, hash, _elements) != 0)
            {
                return false;
            }
            int id = AllocateElement();
            ref SortedSetElement element = ref WritableElement(id);
            element.Member = entry.Member;
            element.Score = entry.Score;
            element.Hash = hash;
            _index.Add(id, hash);
            if (filled == LeafCapacity)
            {
                _leafCount[leaf] = LeafCapacity;
                int next = AllocateLeaf();
                _leafNext[leaf] = next;
                _leafPrevious[next] = leaf;
                leaf = next;
                filled = 0;
            }
            LeafScores(leaf)[filled] = entry.Score;
            LeafIds(leaf)[filled] = id;
            filled++;
        }
        _leafCount[leaf] = filled;
        _count = sorted.Length;
        // Leaves, and then each level's inner nodes, are numbered in order (a new tree frees none); each level groups
        // its children evenly, so every inner node but the root holds at least half its capacity.
        int first = _root;
        int width = leaf - _root + 1;
        while (width > 1)
        {
            int parents = (width + InnerCapacity - 1) / InnerCapacity;
            int firstParent = 0;
            for (int p = 0, child = first; p < parents; p++)
            {
                int size = width / parents + (p < width % parents ? 1 : 0);
                int node = AllocateInner();
                firstParent = p == 0 ? node : firstParent;
                int start = node * InnerCapacity;
                for (int slot = 0; slot < size; slot++, child++)
                {
                    _innerChildren[start + slot] = child;
                    _innerCounts[start + slot] = _height == 0 ? _leafCount[child] : SumCounts(child);
                    (_innerScores[start + slot], _innerMembers[start + slot]) = FirstKey(child);
                }
                _innerSize[node] = size;
            }
            first = firstParent;
            width = parents;
            _height++;
            Invariant.Require(_height < MaxHeight, "sorted set tree too tall");
        }
        _root = first;
        return true;
    }

    /// <summary>The first key under a node of the level being built (a leaf while the height is still 0).</summary>
    private (double Score, byte[] Member) FirstKey(int node)
    {
        if (_height == 0)
        {
            int id = LeafIds(node)[0];
            return (LeafScores(node)[0], Element(id).Member!);
        }
        int start = node * InnerCapacity;
        return (_innerScores[start], _innerMembers[start]!);
    }

    /// <summary>Deletes a live element.</summary>
    public void Delete(int id)
    {
        int leaf = FindEntry(id, out int index);
        FreeElement(id);
        RemoveEntries(leaf, index, 1);
        ShrinkIfEmpty();
    }

    /// <summary>
    /// Deletes <paramref name="count"/> elements from the 0-based rank <paramref name="firstRank"/> on (ZREMRANGEBY*,
    /// ZPOP* with a count): a leaf's worth at a time, one descent per leaf, so O(log n * count / leaf fill + count).
    /// Returns the total length of the deleted members (for memory accounting). REQUIRES: the ranks exist.
    /// </summary>
    public long DeleteRun(long firstRank, long count)
    {
        Invariant.Require(firstRank >= 0 && count >= 1 && firstRank + count <= _count, "deleting ranks the tree does not have");
        long memberBytes = 0;
        long remaining = count;
        while (remaining > 0)
        {
            int leaf = Locate(firstRank, out int index);
            int take = (int)Math.Min(remaining, _leafCount[leaf] - index);
            Span<int> ids = LeafIds(leaf).Slice(index, take);
            foreach (int id in ids)
            {
                memberBytes += Element(id).Member!.Length;
                FreeElement(id);
            }
            RemoveEntries(leaf, index, take);
            remaining -= take;
        }
        ShrinkIfEmpty();
        return memberBytes;
    }

    /// <summary>
    /// Moves an element to a new score (Redis's zslUpdateScore). One descent finds its entry; when the new key still
    /// falls strictly inside that leaf's other entries the entry moves within the leaf (no counts or separators
    /// change); otherwise it is removed and inserted again (a second descent).
    /// </summary>
    public void UpdateScore(int id, double newScore)
    {
        int leaf = FindEntry(id, out int index);
        ref SortedSetElement element = ref WritableElement(id);
        byte[] member = element.Member!;
        int n = _leafCount[leaf];
        Span<double> scores = LeafScores(leaf);
        Span<int> ids = LeafIds(leaf);
        if (n >= 3)
        {
            int first = index == 0 ? 1 : 0;
            int last = index == n - 1 ? n - 2 : n - 1;
            if (Compare(newScore, member, scores[first], ids[first]) > 0 && Compare(newScore, member, scores[last], ids[last]) < 0)
            {
                element.Score = newScore;
                scores.Slice(index + 1, n - index - 1).CopyTo(scores.Slice(index));
                ids.Slice(index + 1, n - index - 1).CopyTo(ids.Slice(index));
                int target = LowerBound(scores, ids, n - 1, newScore, member);
                scores.Slice(target, n - 1 - target).CopyTo(scores.Slice(target + 1));
                ids.Slice(target, n - 1 - target).CopyTo(ids.Slice(target + 1));
                scores[target] = newScore;
                ids[target] = id;
                return;
            }
        }
        RemoveEntries(leaf, index, 1);
        element.Score = newScore;
        InsertEntry(id, newScore, member);
    }

    /// <summary>0-based rank of a live element.</summary>
    public long RankOf(int id)
    {
        ref SortedSetElement element = ref Element(id);
        double score = element.Score;
        ReadOnlySpan<byte> member = element.Member;
        long rank = 0;
        int node = _root;
        for (int level = 0; level < _height; level++)
        {
            int slot = ChildFor(node, score, member);
            ReadOnlySpan<int> counts = _innerCounts.AsSpan(node * InnerCapacity, slot);
            foreach (int c in counts)
            {
                rank += c;
            }
            node = _innerChildren[node * InnerCapacity + slot];
        }
        int index = LowerBound(LeafScores(node), LeafIds(node), _leafCount[node], score, member);
        Invariant.Require(index < _leafCount[node] && LeafIds(node)[index] == id, "rank of an element not in the tree");
        return rank + index;
    }

    /// <summary>The id at a 0-based rank. REQUIRES: 0 &lt;= rank &lt; Length.</summary>
    public int IdAtRank(long rank)
    {
        int leaf = Locate(rank, out int index);
        return LeafIds(leaf)[index];
    }

    /// <summary>The leaf and index within it of a 0-based rank (fills the path). REQUIRES: 0 &lt;= rank &lt; Length.</summary>
    public int Locate(long rank, out int index)
    {
        Invariant.Require(rank >= 0 && rank < _count, "rank out of range");
        int node = _root;
        for (int level = 0; level < _height; level++)
        {
            int start = node * InnerCapacity;
            int size = _innerSize[node];
            int slot = 0;
            while (slot < size - 1 && rank >= _innerCounts[start + slot])
            {
                rank -= _innerCounts[start + slot];
                slot++;
            }
            _pathNodes[level] = node;
            _pathSlots[level] = slot;
            node = _innerChildren[start + slot];
        }
        index = (int)rank;
        Invariant.Require(index < _leafCount[node], "tree counts disagree with a leaf");
        return node;
    }

    /// <summary>The id at a leaf position (from <see cref="Locate"/> or a step).</summary>
    public int IdAt(int leaf, int index) => LeafIds(leaf)[index];

    /// <summary>Moves a leaf position one entry forwards; false past the last.</summary>
    public bool StepForward(ref int leaf, ref int index)
    {
        if (++index < _leafCount[leaf])
        {
            return true;
        }
        leaf = _leafNext[leaf];
        index = 0;
        return leaf != 0;
    }

    /// <summary>Moves a leaf position one entry backwards; false before the first.</summary>
    public bool StepBackward(ref int leaf, ref int index)
    {
        if (--index >= 0)
        {
            return true;
        }
        leaf = _leafPrevious[leaf];
        if (leaf == 0)
        {
            return false;
        }
        index = _leafCount[leaf] - 1;
        return true;
    }

    /// <summary>How many leading elements satisfy a prefix predicate.</summary>
    public long CountPrefix<TPredicate>(in TPredicate predicate)
        where TPredicate : struct, IPrefixPredicate
    {
        long count = 0;
        int node = _root;
        for (int level = 0; level < _height; level++)
        {
            int start = node * InnerCapacity;
            // The first child whose separator fails: everything from it on fails (separators are lower bounds), and
            // everything before the child before it holds.
            int low = 1;
            int high = _innerSize[node];
            while (low < high)
            {
                int middle = (low + high) >>> 1;
                if (predicate.Holds(_innerScores[start + middle], _innerMembers[start + middle]!))
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }
            int slot = low - 1;
            ReadOnlySpan<int> counts = _innerCounts.AsSpan(start, slot);
            foreach (int c in counts)
            {
                count += c;
            }
            node = _innerChildren[start + slot];
        }
        Span<double> scores = LeafScores(node);
        Span<int> ids = LeafIds(node);
        int lo = 0;
        int hi = _leafCount[node];
        while (lo < hi)
        {
            int middle = (lo + hi) >>> 1;
            if (predicate.Holds(scores[middle], Element(ids[middle]).Member!))
            {
                lo = middle + 1;
            }
            else
            {
                hi = middle;
            }
        }
        return count + lo;
    }

    /// <summary>
    /// A uniformly chosen live element: random ids until a live one (the slab is at least about half live unless the
    /// set shrank), then a random rank. REQUIRES: Length &gt; 0.
    /// </summary>
    public int RandomElement(IRandomSource random)
    {
        Invariant.Require(_count > 0, "random element of an empty tree");
        for (int attempt = 0; attempt < RandomProbeLimit; attempt++)
        {
            int id = 1 + random.NextInt(_elementLimit - 1);
            if (Element(id).Member is not null)
            {
                return id;
            }
        }
        return IdAtRank(random.NextInt(_count));
    }

    /// <summary>
    /// One ZSCAN step: appends the live elements with ids from <paramref name="cursor"/> on until <paramref name="count"/>
    /// were added or 10 x count ids were visited; returns the next cursor, 0 when done. Ids never change while live, so a
    /// full scan returns every element present for its whole duration exactly once.
    /// </summary>
    public long Scan(long cursor, int count, List<SortedSetEntry> output)
    {
        int wanted = Math.Max(count, 1);
        long visitsLeft = wanted * 10L;
        long id = Math.Max(cursor, 1);
        int added = 0;
        for (; id < _elementLimit && added < wanted && visitsLeft > 0; id++, visitsLeft--)
        {
            ref SortedSetElement element = ref Element((int)id);
            if (element.Member is not null)
            {
                output.Add(new SortedSetEntry(element.Member, element.Score));
                added++;
            }
        }
        return id >= _elementLimit ? 0 : id;
    }

    /// <summary>The first live element id from <paramref name="id"/> on, or 0 when there is none (ids ascending: the
    /// slab's order, not the set's).</summary>
    public int NextLive(int id)
    {
        for (id = Math.Max(id, 1); id < _elementLimit; id++)
        {
            if (Element(id).Member is not null)
            {
                return id;
            }
        }
        return 0;
    }

    /// <summary>A deep copy sharing the member arrays (they are never changed in place), with the same ids.</summary>
    public SortedSetTree Clone() => new(this);

    /// <summary>
    /// A view of the elements as they are now, for a snapshot to read on another thread while this tree goes on changing:
    /// it holds the element chunks, which join <paramref name="shared"/> and stay as they are (see the class) until
    /// <see cref="Unshare"/>. A view has elements only (no leaves, inner nodes or index): it answers <see cref="Length"/>,
    /// <see cref="NextLive"/>, <see cref="MemberOf"/> and <see cref="ScoreOf"/>, nothing else, and is never changed.
    /// REQUIRES: no other view of this tree open.
    /// </summary>
    public SortedSetTree Share(SharedArrays shared) => new(this, shared);

    /// <summary>The snapshot is done with the view taken for <paramref name="shared"/>.</summary>
    public void Unshare(SharedArrays shared)
    {
        if (ReferenceEquals(_shared, shared))
        {
            _shared = null;
        }
    }

    /// <summary>Checks every invariant in O(n + slots) and throws on the first broken one (for tests and debugging).</summary>
    internal void CheckInvariants()
    {
        var live = new bool[_elementLimit];
        bool hasLast = false;
        double lastScore = 0;
        byte[] lastMember = [];
        int previousLeaf = 0;
        int leaves = 0;
        int total = CheckNode(_root, 0, true, live, ref hasLast, ref lastScore, ref lastMember, ref previousLeaf, ref leaves);
        Invariant.Require(total == _count, "tree count disagrees with its leaves");
        Invariant.Require(_leafNext[previousLeaf] == 0, "the last leaf has a successor");
        Invariant.Require(_height == 0 || _innerSize[_root] >= 2, "an inner root with one child");
        int liveCount = 0;
        for (int id = 1; id < _elementLimit; id++)
        {
            bool isLive = Element(id).Member is not null;
            Invariant.Require(isLive == live[id], "an element is live but in no leaf, or free but in a leaf");
            if (isLive)
            {
                liveCount++;
                Invariant.Require(_index.Find(Element(id).Member, Element(id).Hash, _elements) == id, "a live element is not in the index");
            }
        }
        Invariant.Require(_index.CountEntries() == liveCount, "the index holds entries for free elements");
        int free = 0;
        for (int id = _freeElement; id != 0; id = Element(id).NextFree)
        {
            Invariant.Require(id < _elementLimit && Element(id).Member is null, "the free list holds a live element");
            free++;
        }
        Invariant.Require(liveCount + free == _elementLimit - 1, "elements leaked (neither live nor free)");
        int freeLeaves = 0;
        for (int leaf = _freeLeaf; leaf != 0; leaf = _leafNext[leaf])
        {
            freeLeaves++;
        }
        Invariant.Require(leaves + freeLeaves == _leafLimit - 1, "leaves leaked");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref SortedSetElement Element(int id) => ref _elements[id >> SlotChunks.Shift][id & SlotChunks.Mask];

    /// <summary>Element <paramref name="id"/> for a write: its chunk gets a private copy first when a snapshot's view
    /// holds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref SortedSetElement WritableElement(int id)
    {
        _shared?.CopyIfHeld(ref _elements[id >> SlotChunks.Shift]);
        return ref Element(id);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<double> LeafScores(int leaf)
    {
        int start = leaf * LeafCapacity;
        return _leafScores[start >> SlotChunks.Shift].AsSpan(start & SlotChunks.Mask, LeafCapacity);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<int> LeafIds(int leaf)
    {
        int start = leaf * LeafCapacity;
        return _leafIds[start >> SlotChunks.Shift].AsSpan(start & SlotChunks.Mask, LeafCapacity);
    }

    /// <summary>(score, member) against the entry (entryScore, id): the member is loaded only when the scores tie.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Compare(double score, ReadOnlySpan<byte> member, double entryScore, int id)
    {
        if (score < entryScore)
        {
            return -1;
        }
        if (score > entryScore)
        {
            return 1;
        }
        return member.SequenceCompareTo(Element(id).Member);
    }

    /// <summary>
    /// The first of a leaf's first <paramref name="n"/> entries at or after (score, member). The scores are counted with
    /// vector compares rather than bisected: the leaf's cache lines are then loaded in parallel instead of one dependent
    /// miss per probe; only entries whose score ties are compared by member (bisected, loading their elements).
    /// </summary>
    private int LowerBound(Span<double> scores, Span<int> ids, int n, double score, ReadOnlySpan<byte> member)
    {
        (int below, int atMost) = CountBelowAndAtMost(scores.Slice(0, n), score);
        int low = below;
        int high = atMost;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (Element(ids[middle]).Member.AsSpan().SequenceCompareTo(member) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    /// <summary>How many of the sorted <paramref name="scores"/> are below <paramref name="score"/>, and how many at most it.</summary>
    private static (int Below, int AtMost) CountBelowAndAtMost(ReadOnlySpan<double> scores, double score)
    {
        int i = 0;
        long below = 0;
        long atMost = 0;
        if (Vector256.IsHardwareAccelerated && scores.Length >= Vector256<double>.Count)
        {
            Vector256<double> key = Vector256.Create(score);
            Vector256<long> belowLanes = Vector256<long>.Zero;
            Vector256<long> atMostLanes = Vector256<long>.Zero;
            ref double first = ref MemoryMarshal.GetReference(scores);
            for (; i <= scores.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                Vector256<double> values = Vector256.LoadUnsafe(ref first, (nuint)i);
                // A true lane is all ones (-1): subtracting counts it.
                belowLanes -= Vector256.LessThan(values, key).AsInt64();
                atMostLanes -= Vector256.LessThanOrEqual(values, key).AsInt64();
            }
            below = Vector256.Sum(belowLanes);
            atMost = Vector256.Sum(atMostLanes);
        }
        for (; i < scores.Length; i++)
        {
            double value = scores[i];
            below += value < score ? 1 : 0;
            atMost += value <= score ? 1 : 0;
        }
        return ((int)below, (int)atMost);
    }

    /// <summary>The child of an inner node whose range holds (score, member): the last whose separator is at most it
    /// (child 0 when none of the others is). Separators are counted as a leaf's scores are (<see cref="LowerBound"/>).</summary>
    private int ChildFor(int node, double score, ReadOnlySpan<byte> member)
    {
        int start = node * InnerCapacity;
        (int below, int atMost) = CountBelowAndAtMost(_innerScores.AsSpan(start + 1, _innerSize[node] - 1), score);
        int low = below + 1;
        int high = atMost + 1;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_innerMembers[start + middle].AsSpan().SequenceCompareTo(member) <= 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low - 1;
    }

    /// <summary>Descends to the leaf whose range holds (score, member), filling the path.</summary>
    private int Descend(double score, ReadOnlySpan<byte> member)
    {
        int node = _root;
        for (int level = 0; level < _height; level++)
        {
            int slot = ChildFor(node, score, member);
            _pathNodes[level] = node;
            _pathSlots[level] = slot;
            node = _innerChildren[node * InnerCapacity + slot];
        }
        return node;
    }

    /// <summary>The leaf and index of a live element's entry (fills the path).</summary>
    private int FindEntry(int id, out int index)
    {
        ref SortedSetElement element = ref Element(id);
        Invariant.Require(id > 0 && id < _elementLimit && element.Member is not null, "looking up a free element");
        int leaf = Descend(element.Score, element.Member);
        index = LowerBound(LeafScores(leaf), LeafIds(leaf), _leafCount[leaf], element.Score, element.Member);
        Invariant.Require(index < _leafCount[leaf] && LeafIds(leaf)[index] == id, "an element is not where its key says");
        return leaf;
    }

    /// <summary>Puts a live element's entry into the tree at its key, splitting full nodes on the way back up.</summary>
    private void InsertEntry(int id, double score, byte[] member)
    {
        int leaf = Descend(score, member);
        for (int level = 0; level < _height; level++)
        {
            _innerCounts[_pathNodes[level] * InnerCapacity + _pathSlots[level]]++;
        }
        int n = _leafCount[leaf];
        int index = LowerBound(LeafScores(leaf), LeafIds(leaf), n, score, member);
        _count++;
        if (n < LeafCapacity)
        {
            PutEntry(leaf, index, score, id);
            return;
        }
        // Full: split. Appending past the last entry of the set (a load in ascending order) keeps the full leaf full
        // and starts a new one, so sorted loads leave leaves full instead of half full.
        int split = index == n && _leafNext[leaf] == 0 ? n : n / 2;
        int right = AllocateLeaf();
        LeafScores(leaf).Slice(split, n - split).CopyTo(LeafScores(right));
        LeafIds(leaf).Slice(split, n - split).CopyTo(LeafIds(right));
        _leafCount[right] = n - split;
        _leafCount[leaf] = split;
        int next = _leafNext[leaf];
        _leafNext[right] = next;
        _leafPrevious[right] = leaf;
        _leafNext[leaf] = right;
        if (next != 0)
        {
            _leafPrevious[next] = right;
        }
        if (index >= split)
        {
            PutEntry(right, index - split, score, id);
        }
        else
        {
            PutEntry(leaf, index, score, id);
        }
        int firstId = LeafIds(right)[0];
        InsertChild(_height - 1, leaf, right, _leafCount[leaf], _leafCount[right], LeafScores(right)[0], Element(firstId).Member!);
    }

    private void PutEntry(int leaf, int index, double score, int id)
    {
        int n = _leafCount[leaf];
        Span<double> scores = LeafScores(leaf);
        Span<int> ids = LeafIds(leaf);
        scores.Slice(index, n - index).CopyTo(scores.Slice(index + 1));
        ids.Slice(index, n - index).CopyTo(ids.Slice(index + 1));
        scores[index] = score;
        ids[index] = id;
        _leafCount[leaf] = n + 1;
    }

    /// <summary>
    /// Registers <paramref name="right"/>, split off <paramref name="left"/> (the path's child at <paramref name="level"/>
    /// + 1), in the parent at <paramref name="level"/> (a new root when -1), with both counts and right's separator;
    /// splits the parent in turn when it is full.
    /// </summary>
    private void InsertChild(int level, int left, int right, int leftCount, int rightCount, double separatorScore, byte[] separatorMember)
    {
        if (level < 0)
        {
            int root = AllocateInner();
            int start = root * InnerCapacity;
            _innerChildren[start] = left;
            _innerCounts[start] = leftCount;
            _innerScores[start] = double.NegativeInfinity;
            _innerMembers[start] = [];
            _innerChildren[start + 1] = right;
            _innerCounts[start + 1] = rightCount;
            _innerScores[start + 1] = separatorScore;
            _innerMembers[start + 1] = separatorMember;
            _innerSize[root] = 2;
            _root = root;
            _height++;
            Invariant.Require(_height < MaxHeight, "sorted set tree too tall");
            return;
        }
        int node = _pathNodes[level];
        int slot = _pathSlots[level];
        _innerCounts[node * InnerCapacity + slot] = leftCount;
        int size = _innerSize[node];
        if (size < InnerCapacity)
        {
            PutChild(node, slot + 1, right, rightCount, separatorScore, separatorMember);
            return;
        }
        // Always in halves (unlike a leaf): an inner node other than the root then has at least two children, so every
        // leaf has a sibling to merge with or borrow from.
        int split = size / 2;
        int sibling = AllocateInner();
        MoveChildren(node, split, sibling, 0, size - split);
        _innerSize[node] = split;
        _innerSize[sibling] = size - split;
        if (slot + 1 >= split)
        {
            PutChild(sibling, slot + 1 - split, right, rightCount, separatorScore, separatorMember);
        }
        else
        {
            PutChild(node, slot + 1, right, rightCount, separatorScore, separatorMember);
        }
        int siblingStart = sibling * InnerCapacity;
        InsertChild(level - 1, node, sibling, SumCounts(node), SumCounts(sibling),
            _innerScores[siblingStart], _innerMembers[siblingStart]!);
    }

    private void PutChild(int node, int slot, int child, int count, double separatorScore, byte[] separatorMember)
    {
        int size = _innerSize[node];
        MoveChildren(node, slot, node, slot + 1, size - slot);
        int at = node * InnerCapacity + slot;
        _innerChildren[at] = child;
        _innerCounts[at] = count;
        _innerScores[at] = separatorScore;
        _innerMembers[at] = separatorMember;
        _innerSize[node] = size + 1;
    }

    private void MoveChildren(int from, int fromSlot, int to, int toSlot, int length)
    {
        int source = from * InnerCapacity + fromSlot;
        int target = to * InnerCapacity + toSlot;
        Array.Copy(_innerChildren, source, _innerChildren, target, length);
        Array.Copy(_innerCounts, source, _innerCounts, target, length);
        Array.Copy(_innerScores, source, _innerScores, target, length);
        Array.Copy(_innerMembers, source, _innerMembers, target, length);
    }

    private int SumCounts(int node)
    {
        int sum = 0;
        foreach (int c in _innerCounts.AsSpan(node * InnerCapacity, _innerSize[node]))
        {
            sum += c;
        }
        return sum;
    }

    /// <summary>
    /// Removes <paramref name="length"/> entries of a leaf from <paramref name="index"/> on (the path leads to the leaf),
    /// then merges or rebalances the leaf and its ancestors that fell below a quarter full.
    /// </summary>
    private void RemoveEntries(int leaf, int index, int length)
    {
        for (int depth = 0; depth < _height; depth++)
        {
            _innerCounts[_pathNodes[depth] * InnerCapacity + _pathSlots[depth]] -= length;
        }
        int n = _leafCount[leaf];
        Span<double> scores = LeafScores(leaf);
        Span<int> ids = LeafIds(leaf);
        scores.Slice(index + length, n - index - length).CopyTo(scores.Slice(index));
        ids.Slice(index + length, n - index - length).CopyTo(ids.Slice(index));
        n -= length;
        _leafCount[leaf] = n;
        _count -= length;
        if (_height == 0 || n >= LeafMinimum)
        {
            return;
        }
        int level = _height - 1;
        int parent = _pathNodes[level];
        int leftSlot = _pathSlots[level] > 0 ? _pathSlots[level] - 1 : 0;
        int parentStart = parent * InnerCapacity;
        int left = _innerChildren[parentStart + leftSlot];
        int right = _innerChildren[parentStart + leftSlot + 1];
        int leftCount = _leafCount[left];
        int rightCount = _leafCount[right];
        if (leftCount + rightCount <= LeafCapacity)
        {
            LeafScores(right).Slice(0, rightCount).CopyTo(LeafScores(left).Slice(leftCount));
            LeafIds(right).Slice(0, rightCount).CopyTo(LeafIds(left).Slice(leftCount));
            _leafCount[left] = leftCount + rightCount;
            int next = _leafNext[right];
            _leafNext[left] = next;
            if (next != 0)
            {
                _leafPrevious[next] = left;
            }
            FreeLeaf(right);
            _innerCounts[parentStart + leftSlot] += _innerCounts[parentStart + leftSlot + 1];
            RemoveChild(parent, leftSlot + 1);
            RebalanceInner(level);
            return;
        }
        // Borrow: even the two out (each ends with more than half a leaf), and move right's separator to its new first.
        int total = leftCount + rightCount;
        int newLeft = total / 2;
        if (leftCount < newLeft)
        {
            int moved = newLeft - leftCount;
            LeafScores(right).Slice(0, moved).CopyTo(LeafScores(left).Slice(leftCount));
            LeafIds(right).Slice(0, moved).CopyTo(LeafIds(left).Slice(leftCount));
            LeafScores(right).Slice(moved, rightCount - moved).CopyTo(LeafScores(right));
            LeafIds(right).Slice(moved, rightCount - moved).CopyTo(LeafIds(right));
        }
        else
        {
            int moved = leftCount - newLeft;
            LeafScores(right).Slice(0, rightCount).CopyTo(LeafScores(right).Slice(moved));
            LeafIds(right).Slice(0, rightCount).CopyTo(LeafIds(right).Slice(moved));
            LeafScores(left).Slice(newLeft, moved).CopyTo(LeafScores(right));
            LeafIds(left).Slice(newLeft, moved).CopyTo(LeafIds(right));
        }
        _leafCount[left] = newLeft;
        _leafCount[right] = total - newLeft;
        _innerCounts[parentStart + leftSlot] = newLeft;
        _innerCounts[parentStart + leftSlot + 1] = total - newLeft;
        _innerScores[parentStart + leftSlot + 1] = LeafScores(right)[0];
        _innerMembers[parentStart + leftSlot + 1] = Element(LeafIds(right)[0]).Member;
    }

    private void RemoveChild(int node, int slot)
    {
        int size = _innerSize[node];
        MoveChildren(node, slot + 1, node, slot, size - slot - 1);
        _innerMembers[node * InnerCapacity + size - 1] = null;
        _innerSize[node] = size - 1;
    }

    /// <summary>After a child of the path's node at <paramref name="level"/> was merged away: collapses a root of one
    /// child, or merges or rebalances the node with a sibling when below a quarter full, then its parent in turn.</summary>
    private void RebalanceInner(int level)
    {
        int node = _pathNodes[level];
        if (level == 0)
        {
            if (_innerSize[node] == 1)
            {
                _root = _innerChildren[node * InnerCapacity];
                FreeInner(node);
                _height--;
            }
            return;
        }
        if (_innerSize[node] >= InnerMinimum)
        {
            return;
        }
        int parent = _pathNodes[level - 1];
        int parentStart = parent * InnerCapacity;
        int leftSlot = _pathSlots[level - 1] > 0 ? _pathSlots[level - 1] - 1 : 0;
        int left = _innerChildren[parentStart + leftSlot];
        int right = _innerChildren[parentStart + leftSlot + 1];
        int leftSize = _innerSize[left];
        int rightSize = _innerSize[right];
        if (leftSize + rightSize <= InnerCapacity)
        {
            // Right's first child keeps its separator, which is right's own (a lower bound past everything in left).
            MoveChildren(right, 0, left, leftSize, rightSize);
            _innerSize[left] = leftSize + rightSize;
            FreeInner(right);
            _innerCounts[parentStart + leftSlot] += _innerCounts[parentStart + leftSlot + 1];
            RemoveChild(parent, leftSlot + 1);
            RebalanceInner(level - 1);
            return;
        }
        int total = leftSize + rightSize;
        int newLeft = total / 2;
        if (leftSize < newLeft)
        {
            int moved = newLeft - leftSize;
            MoveChildren(right, 0, left, leftSize, moved);
            MoveChildren(right, moved, right, 0, rightSize - moved);
            Array.Clear(_innerMembers, right * InnerCapacity + rightSize - moved, moved);
        }
        else
        {
            int moved = leftSize - newLeft;
            MoveChildren(right, 0, right, moved, rightSize);
            MoveChildren(left, newLeft, right, 0, moved);
            Array.Clear(_innerMembers, left * InnerCapacity + newLeft, moved);
        }
        _innerSize[left] = newLeft;
        _innerSize[right] = total - newLeft;
        _innerCounts[parentStart + leftSlot] = SumCounts(left);
        _innerCounts[parentStart + leftSlot + 1] = SumCounts(right);
        _innerScores[parentStart + leftSlot + 1] = _innerScores[right * InnerCapacity];
        _innerMembers[parentStart + leftSlot + 1] = _innerMembers[right * InnerCapacity];
    }

    // The last leaf may be below a quarter full: an ascending load splits it by starting an empty one.
    private int CheckNode(int node, int depth, bool rightmost, bool[] live, ref bool hasLast, ref double lastScore,
        ref byte[] lastMember, ref int previousLeaf, ref int leaves)
    {
        if (depth == _height)
        {
            int n = _leafCount[node];
            Invariant.Require(n <= LeafCapacity && (n >= LeafMinimum || rightmost), "a leaf below a quarter full");
            Invariant.Require(_leafPrevious[node] == previousLeaf && (previousLeaf == 0 || _leafNext[previousLeaf] == node),
                "leaf links out of order");
            previousLeaf = node;
            leaves++;
            for (int i = 0; i < n; i++)
            {
                int id = LeafIds(node)[i];
                double score = LeafScores(node)[i];
                Invariant.Require(id > 0 && id < _elementLimit && Element(id).Member is not null && !live[id], "a leaf holds a free or repeated id");
                live[id] = true;
                Invariant.Require(score.Equals(Element(id).Score), "a leaf score differs from its element's");
                Invariant.Require(!hasLast || SortedSetEntry.Compare(lastScore, lastMember, score, Element(id).Member) < 0,
                    "entries out of order");
                hasLast = true;
                lastScore = score;
                lastMember = Element(id).Member!;
            }
            return n;
        }
        int size = _innerSize[node];
        Invariant.Require(size <= InnerCapacity && (size >= InnerMinimum || node == _root), "an inner node below a quarter full");
        int total = 0;
        int start = node * InnerCapacity;
        for (int slot = 0; slot < size; slot++)
        {
            double separatorScore = _innerScores[start + slot];
            byte[]? separatorMember = _innerMembers[start + slot];
            Invariant.Require(separatorMember is not null, "a child without a separator");
            bool checkSeparator = hasLast;
            Invariant.Require(!checkSeparator || SortedSetEntry.Compare(lastScore, lastMember, separatorScore, separatorMember) < 0,
                "a separator not past the keys before its child");
            int count = CheckNode(_innerChildren[start + slot], depth + 1, rightmost && slot == size - 1, live, ref hasLast,
                ref lastScore, ref lastMember, ref previousLeaf, ref leaves);
            Invariant.Require(count == _innerCounts[start + slot], "a child count disagrees with its subtree");
            total += count;
        }
        CheckFirstKeys(node, depth);
        return total;
    }

    /// <summary>Every separator in use (slot 1 and on) is at most the first key under its child.</summary>
    private void CheckFirstKeys(int node, int depth)
    {
        int start = node * InnerCapacity;
        for (int slot = 1; slot < _innerSize[node]; slot++)
        {
            int child = _innerChildren[start + slot];
            for (int d = depth + 1; d < _height; d++)
            {
                child = _innerChildren[child * InnerCapacity];
            }
            int id = LeafIds(child)[0];
            Invariant.Require(SortedSetEntry.Compare(_innerScores[start + slot], _innerMembers[start + slot], Element(id).Score, Element(id).Member) <= 0,
                "a separator past the first key of its child");
        }
    }

    private static int ElementCapacityFor(int elements) =>
        (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(elements + 1, MinimumCapacity, MaximumCapacity));

    // Leaf 0 is unused; leaves start about three quarters full in a random load.
    private static int LeafSlotsFor(int elements) =>
        (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(LeafCapacity * (2 + elements / (LeafCapacity / 2)), 2 * LeafCapacity, MaximumCapacity));

    private static T[][] CloneChunks<T>(T[][] chunks)
    {
        var copy = new T[chunks.Length][];
        for (int i = 0; i < chunks.Length && chunks[i] is not null; i++)
        {
            copy[i] = (T[])chunks[i].Clone();
        }
        return copy;
    }

    private SortedSetTree(SortedSetTree source)
    {
        _elements = CloneChunks(source._elements);
        _elementCapacity = source._elementCapacity;
        _indexCapacity = source._indexCapacity;
        _index = source._index.Clone();
        _elementLimit = source._elementLimit;
        _freeElement = source._freeElement;
        _leafScores = CloneChunks(source._leafScores);
        _leafIds = CloneChunks(source._leafIds);
        _leafSlotCapacity = source._leafSlotCapacity;
        _leafCount = (int[])source._leafCount.Clone();
        _leafNext = (int[])source._leafNext.Clone();
        _leafPrevious = (int[])source._leafPrevious.Clone();
        _leafLimit = source._leafLimit;
        _freeLeaf = source._freeLeaf;
        _innerSize = (int[])source._innerSize.Clone();
        _innerChildren = (int[])source._innerChildren.Clone();
        _innerCounts = (int[])source._innerCounts.Clone();
        _innerScores = (double[])source._innerScores.Clone();
        _innerMembers = (byte[]?[])source._innerMembers.Clone();
        _innerLimit = source._innerLimit;
        _freeInner = source._freeInner;
        _root = source._root;
        _height = source._height;
        _count = source._count;
    }

    private SortedSetTree(SortedSetTree source, SharedArrays shared)
    {
        Invariant.Require(source._shared is null, "a sorted set is shared with one snapshot at a time");
        _elements = (SortedSetElement[][])source._elements.Clone();
        foreach (SortedSetElement[]? chunk in _elements)
        {
            if (chunk is not null)
            {
                shared.Add(chunk);
            }
        }
        _elementCapacity = source._elementCapacity;
        _elementLimit = source._elementLimit;
        _count = source._count;
        _index = null!; // a view is never searched
        _leafScores = [];
        _leafIds = [];
        _leafCount = [];
        _leafNext = [];
        _leafPrevious = [];
        _innerSize = [];
        _innerChildren = [];
        _innerCounts = [];
        _innerScores = [];
        _innerMembers = [];
        source._shared = shared;
    }

    /// <summary>Empty: one empty leaf as the root; the inner arrays released.</summary>
    private void Clear()
    {
        _elementLimit = 1;
        _freeElement = 0;
        _leafLimit = 1;
        _freeLeaf = 0;
        _innerSize = new int[MinimumInnerNodes];
        _innerChildren = new int[MinimumInnerNodes * InnerCapacity];
        _innerCounts = new int[MinimumInnerNodes * InnerCapacity];
        _innerScores = new double[MinimumInnerNodes * InnerCapacity];
        _innerMembers = new byte[]?[MinimumInnerNodes * InnerCapacity];
        _innerLimit = 1;
        _freeInner = 0;
        _height = 0;
        _count = 0;
        _root = AllocateLeaf();
    }

    private void ShrinkIfEmpty()
    {
        if (_count != 0)
        {
            return;
        }
        // Empty: start over small, so a drained set does not keep its peak size (no scan can be in progress that needs
        // its old ids: it has nothing left to return).
        _indexCapacity = MinimumCapacity;
        _elements = SlotChunks.Create<SortedSetElement>(MinimumCapacity, out _elementCapacity);
        _index = new MemberIndex(MinimumCapacity);
        _leafScores = SlotChunks.Create<double>(2 * LeafCapacity, out _leafSlotCapacity);
        _leafIds = SlotChunks.Create<int>(2 * LeafCapacity, out _);
        _leafCount = new int[2];
        _leafNext = new int[2];
        _leafPrevious = new int[2];
        Clear();
    }

    private int AllocateElement()
    {
        if (_freeElement != 0)
        {
            int reused = _freeElement;
            ref SortedSetElement element = ref WritableElement(reused);
            _freeElement = element.NextFree;
            element.NextFree = 0;
            return reused;
        }
        if (_elementLimit == _elementCapacity)
        {
            Invariant.Require(_elementCapacity < MaximumCapacity, "sorted set too large");
            _elementCapacity = SlotChunks.Grow(ref _elements, _elementCapacity);
            if (_elementCapacity > _indexCapacity)
            {
                _indexCapacity = (int)BitOperations.RoundUpToPowerOf2((uint)_elementCapacity);
                _index.Rebuild(_indexCapacity, _elements, _elementLimit);
            }
        }
        return _elementLimit++;
    }

    /// <summary>Frees a live element (its leaf entry is removed separately) and drops it from the index.</summary>
    private void FreeElement(int id)
    {
        ref SortedSetElement element = ref WritableElement(id);
        _index.Remove(id, element.Hash, _elements);
        element = default;
        element.NextFree = _freeElement;
        _freeElement = id;
    }

    private int AllocateLeaf()
    {
        int leaf;
        if (_freeLeaf != 0)
        {
            leaf = _freeLeaf;
            _freeLeaf = _leafNext[leaf];
        }
        else
        {
            if ((_leafLimit + 1) * LeafCapacity > _leafSlotCapacity)
            {
                Invariant.Require(_leafSlotCapacity < MaximumCapacity, "sorted set too large");
                int capacity = GrowLeafChunks(ref _leafScores, _leafSlotCapacity);
                GrowLeafChunks(ref _leafIds, _leafSlotCapacity);
                _leafSlotCapacity = capacity;
                // The per-leaf arrays double: grown a chunk's 256 leaves at a time, a 1M-member load copied them 120
                // times (about 20 MB of garbage, held as RSS).
                int leaves = capacity / LeafCapacity;
                if (leaves > _leafCount.Length)
                {
                    int length = Math.Max(leaves, _leafCount.Length * 2);
                    Array.Resize(ref _leafCount, length);
                    Array.Resize(ref _leafNext, length);
                    Array.Resize(ref _leafPrevious, length);
                }
            }
            leaf = _leafLimit++;
        }
        _leafCount[leaf] = 0;
        _leafNext[leaf] = 0;
        _leafPrevious[leaf] = 0;
        return leaf;
    }

    /// <summary>
    /// <see cref="SlotChunks.Grow"/>, except that a full-size chunk is allocated on the pinned object heap: at 64 KiB and
    /// 32 KiB the leaf chunks are below the large-object threshold, so they were born in generation 0 and copied up
    /// through the generations, and the process kept that room (bench/memory.sh's 1M-member set: 97 B of RSS per member,
    /// 90 on the pinned heap). The pinned heap never moves them, and they live as long as the set.
    /// </summary>
    private static int GrowLeafChunks<T>(ref T[][] chunks, int capacity)
    {
        if (capacity < SlotChunks.Slots)
        {
            return SlotChunks.Grow(ref chunks, capacity);
        }
        int count = capacity >> SlotChunks.Shift;
        if (count == chunks.Length)
        {
            Array.Resize(ref chunks, count * 2);
        }
        chunks[count] = GC.AllocateArray<T>(SlotChunks.Slots, pinned: true);
        return capacity + SlotChunks.Slots;
    }

    private void FreeLeaf(int leaf)
    {
        _leafCount[leaf] = 0;
        _leafPrevious[leaf] = 0;
        _leafNext[leaf] = _freeLeaf;
        _freeLeaf = leaf;
    }

    private int AllocateInner()
    {
        int node;
        if (_freeInner != 0)
        {
            node = _freeInner;
            _freeInner = _innerChildren[node * InnerCapacity];
        }
        else
        {
            if (_innerLimit == _innerSize.Length)
            {
                int nodes = _innerSize.Length * 2;
                Array.Resize(ref _innerSize, nodes);
                Array.Resize(ref _innerChildren, nodes * InnerCapacity);
                Array.Resize(ref _innerCounts, nodes * InnerCapacity);
                Array.Resize(ref _innerScores, nodes * InnerCapacity);
                Array.Resize(ref _innerMembers, nodes * InnerCapacity);
            }
            node = _innerLimit++;
        }
        _innerSize[node] = 0;
        return node;
    }

    private void FreeInner(int node)
    {
        Array.Clear(_innerMembers, node * InnerCapacity, InnerCapacity);
        _innerSize[node] = 0;
        _innerChildren[node * InnerCapacity] = _freeInner;
        _freeInner = node;
    }
}
