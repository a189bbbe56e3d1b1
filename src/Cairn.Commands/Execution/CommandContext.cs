using System.Runtime.CompilerServices;
using Cairn.Commands.Clients;
using Cairn.Commands.PubSub;
using Cairn.Commands.Specs;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Execution;

/// <summary>
/// What a handler sees while it runs one command: the arguments, the reply writer, the client, the server, and the
/// time of the command (fixed for its whole run, as Redis caches mstime, so one command sees one "now").
/// One per connection, reused for every command. Thread safety: used by one connection under the store lock.
/// </summary>
public sealed class CommandContext
{
    public CommandContext(ServerContext server, Client client, RespWriter reply)
    {
        Server = server;
        Client = client;
        Reply = reply;
    }

    public ServerContext Server { get; }

    public Client Client { get; }

    public RespWriter Reply { get; }

    public CommandArguments Arguments { get; set; } = new();

    public CommandSpec Spec { get; set; } = null!;

    /// <summary>The command's time in Unix milliseconds.</summary>
    public long Now { get; set; }

    /// <summary>True while EXEC runs queued commands (blocking commands then do not block).</summary>
    public bool InExec { get; set; }

    /// <summary>Set by a handler that must wait for keys (BLPOP...); the connection parks the client until woken.</summary>
    public BlockRequest? Block { get; set; }

    /// <summary>
    /// True when the command's reply comes later, through the connection's <see cref="Clients.IDeferredReplyConnection"/>
    /// (a request the cluster router sent to peers); set by <see cref="DeferReply"/>, read and cleared by the connection.
    /// </summary>
    public bool ReplyDeferred { get; private set; }

    /// <summary>What the connection runs once it has stopped for a deferred reply and released the store lock (see
    /// <see cref="DeferReply"/>); null: nothing.</summary>
    public Action? DeferredReplyParked { get; private set; }

    /// <summary>
    /// The reply of this command is written later through the client's <see cref="Clients.IDeferredReplyConnection"/>:
    /// write none now. The connection stops the batch here, releases the store lock, flushes earlier replies, runs
    /// <paramref name="parked"/> on its thread and waits. Only for a client whose connection implements that interface.
    /// </summary>
    public void DeferReply(Action? parked)
    {
        ReplyDeferred = true;
        DeferredReplyParked = parked;
    }

    /// <summary>Called by the connection when it has seen <see cref="ReplyDeferred"/>: returns the parked action.</summary>
    public Action? TakeDeferredReply()
    {
        Action? parked = DeferredReplyParked;
        ReplyDeferred = false;
        DeferredReplyParked = null;
        return parked;
    }

    /// <summary>What the AOF records instead of the command as sent (random effects, e.g. SPOP -> SREM); null = derive.</summary>
    public List<ReadOnlyMemory<byte>[]>? Propagated { get; set; }

    private readonly byte[] _lastCommandName = new byte[32];
    private int _lastCommandNameLength = -1;
    private CommandSpec? _lastCommand;

    /// <summary>
    /// The command table's entry for <paramref name="name"/>, remembering the last name this client sent byte for byte:
    /// a client mostly repeats one command, and the table look-up lowercases into chars and hashes every time.
    /// </summary>
    public CommandSpec? FindCommand(ReadOnlySpan<byte> name)
    {
        if (name.Length == _lastCommandNameLength && name.SequenceEqual(_lastCommandName.AsSpan(0, name.Length)))
        {
            return _lastCommand;
        }
        CommandSpec? spec = Server.Table.Find(name);
        if (spec is not null && name.Length <= _lastCommandName.Length)
        {
            name.CopyTo(_lastCommandName);
            _lastCommandNameLength = name.Length;
            _lastCommand = spec;
        }
        return spec;
    }

    /// <summary>
    /// The time of the receive batch this request arrived in, taken once per batch by the connection (Redis caches
    /// server.mstime once per event-loop iteration the same way), from the same clock reading as <see cref="ClockMark"/>
    /// (<see cref="ServerContext.NowMillisecondsAt"/>); 0 makes the dispatcher read the clock itself.
    /// </summary>
    public long BatchClock { get; set; }

    /// <summary>
    /// While a receive batch runs: the <see cref="System.Diagnostics.Stopwatch"/> timestamp at which the previous command
    /// of the batch finished (or the batch began), which the next command's timing starts from, so that a pipelined
    /// command reads the clock once rather than twice (a clock read is 30-80 ns in this VM, a cached GET about 1 µs).
    /// A command's measured time therefore includes parsing it. 0 outside a batch: the dispatcher reads the clock itself.
    /// </summary>
    public long ClockMark { get; set; }

    /// <summary>While EXEC runs: the AOF commands of the transaction, written as one atomic record at the end.</summary>
    public List<(int Database, IReadOnlyList<ReadOnlyMemory<byte>> Arguments)>? AofGroup { get; set; }

