using System.Buffers.Text;
using System.Text;
using Cairn.Documents.Json;

namespace Cairn.Documents.Operations.Arguments;

/// <summary>
/// Turns JSON.* arguments into typed records. <c>args</c> excludes the command name (args[0] is the first key).
/// Errors are RedisJSON's texts. Values are parsed here, so an invalid JSON argument is reported before the key is touched.
/// </summary>
public static class JsonCommandParser
{
    public static bool TrySet(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonSetArguments parsed, out string error)
    {
        parsed = null!;
        if (args.Count < 3)
        {
            error = JsonErrors.WrongArity("json.set");
            return false;
        }
        var condition = JsonSetCondition.None;
        for (int i = 3; i < args.Count; i++)
        {
            var option = args[i].Span;
            if (Is(option, "NX") && condition == JsonSetCondition.None)
            {
                condition = JsonSetCondition.IfMissing;
            }
            else if (Is(option, "XX") && condition == JsonSetCondition.None)
            {
                condition = JsonSetCondition.IfExists;
            }
            else if (Is(option, "FORMAT") && i + 1 < args.Count && Is(args[i + 1].Span, "JSON"))
            {
                i++;
            }
            else
            {
                error = JsonErrors.SyntaxError;
                return false;
            }
        }
        if (!JsonParser.TryParse(args[2].Span, out var value, out error))
        {
            return false;
        }
        parsed = new JsonSetArguments(args[0].ToArray(), Text(args[1]), value, condition);
        return true;
    }

    public static bool TryMerge(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonSetArguments parsed, out string error)
    {
        parsed = null!;
        if (args.Count < 3)
        {
            error = JsonErrors.WrongArity("json.merge");
            return false;
        }
        if (args.Count > 3)
        {
            error = JsonErrors.SyntaxError;
            return false;
        }
        if (!JsonParser.TryParse(args[2].Span, out var value, out error))
        {
            return false;
        }
        parsed = new JsonSetArguments(args[0].ToArray(), Text(args[1]), value, JsonSetCondition.None);
        return true;
    }

    /// <param name="resp3">FORMAT before any path is refused under RESP2, as RedisJSON does.</param>
    public static bool TryGet(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonGetArguments parsed, out string error, bool resp3 = false)
    {
        parsed = null!;
        error = "";
        if (args.Count < 1)
        {
            error = JsonErrors.WrongArity("json.get");
            return false;
        }
        byte[] indent = [];
        byte[] newline = [];
        byte[] space = [];
        var paths = new List<string>();
        var replyFormat = JsonGetReplyFormat.String;
        for (int i = 1; i < args.Count; i++)
        {
            var arg = args[i].Span;
            bool hasNext = i + 1 < args.Count;
            if (Is(arg, "FORMAT") && !resp3 && paths.Count == 0)
            {
                error = JsonErrors.FormatNotOnResp2;
                return false;
            }
            if (Is(arg, "INDENT") || Is(arg, "NEWLINE") || Is(arg, "SPACE") || Is(arg, "FORMAT"))
            {
                if (!hasNext)
                {
                    error = JsonErrors.WrongArity("json.get");
                    return false;
                }
                byte[] next = args[++i].ToArray();
                if (Is(arg, "INDENT")) indent = next;
                else if (Is(arg, "NEWLINE")) newline = next;
                else if (Is(arg, "SPACE")) space = next;
                else if (Is(next, "STRING")) replyFormat = JsonGetReplyFormat.String;
                else if (Is(next, "JSON")) replyFormat = JsonGetReplyFormat.Json;
                else if (Is(next, "EXPAND")) replyFormat = JsonGetReplyFormat.Expand;
                else
                {
                    error = JsonErrors.WrongReplyFormat;
                    return false;
                }
            }
            else if (Is(arg, "NOESCAPE"))
            {
                // Accepted and ignored, as RedisJSON does for ReJSON 1.0 compatibility.
            }
            else
            {
                paths.Add(Text(args[i]));
            }
        }
        var format = indent.Length == 0 && newline.Length == 0 && space.Length == 0
            ? JsonFormatOptions.Compact
            : new JsonFormatOptions(indent, newline, space);
        parsed = new JsonGetArguments(args[0].ToArray(), paths, format, resp3 ? replyFormat : JsonGetReplyFormat.String);
        return true;
    }

