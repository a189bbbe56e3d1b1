using System.Runtime.InteropServices;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// A Redis sorted set: unique members ordered by (score, member bytes), in one of two encodings as Redis 7.0 keeps them.
/// <list type="bullet">
/// <item>listpack: a sorted array of entries, searched linearly; while it holds at most
/// <see cref="SortedSetEncodingLimits.MaxListpackEntries"/> members of at most
/// <see cref="SortedSetEncodingLimits.MaxListpackValueBytes"/> bytes.</item>
/// <item>skiplist (Redis's name, kept for OBJECT ENCODING): a <see cref="SortedSetTree"/>, an order-statistic B+tree
/// (O(log n) ranks) over an element slab with a member → element index (O(1) scores), in flat arrays (element ids serve
/// as ZSCAN cursors).</item>
/// </list>
/// Writes convert a listpack to a skiplist past the limits; nothing converts back except building a new set
/// (<see cref="FromEntries"/>), as in Redis. Ranks here are 0-based. <see cref="MemoryUsageBytes"/> is kept incrementally.
/// Thread safety: none; the store lock serialises access. Walking while modifying is not allowed.
/// </summary>
public sealed class SortedSetObject : DataObject
{
    private const long BaseBytes = 48;
    private const long ListpackEntryOverheadBytes = 12;
    private const long TreeEntryOverheadBytes = 96;

    private List<SortedSetEntry>? _entries;
    private SortedSetTree? _tree;
    private long _memoryBytes = BaseBytes;

    private SortedSetObject(bool listpack, int capacity)
    {
        if (listpack)
        {
            _entries = new List<SortedSetEntry>(Math.Min(capacity, SortedSetEncodingLimits.MaxListpackEntries));
        }
        else
        {
            _tree = new SortedSetTree(capacity);
        }
    }

    private SortedSetObject(SortedSetTree tree, long memoryBytes)
    {
        _tree = tree;
        _memoryBytes = memoryBytes;
    }

    /// <summary>The set ZADD creates for its first member: a skiplist when that member alone is past the listpack limits.</summary>
    public static SortedSetObject CreateFor(ReadOnlySpan<byte> firstMember)
    {
        bool listpack = SortedSetEncodingLimits.MaxListpackEntries != 0
            && firstMember.Length <= SortedSetEncodingLimits.MaxListpackValueBytes;
        return new SortedSetObject(listpack, 4);
    }

    /// <summary>
    /// Builds a set from entries with distinct members, in any order (STORE results). It is a listpack when it fits the
    /// limits (Redis's zsetConvertToListpackIfNeeded). May reorder <paramref name="entries"/>.
    /// </summary>
    public static SortedSetObject FromEntries(List<SortedSetEntry> entries) => Build(entries, rejectDuplicates: false);

    /// <summary>
    /// As <see cref="FromEntries"/>, for entries read from a file (a snapshot writes a large set in its element slab's
    /// order): a member given twice is damage, an <see cref="InvalidDataException"/>, never a set with a broken index.
    /// </summary>
    public static SortedSetObject Load(List<SortedSetEntry> entries) => Build(entries, rejectDuplicates: true);

    private static SortedSetObject Build(List<SortedSetEntry> entries, bool rejectDuplicates)
    {
        int longest = 0;
        long memberBytes = 0;
        foreach (SortedSetEntry entry in entries)
        {
            longest = Math.Max(longest, entry.Member.Length);
            memberBytes += entry.Member.Length;
        }
        bool listpack = entries.Count <= SortedSetEncodingLimits.MaxListpackEntries
            && longest <= SortedSetEncodingLimits.MaxListpackValueBytes;
        return listpack ? BuildListpack(entries, rejectDuplicates) : BuildTree(entries, memberBytes, rejectDuplicates);
    }

    private static SortedSetObject BuildListpack(List<SortedSetEntry> entries, bool rejectDuplicates)
    {
        CollectionsMarshal.AsSpan(entries).Sort(new EntryOrder());
        var set = new SortedSetObject(listpack: true, entries.Count);
        // A listpack has no index to ask (and may be long under raised limits).
        HashSet<byte[]>? seen = rejectDuplicates ? new(entries.Count, ByteArrayComparer.Instance) : null;
        foreach (SortedSetEntry entry in entries)
        {
            if (seen is not null && !seen.Add(entry.Member))
            {
                throw new InvalidDataException("duplicate sorted set member");
            }
            set.ListInsert(entry.Score, entry.Member);
        }
        return set;
    }

