using System.Globalization;
using System.Text;
using Cairn.Documents.Json;

namespace Cairn.Documents.Path;

/// <summary>
/// Compiles JSONPath text as RedisJSON accepts it: `$`, `.name`, `['name']`, `[n]`, `[a,b]`, `[*]`, `.*`, `..`, slices
/// `[start:end:step]` and filters `[?(@.x > 1 && @.y == "a")]` with ==, !=, &lt;, &lt;=, &gt;, &gt;=, =~, !, &amp;&amp;, ||.
/// </summary>
public static class JsonPathParser
{
    /// <summary>Parses a path in either dialect (see <see cref="JsonPath"/>).</summary>
    public static bool TryParse(string text, out JsonPath path, out string error)
    {
        path = null!;
        if (text.Length > JsonLimits.MaxPathBytes)
        {
            error = "ERR path too long";
            return false;
        }
        bool legacy = JsonPath.IsLegacyText(text);
        string normalized = legacy ? JsonPath.NormalizeLegacy(text) : text;
        var cursor = new Cursor(normalized);
        var segments = new List<PathSegment>();
        if (!cursor.Eat('$'))
        {
            error = Error(0, "expected '$'");
            return false;
        }
        if (!ParseSegments(ref cursor, segments, inFilter: false, out error))
        {
            return false;
        }
        cursor.SkipSpaces();
        if (!cursor.AtEnd)
        {
            error = Error(cursor.Position, "unexpected character");
            return false;
        }
        path = new JsonPath { Original = text, Normalized = normalized, IsLegacy = legacy, Segments = segments };
        error = "";
        return true;
    }

    public static JsonPath Parse(string text) =>
        TryParse(text, out var path, out string error) ? path : throw new FormatException(error);

    private static string Error(int position, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"JSON Path error: path error: {message} at position {position + 1}");

    private static bool ParseSegments(ref Cursor cursor, List<PathSegment> segments, bool inFilter, out string error)
    {
        error = "";
        while (!cursor.AtEnd)
        {
            char c = cursor.Peek;
            if (c == '.')
            {
                cursor.Advance();
                bool recursive = cursor.Eat('.');
                if (cursor.Eat('*'))
                {
                    segments.Add(new PathSegment { Kind = PathSelectorKind.Wildcard, Recursive = recursive });
                    continue;
                }
                if (!cursor.AtEnd && cursor.Peek == '[')
                {
                    if (!ParseBracket(ref cursor, recursive, segments, out error))
                    {
                        return false;
                    }
                    continue;
                }
                string name = cursor.ReadName();
                if (name.Length == 0)
                {
                    error = Error(cursor.Position, "expected a member name");
                    return false;
                }
                segments.Add(new PathSegment { Kind = PathSelectorKind.Name, Recursive = recursive, Names = [Encoding.UTF8.GetBytes(name)] });
            }
            else if (c == '[')
            {
                if (!ParseBracket(ref cursor, false, segments, out error))
                {
                    return false;
                }
            }
            else if (inFilter)
            {
                return true;
            }
            else
            {
                error = Error(cursor.Position, "unexpected character");
                return false;
            }
        }
        return true;
    }

