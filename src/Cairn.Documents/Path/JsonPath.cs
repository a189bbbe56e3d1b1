namespace Cairn.Documents.Path;

/// <summary>
/// A compiled path. RedisJSON decides the dialect from the text: a path starting with `$` followed by nothing, `.` or `[` is a
/// JSONPath (replies are arrays of all matches); anything else is legacy (`.a.b`, `a.b`, `.`), rewritten to `$`-form, and
/// replies with the first match only or an error.
/// </summary>
public sealed class JsonPath
{
    public required string Original { get; init; }

    /// <summary>The `$`-form the evaluator runs (the legacy rewrite; equal to Original for JSONPath). Used in error messages.</summary>
    public required string Normalized { get; init; }

    public required bool IsLegacy { get; init; }

    public required IReadOnlyList<PathSegment> Segments { get; init; }

    public bool IsRoot => Segments.Count == 0;

    /// <summary>Every segment names exactly one location, so the path can create a member (JSON.SET on a missing key name).</summary>
    public bool IsStatic
    {
        get
        {
            foreach (var segment in Segments)
            {
                if (!segment.IsStatic)
                {
                    return false;
                }
            }
            return true;
        }
    }

    public static bool IsLegacyText(string text) =>
        !(text.Length > 0 && text[0] == '$' && (text.Length < 2 || text[1] == '.' || text[1] == '['));

    /// <summary>RedisJSON's backward-compatibility rewrite: "." becomes "$", ".a" becomes "$.a", "a" becomes "$.a".</summary>
    public static string NormalizeLegacy(string text)
    {
        if (!IsLegacyText(text))
        {
            return text;
        }
        if (text == ".")
        {
            return "$";
        }
        return text.StartsWith('.') ? "$" + text : "$." + text;
    }

    public override string ToString() => Original;
}