    private static SortedSetObject BuildTree(List<SortedSetEntry> entries, long memberBytes, bool rejectDuplicates)
    {
        // A snapshot writes a large set in its element slab's order, so the reader allocated the members in that order,
        // which is random in score order. The members are therefore hashed here, in the order they came; the sort moves
        // only scores and positions (members are compared only where scores tie); the entries are gathered into score
        // order once; and the tree is filled from them leaf by leaf (SortedSetTree.TryFillSorted), reading them in
        // sequence. Sorting the entries themselves (references moved through write barriers, members' lengths read per
        // comparison), hashing in score order and inserting one by one loaded a 950k-member set in 1.1-1.4 s rather
        // than 0.8-1.0 s (bench/README, session 25).
        ReadOnlySpan<SortedSetEntry> input = CollectionsMarshal.AsSpan(entries);
        int n = input.Length;
        var hashes = new int[n];
        var scores = new double[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            hashes[i] = ByteArrayComparer.Hash(input[i].Member);
            scores[i] = input[i].Score;
            order[i] = i;
        }
        // Runs of tied scores are then ordered by member: the fill takes the entries in the set's order. -0 and 0 tie
        // here as in SortedSetEntry.Compare; NaN never reaches a set.
        scores.AsSpan().Sort(order.AsSpan());
        for (int start = 0, end; start < n; start = end)
        {
            for (end = start + 1; end < n && scores[end] == scores[start]; end++)
            {
            }
            if (end - start > 1)
            {
                order.AsSpan(start, end - start).Sort(new MemberOrder(entries));
            }
        }
        var sorted = new SortedSetEntry[n];
        Span<int> sortedHashes = order; // order[i] is read before it is overwritten with that entry's hash
        for (int i = 0; i < n; i++)
        {
            int position = order[i];
            sorted[i] = input[position];
            sortedHashes[i] = hashes[position];
        }
        var set = new SortedSetObject(listpack: false, n);
        if (!set._tree!.TryFillSorted(sorted, sortedHashes))
        {
            Invariant.Require(rejectDuplicates, "building a sorted set from entries with a repeated member");
            throw new InvalidDataException("duplicate sorted set member");
        }
        set._memoryBytes += memberBytes + n * TreeEntryOverheadBytes;
        return set;
    }

    /// <summary>The set's order as a comparer (a struct, so the sort is compiled for it).</summary>
    private readonly struct EntryOrder : IComparer<SortedSetEntry>
    {
        public int Compare(SortedSetEntry a, SortedSetEntry b) => SortedSetEntry.Compare(a.Score, a.Member, b.Score, b.Member);
    }

    /// <summary>Positions in <c>entries</c> ordered by their members' bytes (for runs of tied scores).</summary>
    private readonly struct MemberOrder(List<SortedSetEntry> entries) : IComparer<int>
    {
        public int Compare(int a, int b) => entries[a].Member.AsSpan().SequenceCompareTo(entries[b].Member);
    }

    public override DataType Type => DataType.SortedSet;

    public override string Encoding => _entries is not null ? "listpack" : "skiplist";

    public bool IsListpack => _entries is not null;

    public override long MemoryUsageBytes => _memoryBytes;

