using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Cairn.Commands.Clients;
using Cairn.Commands.Execution;
using Cairn.Commands.Specs;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Persistence.Rdb;
using Cairn.Protocol.Resp;
using Cairn.Replication.Node;

namespace Cairn.Cluster.Engine;

/// <summary>
/// The replication core's view of this node's engine. Commands run through the normal dispatcher on an internal client (so
/// they get the same checks, replies, keyspace events, WATCH invalidation and AOF records as a client's), under the store
/// lock, on the cluster's thread. A key's state travels as [kind][expiry ms, u64 LE][body]: kind 1 = a value, body = its DUMP
/// payload; kind 2 = a value DUMP cannot encode yet (left alone on replicas rather than mistaken for a deletion); kind 3 = a
/// string, body = its bytes. Strings skip DUMP/RESTORE (an RDB encoding, a CRC64 each way and RESTORE's checks on every
/// replica of every write: the common case, and the cluster's CPU per SET was 5x a single node's) and install as SET.
/// Thread safety: called only from the cluster's single thread; takes the store lock itself (REQUIRES it is not held).
/// </summary>
internal sealed class EngineReplicaStore : IReplicaStore
{
    private const byte KindValue = 1;
    private const byte KindUnsupported = 2;
    private const byte KindString = 3;
    private const int HeaderBytes = 9;

    // Verbs of the commands that install states (never changed by the handlers, which only read their arguments).
    private static readonly byte[] s_set = "SET"u8.ToArray();
    private static readonly byte[] s_del = "DEL"u8.ToArray();
    private static readonly byte[] s_pxat = "PXAT"u8.ToArray();

    private readonly ServerContext _server;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly CommandContext _context;
    private readonly Client _client;
    private readonly byte[] _expiryText = new byte[20]; // a PXAT argument (a long's digits), reused
    private byte[][]? _blockedCommand;
    private long _blockedTimeoutMilliseconds;

    public EngineReplicaStore(ServerContext server)
    {
        _server = server;
        _client = new Client(-1, new InternalConnection(), server.NowMilliseconds) { Authenticated = true, Name = "cluster" };
        _context = new CommandContext(server, _client, new RespWriter(_buffer));
    }

    public static bool IsInternal(Client client) => client.Connection is InternalConnection;

    /// <summary>
    /// The commands a request this node coordinates was encoded from (see <see cref="Prepare"/>): its own read or write runs
    /// from them instead of decoding the bytes it has just encoded (a list and an array per argument each time).
    /// </summary>
    private (byte[]? Encoded, RespVersion Protocol, List<byte[][]>? Commands) _prepared;

    /// <summary>
    /// Until <see cref="ClearPrepared"/>, <see cref="Execute"/> of exactly <paramref name="encoded"/> (the same array) runs
    /// <paramref name="commands"/>, which it was encoded from. Cluster thread only.
    /// </summary>
    public void Prepare(byte[] encoded, RespVersion protocol, List<byte[][]> commands) => _prepared = (encoded, protocol, commands);

    public void ClearPrepared() => _prepared = default;

    public ExecuteResult Execute(byte[] command, IReadOnlyList<byte[]> keys, bool write)
    {
        RespVersion protocol;
        List<byte[][]> commands;
        if (ReferenceEquals(command, _prepared.Encoded) && _prepared.Commands is { } prepared)
        {
            protocol = _prepared.Protocol;
            commands = prepared;
        }
        else if (!CommandEncoding.TryDecode(command, out protocol, out commands))
        {
            return new ExecuteResult(Encoding.ASCII.GetBytes("-ERR cluster: malformed forwarded command\r\n"), false);
        }
        using (_server.Store.Lock.EnterScope())
        {
            _client.Protocol = protocol;
            _context.Reply.Version = protocol;
            long dirtyBefore = _server.Store.Dirty;
            byte[] reply = [];
            _blockedCommand = null;
            // A write naming several keys learns which it touched (as WATCH does), so that the keys it only read keep
            // their versions (ExecuteResult.ChangedKeys).
            KeyTouch[]? touches = write && keys.Count > 1 ? WatchKeys(keys) : null;
            try
            {
                foreach (byte[][] arguments in commands)
                {
                    reply = Run(arguments);
                }
            }
            finally
            {
                if (touches is not null)
                {
                    UnwatchKeys(keys, touches);
                }
            }
            bool changed = _server.Store.Dirty != dirtyBefore;
            if (touches is not null && changed)
            {
                MarkQuietChanges(commands, keys, touches);
            }
            if (_blockedCommand is not null && commands.Count == 1)
            {
                return new ExecuteResult(reply, changed, CommandEncoding.Encode(protocol, [_blockedCommand]), _blockedTimeoutMilliseconds);
            }
            return new ExecuteResult(reply, changed, ChangedKeys: touches is null ? null : Array.ConvertAll(touches, t => t.Touched));
        }
    }

