using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;

namespace Cairn.Protocol.Resp;

/// <summary>
/// Writes RESP2/RESP3 frames into a buffer writer. RESP3-only frames (maps, sets, doubles, nulls, booleans, pushes) are
/// written in their RESP2 shape when the connection speaks RESP2, exactly as Redis does.
/// Thread safety: not thread safe; one writer per connection, used under that connection's output lock.
/// </summary>
public sealed class RespWriter
{
    private static readonly byte[] s_crlf = "\r\n"u8.ToArray();
    private IBufferWriter<byte> _output;

    public RespWriter(IBufferWriter<byte> output)
    {
        _output = output;
    }

    public RespVersion Version { get; set; } = RespVersion.Resp2;

    public bool IsResp3 => Version == RespVersion.Resp3;

    /// <summary>Bytes written since the counter was last reset; the session uses it for output-buffer limits.</summary>
    public long BytesWritten { get; set; }

    public IBufferWriter<byte> Output
    {
        get => _output;
        set => _output = value;
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Span<byte> span = _output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        _output.Advance(bytes.Length);
        BytesWritten += bytes.Length;
    }

    public void WriteOk() => WriteRaw("+OK\r\n"u8);

    public void WriteQueued() => WriteRaw("+QUEUED\r\n"u8);

    public void WriteSimpleString(ReadOnlySpan<byte> value) => WritePrefixed((byte)'+', value);

    public void WriteSimpleString(string value) => WritePrefixedAscii((byte)'+', value);

    /// <summary>Writes an error; <paramref name="message"/> starts with its code ("ERR ...", "WRONGTYPE ...") and has no CR/LF.</summary>
    public void WriteError(string message) => WritePrefixedAscii((byte)'-', message);

    public void WriteError(ReadOnlySpan<byte> message) => WritePrefixed((byte)'-', message);

    public void WriteInteger(long value) => WriteNumberLine((byte)':', value);

    public void WriteArrayHeader(long count) => WriteNumberLine((byte)'*', count);

    /// <summary>A map of <paramref name="pairs"/> entries: RESP3 '%', RESP2 a flat array of 2n items.</summary>
    public void WriteMapHeader(long pairs)
    {
        if (IsResp3)
        {
            WriteNumberLine((byte)'%', pairs);
        }
        else
        {
            WriteNumberLine((byte)'*', pairs * 2);
        }
    }

    public void WriteSetHeader(long count) => WriteNumberLine(IsResp3 ? (byte)'~' : (byte)'*', count);

    public void WritePushHeader(long count) => WriteNumberLine(IsResp3 ? (byte)'>' : (byte)'*', count);

    public void WriteBulkString(ReadOnlySpan<byte> value)
    {
        int headerMax = 1 + 11 + 2;
        Span<byte> span = _output.GetSpan(headerMax + value.Length + 2);
        span[0] = (byte)'$';
        Utf8Formatter.TryFormat(value.Length, span[1..], out int digits);
        int pos = 1 + digits;
        span[pos++] = (byte)'\r';
        span[pos++] = (byte)'\n';
        value.CopyTo(span[pos..]);
        pos += value.Length;
        span[pos++] = (byte)'\r';
        span[pos++] = (byte)'\n';
        _output.Advance(pos);
        BytesWritten += pos;
    }

    /// <summary>Writes a large value without asking the buffer writer for one contiguous span of its whole size.</summary>
    public void WriteBulkStringChunked(ReadOnlySpan<byte> value)
    {
        if (value.Length <= 64 * 1024)
        {
            WriteBulkString(value);
            return;
        }
        WriteNumberLine((byte)'$', value.Length);
        while (!value.IsEmpty)
        {
            Span<byte> span = _output.GetSpan(Math.Min(value.Length, 64 * 1024));
            int n = Math.Min(span.Length, value.Length);
            value[..n].CopyTo(span);
            _output.Advance(n);
            BytesWritten += n;
            value = value[n..];
        }
        WriteRaw(s_crlf);
    }