    private static bool ParseBracket(ref Cursor cursor, bool recursive, List<PathSegment> segments, out string error)
    {
        error = "";
        cursor.Advance(); // '['
        cursor.SkipSpaces();
        if (cursor.Eat('?'))
        {
            cursor.SkipSpaces();
            if (!cursor.Eat('('))
            {
                error = Error(cursor.Position, "expected '(' after '?'");
                return false;
            }
            var filter = ParseOr(ref cursor, out error);
            if (filter is null)
            {
                return false;
            }
            cursor.SkipSpaces();
            if (!cursor.Eat(')'))
            {
                error = Error(cursor.Position, "expected ')'");
                return false;
            }
            cursor.SkipSpaces();
            if (!cursor.Eat(']'))
            {
                error = Error(cursor.Position, "expected ']'");
                return false;
            }
            segments.Add(new PathSegment { Kind = PathSelectorKind.Filter, Recursive = recursive, Filter = filter });
            return true;
        }
        if (cursor.Eat('*'))
        {
            cursor.SkipSpaces();
            if (!cursor.Eat(']'))
            {
                error = Error(cursor.Position, "expected ']'");
                return false;
            }
            segments.Add(new PathSegment { Kind = PathSelectorKind.Wildcard, Recursive = recursive });
            return true;
        }
        if (!cursor.AtEnd && (cursor.Peek == '\'' || cursor.Peek == '"'))
        {
            var names = new List<byte[]>();
            while (true)
            {
                cursor.SkipSpaces();
                var name = cursor.ReadQuoted();
                if (name is null)
                {
                    error = Error(cursor.Position, "expected a quoted member name");
                    return false;
                }
                names.Add(Encoding.UTF8.GetBytes(name));
                cursor.SkipSpaces();
                if (cursor.Eat(','))
                {
                    continue;
                }
                if (cursor.Eat(']'))
                {
                    break;
                }
                error = Error(cursor.Position, "expected ',' or ']'");
                return false;
            }
            segments.Add(new PathSegment
            {
                Kind = names.Count == 1 ? PathSelectorKind.Name : PathSelectorKind.Names,
                Recursive = recursive,
                Names = names.ToArray(),
            });
            return true;
        }
        // Indexes or a slice.
        long? first = cursor.ReadInteger();
        cursor.SkipSpaces();
        if (cursor.Eat(':'))
        {
            cursor.SkipSpaces();
            long? end = cursor.ReadInteger();
            cursor.SkipSpaces();
            long step = 1;
            if (cursor.Eat(':'))
            {
                cursor.SkipSpaces();
                step = cursor.ReadInteger() ?? 1;
                cursor.SkipSpaces();
            }
            if (!cursor.Eat(']') || step == 0)
            {
                error = Error(cursor.Position, "invalid slice");
                return false;
            }
            segments.Add(new PathSegment { Kind = PathSelectorKind.Slice, Recursive = recursive, SliceStart = first, SliceEnd = end, SliceStep = step });
            return true;
        }
        if (first is null)
        {
            error = Error(cursor.Position, "expected an index, a slice, a quoted name, '*' or a filter");
            return false;
        }
        var indexes = new List<long> { first.Value };
        while (true)
        {
            cursor.SkipSpaces();
            if (cursor.Eat(']'))
            {
                break;
            }
            if (!cursor.Eat(','))
            {
                error = Error(cursor.Position, "expected ',' or ']'");
                return false;
            }
            cursor.SkipSpaces();
            long? next = cursor.ReadInteger();
            if (next is null)
            {
                error = Error(cursor.Position, "expected an index");
                return false;
            }
            indexes.Add(next.Value);
        }
        segments.Add(new PathSegment { Kind = PathSelectorKind.Indexes, Recursive = recursive, Indexes = indexes.ToArray() });
        return true;
    }

    private static FilterNode? ParseOr(ref Cursor cursor, out string error)
    {
        var left = ParseAnd(ref cursor, out error);
        while (left is not null)
        {
            cursor.SkipSpaces();
            if (!cursor.EatText("||"))
            {
                break;
            }
            var right = ParseAnd(ref cursor, out error);
            if (right is null)
            {
                return null;
            }
            left = new FilterNode { Kind = FilterNodeKind.Or, Left = left, Right = right };
        }
        return left;
    }

    private static FilterNode? ParseAnd(ref Cursor cursor, out string error)
    {
        var left = ParseUnary(ref cursor, out error);
        while (left is not null)
        {
            cursor.SkipSpaces();
            if (!cursor.EatText("&&"))
            {
                break;
            }
            var right = ParseUnary(ref cursor, out error);
            if (right is null)
            {
                return null;
            }
            left = new FilterNode { Kind = FilterNodeKind.And, Left = left, Right = right };
        }
        return left;
    }

    /// <summary>Deepest nesting of parentheses and `!` in a filter (the parser recurses on client input).</summary>
    public const int MaxFilterDepth = 64;

    private static FilterNode? ParseUnary(ref Cursor cursor, out string error)
    {
        if (++cursor.Depth > MaxFilterDepth)
        {
            error = Error(cursor.Position, "filter nesting too deep");
            return null;
        }
        var result = ParseUnaryBody(ref cursor, out error);
        cursor.Depth--;
        return result;
    }

    private static FilterNode? ParseUnaryBody(ref Cursor cursor, out string error)
    {
        cursor.SkipSpaces();
        if (!cursor.AtEnd && cursor.Peek == '!' && !cursor.LooksAt("!="))
        {
            cursor.Advance();
            var inner = ParseUnary(ref cursor, out error);
            return inner is null ? null : new FilterNode { Kind = FilterNodeKind.Not, Left = inner };
        }
        if (cursor.Eat('('))
        {
            var inner = ParseOr(ref cursor, out error);
            cursor.SkipSpaces();
            if (inner is null || !cursor.Eat(')'))
            {
                error = error.Length > 0 ? error : Error(cursor.Position, "expected ')'");
                return null;
            }
            return inner;
        }
        var left = ParseOperand(ref cursor, out error);
        if (left is null)
        {
            return null;
        }
        cursor.SkipSpaces();
        FilterOperator? op = cursor.ReadOperator();
        if (op is null)
        {
            if (left.Kind is FilterNodeKind.RelativePath or FilterNodeKind.RootPath)
            {
                return new FilterNode { Kind = FilterNodeKind.Exists, Left = left };
            }
            return left; // a bare literal: true/false by itself
        }
        var right = ParseOperand(ref cursor, out error);
        if (right is null)
        {
            return null;
        }
        return new FilterNode { Kind = FilterNodeKind.Compare, Operator = op.Value, Left = left, Right = right };
    }