    private KeyTouch[] WatchKeys(IReadOnlyList<byte[]> keys)
    {
        Database db = _server.Store[0];
        var touches = new KeyTouch[keys.Count];
        for (int i = 0; i < keys.Count; i++)
        {
            touches[i] = new KeyTouch();
            db.Watch(keys[i], touches[i]);
        }
        return touches;
    }

    private void UnwatchKeys(IReadOnlyList<byte[]> keys, KeyTouch[] touches)
    {
        Database db = _server.Store[0];
        for (int i = 0; i < keys.Count; i++)
        {
            db.Unwatch(keys[i], touches[i]);
        }
    }

    /// <summary>
    /// Consumer groups and pending entries change without touching their stream (as in Redis: XGROUP, XREADGROUP, XACK,
    /// XCLAIM, XAUTOCLAIM and XSETID break no WATCH), yet the change must be versioned and replicated: the keys of such
    /// commands count as changed.
    /// </summary>
    private void MarkQuietChanges(List<byte[][]> commands, IReadOnlyList<byte[]> keys, KeyTouch[] touches)
    {
        foreach (byte[][] arguments in commands)
        {
            if (arguments.Length < 2 || !IsQuietStreamWrite(arguments[0]))
            {
                continue;
            }
            CommandSpec? spec = _server.Table.Find(arguments[0]);
            if (spec?.Subcommands is not null)
            {
                spec = CommandTable.FindSubcommand(spec, arguments[1]);
            }
            if (spec is null)
            {
                continue;
            }
            foreach (int position in KeyPositions.Of(spec, arguments.Length, i => arguments[i]))
            {
                for (int k = 0; k < keys.Count; k++)
                {
                    if (keys[k].AsSpan().SequenceEqual(arguments[position]))
                    {
                        touches[k].Mark();
                    }
                }
            }
        }
    }

    private static bool IsQuietStreamWrite(ReadOnlySpan<byte> name) =>
        Ascii.EqualsIgnoreCase(name, "XGROUP"u8) || Ascii.EqualsIgnoreCase(name, "XREADGROUP"u8) || Ascii.EqualsIgnoreCase(name, "XACK"u8)
        || Ascii.EqualsIgnoreCase(name, "XCLAIM"u8) || Ascii.EqualsIgnoreCase(name, "XAUTOCLAIM"u8) || Ascii.EqualsIgnoreCase(name, "XSETID"u8);

    /// <summary>Records that a key was touched (signalled modified) while a write ran.</summary>
    private sealed class KeyTouch : IKeyWatcher
    {
        public bool Touched { get; private set; }

        public void OnWatchedKeyTouched() => Touched = true;

        public void Mark() => Touched = true;
    }

