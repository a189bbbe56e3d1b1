using Cairn.Primitives;

namespace Cairn.Server.Networking;

/// <summary>
/// Which argument of a request that names a collection's key is its member, for prefetching the member's look-up path in
/// that collection (<see cref="Cairn.Engine.Memory.Keyspace.DataObject.PrefetchMembers"/>): argument 2 (SADD key member,
/// HSET key field), or argument 3 after a number when the key holds a sorted set (ZADD key score member, ZINCRBY). A wrong
/// guess (ZADD with flags, SMOVE) only wastes a prefetch.
/// </summary>
internal static class LookAheadMember
{
    /// <summary>
    /// The hash (<see cref="ByteArrayComparer.Hash"/>) of the member a request names. <paramref name="starts"/> and
    /// <paramref name="lengths"/> are the offsets and lengths in <paramref name="buffer"/> of its arguments 1-3 (length -1
    /// for an argument the request lacks), as <see cref="Cairn.Protocol.Resp.RequestParser.TrySkipFrame"/> gives them
    /// from argument 1 on. False when it names none.
    /// </summary>
    public static bool TryHash(ReadOnlySpan<byte> buffer, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths, bool scoreFirst, out int hash)
    {
        int arg = 1;
        if (scoreFirst && lengths[1] > 0 && lengths[2] >= 0 && LooksNumeric(buffer[starts[1]]))
        {
            arg = 2;
        }
        if (lengths[arg] < 0)
        {
            hash = 0;
            return false;
        }
        hash = ByteArrayComparer.Hash(buffer.Slice(starts[arg], lengths[arg]));
        return true;
    }

    private static bool LooksNumeric(byte first) => (uint)(first - '0') <= 9 || first is (byte)'-' or (byte)'+' or (byte)'.';
}
