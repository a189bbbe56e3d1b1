using System.Buffers.Binary;

namespace Cairn.Engine.Lsm.Keys;

/// <summary>
/// An internal key is the user key followed by an 8-byte little-endian trailer <c>(sequence &lt;&lt; 8) | type</c>, as in
/// LevelDB. Internal keys order by user key ascending, then by sequence descending, so the newest version comes first.
/// </summary>
internal static class InternalKey
{
    public const int TrailerBytes = 8;

    /// <summary>Sequence numbers use 56 bits. The maximum is reserved for seek keys and range-tombstone end sentinels.</summary>
    public const ulong MaxSequence = (1UL << 56) - 1;

    /// <summary>The type used in seek keys: the highest type, so a seek key sorts before every entry of its sequence.</summary>
    public const EntryType TypeForSeek = EntryType.ValueWithExpiry;

    public static ulong PackTrailer(ulong sequence, EntryType type) => (sequence << 8) | (byte)type;

    public static byte[] Create(ReadOnlySpan<byte> userKey, ulong sequence, EntryType type)
    {
        var key = new byte[userKey.Length + TrailerBytes];
        userKey.CopyTo(key);
        BinaryPrimitives.WriteUInt64LittleEndian(key.AsSpan(userKey.Length), PackTrailer(sequence, type));
        return key;
    }

    public static void Write(Span<byte> destination, ReadOnlySpan<byte> userKey, ulong sequence, EntryType type)
    {
        userKey.CopyTo(destination);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[userKey.Length..], PackTrailer(sequence, type));
    }

    public static ReadOnlySpan<byte> UserKey(ReadOnlySpan<byte> internalKey) => internalKey[..^TrailerBytes];

    public static ulong Trailer(ReadOnlySpan<byte> internalKey) =>
        BinaryPrimitives.ReadUInt64LittleEndian(internalKey[^TrailerBytes..]);

    public static ulong Sequence(ReadOnlySpan<byte> internalKey) => Trailer(internalKey) >> 8;

    public static EntryType Type(ReadOnlySpan<byte> internalKey) => (EntryType)(byte)Trailer(internalKey);

    /// <summary>The internal-key order: user key ascending (bytewise), then trailer descending.</summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int c = a[..^TrailerBytes].SequenceCompareTo(b[..^TrailerBytes]);
        if (c != 0)
        {
            return c;
        }
        ulong ta = Trailer(a);
        ulong tb = Trailer(b);
        return ta > tb ? -1 : ta < tb ? 1 : 0;
    }

    /// <summary>Compares an internal key against a user key and trailer without building the second internal key.</summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> userKey, ulong trailer)
    {
        int c = a[..^TrailerBytes].SequenceCompareTo(userKey);
        if (c != 0)
        {
            return c;
        }
        ulong ta = Trailer(a);
        return ta > trailer ? -1 : ta < trailer ? 1 : 0;
    }

    public static bool IsValid(ReadOnlySpan<byte> internalKey) =>
        internalKey.Length >= TrailerBytes && (byte)Trailer(internalKey) <= (byte)EntryType.ValueWithExpiry;
}