    public byte[]? Export(byte[] key)
    {
        using (_server.Store.Lock.EnterScope())
        {
            Database db = _server.Store[0];
            int index = db.Find(key, _server.NowMilliseconds);
            if (index < 0)
            {
                return null;
            }
            ref KeyEntry entry = ref db.EntryAt(index);
            if (entry.TryGetString(out ReadOnlySpan<byte> text))
            {
                var state = new byte[HeaderBytes + text.Length];
                state[0] = KindString;
                BinaryPrimitives.WriteInt64LittleEndian(state.AsSpan(1), db.ExpiresAt(index));
                text.CopyTo(state.AsSpan(HeaderBytes));
                return state;
            }
            if (!RdbValueWriter.CanWrite(entry.Value))
            {
                return [KindUnsupported];
            }
            byte[] dump = RdbValueWriter.CreateDumpPayload(entry.Value);
            var payload = new byte[HeaderBytes + dump.Length];
            payload[0] = KindValue;
            BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(1), db.ExpiresAt(index));
            dump.CopyTo(payload.AsSpan(HeaderBytes));
            return payload;
        }
    }

    public void Install(byte[] key, byte[]? payload)
    {
        using (_server.Store.Lock.EnterScope())
        {
            if (payload is null)
            {
                Run([s_del, key], wantReply: false);
                return;
            }
            if (payload.Length < HeaderBytes || payload[0] is not (KindValue or KindString))
            {
                return;
            }
            long expiresAt = BinaryPrimitives.ReadInt64LittleEndian(payload.AsSpan(1));
            if (payload[0] == KindString)
            {
                // SET through the dispatcher like RESTORE (AOF, WATCH, keyspace events); an expiry already past leaves no key.
                _client.Protocol = RespVersion.Resp2;
                _context.Reply.Version = RespVersion.Resp2;
                if (expiresAt > 0 && expiresAt <= _server.NowMilliseconds)
                {
                    Run([s_del, key], wantReply: false);
                    return;
                }
                // The arguments are slices: the value straight out of the state (no copy of it, no argument array), the
                // expiry formatted into a reused buffer. SET copies the value into the keyspace as for a client's SET.
                CommandArguments arguments = _context.Arguments;
                arguments.Clear();
                arguments.Add(s_set);
                arguments.Add(key);
                arguments.Add(payload.AsMemory(HeaderBytes));
                if (expiresAt > 0)
                {
                    expiresAt.TryFormat(_expiryText, out int digits, default, CultureInfo.InvariantCulture);
                    arguments.Add(s_pxat);
                    arguments.Add(_expiryText.AsMemory(0, digits));
                }
                RunArguments(wantReply: false);
                return;
            }
            byte[] ttl = Encoding.ASCII.GetBytes(expiresAt.ToString(CultureInfo.InvariantCulture));
            _client.Protocol = RespVersion.Resp2;
            _context.Reply.Version = RespVersion.Resp2;
            Run(["RESTORE"u8.ToArray(), key, ttl, payload[HeaderBytes..], "REPLACE"u8.ToArray(), "ABSTTL"u8.ToArray()], wantReply: false);
        }
    }

    /// <summary>Runs one command on db 0 and returns its reply (empty unless <paramref name="wantReply"/>). REQUIRES the store lock.</summary>
    private byte[] Run(byte[][] arguments, bool wantReply = true)
    {
        _context.Arguments.SetFrom(arguments);
        return RunArguments(wantReply);
    }

    /// <summary>Runs the command already in the context's arguments (see <see cref="Run"/>). REQUIRES the store lock.</summary>
    private byte[] RunArguments(bool wantReply)
    {
        _buffer.ResetWrittenCount();
        _client.DatabaseIndex = 0;
        _context.Block = null;
        Dispatcher.Execute(_context);
        if (_context.Block is { } block)
        {
            // A blocking command found nothing to serve: answer as its timeout would, and say so (with the arguments as the
            // handler left them: XREAD resolves '$'), so the coordinator parks its client and retries when a key changes.
            _context.Block = null;
            if (block.TimeoutReply == TimeoutReply.NullBulk)
            {
                _context.Reply.WriteNull();
            }
            else
            {
                _context.Reply.WriteNullArray();
            }
            _blockedCommand = _context.Arguments.ToOwnedArray();
            _blockedTimeoutMilliseconds = block.DeadlineMilliseconds == 0 ? 0 : Math.Max(1, block.DeadlineMilliseconds - _context.Now);
        }
        _context.Arguments.Release();
        return wantReply ? _buffer.WrittenSpan.ToArray() : [];
    }
}
