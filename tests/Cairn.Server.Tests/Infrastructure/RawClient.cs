using System.Net.Sockets;
using System.Text;

namespace Cairn.Server.Tests.Infrastructure;

/// <summary>
/// A raw RESP client for protocol edge cases: sends bytes as given and reads replies frame by frame as text
/// (e.g. "+OK", ":1", "$3 foo" is returned as "foo", arrays as their rendered frames joined by newlines).
/// </summary>
public sealed class RawClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;

    public RawClient(int port)
    {
        _tcp = new TcpClient();
        _tcp.Connect("127.0.0.1", port);
        _tcp.NoDelay = true;
        _stream = _tcp.GetStream();
        _stream.ReadTimeout = 10000;
    }

    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    public void Send(byte[] bytes) => _stream.Write(bytes);

    /// <summary>Sends a command as a RESP array of bulk strings.</summary>
    public void SendCommand(params string[] args) => Send(Encode(args));

    /// <summary>A command as a RESP array of bulk strings (to build pipelines sent with <see cref="Send(string)"/>).</summary>
    public static string Encode(params string[] args)
    {
        var text = new StringBuilder();
        text.Append('*').Append(args.Length).Append("\r\n");
        foreach (string arg in args)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }
        return text.ToString();
    }

    /// <summary>Sends a command and reads its reply rendered as text (see <see cref="ReadReply"/>).</summary>
    public string Execute(params string[] args)
    {
        SendCommand(args);
        return ReadReply();
    }

    /// <summary>The value of <paramref name="field"/> in the text of an INFO reply; throws when it is not there once.</summary>
    public static string InfoField(string info, string field) =>
        info.Split('\n').Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim();

    /// <summary>
    /// Reads one reply and renders it: simple "+OK" stays "+OK", errors "-ERR ...", integers ":5", bulk strings their
    /// content, null "(nil)", arrays "[a, b]", maps "{k: v}", doubles ",1.5", booleans "#t", pushes "&gt;[...]".
    /// </summary>
    public string ReadReply()
    {
        string line = ReadLine();
        char type = line[0];
        string rest = line[1..];
        switch (type)
        {
            case '+':
            case '-':
            case ':':
            case ',':
            case '#':
            case '(':
                return line;
            case '_':
                return "(nil)";
            case '$':
            case '=':
            {
                int length = int.Parse(rest, System.Globalization.CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return "(nil)";
                }
                byte[] data = ReadExactly(length + 2);
                return Encoding.UTF8.GetString(data, 0, length);
            }
            case '*':
            case '~':
            case '>':
            {
                int count = int.Parse(rest, System.Globalization.CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return "(nil array)";
                }
                var items = new List<string>();
                for (int i = 0; i < count; i++)
                {
                    items.Add(ReadReply());
                }
                return (type == '>' ? ">" : "") + "[" + string.Join(", ", items) + "]";
            }
            case '%':
            {
                int count = int.Parse(rest, System.Globalization.CultureInfo.InvariantCulture);
                var items = new List<string>();
                for (int i = 0; i < count; i++)
                {
                    items.Add(ReadReply() + ": " + ReadReply());
                }
                return "{" + string.Join(", ", items) + "}";
            }
            default:
                throw new InvalidDataException($"unexpected reply line '{line}'");
        }
    }

    /// <summary>True when reply bytes are buffered or arrive within the timeout (nothing is consumed).</summary>
    public bool HasDataWithin(int timeoutMilliseconds)
    {
        if (_start < _end)
        {
            return true;
        }
        return _tcp.Client.Poll(TimeSpan.FromMilliseconds(timeoutMilliseconds), System.Net.Sockets.SelectMode.SelectRead);
    }

    /// <summary>True when the server closed the connection (reads return 0 bytes) within the timeout.</summary>
    public bool IsClosedByServer(int timeoutMilliseconds = 5000)
    {
        _stream.ReadTimeout = timeoutMilliseconds;
        try
        {
            while (true)
            {
                if (_start < _end)
                {
                    _start = _end; // discard pending replies
                }
                int n = _stream.Read(_buffer, 0, _buffer.Length);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
    }

    private string ReadLine()
    {
        while (true)
        {
            int index = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (index > _start && _buffer[index - 1] == '\r')
            {
                string line = Encoding.UTF8.GetString(_buffer, _start, index - 1 - _start);
                _start = index + 1;
                return line;
            }
            Fill();
        }
    }

    private byte[] ReadExactly(int count)
    {
        var result = new byte[count];
        int copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                Fill();
            }
            int n = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, result, copied, n);
            _start += n;
            copied += n;
        }
        return result;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("reply line too long for the raw client's buffer");
        }
        int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            throw new EndOfStreamException("server closed the connection");
        }
        _end += n;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }
}