    public void WriteBulkString(string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            Span<byte> tmp = stackalloc byte[max];
            int n = Encoding.UTF8.GetBytes(value, tmp);
            WriteBulkString(tmp[..n]);
        }
        else
        {
            WriteBulkString(Encoding.UTF8.GetBytes(value));
        }
    }

    public void WriteBulkInteger(long value)
    {
        Span<byte> tmp = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, tmp, out int n);
        WriteBulkString(tmp[..n]);
    }

    /// <summary>RESP3 verbatim string ("txt"); RESP2 bulk string. Used by INFO, CLIENT INFO/LIST, LOLWUT.</summary>
    public void WriteVerbatimString(string value)
    {
        if (!IsResp3)
        {
            WriteBulkString(value);
            return;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        WriteNumberLine((byte)'=', bytes.Length + 4);
        WriteRaw("txt:"u8);
        WriteRaw(bytes);
        WriteRaw(s_crlf);
    }

    /// <summary>The null reply: RESP3 '_', RESP2 null bulk string.</summary>
    public void WriteNull() => WriteRaw(IsResp3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>The null array reply: RESP3 '_', RESP2 '*-1' (BLPOP timeouts, EXEC aborted by WATCH).</summary>
    public void WriteNullArray() => WriteRaw(IsResp3 ? "_\r\n"u8 : "*-1\r\n"u8);

    public void WriteEmptyArray() => WriteRaw("*0\r\n"u8);

    public void WriteBoolean(bool value)
    {
        if (IsResp3)
        {
            WriteRaw(value ? "#t\r\n"u8 : "#f\r\n"u8);
        }
        else
        {
            WriteRaw(value ? ":1\r\n"u8 : ":0\r\n"u8);
        }
    }

    /// <summary>A double as Redis replies it: RESP3 ',' frame; RESP2 bulk string with Redis's formatting (%.17g, inf, -inf, nan).</summary>
    public void WriteDouble(double value)
    {
        Span<byte> tmp = stackalloc byte[32];
        int n = NumberFormat.FormatDouble(value, tmp);
        if (IsResp3)
        {
            WritePrefixed((byte)',', tmp[..n]);
        }
        else
        {
            WriteBulkString(tmp[..n]);
        }
    }

    /// <summary>A double as a bulk string in both protocols (INCRBYFLOAT, HINCRBYFLOAT reply with their text).</summary>
    public void WriteBulkDouble(double value, bool humanFriendly)
    {
        Span<byte> tmp = stackalloc byte[400];
        int n = humanFriendly ? NumberFormat.FormatLongDouble(value, tmp) : NumberFormat.FormatDouble(value, tmp);
        WriteBulkString(tmp[..n]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteNumberLine(byte prefix, long value)
    {
        Span<byte> span = _output.GetSpan(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out int digits);
        span[1 + digits] = (byte)'\r';
        span[2 + digits] = (byte)'\n';
        _output.Advance(3 + digits);
        BytesWritten += 3 + digits;
    }

    private void WritePrefixed(byte prefix, ReadOnlySpan<byte> value)
    {
        Span<byte> span = _output.GetSpan(value.Length + 3);
        span[0] = prefix;
        value.CopyTo(span[1..]);
        span[1 + value.Length] = (byte)'\r';
        span[2 + value.Length] = (byte)'\n';
        _output.Advance(value.Length + 3);
        BytesWritten += value.Length + 3;
    }

    private void WritePrefixedAscii(byte prefix, string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length) + 3;
        Span<byte> span = _output.GetSpan(max);
        span[0] = prefix;
        int n = Encoding.UTF8.GetBytes(value, span[1..]);
        // Redis replaces newlines in error/status text with spaces so the frame stays one line.
        for (int i = 1; i <= n; i++)
        {
            if (span[i] == '\r' || span[i] == '\n')
            {
                span[i] = (byte)' ';
            }
        }
        span[1 + n] = (byte)'\r';
        span[2 + n] = (byte)'\n';
        _output.Advance(n + 3);
        BytesWritten += n + 3;
    }
}