    public static bool TryMGet(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonMGetArguments parsed, out string error)
    {
        parsed = null!;
        error = "";
        if (args.Count < 2)
        {
            error = JsonErrors.WrongArity("json.mget");
            return false;
        }
        var keys = new List<byte[]>(args.Count - 1);
        for (int i = 0; i < args.Count - 1; i++)
        {
            keys.Add(args[i].ToArray());
        }
        parsed = new JsonMGetArguments(keys, Text(args[^1]));
        return true;
    }

    public static bool TryMSet(IReadOnlyList<ReadOnlyMemory<byte>> args, out List<JsonMSetItem> parsed, out string error)
    {
        parsed = [];
        error = "";
        if (args.Count < 3 || args.Count % 3 != 0)
        {
            error = JsonErrors.WrongArity("json.mset");
            return false;
        }
        for (int i = 0; i < args.Count; i += 3)
        {
            if (!JsonParser.TryParse(args[i + 2].Span, out var value, out error))
            {
                return false;
            }
            parsed.Add(new JsonMSetItem(args[i].ToArray(), Text(args[i + 1]), value));
        }
        return true;
    }

    /// <summary>NAME key [path]. With <paramref name="pathRequired"/> (TOGGLE) the path must be given.</summary>
    public static bool TryKeyPath(string command, IReadOnlyList<ReadOnlyMemory<byte>> args, bool pathRequired, out JsonKeyPathArguments parsed, out string error)
    {
        parsed = null!;
        error = "";
        int minimum = pathRequired ? 2 : 1;
        if (args.Count < minimum || (args.Count > 2 && !Is(command, "json.clear")))
        {
            error = JsonErrors.WrongArity(command);
            return false;
        }
        parsed = new JsonKeyPathArguments(args[0].ToArray(), args.Count > 1 ? Text(args[1]) : null);
        return true;
    }

    /// <summary>JSON.DEBUG subcommand parsing: MEMORY key [path] or HELP.</summary>
    public static bool TryDebug(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonKeyPathArguments? memory, out string error)
    {
        memory = null;
        error = "";
        if (args.Count < 1)
        {
            error = JsonErrors.WrongArity("json.debug");
            return false;
        }
        if (Is(args[0].Span, "HELP"))
        {
            return true;
        }
        if (!Is(args[0].Span, "MEMORY"))
        {
            error = JsonErrors.UnknownDebugSubcommand;
            return false;
        }
        if (args.Count < 2 || args.Count > 3)
        {
            error = JsonErrors.WrongArity("json.debug");
            return false;
        }
        memory = new JsonKeyPathArguments(args[1].ToArray(), args.Count > 2 ? Text(args[2]) : null);
        return true;
    }

    public static IReadOnlyList<string> DebugHelp { get; } =
        ["MEMORY <key> [path] - reports memory usage", "HELP                - this message"];

    public static bool TryNumber(string command, IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonNumberArguments parsed, out string error)
    {
        parsed = null!;
        error = "";
        if (args.Count != 3)
        {
            error = JsonErrors.WrongArity(command);
            return false;
        }
        parsed = new JsonNumberArguments(args[0].ToArray(), Text(args[1]), args[2].ToArray());
        return true;
    }

    public static bool TryStrAppend(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonStrAppendArguments parsed, out string error)
    {
        parsed = null!;
        error = "";
        if (args.Count < 2 || args.Count > 3)
        {
            error = JsonErrors.WrongArity("json.strappend");
            return false;
        }
        parsed = args.Count == 2
            ? new JsonStrAppendArguments(args[0].ToArray(), null, args[1].ToArray())
            : new JsonStrAppendArguments(args[0].ToArray(), Text(args[1]), args[2].ToArray());
        return true;
    }

