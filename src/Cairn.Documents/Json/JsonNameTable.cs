using System.Collections.Concurrent;
using Cairn.Primitives;

namespace Cairn.Documents.Json;

/// <summary>
/// Shares the byte arrays of short member names across documents: a 100k-document keyspace with the same ten field names
/// then holds ten arrays, not a million.
/// </summary>
/// <remarks>Thread safety: safe for concurrent parsers. Bounded (<see cref="MaxEntries"/> names of at most
/// <see cref="MaxNameBytes"/> bytes) so clients sending random names cannot grow it without limit; past the bound names are
/// simply not shared. Interned arrays must never be mutated (no code writes into a member name).</remarks>
internal static class JsonNameTable
{
    public const int MaxEntries = 65_536;
    public const int MaxNameBytes = 64;

    private static readonly ConcurrentDictionary<byte[], byte[]> s_names = new(ByteArrayComparer.Instance);

    public static byte[] Intern(byte[] name)
    {
        if (name.Length > MaxNameBytes)
        {
            return name;
        }
        if (s_names.TryGetValue(name, out var shared))
        {
            return shared;
        }
        if (s_names.Count >= MaxEntries)
        {
            return name;
        }
        return s_names.GetOrAdd(name, name);
    }

    public static byte[] Intern(ReadOnlySpan<byte> name)
    {
        if (name.Length <= MaxNameBytes && s_names.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out var shared))
        {
            return shared;
        }
        return Intern(name.ToArray());
    }
}
