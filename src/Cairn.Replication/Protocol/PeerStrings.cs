using System.Collections.Concurrent;
using System.Text;

namespace Cairn.Replication.Protocol;

/// <summary>
/// The strings of decoded peer messages, shared: node ids (sender, receiver, every vector clock entry) are a handful of
/// values repeated in every message, and allocating each again was a measurable part of the cluster's garbage.
/// </summary>
/// <remarks>
/// Thread safety: thread safe. Bounded: strings longer than <see cref="MaxInternedBytes"/>, and any new string once
/// <see cref="MaxInterned"/> are held, are allocated as before, so a peer cannot grow the pool without limit.
/// </remarks>
internal static class PeerStrings
{
    public const int MaxInternedBytes = 128;

    public const int MaxInterned = 4096;

    private static readonly ConcurrentDictionary<string, string> s_pool = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_lookup =
        s_pool.GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }
        if (utf8.Length > MaxInternedBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }
        Span<char> chars = stackalloc char[MaxInternedBytes];
        int count = Encoding.UTF8.GetChars(utf8, chars);
        if (s_lookup.TryGetValue(chars[..count], out string? known))
        {
            return known;
        }
        string value = new(chars[..count]);
        return s_pool.Count < MaxInterned ? s_pool.GetOrAdd(value, value) : value;
    }
}
