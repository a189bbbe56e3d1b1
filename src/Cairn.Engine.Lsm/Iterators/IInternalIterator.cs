namespace Cairn.Engine.Lsm.Iterators;

/// <summary>
/// A cursor over internal keys in internal-key order (LevelDB's <c>Iterator</c>). Key and Value are valid only while
/// <see cref="Valid"/> and until the next move. Damaged data surfaces as <see cref="CorruptionException"/>.
/// Thread safety: one thread at a time.
/// </summary>
internal interface IInternalIterator : IDisposable
{
    bool Valid { get; }

    ReadOnlySpan<byte> Key { get; }

    ReadOnlySpan<byte> Value { get; }

    void SeekToFirst();

    void SeekToLast();

    /// <summary>Positions at the first entry whose internal key is &gt;= <paramref name="internalKey"/>.</summary>
    void Seek(ReadOnlySpan<byte> internalKey);

    /// <summary>REQUIRES: Valid.</summary>
    void Next();

    /// <summary>REQUIRES: Valid.</summary>
    void Prev();
}
