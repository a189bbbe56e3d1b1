using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Cairn.Documents.Json;

/// <summary>
/// Parses JSON text into a <see cref="JsonValue"/> tree. Errors carry serde_json's wording and "at line L column C",
/// which is what RedisJSON replies with (e.g. "expected value at line 1 column 1").
/// </summary>
/// <remarks>Bounded: nesting deeper than <see cref="JsonLimits.MaxNestingDepth"/> and input larger than
/// <see cref="JsonLimits.MaxDocumentBytes"/> are rejected. RFC 8259 grammar; no comments, no trailing commas, no NaN.</remarks>
public ref struct JsonParser
{
    private readonly ReadOnlySpan<byte> _text;
    private int _position;
    private string? _error;
    private int _errorPosition;

    private JsonParser(ReadOnlySpan<byte> text)
    {
        _text = text;
        _position = 0;
        _error = null;
        _errorPosition = 0;
    }

    public static bool TryParse(ReadOnlySpan<byte> text, out JsonValue value, out string error)
    {
        if (text.Length > JsonLimits.MaxDocumentBytes)
        {
            value = JsonValue.Null();
            error = "ERR document too large";
            return false;
        }
        var parser = new JsonParser(text);
        var result = parser.ParseValue(0);
        if (result is not null)
        {
            parser.SkipWhitespace();
            if (parser._position < text.Length)
            {
                parser.Fail("trailing characters", parser._position);
                result = null;
            }
        }
        if (result is null)
        {
            value = JsonValue.Null();
            error = parser.FormatError();
            return false;
        }
        value = result;
        error = "";
        return true;
    }

    public static JsonValue Parse(string text)
    {
        if (!TryParse(Encoding.UTF8.GetBytes(text), out var value, out string error))
        {
            throw new FormatException(error);
        }
        return value;
    }

    private string FormatError()
    {
        int line = 1;
        int column = 0;
        int end = Math.Min(_errorPosition, _text.Length);
        for (int i = 0; i < end; i++)
        {
            if (_text[i] == (byte)'\n')
            {
                line++;
                column = 0;
            }
            else
            {
                column++;
            }
        }
        // serde reports the column of the offending byte (1-based) or, at end of input, of the last byte read.
        if (_errorPosition < _text.Length)
        {
            column++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{_error} at line {line} column {column}");
    }

    private void Fail(string message, int position)
    {
        if (_error is null)
        {
            _error = message;
            _errorPosition = position;
        }
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length)
        {
            byte b = _text[_position];
            if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                _position++;
            }
            else
            {
                break;
            }
        }
    }

    private JsonValue? ParseValue(int depth)
    {
        SkipWhitespace();
        if (_position >= _text.Length)
        {
            Fail("EOF while parsing a value", _position);
            return null;
        }
        byte b = _text[_position];
        switch (b)
        {
            case (byte)'{':
                return ParseObject(depth + 1);
            case (byte)'[':
                return ParseArray(depth + 1);
            case (byte)'"':
            {
                var bytes = ParseString();
                return bytes is null ? null : JsonValue.String(bytes);
            }
            case (byte)'t':
                return ParseLiteral("true"u8) ? JsonValue.Boolean(true) : null;
            case (byte)'f':
                return ParseLiteral("false"u8) ? JsonValue.Boolean(false) : null;
            case (byte)'n':
                return ParseLiteral("null"u8) ? JsonValue.Null() : null;
            default:
                if (b == (byte)'-' || (b >= (byte)'0' && b <= (byte)'9'))
                {
                    return ParseNumber();
                }
                Fail("expected value", _position);
                return null;
        }
    }

    private bool ParseLiteral(ReadOnlySpan<byte> literal)
    {
        for (int i = 0; i < literal.Length; i++)
        {
            if (_position >= _text.Length)
            {
                Fail("EOF while parsing a value", _position);
                return false;
            }
            if (_text[_position] != literal[i])
            {
                Fail("expected ident", _position);
                return false;
            }
            _position++;
        }
        return true;
    }

    private JsonValue? ParseNumber()
    {
        int start = _position;
        bool isInteger = true;
        if (_text[_position] == (byte)'-')
        {
            _position++;
        }
        if (_position >= _text.Length)
        {
            Fail("EOF while parsing a value", _position);
            return null;
        }
        if (_text[_position] == (byte)'0')
        {
            _position++;
            if (_position < _text.Length && IsDigit(_text[_position]))
            {
                Fail("invalid number", _position);
                return null;
            }
        }
        else if (IsDigit(_text[_position]))
        {
            while (_position < _text.Length && IsDigit(_text[_position]))
            {
                _position++;
            }
        }
        else
        {
            Fail("invalid number", _position);
            return null;
        }
        if (_position < _text.Length && _text[_position] == (byte)'.')
        {
            isInteger = false;
            _position++;
            if (_position >= _text.Length)
            {
                Fail("EOF while parsing a value", _position);
                return null;
            }
            if (!IsDigit(_text[_position]))
            {
                Fail("invalid number", _position);
                return null;
            }
            while (_position < _text.Length && IsDigit(_text[_position]))
            {
                _position++;
            }
        }
        if (_position < _text.Length && (_text[_position] == (byte)'e' || _text[_position] == (byte)'E'))
        {
            isInteger = false;
            _position++;
            if (_position < _text.Length && (_text[_position] == (byte)'+' || _text[_position] == (byte)'-'))
            {
                _position++;
            }
            if (_position >= _text.Length)
            {
                Fail("EOF while parsing a value", _position);
                return null;
            }
            if (!IsDigit(_text[_position]))
            {
                Fail("invalid number", _position);
                return null;
            }
            while (_position < _text.Length && IsDigit(_text[_position]))
            {
                _position++;
            }
        }
        var literal = _text[start.._position];
        if (isInteger && Utf8Parser.TryParse(literal, out long integer, out int consumed) && consumed == literal.Length)
        {
            return JsonValue.Integer(integer);
        }
        if (!Utf8Parser.TryParse(literal, out double number, out consumed, 'E') || consumed != literal.Length)
        {
            number = double.Parse(Encoding.ASCII.GetString(literal), NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        if (double.IsInfinity(number))
        {
            Fail("number out of range", _position);
            return null;
        }
        return JsonValue.Double(number);
    }

    private static bool IsDigit(byte b) => b >= (byte)'0' && b <= (byte)'9';

    private byte[]? ParseString()
    {
        _position++; // opening quote
        int start = _position;
        // Fast path: no escapes.
        while (_position < _text.Length)
        {
            byte b = _text[_position];
            if (b == (byte)'"')
            {
                var raw = _text[start.._position];
                if (!Utf8.IsValid(raw))
                {
                    Fail("invalid unicode code point", _position);
                    return null;
                }
                _position++;
                return raw.ToArray();
            }
            if (b == (byte)'\\')
            {
                break;
            }
            if (b < 0x20)
            {
                Fail("control character (\\u0000-\\u001F) found while parsing a string", _position);
                return null;
            }
            _position++;
        }
        var builder = new List<byte>(_position - start + 16);
        for (int i = start; i < _position; i++)
        {
            builder.Add(_text[i]);
        }
        while (_position < _text.Length)
        {
            byte b = _text[_position];
            if (b == (byte)'"')
            {
                _position++;
                var result = builder.ToArray();
                if (!Utf8.IsValid(result))
                {
                    Fail("invalid unicode code point", _position - 1);
                    return null;
                }
                return result;
            }
            if (b < 0x20)
            {
                Fail("control character (\\u0000-\\u001F) found while parsing a string", _position);
                return null;
            }
            if (b != (byte)'\\')
            {
                builder.Add(b);
                _position++;
                continue;
            }
            _position++;
            if (_position >= _text.Length)
            {
                break;
            }
            byte escape = _text[_position++];
            switch (escape)
            {
                case (byte)'"': builder.Add((byte)'"'); break;
                case (byte)'\\': builder.Add((byte)'\\'); break;
                case (byte)'/': builder.Add((byte)'/'); break;
                case (byte)'b': builder.Add(0x08); break;
                case (byte)'f': builder.Add(0x0C); break;
                case (byte)'n': builder.Add((byte)'\n'); break;
                case (byte)'r': builder.Add((byte)'\r'); break;
                case (byte)'t': builder.Add((byte)'\t'); break;
                case (byte)'u':
                {
                    if (!TryReadHex4(out int code))
                    {
                        return null;
                    }
                    if (code >= 0xD800 && code <= 0xDBFF)
                    {
                        if (_position + 1 >= _text.Length || _text[_position] != (byte)'\\' || _text[_position + 1] != (byte)'u')
                        {
                            Fail("unexpected end of hex escape", _position);
                            return null;
                        }
                        _position += 2;
                        if (!TryReadHex4(out int low))
                        {
                            return null;
                        }
                        if (low < 0xDC00 || low > 0xDFFF)
                        {
                            Fail("lone leading surrogate in hex escape", _position);
                            return null;
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    }
                    else if (code >= 0xDC00 && code <= 0xDFFF)
                    {
                        Fail("lone leading surrogate in hex escape", _position);
                        return null;
                    }
                    Span<byte> encoded = stackalloc byte[4];
                    int length = new Rune(code).EncodeToUtf8(encoded);
                    for (int i = 0; i < length; i++)
                    {
                        builder.Add(encoded[i]);
                    }
                    break;
                }
                default:
                    Fail("invalid escape", _position - 1);
                    return null;
            }
        }
        Fail("EOF while parsing a string", _text.Length);
        return null;
    }

    /// <summary>A member name: interned straight from the input when it has no escapes (the common case).</summary>
    private byte[]? ParseName()
    {
        int start = _position + 1;
        for (int i = start; i < _text.Length; i++)
        {
            byte b = _text[i];
            if (b == (byte)'"')
            {
                var raw = _text[start..i];
                if (!Utf8.IsValid(raw))
                {
                    break;
                }
                _position = i + 1;
                return JsonNameTable.Intern(raw);
            }
            if (b == (byte)'\\' || b < 0x20)
            {
                break;
            }
        }
        var name = ParseString();
        return name is null ? null : JsonNameTable.Intern(name);
    }

    private bool TryReadHex4(out int code)
    {
        code = 0;
        for (int i = 0; i < 4; i++)
        {
            if (_position >= _text.Length)
            {
                Fail("EOF while parsing a string", _position);
                return false;
            }
            byte b = _text[_position];
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                Fail("invalid escape", _position);
                return false;
            }
            code = (code << 4) | digit;
            _position++;
        }
        return true;
    }

    private JsonValue? ParseArray(int depth)
    {
        if (depth > JsonLimits.MaxNestingDepth)
        {
            Fail("recursion limit exceeded", _position);
            return null;
        }
        _position++;
        var items = new List<JsonValue>();
        SkipWhitespace();
        if (_position < _text.Length && _text[_position] == (byte)']')
        {
            _position++;
            return JsonValue.Array(items);
        }
        while (true)
        {
            var item = ParseValue(depth);
            if (item is null)
            {
                return null;
            }
            items.Add(item);
            SkipWhitespace();
            if (_position >= _text.Length)
            {
                Fail("EOF while parsing a list", _position);
                return null;
            }
            byte b = _text[_position];
            if (b == (byte)',')
            {
                _position++;
                SkipWhitespace();
                if (_position < _text.Length && _text[_position] == (byte)']')
                {
                    Fail("trailing comma", _position);
                    return null;
                }
                continue;
            }
            if (b == (byte)']')
            {
                _position++;
                return JsonValue.Array(items);
            }
            Fail("expected `,` or `]`", _position);
            return null;
        }
    }

    private JsonValue? ParseObject(int depth)
    {
        if (depth > JsonLimits.MaxNestingDepth)
        {
            Fail("recursion limit exceeded", _position);
            return null;
        }
        _position++;
        HashSet<byte[]>? seen = null;
        var result = JsonValue.Object();
        var members = result.Members;
        SkipWhitespace();
        if (_position < _text.Length && _text[_position] == (byte)'}')
        {
            _position++;
            return result;
        }
        while (true)
        {
            SkipWhitespace();
            if (_position >= _text.Length)
            {
                Fail("EOF while parsing an object", _position);
                return null;
            }
            if (_text[_position] != (byte)'"')
            {
                Fail(_text[_position] == (byte)'}' ? "trailing comma" : "key must be a string", _position);
                return null;
            }
            var name = ParseName();
            if (name is null)
            {
                return null;
            }
            SkipWhitespace();
            if (_position >= _text.Length)
            {
                Fail("EOF while parsing an object", _position);
                return null;
            }
            if (_text[_position] != (byte)':')
            {
                Fail("expected `:`", _position);
                return null;
            }
            _position++;
            var value = ParseValue(depth);
            if (value is null)
            {
                return null;
            }
            // Small objects find duplicates by scanning; large ones switch to a set so parsing stays linear.
            if (members.Count < 16)
            {
                result.SetMember(name, value);
            }
            else
            {
                if (seen is null)
                {
                    seen = new HashSet<byte[]>(Cairn.Primitives.ByteArrayComparer.Instance);
                    foreach (var member in members)
                    {
                        seen.Add(member.Name);
                    }
                }
                if (seen.Add(name))
                {
                    result.AddMember(name, value);
                }
                else
                {
                    result.SetMember(name, value);
                }
            }
            SkipWhitespace();
            if (_position >= _text.Length)
            {
                Fail("EOF while parsing an object", _position);
                return null;
            }
            byte b = _text[_position];
            if (b == (byte)',')
            {
                _position++;
                continue;
            }
            if (b == (byte)'}')
            {
                _position++;
                result.TrimExcess(); // parsed documents carry no spare member slots
                return result;
            }
            Fail("expected `,` or `}`", _position);
            return null;
        }
    }
}
