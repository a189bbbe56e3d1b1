using System.Text.RegularExpressions;
using Cairn.Documents.Json;

namespace Cairn.Documents.Path;

/// <summary>A node of a `?()` filter expression: boolean operators, comparisons, and operands (literals or paths).</summary>
public sealed class FilterNode
{
    private Regex? _regex;
    private string? _regexSource;

    public required FilterNodeKind Kind { get; init; }

    public FilterOperator Operator { get; init; }

    public FilterNode? Left { get; init; }

    public FilterNode? Right { get; init; }

    /// <summary>For Literal.</summary>
    public JsonValue? Literal { get; init; }

    /// <summary>For RelativePath (`@...`) and RootPath (`$...`).</summary>
    public IReadOnlyList<PathSegment> Segments { get; init; } = [];

    /// <summary>Regexes are compiled once per filter and bounded in time, because the pattern comes from the client.</summary>
    internal Regex GetRegex(string pattern)
    {
        if (_regex is null || _regexSource != pattern)
        {
            _regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            _regexSource = pattern;
        }
        return _regex;
    }
}
