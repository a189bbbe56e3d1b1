using System.Buffers;
using System.Text;
using Cairn.Commands.Clients;
using Cairn.Protocol.Resp;

namespace Cairn.Server.Tests.Strings;

/// <summary>
/// A pattern subscriber on __keyevent@0__:* that lives inside the server (no SUBSCRIBE command on this branch): it
/// records each keyspace event as "event key". Pushes arrive under the store lock, before the command's reply.
/// </summary>
internal sealed class EventRecorder : IClientConnection
{
    private const string Prefix = "__keyevent@0__:";

    private readonly List<string> _events = [];

    public string RemoteAddress => "127.0.0.1:1";

    public string LocalAddress => "127.0.0.1:2";

    public long PendingOutputBytes => 0;

    public long QueryBufferBytes => 0;

    /// <summary>Returns the events recorded since the last call, and forgets them.</summary>
    public string[] Take()
    {
        lock (_events)
        {
            string[] taken = [.. _events];
            _events.Clear();
            return taken;
        }
    }

    public bool Push(Action<RespWriter> write) => Push(write, static (w, action) => action(w));

    public bool Push<TState>(TState state, Action<RespWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new RespWriter(buffer), state);
        // *4 $8 pmessage $n pattern $n channel $n message: lines 6 and 8 are the channel and the key.
        string[] lines = Encoding.UTF8.GetString(buffer.WrittenSpan).Split("\r\n");
        if (lines.Length > 8 && lines[6].StartsWith(Prefix, StringComparison.Ordinal))
        {
            lock (_events)
            {
                _events.Add(lines[6][Prefix.Length..] + " " + lines[8]);
            }
        }
        return true;
    }

    public void Close(bool afterReply)
    {
    }
}
