using Cairn.Commands.Specs;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Clients;

/// <summary>
/// Everything the server knows about one client: selected database, protocol, authentication, transaction, watches,
/// subscriptions, name. Thread safety: mutated only under the store lock (by its own commands, or by CLIENT KILL etc.).
/// </summary>
public sealed class Client : IKeyWatcher
{
    public Client(long id, IClientConnection connection, long createdAtMilliseconds)
    {
        Id = id;
        Connection = connection;
        CreatedAtMilliseconds = createdAtMilliseconds;
        LastInteractionMilliseconds = createdAtMilliseconds;
    }

    public long Id { get; }

    public IClientConnection Connection { get; }

    public long CreatedAtMilliseconds { get; }

    public long LastInteractionMilliseconds { get; set; }

    public int DatabaseIndex { get; set; }

    public RespVersion Protocol { get; set; } = RespVersion.Resp2;

    public bool Authenticated { get; set; }

    public string User { get; set; } = "default";

    public string? Name { get; set; }

    public string? LibraryName { get; set; }

    public string? LibraryVersion { get; set; }

    public string LastCommand { get; set; } = "NULL";

    public ReplyMode ReplyMode { get; set; } = ReplyMode.On;

    public bool NoEvict { get; set; }

    public bool NoTouch { get; set; }

    public bool IsMonitor { get; set; }

    public bool IsClosing { get; set; }

    // Transactions.
    public bool InMulti { get; set; }

    /// <summary>A command failed to queue: EXEC must answer EXECABORT.</summary>
    public bool MultiHadError { get; set; }

    /// <summary>A watched key was touched: EXEC must answer a null array.</summary>
    public bool WatchBroken { get; set; }

    public List<QueuedCommand> Queue { get; } = [];

    public List<(int Database, byte[] Key)> WatchedKeys { get; } = [];

    // Pub/sub.
    public HashSet<byte[]> Channels { get; } = new(ByteArrayComparer.Instance);

    public HashSet<byte[]> Patterns { get; } = new(ByteArrayComparer.Instance);

    public int SubscriptionCount => Channels.Count + Patterns.Count;

    /// <summary>RESP2 clients with subscriptions may only run the subscribe family, PING, QUIT and RESET.</summary>
    public bool InSubscribedContext => Protocol == RespVersion.Resp2 && SubscriptionCount > 0;

    /// <summary>Time (ms) the output buffer has been over its soft limit, or 0.</summary>
    public long SoftLimitReachedAtMilliseconds { get; set; }

    public CommandSpec? CurrentCommand { get; set; }

    /// <summary>The request this client is blocked on (BLPOP...), or null.</summary>
    public Cairn.Commands.Execution.BlockRequest? Blocked { get; set; }

    public void OnWatchedKeyTouched() => WatchBroken = true;

    public string Flags()
    {
        var flags = new System.Text.StringBuilder();
        if (IsMonitor)
        {
            flags.Append('O');
        }
        if (SubscriptionCount > 0)
        {
            flags.Append('P');
        }
        if (InMulti)
        {
            flags.Append('x');
        }
        if (WatchBroken && WatchedKeys.Count > 0)
        {
            flags.Append('d');
        }
        if (NoEvict)
        {
            flags.Append('e');
        }
        if (NoTouch)
        {
            flags.Append('T');
        }
        if (IsClosing)
        {
            flags.Append('A');
        }
        return flags.Length == 0 ? "N" : flags.ToString();
    }
}
