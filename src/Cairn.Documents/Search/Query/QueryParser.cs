using System.Globalization;
using System.Text;

namespace Cairn.Documents.Search.Query;

/// <summary>
/// Parses the RediSearch query language (DIALECT 2 rules): juxtaposition is AND and binds tighter than `|` (OR); `-` negates;
/// parentheses group; `@tag:{a | b*}`; `@num:[(1 +inf]`; `@text:term`, `@text:(a|b)`, bare terms over all TEXT fields,
/// `pre*` prefixes, `"a phrase"` (its terms, adjacent and in order), `*` for all documents, `$name` parameters.
/// Extension: `@items[*]:( ... )` requires its conditions to hold in the same element of `$.items[*]`.
/// </summary>
public sealed class QueryParser
{
    private readonly string _text;
    private readonly SearchIndexDefinition _definition;
    private readonly IReadOnlyDictionary<string, string> _parameters;
    private readonly IReadOnlySet<string> _stopwords;
    private int _position;
    private string? _error;
    private int _depth;

    /// <summary>Deepest nesting of parentheses and negations: the parser recurses, and the query comes from a client.</summary>
    public const int MaxDepth = 128;

    private QueryParser(string text, SearchIndexDefinition definition, IReadOnlyDictionary<string, string> parameters, IReadOnlySet<string> stopwords)
    {
        _text = text;
        _definition = definition;
        _parameters = parameters;
        _stopwords = stopwords;
    }

    public static bool TryParse(string text, SearchIndexDefinition definition, IReadOnlyDictionary<string, string> parameters,
        IReadOnlySet<string> stopwords, out QueryNode query, out string error)
    {
        var parser = new QueryParser(text, definition, parameters, stopwords);
        parser.SkipSpaces();
        QueryNode? result;
        if (parser._position < text.Length && text.AsSpan(parser._position).Trim().SequenceEqual("*"))
        {
            result = new QueryNode { Kind = QueryNodeKind.All };
            parser._position = text.Length;
        }
        else
        {
            result = parser.ParseUnion(-1, null);
        }
        parser.SkipSpaces();
        if (parser._error is null && parser._position < text.Length)
        {
            parser.Fail("Syntax error");
        }
        if (parser._error is not null)
        {
            query = null!;
            error = parser._error;
            return false;
        }
        query = result ?? new QueryNode { Kind = QueryNodeKind.Union }; // only stopwords: matches nothing
        error = "";
        return true;
    }

    /// <summary>DIALECT 2: `$name` takes its value from PARAMS; a name PARAMS does not give is an error, with RediSearch's
    /// text (param.c), not a literal.</summary>
    private string Substitute(string token)
    {
        if (token.Length < 2 || token[0] != '$')
        {
            return token;
        }
        if (_parameters.TryGetValue(token[1..], out string? value))
        {
            return value;
        }
        _error ??= $"No such parameter `{token[1..]}`";
        return token;
    }

    private void Fail(string message)
    {
        if (_error is null)
        {
            int end = Math.Min(_text.Length, _position + 10);
            _error = string.Create(CultureInfo.InvariantCulture, $"{message} at offset {_position} near {_text[_position..end]}");
        }
    }

    private bool AtEnd => _position >= _text.Length;

    private char Peek => _text[_position];

    private void SkipSpaces()
    {
        while (!AtEnd && char.IsWhiteSpace(Peek))
        {
            _position++;
        }
    }

    private QueryNode? ParseUnion(int textField, string? element)
    {
        if (++_depth > MaxDepth)
        {
            Fail("Query nesting too deep");
            return null;
        }
        try
        {
            return ParseUnionBody(textField, element);
        }
        finally
        {
            _depth--;
        }
    }

    private QueryNode? ParseUnionBody(int textField, string? element)
    {
        var alternatives = new List<QueryNode>();
        bool sawAny = false;
        while (_error is null)
        {
            var node = ParseIntersect(textField, element, out bool parsedSomething);
            sawAny |= parsedSomething;
            if (node is not null)
            {
                alternatives.Add(node);
            }
            SkipSpaces();
            if (!AtEnd && Peek == '|')
            {
                _position++;
                continue;
            }
            break;
        }
        if (!sawAny)
        {
            Fail("Syntax error");
        }
        if (alternatives.Count == 0)
        {
            return null;
        }
        return alternatives.Count == 1 ? alternatives[0] : new QueryNode { Kind = QueryNodeKind.Union, Children = alternatives };
    }

    private QueryNode? ParseIntersect(int textField, string? element, out bool parsedSomething)
    {
        var parts = new List<QueryNode>();
        parsedSomething = false;
        while (_error is null)
        {
            SkipSpaces();
            if (AtEnd || Peek == ')' || Peek == '|')
            {
                break;
            }
            var node = ParseUnary(textField, element);
            parsedSomething = true;
            if (node is not null)
            {
                parts.Add(node);
            }
        }
        if (parts.Count == 0)
        {
            return null;
        }
        return parts.Count == 1 ? parts[0] : new QueryNode { Kind = QueryNodeKind.Intersect, Children = parts };
    }

