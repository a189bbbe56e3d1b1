using Cairn.Engine.Memory.Hashes;

namespace Cairn.Engine.Memory.Keyspace;

/// <summary>
/// One key's slot in the keyspace: 32 bytes, two references and four ints.
/// A string is "embedded" when its value sits in the same array as its key (Data = [key][value], as Redis's embstr puts the
/// value in the robj's allocation): one array per key instead of two, 32 bytes less per small string. Otherwise Data is
/// exactly the key and Stored holds the value: a <see cref="DataObject"/>, or a "raw" string's own byte[] (long strings,
/// and strings changed in place by SETRANGE/SETBIT/BITFIELD, see <see cref="Database.RawStringAt"/>).
/// A small listpack hash is embedded the same way: Data = [key][u16 element count][packed elements] and Stored the
/// <see cref="EmbeddedHashMarker"/>, one array per hash (Redis: dictEntry, robj and listpack); the hash commands work on it
/// in place through <see cref="Database.OpenHashView"/>.
/// Expiry and the replication version live in side tables of <see cref="Database"/>, for the keys that have one (Redis keeps
/// expires in a second dict); a flag here says whether to look, so a persistent key never consults them.
/// Invariants: Data is null exactly for a free slot; KeyInfo's low 30 bits are the key length (keys are at most 512 MB).
/// </summary>
public struct KeyEntry : Collections.IChainedSlot
{
    internal const int KeyLengthMask = (1 << 30) - 1;
    internal const int HasExpiryFlag = 1 << 30;
    internal const int HasVersionFlag = 1 << 31;

    /// <summary>Stored for a hash embedded in Data after the key.</summary>
    internal static readonly object EmbeddedHashMarker = new();

    /// <summary>The key's bytes, then an embedded string's value; null for a free slot.</summary>
    internal byte[]? Data;

    /// <summary>A DataObject, a raw string's byte[], null for an embedded string, or the embedded-hash marker.</summary>
    internal object? Stored;

    internal int Hash;

    /// <summary>Next slot in the bucket chain (or the free list), -1 at the end.</summary>
    internal int Next;

    /// <summary>Key length (low 30 bits) and the side-table flags.</summary>
    internal int KeyInfo;

    /// <summary>Access clock for eviction: LRU seconds (low 24 bits) or LFU minutes+counter, as Redis's robj.lru.</summary>
    public uint Access;

    public readonly ReadOnlySpan<byte> Key => new(Data, 0, KeyInfo & KeyLengthMask);

    readonly byte[]? Collections.IChainedSlot.KeyArray => Data;

    int Collections.IChainedSlot.Hash { readonly get => Hash; set => Hash = value; }

    int Collections.IChainedSlot.Next { readonly get => Next; set => Next = value; }

    public readonly int KeyLength => KeyInfo & KeyLengthMask;

    public readonly bool IsString => Stored is null or byte[];

    /// <summary>A string held in an array of its own (Redis's "raw" encoding): long values, and values built or changed
    /// in place by APPEND, SETRANGE, SETBIT, BITFIELD and BITOP.</summary>
    public readonly bool IsRawString => Stored is byte[];

    /// <summary>The value's type, without materialising an embedded value.</summary>
    public readonly DataType Type => Stored switch
    {
        null or byte[] => DataType.String,
        DataObject data => data.Type,
        _ => DataType.Hash, // the embedded-hash marker
    };

    /// <summary>A small hash held in the key's array (open it with <see cref="Database.OpenHashView"/>).</summary>
    public readonly bool IsEmbeddedHash => ReferenceEquals(Stored, EmbeddedHashMarker);

    /// <summary>
    /// The value as the rest of the code base exchanges it: a DataObject, or a byte[] for a string. For an embedded string
    /// this is a COPY (an allocation), and so it is for an embedded hash (a standalone HashObject): hot paths read
    /// <see cref="TryGetString"/> or open the hash view instead, code that changes a string in place takes
    /// <see cref="Database.RawStringAt"/>, and nothing may change an embedded hash through this copy.
    /// </summary>
    public readonly object Value => Stored switch
    {
        null => Data.AsSpan(KeyInfo & KeyLengthMask).ToArray(),
        _ when ReferenceEquals(Stored, EmbeddedHashMarker) => HashObject.FromEmbedded(Data.AsSpan(KeyInfo & KeyLengthMask)),
        _ => Stored,
    };

    /// <summary>The string value without copying; false when the key holds another type. Valid until the key changes.</summary>
    public readonly bool TryGetString(out ReadOnlySpan<byte> value)
    {
        object? stored = Stored;
        if (stored is null)
        {
            value = Data.AsSpan(KeyInfo & KeyLengthMask);
            return true;
        }
        if (stored is byte[] raw)
        {
            value = raw;
            return true;
        }
        value = default;
        return false;
    }

    internal readonly bool HasExpiry => (KeyInfo & HasExpiryFlag) != 0;

    internal readonly bool HasVersion => (KeyInfo & HasVersionFlag) != 0;
}
