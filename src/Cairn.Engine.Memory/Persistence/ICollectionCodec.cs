using System.Buffers;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// The codec of a type whose value is a count and that many items (list, hash, set, sorted set; docs/formats/snapshot.md),
/// so that a large value can be written as its key record and then "more items" records of a bounded size each, and
/// rebuilt from them piece by piece: a snapshot takes the store lock once per piece instead of once for the whole value.
/// </summary>
public interface ICollectionCodec : IValueCodec
{
    /// <summary>
    /// Writes the items from <paramref name="cursor"/> on (0 at the first; the meaning of a cursor is the codec's and stays
    /// valid while the value is unchanged) until at least <paramref name="budgetBytes"/> are written or none remain,
    /// without their count. Returns how many it wrote (at least one unless none remain); <paramref name="cursor"/> moves
    /// past them, and <paramref name="done"/> says whether any remain.
    /// </summary>
    int WriteItems(object value, ref long cursor, IBufferWriter<byte> output, int budgetBytes, out bool done);

    /// <summary>Starts rebuilding a value from its key record's part: a count, then that many items. Returns the value
    /// under construction, for <see cref="ReadMore"/> and <see cref="FinishRead"/>.</summary>
    object StartRead(ReadOnlySpan<byte> data);

    /// <summary>Adds the items of a more-items record (a count, then that many items) to a value under construction.</summary>
    void ReadMore(object partial, ReadOnlySpan<byte> data);

    /// <summary>The value, once its last record is read.</summary>
    object FinishRead(object partial);
}
