using System.Buffers.Binary;

namespace Cairn.Engine.Lsm;

/// <summary>The stored form of a value with a time to live: expiry (uint64 LE, Unix milliseconds) then the value.</summary>
internal static class ExpiringValue
{
    public const int PrefixBytes = 8;

    public static void Write(Span<byte> destination, long expiresAtUnixMilliseconds, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, expiresAtUnixMilliseconds);
        value.CopyTo(destination[PrefixBytes..]);
    }

    /// <summary>True when the stored value has expired at <paramref name="nowUnixMilliseconds"/> (or is too short to hold an expiry).</summary>
    public static bool IsExpired(ReadOnlySpan<byte> stored, long nowUnixMilliseconds) =>
        stored.Length < PrefixBytes || BinaryPrimitives.ReadInt64LittleEndian(stored) <= nowUnixMilliseconds;

    public static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> stored) => stored.Length < PrefixBytes ? default : stored[PrefixBytes..];
}