    /// <summary>
    /// Ticket of <see cref="ServerContext.DurabilityGate"/> (the AOF offset, or the LSM's commit number) that the replies
    /// of this connection's current batch must wait for under appendfsync always; 0 when they need not wait.
    /// </summary>
    public long DurabilityTicket { get; set; }

    /// <summary>
    /// Storage lsm: write pacing this connection's writes have run up (level 0 is piling up). The connection waits it out
    /// after sending its replies, holding no lock, so pacing slows the writer rather than every client.
    /// </summary>
    public TimeSpan WritePacingDelay { get; set; }

    /// <summary>True while replaying the AOF at start-up: nothing is logged again.</summary>
    public bool Loading { get; set; }

    /// <summary>Records <paramref name="arguments"/> (a whole command, name first) in the AOF in place of the command as sent.</summary>
    public void PropagateAs(params byte[][] arguments)
    {
        Propagated ??= [];
        var command = new ReadOnlyMemory<byte>[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            command[i] = arguments[i];
        }
        Propagated.Add(command);
    }

    /// <summary>Set by handlers that ask for the connection to close once the reply is sent (QUIT, protocol errors).</summary>
    public bool CloseAfterReply { get; set; }

    public MemoryStore Store => Server.Store;

    public Database Database => Server.Store[Client.DatabaseIndex];

    public int ArgumentCount => Arguments.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Arg(int index) => Arguments[index];

    public byte[] ArgBytes(int index) => Arguments[index].ToArray();

    public string ArgString(int index) => System.Text.Encoding.UTF8.GetString(Arguments[index]);

    /// <summary>Case-insensitive comparison of an argument with an ASCII keyword (given in upper case).</summary>
    public bool ArgIs(int index, ReadOnlySpan<byte> upperKeyword) => EqualsIgnoreCase(Arguments[index], upperKeyword);

    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> upperKeyword)
    {
        if (value.Length != upperKeyword.Length)
        {
            return false;
        }
        for (int i = 0; i < value.Length; i++)
        {
            int c = value[i];
            if (c is >= 'a' and <= 'z')
            {
                c -= 32;
            }
            if (c != upperKeyword[i])
            {
                return false;
            }
        }
        return true;
    }

    // Errors, with Redis's exact texts. Counted for INFO errorstats.
    public void Error(string message)
    {
        Server.Stats.ErrorReplies++;
        Reply.WriteError(message);
    }

    public void WrongType() => Error("WRONGTYPE Operation against a key holding the wrong kind of value");

    public void SyntaxError() => Error("ERR syntax error");

    public void NotInteger() => Error("ERR value is not an integer or out of range");

    public void NotFloat() => Error("ERR value is not a valid float");

    public void WrongArgumentCount() => Error($"ERR wrong number of arguments for '{Spec.FullName}' command");

    public bool TryGetInt64(int index, out long value)
    {
        if (NumberFormat.TryParseInt64(Arguments[index], out value))
        {
            return true;
        }
        NotInteger();
        return false;
    }

    public bool TryGetDouble(int index, out double value)
    {
        if (NumberFormat.TryParseDouble(Arguments[index], out value))
        {
            return true;
        }
        NotFloat();
        return false;
    }

    /// <summary>Marks a key as changed: breaks WATCHes, counts toward snapshots, wakes clients blocked on it.</summary>
    public void Modified(ReadOnlySpan<byte> key)
    {
        Database.SignalModified(key);
        Server.Blocking.SignalKeyReady(Client.DatabaseIndex, key);
        Server.Documents.OnModified(Database, key);
    }

    public void Modified(Database database, ReadOnlySpan<byte> key)
    {
        database.SignalModified(key);
        Server.Blocking.SignalKeyReady(database.Index, key);
        Server.Documents.OnModified(database, key);
    }

    public void Notify(KeyspaceEvents type, string eventName, ReadOnlySpan<byte> key) =>
        Server.Notifier.Notify(type, eventName, key, Client.DatabaseIndex);

    /// <summary>Looks a key up for reading: counts hits and misses, updates the access clock unless CLIENT NO-TOUCH.</summary>
    public int LookupRead(ReadOnlySpan<byte> key)
    {
        Database db = Database;
        int index = db.Find(key, Now);
        if (index < 0)
        {
            Store.Stats.KeyspaceMisses++;
            if (Server.Notifier.IsEnabled(KeyspaceEvents.KeyMiss))
            {
                Notify(KeyspaceEvents.KeyMiss, "keymiss", key);
            }
            return -1;
        }
        Store.Stats.KeyspaceHits++;
        if (!Client.NoTouch)
        {
            Store.Touch(ref db.EntryAt(index), Now);
        }
        return index;
    }

    /// <summary>Looks a key up for writing (no hit/miss statistics), expiring it if due.</summary>
    public int LookupWrite(ReadOnlySpan<byte> key) => Database.Find(key, Now);
}
