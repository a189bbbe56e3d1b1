using System.Buffers.Text;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Execution;

/// <summary>
/// Writes a run of bulk strings (the elements of an LRANGE or ZRANGE reply, with ZRANGE's scores) into one span of the
/// reply buffer at a time instead of asking the buffer writer for a span per element: for 100 short elements that was
/// most of LRANGE's time (a GetSpan, an Advance and a general integer format each). Lengths under 100 are formatted
/// inline.
/// REQUIRES: nothing else writes to the <see cref="RespWriter"/> between the first <see cref="Write"/> and
/// <see cref="Flush"/> (the span held here would be overwritten); <see cref="Flush"/> must be called at the end.
/// </summary>
internal ref struct BulkStringBatch
{
    // '$', up to 10 digits, CRLF, the value, CRLF.
    private const int FramingBytes = 1 + 10 + 2 + 2;
    private const int LargeValueBytes = 16 * 1024;

    private readonly RespWriter _writer;
    private Span<byte> _span;
    private int _position;

    public BulkStringBatch(RespWriter writer)
    {
        _writer = writer;
        _span = default;
        _position = 0;
    }

    /// <summary>Whether the reply is RESP3 (pairs nest there).</summary>
    public readonly bool IsResp3 => _writer.IsResp3;

    public void Write(scoped ReadOnlySpan<byte> value)
    {
        int needed = value.Length + FramingBytes;
        if (_span.Length - _position < needed)
        {
            Flush();
            if (value.Length > LargeValueBytes)
            {
                _writer.WriteBulkString(value);
                return;
            }
            // The least that fits: a pipe returns the rest of its current segment, so no segment is cut short.
            _span = _writer.Output.GetSpan(needed);
        }
        Span<byte> span = _span;
        int position = _position;
        span[position++] = (byte)'$';
        int length = value.Length;
        if (length < 10)
        {
            span[position++] = (byte)('0' + length);
        }
        else if (length < 100)
        {
            span[position++] = (byte)('0' + (length / 10));
            span[position++] = (byte)('0' + (length % 10));
        }
        else
        {
            Utf8Formatter.TryFormat(length, span[position..], out int digits);
            position += digits;
        }
        span[position++] = (byte)'\r';
        span[position++] = (byte)'\n';
        value.CopyTo(span[position..]);
        position += length;
        span[position++] = (byte)'\r';
        span[position++] = (byte)'\n';
        _position = position;
    }

    /// <summary>
    /// A double as <see cref="RespWriter.WriteDouble"/> writes it: a RESP3 double (',') or, in RESP2, a bulk string of
    /// its %.17g text.
    /// </summary>
    public void WriteDouble(double value)
    {
        Span<byte> text = stackalloc byte[32];
        int length = NumberFormat.FormatDouble(value, text);
        if (_writer.IsResp3)
        {
            WriteLine((byte)',', text[..length]);
        }
        else
        {
            Write(text[..length]);
        }
    }

    /// <summary>An array header, as <see cref="RespWriter.WriteArrayHeader"/> writes it (a small count).</summary>
    public void WriteArrayHeader(int count)
    {
        Span<byte> text = stackalloc byte[11];
        Utf8Formatter.TryFormat(count, text, out int digits);
        WriteLine((byte)'*', text[..digits]);
    }

    private void WriteLine(byte prefix, scoped ReadOnlySpan<byte> text)
    {
        int needed = text.Length + 3;
        if (_span.Length - _position < needed)
        {
            Flush();
            _span = _writer.Output.GetSpan(needed);
        }
        _span[_position++] = prefix;
        text.CopyTo(_span[_position..]);
        _position += text.Length;
        _span[_position++] = (byte)'\r';
        _span[_position++] = (byte)'\n';
    }

    /// <summary>Commits what was written; the batch can go on with a new span afterwards.</summary>
    public void Flush()
    {
        if (_position > 0)
        {
            _writer.Output.Advance(_position);
            _writer.BytesWritten += _position;
        }
        _span = default;
        _position = 0;
    }
}
