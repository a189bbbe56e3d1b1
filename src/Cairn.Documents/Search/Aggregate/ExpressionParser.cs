using System.Globalization;
using System.Text;

namespace Cairn.Documents.Search.Aggregate;

/// <summary>
/// Parses RediSearch aggregation expressions: numbers, quoted strings, @fields, + - * / % ^, == != &lt; &lt;= &gt; &gt;=, &amp;&amp; ||, !,
/// parentheses and function calls (upper, lower, abs, floor, ceil, sqrt, log, log2, exists, startswith, contains, strlen).
/// </summary>
public sealed class ExpressionParser
{
    private static readonly string[][] s_levels =
    [
        ["||"],
        ["&&"],
        ["==", "!=", "<=", ">=", "<", ">"],
        ["+", "-"],
        ["*", "/", "%"],
        ["^"],
    ];

    private readonly string _text;
    private int _position;
    private int _depth;

    public const int MaxDepth = 128;

    private ExpressionParser(string text) => _text = text;

    public static bool TryParse(string text, out ExpressionNode node, out string error)
    {
        var parser = new ExpressionParser(text);
        try
        {
            node = parser.ParseLevel(0);
            parser.SkipSpaces();
            if (parser._position < text.Length)
            {
                throw new FormatException($"Syntax error at offset {parser._position} near {text[parser._position..]}");
            }
            error = "";
            return true;
        }
        catch (FormatException exception)
        {
            node = null!;
            error = exception.Message;
            return false;
        }
    }

    private void SkipSpaces()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private ExpressionNode ParseLevel(int level)
    {
        if (level == s_levels.Length)
        {
            return ParseUnary();
        }
        var left = ParseLevel(level + 1);
        while (true)
        {
            SkipSpaces();
            string? op = null;
            foreach (string candidate in s_levels[level])
            {
                if (string.CompareOrdinal(_text, _position, candidate, 0, candidate.Length) == 0)
                {
                    op = candidate;
                    break;
                }
            }
            if (op is null)
            {
                return left;
            }
            _position += op.Length;
            var right = ParseLevel(level + 1);
            left = new ExpressionNode { Kind = 'b', Operator = op, Arguments = [left, right] };
        }
    }

    private ExpressionNode ParseUnary()
    {
        if (++_depth > MaxDepth)
        {
            throw new FormatException("Expression nesting too deep");
        }
        try
        {
            return ParseUnaryBody();
        }
        finally
        {
            _depth--;
        }
    }

    private ExpressionNode ParseUnaryBody()
    {
        SkipSpaces();
        if (_position < _text.Length && (_text[_position] == '!' || _text[_position] == '-'))
        {
            string op = _text[_position].ToString();
            _position++;
            return new ExpressionNode { Kind = 'u', Operator = op, Arguments = [ParseUnary()] };
        }
        return ParsePrimary();
    }

    private ExpressionNode ParsePrimary()
    {
        SkipSpaces();
        if (_position >= _text.Length)
        {
            throw new FormatException("Syntax error: unexpected end of expression");
        }
        char c = _text[_position];
        if (c == '(')
        {
            _position++;
            var inner = ParseLevel(0);
            Expect(')');
            return inner;
        }
        if (c == '@')
        {
            _position++;
            int start = _position;
            while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] is '_' or '.' or '$' or '[' or ']' or '*'))
            {
                _position++;
            }
            return new ExpressionNode { Kind = 'f', Text = _text[start.._position] };
        }
        if (c == '"' || c == '\'')
        {
            _position++;
            var builder = new StringBuilder();
            while (_position < _text.Length && _text[_position] != c)
            {
                if (_text[_position] == '\\' && _position + 1 < _text.Length)
                {
                    _position++;
                }
                builder.Append(_text[_position++]);
            }
            Expect(c);
            return new ExpressionNode { Kind = 's', Text = builder.ToString() };
        }
        if (char.IsAsciiDigit(c) || c == '.')
        {
            int start = _position;
            while (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || _text[_position] is '.' or 'e' or 'E'))
            {
                _position++;
            }
            return new ExpressionNode { Kind = 'n', Number = double.Parse(_text.AsSpan(start, _position - start), NumberStyles.Float, CultureInfo.InvariantCulture) };
        }
        if (char.IsLetter(c))
        {
            int start = _position;
            while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] == '_'))
            {
                _position++;
            }
            string name = _text[start.._position].ToLowerInvariant();
            SkipSpaces();
            Expect('(');
            var arguments = new List<ExpressionNode>();
            SkipSpaces();
            if (_position < _text.Length && _text[_position] == ')')
            {
                _position++;
                return new ExpressionNode { Kind = 'c', Text = name, Arguments = arguments };
            }
            while (true)
            {
                arguments.Add(ParseLevel(0));
                SkipSpaces();
                if (_position < _text.Length && _text[_position] == ',')
                {
                    _position++;
                    continue;
                }
                Expect(')');
                return new ExpressionNode { Kind = 'c', Text = name, Arguments = arguments };
            }
        }
        throw new FormatException($"Syntax error at offset {_position} near {_text[_position..]}");
    }

    private void Expect(char c)
    {
        SkipSpaces();
        if (_position >= _text.Length || _text[_position] != c)
        {
            throw new FormatException($"Syntax error at offset {_position}: expected '{c}'");
        }
        _position++;
    }
}
