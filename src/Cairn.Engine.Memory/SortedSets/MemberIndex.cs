using System.Numerics;
using Cairn.Primitives;

namespace Cairn.Engine.Memory.SortedSets;

/// <summary>
/// The member → node hash table of a skiplist-encoded sorted set (the dict half of Redis's zset), chained through
/// <see cref="SkipListNode.NextInBucket"/>: the table is one array of node references and the node is the entry, so a
/// member costs 4-8 bytes of bucket instead of a separate slot holding key, value, hash and link (24 bytes plus a 4-byte
/// bucket). Hashes are not stored; a chain step compares members (lengths first), and a resize rehashes the members.
/// The table grows at load 2, not 1 as Redis's dict: a ZADD that moves a member costs two skip-list descents of dozens
/// of node visits, so half a chain step more per look-up is noise, while the buckets (and the garbage a doubling leaves
/// behind until the next full GC) halve: 4 bytes a member less at 1M members.
/// Invariants: every node is in the chain of bucket Hash(member) &amp; (buckets - 1); Count nodes in all; the bucket count
/// is a power of two, grown past load 2 and shrunk below load 1/8.
/// ZSCAN walks buckets with Redis's reverse-binary cursor, so a scan returns every member present for its whole duration
/// even when the table grows or shrinks between calls (possibly some twice).
/// Thread safety: none; the store lock serialises access.
/// </summary>
internal sealed class MemberIndex
{
    private const int MinimumBuckets = 4;
    private const int MaxLoadFactor = 2;
    private const int RandomProbeLimit = 1024;

    private SkipListNode?[] _buckets;

    public MemberIndex(int capacity)
    {
        _buckets = new SkipListNode?[BucketsFor(capacity)];
    }

    public int Count { get; private set; }

    /// <summary>Bytes of the bucket array (for the memory estimate).</summary>
    public long BucketBytes => (long)_buckets.Length * IntPtr.Size;

    public SkipListNode? Find(ReadOnlySpan<byte> member)
    {
        SkipListNode?[] buckets = _buckets;
        SkipListNode? node = buckets[ByteArrayComparer.Hash(member) & (buckets.Length - 1)];
        while (node is not null && !member.SequenceEqual(node.Member))
        {
            node = node.NextInBucket;
        }
        return node;
    }

    /// <summary>Adds a node whose member is absent. REQUIRES: Find(node.Member) is null.</summary>
    public void Add(SkipListNode node)
    {
        if (Count >= _buckets.Length * MaxLoadFactor)
        {
            Resize(_buckets.Length * 2);
        }
        ref SkipListNode? bucket = ref _buckets[ByteArrayComparer.Hash(node.Member) & (_buckets.Length - 1)];
        node.NextInBucket = bucket;
        bucket = node;
        Count++;
    }

    /// <summary>Removes a node. REQUIRES: it is in the index.</summary>
    public void Remove(SkipListNode node)
    {
        ref SkipListNode? link = ref _buckets[ByteArrayComparer.Hash(node.Member) & (_buckets.Length - 1)];
        while (!ReferenceEquals(link, node))
        {
            Invariant.Require(link is not null, "removing a node that is not in the member index");
            link = ref link.NextInBucket;
        }
        link = node.NextInBucket;
        node.NextInBucket = null;
        Count--;
        if (_buckets.Length > MinimumBuckets && Count < _buckets.Length / 8)
        {
            Resize(BucketsFor(Count));
        }
    }

    /// <summary>
    /// A random node: a random non-empty bucket, then a random node of its chain (Redis's dictGetRandomKey).
    /// REQUIRES: Count &gt; 0.
    /// </summary>
    public SkipListNode Random(IRandomSource random)
    {
        Invariant.Require(Count > 0, "random member of an empty index");
        SkipListNode?[] buckets = _buckets;
        SkipListNode? head = null;
        for (int attempt = 0; attempt < RandomProbeLimit && head is null; attempt++)
        {
            head = buckets[random.NextInt(buckets.Length)];
        }
        if (head is null)
        {
            // Only reachable by a long run of bad luck (the load is at least 1/8): take the next non-empty bucket.
            int start = random.NextInt(buckets.Length);
            for (int i = 0; head is null; i++)
            {
                head = buckets[(start + i) & (buckets.Length - 1)];
            }
        }
        int length = 0;
        for (SkipListNode? node = head; node is not null; node = node.NextInBucket)
        {
            length++;
        }
        SkipListNode chosen = head;
        for (int skip = random.NextInt(length); skip > 0; skip--)
        {
            chosen = chosen.NextInBucket!;
        }
        return chosen;
    }

    /// <summary>
    /// One ZSCAN step (Redis's dictScan): appends the nodes of buckets from <paramref name="cursor"/> on until at least
    /// <paramref name="count"/> were added or 10 x count buckets were visited; returns the next cursor, 0 when done.
    /// </summary>
    public long Scan(long cursor, int count, List<SortedSetEntry> output)
    {
        if (Count == 0)
        {
            return 0;
        }
        SkipListNode?[] buckets = _buckets;
        ulong mask = (ulong)buckets.Length - 1;
        ulong v = (ulong)cursor;
        int wanted = output.Count + Math.Max(count, 1);
        long visitsLeft = Math.Max(count, 1) * 10L;
        do
        {
            for (SkipListNode? node = buckets[(int)(v & mask)]; node is not null; node = node.NextInBucket)
            {
                output.Add(new SortedSetEntry(node.Member, node.Score));
            }
            // Increment the reversed cursor: the buckets a smaller or larger table maps these to come next.
            v |= ~mask;
            v = ReverseBits(v);
            v++;
            v = ReverseBits(v);
        }
        while (v != 0 && --visitsLeft > 0 && output.Count < wanted);
        return (long)v;
    }

    private static int BucketsFor(int count) =>
        Math.Max(MinimumBuckets, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(count, 1)));

    private static ulong ReverseBits(ulong v)
    {
        v = ((v >> 1) & 0x5555555555555555UL) | ((v & 0x5555555555555555UL) << 1);
        v = ((v >> 2) & 0x3333333333333333UL) | ((v & 0x3333333333333333UL) << 2);
        v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((v & 0x0F0F0F0F0F0F0F0FUL) << 4);
        v = ((v >> 8) & 0x00FF00FF00FF00FFUL) | ((v & 0x00FF00FF00FF00FFUL) << 8);
        v = ((v >> 16) & 0x0000FFFF0000FFFFUL) | ((v & 0x0000FFFF0000FFFFUL) << 16);
        return (v >> 32) | (v << 32);
    }

    private void Resize(int size)
    {
        SkipListNode?[] old = _buckets;
        var buckets = new SkipListNode?[size];
        foreach (SkipListNode? head in old)
        {
            SkipListNode? node = head;
            while (node is not null)
            {
                SkipListNode? next = node.NextInBucket;
                ref SkipListNode? bucket = ref buckets[ByteArrayComparer.Hash(node.Member) & (size - 1)];
                node.NextInBucket = bucket;
                bucket = node;
                node = next;
            }
        }
        _buckets = buckets;
    }
}
