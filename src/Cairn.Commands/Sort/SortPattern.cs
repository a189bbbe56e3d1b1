using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Hashes;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Sort;

/// <summary>
/// A BY or GET pattern of SORT, resolved per element as Redis's lookupKeyByPattern: "#" is the element itself; otherwise the
/// first '*' is replaced by the element, and "key->field" (the first "->" after the '*', with a non-empty field) reads a hash
/// field instead of a string. A pattern without '*', a missing key or a key of another type resolves to nothing. Redis
/// handles the pattern as a C string, so only the part before the first NUL byte is searched for '*' and "->".
/// Thread safety: one instance per command execution, used under the store lock.
/// </summary>
internal sealed class SortPattern
{
    private readonly byte[] _pattern;
    private readonly bool _isElement;
    private readonly int _starIndex;
    private readonly int _postfixLength;
    private readonly byte[]? _field;
    private byte[] _keyBuffer = new byte[64];

    public SortPattern(byte[] pattern)
    {
        _pattern = pattern;
        _isElement = pattern.Length >= 1 && pattern[0] == (byte)'#' && (pattern.Length == 1 || pattern[1] == 0);
        ReadOnlySpan<byte> text = CString(pattern);
        _starIndex = text.IndexOf((byte)'*');
        if (_starIndex < 0)
        {
            return;
        }
        int arrow = text[(_starIndex + 1)..].IndexOf("->"u8);
        int fieldStart = arrow < 0 ? -1 : _starIndex + 1 + arrow + 2;
        if (fieldStart >= 0 && fieldStart < text.Length)
        {
            _field = pattern[fieldStart..];
            _postfixLength = fieldStart - 2 - (_starIndex + 1);
        }
        else
        {
            _postfixLength = pattern.Length - (_starIndex + 1);
        }
    }

    /// <summary>True when the pattern holds a '*' (before any NUL byte): BY without one means "do not sort".</summary>
    public static bool HasStar(ReadOnlySpan<byte> pattern) => CString(pattern).IndexOf((byte)'*') >= 0;

    /// <summary>
    /// Resolves the pattern for <paramref name="element"/>. The value is valid until the keyspace next changes.
    /// Key look-ups count as reads (hit/miss statistics, access clock), as Redis's lookupKeyRead.
    /// </summary>
    public bool TryResolve(CommandContext ctx, ReadOnlySpan<byte> element, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (_isElement)
        {
            value = element;
            return true;
        }
        if (_starIndex < 0)
        {
            return false;
        }
        int keyLength = _starIndex + element.Length + _postfixLength;
        if (_keyBuffer.Length < keyLength)
        {
            _keyBuffer = new byte[Math.Max(keyLength, _keyBuffer.Length * 2)];
        }
        Span<byte> key = _keyBuffer.AsSpan(0, keyLength);
        _pattern.AsSpan(0, _starIndex).CopyTo(key);
        element.CopyTo(key[_starIndex..]);
        _pattern.AsSpan(_starIndex + 1, _postfixLength).CopyTo(key[(_starIndex + element.Length)..]);

        int slot = ctx.LookupRead(key);
        if (slot < 0)
        {
            return false;
        }
        ref KeyEntry entry = ref ctx.Database.EntryAt(slot);
        if (_field is null)
        {
            return entry.TryGetString(out value);
        }
        if (entry.IsEmbeddedHash)
        {
            return ctx.Database.OpenHashView(slot).TryGet(_field, out value); // read in place, no copy
        }
        value = default;
        return entry.Value is HashObject hash && hash.TryGet(_field, out value);
    }

    private static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> bytes)
    {
        int nul = bytes.IndexOf((byte)0);
        return nul < 0 ? bytes : bytes[..nul];
    }
}
