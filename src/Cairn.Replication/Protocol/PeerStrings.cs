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

    /// <summary>Recently decoded strings by a cheap hash of their bytes: the handful of node ids a node hears hit here.</summary>
    private static readonly Recent?[] s_recent = new Recent?[RecentSlots];

    private const int RecentSlots = 64;

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
        // Checked before the pool: decoding to chars and hashing them for the dictionary cost more than the message's
        // other fields (perf, 3-node GET: PeerStrings.Get was 1.6 % of the coordinator). Entries are immutable and replaced
        // whole, so a racing reader sees an old entry or a new one, and compares its bytes either way.
        int slot = (utf8.Length * 31 + utf8[0] * 7 + utf8[^1] * 131 + utf8[utf8.Length / 2]) & (RecentSlots - 1);
        if (s_recent[slot] is { } recent && utf8.SequenceEqual(recent.Utf8))
        {
            return recent.Value;
        }
        string value = GetPooled(utf8);
        s_recent[slot] = new Recent(utf8.ToArray(), value);
        return value;
    }

    private static string GetPooled(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[MaxInternedBytes];
        int count = Encoding.UTF8.GetChars(utf8, chars);
        if (s_lookup.TryGetValue(chars[..count], out string? known))
        {
            return known;
        }
        string value = new(chars[..count]);
        return s_pool.Count < MaxInterned ? s_pool.GetOrAdd(value, value) : value;
    }

    private sealed record Recent(byte[] Utf8, string Value);
}
