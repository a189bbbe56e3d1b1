using System.IO.Hashing;

namespace Cairn.Primitives;

/// <summary>
/// Equality on byte arrays by content, with span look-ups so that a key in a request buffer finds its entry without
/// being copied. The hash is seeded per process (XxHash3), so clients cannot force collisions.
/// </summary>
public sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    private static readonly long s_seed = System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue) * 2654435761L;

    public static ByteArrayComparer Instance { get; } = new();

    public static int Hash(ReadOnlySpan<byte> data) => (int)XxHash3.HashToUInt64(data, s_seed);

    public bool Equals(byte[]? x, byte[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] obj) => Hash(obj);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