    public override long Length => _entries?.Count ?? _tree!.Length;

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (_entries is not null)
        {
            int index = ListIndexOf(member);
            score = index >= 0 ? _entries[index].Score : 0;
            return index >= 0;
        }
        int id = _tree!.Find(member, out _);
        score = id != 0 ? _tree.ScoreOf(id) : 0;
        return id != 0;
    }

    /// <summary>0-based rank in ascending order, or -1 when absent.</summary>
    public long RankOf(ReadOnlySpan<byte> member)
    {
        if (_entries is not null)
        {
            return ListIndexOf(member);
        }
        int id = _tree!.Find(member, out _);
        return id != 0 ? _tree.RankOf(id) : -1;
    }

    /// <summary>The element at a 0-based rank. REQUIRES: 0 &lt;= rank &lt; Length.</summary>
    public SortedSetEntry ElementAt(long rank)
    {
        Invariant.Require(rank >= 0 && rank < Length, "rank out of range");
        if (_entries is not null)
        {
            return _entries[(int)rank];
        }
        int id = _tree!.IdAtRank(rank);
        return new SortedSetEntry(_tree.MemberOf(id), _tree.ScoreOf(id));
    }

    /// <summary>The ranks [Start, End) of the elements whose scores lie in <paramref name="range"/>; empty when Start == End.</summary>
    public (long Start, long End) RankSpan(in ScoreRange range)
    {
        long start = CountPrefix(new BelowScoreMin(range));
        long end = CountPrefix(new AtMostScoreMax(range));
        return (start, Math.Max(start, end));
    }

    /// <summary>
    /// The ranks [Start, End) of the members in <paramref name="range"/>, assuming members are in lex order (all scores
    /// equal). Like Redis's zslIsInLexRange, nothing matches unless the last member is at least the minimum and the first
    /// at most the maximum, which also decides Redis's answer for many sets whose scores differ.
    /// </summary>
    public (long Start, long End) RankSpan(in LexRange range)
    {
        if (Length == 0 || !range.IsAtMostMax(ElementAt(0).Member) || range.IsBelowMin(ElementAt(Length - 1).Member))
        {
            return (0, 0);
        }
        long start = CountPrefix(new BelowLexMin(range));
        long end = CountPrefix(new AtMostLexMax(range));
        return (start, Math.Max(start, end));
    }

    /// <summary>Walks elements from a 0-based rank, forwards or backwards. REQUIRES: 0 &lt;= startRank &lt; Length.</summary>
    public Walker Walk(long startRank, bool reverse) => new(this, startRank, reverse);

    /// <summary>
    /// ZADD of one element (Redis's zsetAdd) under <paramref name="flags"/>; <paramref name="newScore"/> is the score
    /// the member has afterwards when the result is Added, Updated or Unchanged.
    /// </summary>
    public ZAddResult Add(double score, ReadOnlySpan<byte> member, ZAddFlags flags, out double newScore)
    {
        newScore = score;
        if (double.IsNaN(score))
        {
            return ZAddResult.NotANumber;
        }
        if (_entries is not null)
        {
            int index = ListIndexOf(member);
            if (index >= 0)
            {
                return UpdateExisting(_entries[index].Score, ref score, flags, out newScore) switch
                {
                    ZAddResult.Updated => ListReplace(index, score),
                    ZAddResult other => other,
                };
            }
            if ((flags & ZAddFlags.Xx) != 0)
            {
                return ZAddResult.Skipped;
            }
            if (_entries.Count + 1 <= SortedSetEncodingLimits.MaxListpackEntries
                && member.Length <= SortedSetEncodingLimits.MaxListpackValueBytes)
            {
                ListInsert(score, member.ToArray());
                return ZAddResult.Added;
            }
            ConvertToTree();
        }
        // One hash of the member serves the look-up and, when absent, the insert.
        int existing = _tree!.Find(member, out int hash);
        if (existing != 0)
        {
            ZAddResult result = UpdateExisting(_tree.ScoreOf(existing), ref score, flags, out newScore);
            if (result == ZAddResult.Updated)
            {
                _tree.UpdateScore(existing, score);
            }
            return result;
        }
        if ((flags & ZAddFlags.Xx) != 0)
        {
            return ZAddResult.Skipped;
        }
        TreeAdd(score, member.ToArray(), hash);
        return ZAddResult.Added;
    }

    /// <summary>Removes a member; false when absent.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_entries is not null)
        {
            int index = ListIndexOf(member);
            if (index < 0)
            {
                return false;
            }
            ListRemoveRange(index, 1);
            return true;
        }
        int id = _tree!.Find(member, out _);
        if (id == 0)
        {
            return false;
        }
        _memoryBytes -= _tree.MemberOf(id).Length + TreeEntryOverheadBytes;
        _tree.Delete(id);
        return true;
    }

    /// <summary>Removes the elements with 0-based ranks in [start, end]; returns how many. REQUIRES: 0 &lt;= start &lt;= end &lt; Length.</summary>
    public long RemoveRankRange(long start, long end)
    {
        Invariant.Require(start >= 0 && start <= end && end < Length, "rank range out of bounds");
        long count = end - start + 1;
        if (_entries is not null)
        {
            ListRemoveRange((int)start, (int)count);
            return count;
        }
        long memberBytes = _tree!.DeleteRun(start, count);
        _memoryBytes -= memberBytes + count * TreeEntryOverheadBytes;
        return count;
    }

    /// <summary>A uniformly chosen element. REQUIRES: Length &gt; 0.</summary>
    public SortedSetEntry RandomElement(IRandomSource random)
    {
        Invariant.Require(Length > 0, "random element of an empty sorted set");
        if (_entries is not null)
        {
            return _entries[random.NextInt(_entries.Count)];
        }
        int id = _tree!.RandomElement(random);
        return new SortedSetEntry(_tree.MemberOf(id), _tree.ScoreOf(id));
    }

    /// <summary>
    /// One ZSCAN step from <paramref name="cursor"/>: appends up to <paramref name="count"/> elements and returns the
    /// next cursor (0 when done). A listpack returns everything at once, as Redis does.
    /// </summary>
    public long Scan(long cursor, int count, List<SortedSetEntry> output)
    {
        if (_entries is not null)
        {
            output.AddRange(_entries);
            return 0;
        }
        return _tree!.Scan(cursor, count, output);
    }

    public override void PrefetchMembers(ReadOnlySpan<int> hashes) => _tree?.PrefetchMembers(hashes);

    public override bool HasMemberTable => _tree is not null;

    /// <summary>A tree: its element chunks can be shared with a snapshot.</summary>
    public override bool HasSnapshotView => _tree is not null;

    /// <summary>The view of a tree-encoded set: its element chunks shared (<see cref="SortedSetTree.Share"/>), no member
    /// copied. It answers <see cref="Length"/>, <see cref="NextPosition"/> and <see cref="EntryAtPosition"/> only.</summary>
    public override DataObject BeginSnapshotView(Collections.SharedArrays shared) =>
        new SortedSetObject(_tree!.Share(shared), _memoryBytes);

    public override void EndSnapshotView(Collections.SharedArrays shared) => _tree?.Unshare(shared);

    /// <summary>
    /// The first position from <paramref name="position"/> on, or -1 past the last: a listpack's index (ascending
    /// order) or a tree's element id (the element slab's order, which is not the set's; ids stay put while their
    /// elements live). What a snapshot iterates: positions need no walk of the tree, so a view can be read.
    /// </summary>
    public int NextPosition(int position)
    {
        if (_entries is not null)
        {
            return position < _entries.Count ? position : -1;
        }
        int id = _tree!.NextLive(position);
        return id != 0 ? id : -1;
    }

    /// <summary>The element at a position <see cref="NextPosition"/> returned.</summary>
    public SortedSetEntry EntryAtPosition(int position) =>
        _entries is not null ? _entries[position] : new SortedSetEntry(_tree!.MemberOf(position), _tree.ScoreOf(position));

    public override DataObject Clone()
    {
        if (_tree is not null)
        {
            // Same arrays, same ids: a copy of the arrays instead of n inserts.
            return new SortedSetObject(_tree.Clone(), _memoryBytes);
        }
        var copy = new SortedSetObject(_entries is not null, (int)Length);
        for (Walker walker = Length == 0 ? default : Walk(0, reverse: false); walker.MoveNext();)
        {
            copy.AppendOrInsert(walker.Current.Score, walker.Current.Member);
        }
        return copy;
    }

    /// <summary>Iterates elements by rank from a start, along the tree's leaves (O(1) a step after an O(log n) seek).</summary>
    public struct Walker
    {
        private readonly SortedSetObject? _set;
        private readonly bool _reverse;
        private long _rank;
        private int _leaf;
        private int _index;
        private bool _started;

        internal Walker(SortedSetObject set, long startRank, bool reverse)
        {
            Invariant.Require(startRank >= 0 && startRank < set.Length, "walk start out of range");
            _set = set;
            _reverse = reverse;
            _rank = startRank;
            _leaf = 0;
            _index = 0;
            _started = false;
            Current = default;
        }

        public SortedSetEntry Current { get; private set; }

        public bool MoveNext()
        {
            if (_set is null)
            {
                return false;
            }
            if (_set._entries is { } entries)
            {
                if (_started)
                {
                    _rank += _reverse ? -1 : 1;
                }
                _started = true;
                if (_rank < 0 || _rank >= entries.Count)
                {
                    return false;
                }
                Current = entries[(int)_rank];
                return true;
            }
            SortedSetTree tree = _set._tree!;
            if (!_started)
            {
                _leaf = tree.Locate(_rank, out _index);
                _started = true;
            }
            else if (_leaf != 0 && !(_reverse ? tree.StepBackward(ref _leaf, ref _index) : tree.StepForward(ref _leaf, ref _index)))
            {
                _leaf = 0;
            }
            if (_leaf == 0)
            {
                return false;
            }
            int id = tree.IdAt(_leaf, _index);
            Current = new SortedSetEntry(tree.MemberOf(id), tree.ScoreOf(id));
            return true;
        }
    }

    private static ZAddResult UpdateExisting(double current, ref double score, ZAddFlags flags, out double newScore)
    {
        newScore = current;
        if ((flags & ZAddFlags.Nx) != 0)
        {
            return ZAddResult.Skipped;
        }
        if ((flags & ZAddFlags.Incr) != 0)
        {
            score += current;
            if (double.IsNaN(score))
            {
                return ZAddResult.NotANumber;
            }
        }
        if (((flags & ZAddFlags.Lt) != 0 && score >= current) || ((flags & ZAddFlags.Gt) != 0 && score <= current))
        {
            return ZAddResult.Skipped;
        }
        newScore = score;
        return score != current ? ZAddResult.Updated : ZAddResult.Unchanged;
    }

    private long CountPrefix<TPredicate>(in TPredicate predicate)
        where TPredicate : struct, IPrefixPredicate
    {
        if (_entries is null)
        {
            return _tree!.CountPrefix(predicate);
        }
        int count = 0;
        while (count < _entries.Count && predicate.Holds(_entries[count].Score, _entries[count].Member))
        {
            count++;
        }
        return count;
    }

    private void AppendOrInsert(double score, byte[] member)
    {
        if (_entries is not null)
        {
            ListInsert(score, member);
        }
        else
        {
            TreeAdd(score, member, ByteArrayComparer.Hash(member));
        }
    }

    private int ListIndexOf(ReadOnlySpan<byte> member)
    {
        List<SortedSetEntry> entries = _entries!;
        for (int i = 0; i < entries.Count; i++)
        {
            if (member.SequenceEqual(entries[i].Member))
            {
                return i;
            }
        }
        return -1;
    }

    private void ListInsert(double score, byte[] member)
    {
        if (score == 0)
        {
            // Redis's listpack keeps a score as the text "-0", which it stores as the integer 0: a small set turns -0 into
            // 0 (a skiplist keeps -0, and so does the skiplist form here).
            score = 0;
        }
        List<SortedSetEntry> entries = _entries!;
        int low = 0;
        int high = entries.Count;
        // Appending is the common case for sorted input; check the end before searching.
        if (high > 0 && SortedSetEntry.Compare(entries[high - 1].Score, entries[high - 1].Member, score, member) > 0)
        {
            while (low < high)
            {
                int middle = (low + high) >>> 1;
                if (SortedSetEntry.Compare(entries[middle].Score, entries[middle].Member, score, member) < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }
        }
        else
        {
            low = high;
        }
        entries.Insert(low, new SortedSetEntry(member, score));
        _memoryBytes += member.Length + ListpackEntryOverheadBytes;
    }

    private ZAddResult ListReplace(int index, double score)
    {
        byte[] member = _entries![index].Member;
        ListRemoveRange(index, 1);
        ListInsert(score, member);
        return ZAddResult.Updated;
    }

    private void ListRemoveRange(int index, int count)
    {
        for (int i = index; i < index + count; i++)
        {
            _memoryBytes -= _entries![i].Member.Length + ListpackEntryOverheadBytes;
        }
        _entries!.RemoveRange(index, count);
    }

    private void TreeAdd(double score, byte[] member, int hash)
    {
        _tree!.Insert(score, member, hash);
        _memoryBytes += member.Length + TreeEntryOverheadBytes;
    }

    private void ConvertToTree()
    {
        List<SortedSetEntry> entries = _entries!;
        _entries = null;
        _tree = new SortedSetTree(entries.Count + 1);
        _memoryBytes = BaseBytes;
        foreach (SortedSetEntry entry in entries)
        {
            TreeAdd(entry.Score, entry.Member, ByteArrayComparer.Hash(entry.Member));
        }
    }

    private readonly struct BelowScoreMin(ScoreRange range) : IPrefixPredicate
    {
        public bool Holds(double score, byte[] member) => range.IsBelowMin(score);
    }

    private readonly struct AtMostScoreMax(ScoreRange range) : IPrefixPredicate
    {
        public bool Holds(double score, byte[] member) => range.IsAtMostMax(score);
    }

    private readonly struct BelowLexMin(LexRange range) : IPrefixPredicate
    {
        public bool Holds(double score, byte[] member) => range.IsBelowMin(member);
    }

    private readonly struct AtMostLexMax(LexRange range) : IPrefixPredicate
    {
        public bool Holds(double score, byte[] member) => range.IsAtMostMax(member);
    }
}