    private QueryNode? ParseUnary(int textField, string? element)
    {
        SkipSpaces();
        if (!AtEnd && Peek == '-')
        {
            _position++;
            if (++_depth > MaxDepth)
            {
                Fail("Query nesting too deep");
                return null;
            }
            var inner = ParseUnary(textField, element);
            _depth--;
            return inner is null ? null : new QueryNode { Kind = QueryNodeKind.Not, Children = [inner] };
        }
        if (!AtEnd && Peek == '~')
        {
            _position++;
            if (++_depth > MaxDepth)
            {
                Fail("Query nesting too deep");
                return null;
            }
            ParseUnary(textField, element);
            _depth--;
            return null; // optional terms only affect scoring in RediSearch
        }
        return ParseAtom(textField, element);
    }

    private QueryNode? ParseAtom(int textField, string? element)
    {
        SkipSpaces();
        if (AtEnd)
        {
            Fail("Syntax error");
            return null;
        }
        char c = Peek;
        if (c == '(')
        {
            _position++;
            var inner = ParseUnion(textField, element);
            SkipSpaces();
            if (AtEnd || Peek != ')')
            {
                Fail("Syntax error");
                return null;
            }
            _position++;
            return inner;
        }
        if (c == '@')
        {
            return ParseField(element);
        }
        if (c == '"')
        {
            return ParsePhrase(textField);
        }
        if (c == '*')
        {
            _position++;
            return new QueryNode { Kind = QueryNodeKind.All };
        }
        return ParseTerm(textField);
    }

    private QueryNode? ParseField(string? element)
    {
        int start = _position;
        _position++; // '@'
        string name = ReadName();
        if (name.Length == 0)
        {
            Fail("Syntax error");
            return null;
        }
        if (_text.AsSpan(_position).StartsWith("[*]"))
        {
            _position += 3;
            return ParseElementGroup(name, element);
        }
        if (AtEnd || Peek != ':')
        {
            Fail("Syntax error");
            return null;
        }
        _position++;
        int field = _definition.FieldIndex(name);
        if (field < 0)
        {
            _position = start + 1;
            Fail("Unknown field");
            return null;
        }
        var definition = _definition.Fields[field];
        if (element is not null && definition.ElementPrefixText != element)
        {
            _position = start + 1;
            Fail($"Field `{name}` is not inside {element}");
            return null;
        }
        SkipSpaces();
        switch (definition.Type)
        {
            case SearchFieldType.Tag:
                if (AtEnd || Peek != '{')
                {
                    Fail("Syntax error");
                    return null;
                }
                return ParseTags(field, definition);
            case SearchFieldType.Numeric:
                if (AtEnd || Peek != '[')
                {
                    Fail("Syntax error");
                    return null;
                }
                return ParseRange(field);
            default:
                if (!AtEnd && Peek == '-')
                {
                    _position++;
                    var negated = ParseAtom(field, element);
                    return negated is null ? null : new QueryNode { Kind = QueryNodeKind.Not, Children = [negated] };
                }
                return ParseAtom(field, element);
        }
    }

    private QueryNode? ParseElementGroup(string name, string? outer)
    {
        if (outer is not null)
        {
            Fail("Nested element groups are not supported");
            return null;
        }
        string prefix = "$." + name + "[*]";
        SkipSpaces();
        if (AtEnd || Peek != ':')
        {
            Fail("Syntax error");
            return null;
        }
        _position++;
        SkipSpaces();
        if (AtEnd || Peek != '(')
        {
            Fail("Syntax error");
            return null;
        }
        _position++;
        var inner = ParseUnion(-1, prefix);
        SkipSpaces();
        if (AtEnd || Peek != ')')
        {
            Fail("Syntax error");
            return null;
        }
        _position++;
        return inner is null ? null : new QueryNode { Kind = QueryNodeKind.Element, ElementPrefix = prefix, Children = [inner] };
    }

    private string ReadName()
    {
        var builder = new StringBuilder();
        while (!AtEnd)
        {
            char c = Peek;
            if (c == '\\' && _position + 1 < _text.Length)
            {
                builder.Append(_text[_position + 1]);
                _position += 2;
                continue;
            }
            if (char.IsLetterOrDigit(c) || c is '_' or '.' or '$')
            {
                builder.Append(c);
                _position++;
                continue;
            }
            break;
        }
        return builder.ToString();
    }

    private QueryNode? ParseTags(int field, SearchField definition)
    {
        _position++; // '{'
        var values = new List<string>();
        var prefixes = new List<string>();
        var current = new StringBuilder();
        bool escapedTail = false;
        while (true)
        {
            if (AtEnd)
            {
                Fail("Syntax error");
                return null;
            }
            char c = Peek;
            _position++;
            if (c == '\\' && !AtEnd)
            {
                current.Append(Peek);
                _position++;
                escapedTail = true;
                continue;
            }
            if (c == '|' || c == '}')
            {
                AddTag(definition, current.ToString(), escapedTail, values, prefixes);
                current.Clear();
                escapedTail = false;
                if (c == '}')
                {
                    break;
                }
                continue;
            }
            current.Append(c);
            escapedTail = false;
        }
        if (values.Count == 0 && prefixes.Count == 0)
        {
            Fail("Syntax error");
            return null;
        }
        return new QueryNode { Kind = QueryNodeKind.Tag, Field = field, Values = values, Prefixes = prefixes };
    }