    private static FilterNode? ParseOperand(ref Cursor cursor, out string error)
    {
        error = "";
        cursor.SkipSpaces();
        if (cursor.AtEnd)
        {
            error = Error(cursor.Position, "expected an operand");
            return null;
        }
        char c = cursor.Peek;
        if (c == '@' || c == '$')
        {
            cursor.Advance();
            var segments = new List<PathSegment>();
            if (!ParseSegments(ref cursor, segments, inFilter: true, out error))
            {
                return null;
            }
            return new FilterNode { Kind = c == '@' ? FilterNodeKind.RelativePath : FilterNodeKind.RootPath, Segments = segments };
        }
        if (c == '\'' || c == '"')
        {
            string? text = cursor.ReadQuoted();
            if (text is null)
            {
                error = Error(cursor.Position, "unterminated string");
                return null;
            }
            return new FilterNode { Kind = FilterNodeKind.Literal, Literal = JsonValue.String(text) };
        }
        if (cursor.EatText("true"))
        {
            return new FilterNode { Kind = FilterNodeKind.Literal, Literal = JsonValue.Boolean(true) };
        }
        if (cursor.EatText("false"))
        {
            return new FilterNode { Kind = FilterNodeKind.Literal, Literal = JsonValue.Boolean(false) };
        }
        if (cursor.EatText("null"))
        {
            return new FilterNode { Kind = FilterNodeKind.Literal, Literal = JsonValue.Null() };
        }
        string number = cursor.ReadNumberText();
        if (number.Length > 0)
        {
            if (long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
            {
                return new FilterNode { Kind = FilterNodeKind.Literal, Literal = JsonValue.Integer(integer) };
            }
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double real))
            {
                return new FilterNode { Kind = FilterNodeKind.Literal, Literal = JsonValue.Double(real) };
            }
        }
        error = Error(cursor.Position, "expected an operand");
        return null;
    }

    /// <summary>A position in the path text. Mutable struct passed by ref so the recursive-descent functions share it.</summary>
    private struct Cursor(string text)
    {
        private readonly string _text = text;

        public int Position { get; private set; }

        public int Depth { get; set; }

        public readonly bool AtEnd => Position >= _text.Length;

        public readonly char Peek => _text[Position];

        public void Advance() => Position++;

        public bool Eat(char c)
        {
            if (!AtEnd && _text[Position] == c)
            {
                Position++;
                return true;
            }
            return false;
        }

        public readonly bool LooksAt(string s) => string.CompareOrdinal(_text, Position, s, 0, s.Length) == 0;

        public bool EatText(string s)
        {
            if (Position + s.Length <= _text.Length && LooksAt(s))
            {
                Position += s.Length;
                return true;
            }
            return false;
        }

        public void SkipSpaces()
        {
            while (!AtEnd && char.IsWhiteSpace(_text[Position]))
            {
                Position++;
            }
        }

        public string ReadName()
        {
            int start = Position;
            while (!AtEnd)
            {
                char c = _text[Position];
                if (c is '.' or '[' or ']' or '(' or ')' or '=' or '!' or '<' or '>' or '&' or '|' or ',' or '\'' or '"' or '*' || char.IsWhiteSpace(c))
                {
                    break;
                }
                Position++;
            }
            return _text[start..Position];
        }

        public string? ReadQuoted()
        {
            if (AtEnd)
            {
                return null;
            }
            char quote = _text[Position];
            if (quote != '\'' && quote != '"')
            {
                return null;
            }
            Position++;
            var builder = new StringBuilder();
            while (!AtEnd)
            {
                char c = _text[Position++];
                if (c == quote)
                {
                    return builder.ToString();
                }
                if (c == '\\' && !AtEnd)
                {
                    char escaped = _text[Position++];
                    builder.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => escaped });
                    continue;
                }
                builder.Append(c);
            }
            return null;
        }

        public long? ReadInteger()
        {
            int start = Position;
            if (!AtEnd && (_text[Position] == '-' || _text[Position] == '+'))
            {
                Position++;
            }
            while (!AtEnd && char.IsAsciiDigit(_text[Position]))
            {
                Position++;
            }
            if (long.TryParse(_text.AsSpan(start, Position - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                return value;
            }
            Position = start;
            return null;
        }

        public string ReadNumberText()
        {
            int start = Position;
            while (!AtEnd && (char.IsAsciiDigit(_text[Position]) || _text[Position] is '-' or '+' or '.' or 'e' or 'E'))
            {
                Position++;
            }
            return _text[start..Position];
        }

        public FilterOperator? ReadOperator()
        {
            if (EatText("==")) return FilterOperator.Equal;
            if (EatText("!=")) return FilterOperator.NotEqual;
            if (EatText("<=")) return FilterOperator.LessOrEqual;
            if (EatText(">=")) return FilterOperator.GreaterOrEqual;
            if (EatText("=~")) return FilterOperator.RegexMatch;
            if (EatText("<")) return FilterOperator.Less;
            if (EatText(">")) return FilterOperator.Greater;
            return null;
        }
    }
}