    public static bool TryArrAppend(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonArrayValuesArguments parsed, out string error)
    {
        parsed = null!;
        if (args.Count < 3)
        {
            error = JsonErrors.WrongArity("json.arrappend");
            return false;
        }
        if (!TryValues(args, 2, out var values, out error))
        {
            return false;
        }
        parsed = new JsonArrayValuesArguments(args[0].ToArray(), Text(args[1]), 0, values);
        return true;
    }

    public static bool TryArrInsert(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonArrayValuesArguments parsed, out string error)
    {
        parsed = null!;
        if (args.Count < 4)
        {
            error = JsonErrors.WrongArity("json.arrinsert");
            return false;
        }
        if (!TryInteger(args[2].Span, out long index))
        {
            error = JsonErrors.NotAnInteger;
            return false;
        }
        if (!TryValues(args, 3, out var values, out error))
        {
            return false;
        }
        parsed = new JsonArrayValuesArguments(args[0].ToArray(), Text(args[1]), index, values);
        return true;
    }

    public static bool TryArrIndex(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonArrIndexArguments parsed, out string error)
    {
        parsed = null!;
        if (args.Count < 3 || args.Count > 5)
        {
            error = JsonErrors.WrongArity("json.arrindex");
            return false;
        }
        long start = 0;
        long stop = 0;
        if ((args.Count > 3 && !TryInteger(args[3].Span, out start)) || (args.Count > 4 && !TryInteger(args[4].Span, out stop)))
        {
            error = JsonErrors.NotAnInteger;
            return false;
        }
        if (!JsonParser.TryParse(args[2].Span, out var value, out error))
        {
            return false;
        }
        parsed = new JsonArrIndexArguments(args[0].ToArray(), Text(args[1]), value, start, stop);
        return true;
    }

    public static bool TryArrPop(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonArrPopArguments parsed, out string error)
    {
        parsed = null!;
        error = "";
        if (args.Count < 1 || args.Count > 3)
        {
            error = JsonErrors.WrongArity("json.arrpop");
            return false;
        }
        long index = -1;
        if (args.Count == 3 && !TryInteger(args[2].Span, out index))
        {
            index = -1; // RedisJSON ignores an unparsable index and pops the last element
        }
        parsed = new JsonArrPopArguments(args[0].ToArray(), args.Count > 1 ? Text(args[1]) : null, index);
        return true;
    }

    public static bool TryArrTrim(IReadOnlyList<ReadOnlyMemory<byte>> args, out JsonArrTrimArguments parsed, out string error)
    {
        parsed = null!;
        error = "";
        if (args.Count != 4)
        {
            error = JsonErrors.WrongArity("json.arrtrim");
            return false;
        }
        if (!TryInteger(args[2].Span, out long start) || !TryInteger(args[3].Span, out long stop))
        {
            error = JsonErrors.NotAnInteger;
            return false;
        }
        parsed = new JsonArrTrimArguments(args[0].ToArray(), Text(args[1]), start, stop);
        return true;
    }

    private static bool TryValues(IReadOnlyList<ReadOnlyMemory<byte>> args, int from, out List<JsonValue> values, out string error)
    {
        values = new List<JsonValue>(args.Count - from);
        error = "";
        for (int i = from; i < args.Count; i++)
        {
            if (!JsonParser.TryParse(args[i].Span, out var value, out error))
            {
                return false;
            }
            values.Add(value);
        }
        return true;
    }

    internal static bool TryInteger(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length && text.Length > 0;

    internal static bool Is(ReadOnlySpan<byte> arg, string keyword)
    {
        if (arg.Length != keyword.Length)
        {
            return false;
        }
        for (int i = 0; i < arg.Length; i++)
        {
            if (char.ToUpperInvariant((char)arg[i]) != char.ToUpperInvariant(keyword[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    internal static string Text(ReadOnlyMemory<byte> arg) => Encoding.UTF8.GetString(arg.Span);
}