    private void AddTag(SearchField definition, string raw, bool lastEscaped, List<string> values, List<string> prefixes)
    {
        string tag = raw.Trim();
        tag = Substitute(tag);
        if (tag.Length == 0)
        {
            return;
        }
        if (tag.EndsWith('*') && !lastEscaped)
        {
            prefixes.Add(SearchIndex.NormalizeTag(definition, tag[..^1]));
            return;
        }
        values.Add(SearchIndex.NormalizeTag(definition, tag));
    }

    private QueryNode? ParseRange(int field)
    {
        _position++; // '['
        if (!TryReadBound(out double minimum, out bool minimumExclusive))
        {
            return null;
        }
        SkipSpaces();
        if (!AtEnd && Peek == ',')
        {
            _position++;
        }
        if (!TryReadBound(out double maximum, out bool maximumExclusive))
        {
            return null;
        }
        SkipSpaces();
        if (AtEnd || Peek != ']')
        {
            Fail("Syntax error");
            return null;
        }
        _position++;
        return new QueryNode
        {
            Kind = QueryNodeKind.Numeric,
            Field = field,
            Minimum = minimum,
            Maximum = maximum,
            MinimumExclusive = minimumExclusive,
            MaximumExclusive = maximumExclusive,
        };
    }

    private bool TryReadBound(out double value, out bool exclusive)
    {
        SkipSpaces();
        exclusive = false;
        value = 0;
        if (!AtEnd && Peek == '(')
        {
            exclusive = true;
            _position++;
        }
        int start = _position;
        while (!AtEnd && !char.IsWhiteSpace(Peek) && Peek != ']' && Peek != ',')
        {
            _position++;
        }
        string token = _text[start.._position];
        if (token.StartsWith('$'))
        {
            token = Substitute(token);
            if (token.StartsWith('('))
            {
                exclusive = true;
                token = token[1..];
            }
        }
        switch (token.ToLowerInvariant())
        {
            case "inf":
            case "+inf":
                value = double.PositiveInfinity;
                return true;
            case "-inf":
                value = double.NegativeInfinity;
                return true;
        }
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }
        _position = start;
        Fail("Expecting numeric or parameter");
        return false;
    }

    private QueryNode? ParsePhrase(int textField)
    {
        _position++; // '"'
        int start = _position;
        while (!AtEnd && Peek != '"')
        {
            _position++;
        }
        if (AtEnd)
        {
            Fail("Syntax error");
            return null;
        }
        string phrase = _text[start.._position];
        _position++;
        var tokens = new List<string>();
        TextTokenizer.Tokenize(phrase, _stopwords, tokens);
        var node = TermsNode(textField, tokens, isPrefix: false);
        return node is { Kind: QueryNodeKind.Intersect }
            ? new QueryNode { Kind = QueryNodeKind.Intersect, Children = node.Children, Field = textField, IsPhrase = true }
            : node;
    }

    private QueryNode? ParseTerm(int textField)
    {
        var builder = new StringBuilder();
        bool prefix = false;
        while (!AtEnd)
        {
            char c = Peek;
            if (c == '\\' && _position + 1 < _text.Length)
            {
                builder.Append(_text[_position + 1]);
                _position += 2;
                continue;
            }
            if (char.IsWhiteSpace(c) || c is '(' or ')' or '|' or '@' or '{' or '}' or '[' or ']' or '"' or '~')
            {
                break;
            }
            if (c == '*')
            {
                prefix = true;
                _position++;
                break;
            }
            if (c == '-' && builder.Length == 0)
            {
                break;
            }
            builder.Append(c);
            _position++;
        }
        string term = builder.ToString();
        if (term.Length == 0)
        {
            Fail("Syntax error");
            return null;
        }
        term = Substitute(term);
        var tokens = new List<string>();
        TextTokenizer.Tokenize(term, prefix ? new HashSet<string>() : _stopwords, tokens);
        return TermsNode(textField, tokens, prefix);
    }

    private static QueryNode? TermsNode(int textField, List<string> tokens, bool isPrefix)
    {
        if (tokens.Count == 0)
        {
            return null;
        }
        var nodes = new List<QueryNode>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            nodes.Add(new QueryNode { Kind = QueryNodeKind.Term, Field = textField, Values = [tokens[i]], IsPrefix = isPrefix && i == tokens.Count - 1 });
        }
        return nodes.Count == 1 ? nodes[0] : new QueryNode { Kind = QueryNodeKind.Intersect, Children = nodes };
    }
}
