using System.Buffers;
using System.Text;
using Cairn.Commands.Clients;
using Cairn.Protocol.Resp;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Keys;

/// <summary>
/// A pattern subscriber attached straight to the server's pub/sub registry (the SUBSCRIBE commands live elsewhere):
/// records every pushed message as "channel message" text.
/// </summary>
internal sealed class EventRecorder : IClientConnection
{
    private readonly List<string> _messages = [];
    private readonly Lock _gate = new();

    private EventRecorder()
    {
    }

    public static EventRecorder Subscribe(TestServer server, string pattern)
    {
        var recorder = new EventRecorder();
        var client = new Client(-1, recorder, server.Context.NowMilliseconds);
        using (server.Context.Store.Lock.EnterScope())
        {
            server.Context.PubSub.PatternSubscribe(client, Encoding.UTF8.GetBytes(pattern));
        }
        return recorder;
    }

    public string RemoteAddress => "test:0";

    public string LocalAddress => "test:0";

    public long PendingOutputBytes => 0;

    public long QueryBufferBytes => 0;

    /// <summary>Messages so far, each "channel payload" (pmessage frames: pattern, channel, payload).</summary>
    public List<string> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _messages.Clear();
        }
    }

    public bool Push(Action<RespWriter> write) => Push(write, static (w, inner) => inner(w));

    public bool Push<TState>(TState state, Action<RespWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new RespWriter(buffer), state);
        string[] lines = Encoding.UTF8.GetString(buffer.WrittenSpan).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var parts = new List<string>();
        foreach (string line in lines)
        {
            if (line[0] is not ('*' or '$' or '>'))
            {
                parts.Add(line);
            }
        }
        // pmessage, pattern, channel, payload
        lock (_gate)
        {
            _messages.Add(parts[^2] + " " + parts[^1]);
        }
        return true;
    }

    public void Close(bool afterReply)
    {
    }

    /// <summary>Waits until a message is recorded (active expiry runs on the cron, not on our thread).</summary>
    public bool WaitFor(string message, int timeoutMilliseconds = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMilliseconds);
        while (DateTime.UtcNow < deadline)
        {
            if (Messages.Contains(message))
            {
                return true;
            }
            Thread.Sleep(10);
        }
        return false;
    }
}
