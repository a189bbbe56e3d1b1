namespace Cairn.Primitives;

/// <summary>Glob matching exactly as Redis's stringmatchlen: *, ?, [abc], [^a-z], [!...] and backslash escapes.</summary>
public static class GlobPattern
{
    /// <summary>Bound on recursion for patterns with many stars, as Redis limits nesting to avoid stack exhaustion.</summary>
    private const int MaxNesting = 1000;

    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase = false)
    {
        bool skipLonger = false;
        return Match(pattern, text, ignoreCase, ref skipLonger, 0);
    }

    /// <summary>True when the pattern has no special characters, so it can only match itself.</summary>
    public static bool IsLiteral(ReadOnlySpan<byte> pattern) => pattern.IndexOfAny("*?[\\"u8) < 0;

    private static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase, ref bool skipLonger, int nesting)
    {
        if (nesting > MaxNesting)
        {
            return false;
        }
        while (pattern.Length > 0 && text.Length > 0)
        {
            switch (pattern[0])
            {
                case (byte)'*':
                    while (pattern.Length > 1 && pattern[1] == '*')
                    {
                        pattern = pattern[1..];
                    }
                    if (pattern.Length == 1)
                    {
                        return true;
                    }
                    while (text.Length > 0)
                    {
                        if (Match(pattern[1..], text, ignoreCase, ref skipLonger, nesting + 1))
                        {
                            return true;
                        }
                        if (skipLonger)
                        {
                            return false;
                        }
                        text = text[1..];
                    }
                    skipLonger = true;
                    return false;
                case (byte)'?':
                    text = text[1..];
                    break;
                case (byte)'[':
                {
                    pattern = pattern[1..];
                    bool not = pattern.Length > 0 && (pattern[0] == '^');
                    if (not)
                    {
                        pattern = pattern[1..];
                    }
                    bool match = false;
                    while (true)
                    {
                        if (pattern.Length == 0)
                        {
                            break;
                        }
                        if (pattern[0] == '\\' && pattern.Length >= 2)
                        {
                            pattern = pattern[1..];
                            if (pattern[0] == text[0])
                            {
                                match = true;
                            }
                        }
                        else if (pattern[0] == ']')
                        {
                            break;
                        }
                        else if (pattern.Length >= 3 && pattern[1] == '-')
                        {
                            int start = pattern[0];
                            int end = pattern[2];
                            int c = text[0];
                            if (start > end)
                            {
                                (start, end) = (end, start);
                            }
                            if (ignoreCase)
                            {
                                start = Lower(start);
                                end = Lower(end);
                                c = Lower(c);
                            }
                            pattern = pattern[2..];
                            if (c >= start && c <= end)
                            {
                                match = true;
                            }
                        }
                        else if (ignoreCase ? Lower(pattern[0]) == Lower(text[0]) : pattern[0] == text[0])
                        {
                            match = true;
                        }
                        pattern = pattern[1..];
                    }
                    if (pattern.Length == 0)
                    {
                        // Redis treats a missing ']' as the end of the pattern: step back onto the last byte.
                        pattern = default;
                    }
                    if (not)
                    {
                        match = !match;
                    }
                    if (!match)
                    {
                        return false;
                    }
                    text = text[1..];
                    break;
                }
                case (byte)'\\':
                    if (pattern.Length >= 2)
                    {
                        pattern = pattern[1..];
                    }
                    goto default;
                default:
                    if (ignoreCase ? Lower(pattern[0]) != Lower(text[0]) : pattern[0] != text[0])
                    {
                        return false;
                    }
                    text = text[1..];
                    break;
            }
            if (pattern.Length > 0)
            {
                pattern = pattern[1..];
            }
            if (text.Length == 0)
            {
                while (pattern.Length > 0 && pattern[0] == '*')
                {
                    pattern = pattern[1..];
                }
                break;
            }
        }
        return pattern.Length == 0 && text.Length == 0;
    }

    private static int Lower(int c) => c is >= 'A' and <= 'Z' ? c + 32 : c;
}
