using System.Buffers;
using System.Globalization;
using System.Text;

namespace Cairn.Documents.Json;

/// <summary>
/// Serializes documents as RedisJSON does: serde_json escaping (only '"', '\\' and control characters), ryu doubles,
/// and RedisJSON's formatter for INDENT/NEWLINE/SPACE (a newline plus indentation before every element and before the closing
/// bracket of a non-empty container, SPACE after each ':').
/// </summary>
public static class JsonWriter
{
    private static readonly byte[] s_hex = "0123456789abcdef"u8.ToArray();

    public static byte[] ToUtf8(JsonValue value, JsonFormatOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(buffer, value, options);
        return buffer.WrittenSpan.ToArray();
    }

    public static string ToText(JsonValue value, JsonFormatOptions options) => Encoding.UTF8.GetString(ToUtf8(value, options));

    public static void Write(IBufferWriter<byte> output, JsonValue value, JsonFormatOptions options)
    {
        var state = default(FormatterState);
        WriteValue(output, value, options, ref state);
    }

    /// <summary>Writes a JSON array of the given values (the reply shape of `$` paths).</summary>
    public static void WriteArray(IBufferWriter<byte> output, IReadOnlyList<JsonValue> values, JsonFormatOptions options)
    {
        var state = default(FormatterState);
        BeginContainer(output, (byte)'[', ref state);
        for (int i = 0; i < values.Count; i++)
        {
            BeginElement(output, i == 0, options, ref state);
            WriteValue(output, values[i], options, ref state);
            state.HasValue = true;
        }
        EndContainer(output, (byte)']', options, ref state);
    }

    public static byte[] ArrayToUtf8(IReadOnlyList<JsonValue> values, JsonFormatOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        WriteArray(buffer, values, options);
        return buffer.WrittenSpan.ToArray();
    }

    internal static void WriteValue(IBufferWriter<byte> output, JsonValue value, JsonFormatOptions options, ref FormatterState state)
    {
        switch (value.Kind)
        {
            case JsonKind.Null:
                output.Write("null"u8);
                break;
            case JsonKind.True:
                output.Write("true"u8);
                break;
            case JsonKind.False:
                output.Write("false"u8);
                break;
            case JsonKind.Integer:
            {
                Span<byte> digits = stackalloc byte[24];
                value.IntegerValue.TryFormat(digits, out int written, default, CultureInfo.InvariantCulture);
                output.Write(digits[..written]);
                break;
            }
            case JsonKind.Double:
                output.Write(Encoding.ASCII.GetBytes(JsonNumberFormatter.FormatDouble(value.DoubleValue)));
                break;
            case JsonKind.String:
                WriteString(output, value.StringSpan);
                break;
            case JsonKind.Array:
            {
                var items = value.Items;
                BeginContainer(output, (byte)'[', ref state);
                for (int i = 0; i < items.Count; i++)
                {
                    BeginElement(output, i == 0, options, ref state);
                    WriteValue(output, items[i], options, ref state);
                    state.HasValue = true;
                }
                EndContainer(output, (byte)']', options, ref state);
                break;
            }
            default:
            {
                var members = value.Members;
                BeginContainer(output, (byte)'{', ref state);
                for (int i = 0; i < members.Count; i++)
                {
                    BeginElement(output, i == 0, options, ref state);
                    WriteString(output, members[i].Name);
                    output.Write(":"u8);
                    output.Write(options.Space);
                    WriteValue(output, members[i].Value, options, ref state);
                    state.HasValue = true;
                }
                EndContainer(output, (byte)'}', options, ref state);
                break;
            }
        }
    }

    public static void WriteString(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        var span = output.GetSpan(utf8.Length + 2);
        int position = 0;
        span[position++] = (byte)'"';
        foreach (byte b in utf8)
        {
            if (span.Length - position < 8)
            {
                output.Advance(position);
                span = output.GetSpan(Math.Max(64, utf8.Length));
                position = 0;
            }
            if (b >= 0x20 && b != (byte)'"' && b != (byte)'\\')
            {
                span[position++] = b;
                continue;
            }
            span[position++] = (byte)'\\';
            switch (b)
            {
                case (byte)'"': span[position++] = (byte)'"'; break;
                case (byte)'\\': span[position++] = (byte)'\\'; break;
                case (byte)'\n': span[position++] = (byte)'n'; break;
                case (byte)'\r': span[position++] = (byte)'r'; break;
                case (byte)'\t': span[position++] = (byte)'t'; break;
                case 0x08: span[position++] = (byte)'b'; break;
                case 0x0C: span[position++] = (byte)'f'; break;
                default:
                    span[position++] = (byte)'u';
                    span[position++] = (byte)'0';
                    span[position++] = (byte)'0';
                    span[position++] = s_hex[b >> 4];
                    span[position++] = s_hex[b & 0xF];
                    break;
            }
        }
        if (span.Length - position < 1)
        {
            output.Advance(position);
            span = output.GetSpan(1);
            position = 0;
        }
        span[position++] = (byte)'"';
        output.Advance(position);
    }

    private static void BeginContainer(IBufferWriter<byte> output, byte open, ref FormatterState state)
    {
        output.Write([open]);
        state.Depth++;
        state.HasValue = false;
    }

    private static void BeginElement(IBufferWriter<byte> output, bool first, JsonFormatOptions options, ref FormatterState state)
    {
        if (!first)
        {
            output.Write(","u8);
        }
        NewLine(output, options, state.Depth);
    }

    private static void EndContainer(IBufferWriter<byte> output, byte close, JsonFormatOptions options, ref FormatterState state)
    {
        state.Depth--;
        if (state.HasValue)
        {
            NewLine(output, options, state.Depth);
        }
        output.Write([close]);
    }

    private static void NewLine(IBufferWriter<byte> output, JsonFormatOptions options, int depth)
    {
        output.Write(options.Newline);
        if (options.Indent.Length > 0)
        {
            for (int i = 0; i < depth; i++)
            {
                output.Write(options.Indent);
            }
        }
    }

    /// <summary>RedisJSON's formatter keeps one "has value" flag, not a stack; mirroring that reproduces its output exactly.</summary>
    internal struct FormatterState
    {
        public int Depth;
        public bool HasValue;
    }
}
