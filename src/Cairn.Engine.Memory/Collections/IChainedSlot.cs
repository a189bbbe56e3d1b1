namespace Cairn.Engine.Memory.Collections;

/// <summary>
/// A slot of a <see cref="ChainedTable{TSlot}"/>: the key's bytes (null when the slot is free), its hash and the link to
/// the next slot of its bucket chain or of the free list. Implemented by structs, so the table's code is compiled for
/// each slot type with these members inlined (a slot is accessed by reference and never boxed).
/// </summary>
internal interface IChainedSlot
{
    /// <summary>The array holding the key at its start (a keyspace entry keeps an embedded value after it); null when free.</summary>
    byte[]? KeyArray { get; }

    /// <summary>The key: a prefix of <see cref="KeyArray"/>.</summary>
    ReadOnlySpan<byte> Key { get; }

    int Hash { get; set; }

    /// <summary>Next slot of the bucket chain (or of the free list), -1 at the end.</summary>
    int Next { get; set; }
}
