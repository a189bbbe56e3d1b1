using Cairn.Commands.Clients;
using Cairn.Commands.Execution;
using Cairn.Commands.Specs;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Persistence;

/// <summary>Applies AOF records through the normal handlers, as a client whose replies are discarded.</summary>
internal sealed class AofReplayer
{
    private readonly ServerContext _server;
    private readonly CommandContext _context;

    public AofReplayer(ServerContext server)
    {
        _server = server;
        var client = new Client(0, new ReplayConnection(), server.NowMilliseconds) { Authenticated = true };
        _context = new CommandContext(server, client, new RespWriter(new System.Buffers.ArrayBufferWriter<byte>())) { Loading = true };
    }

    public void Apply(List<(int Database, byte[][] Arguments)> commands)
    {
        using (_server.Store.Lock.EnterScope())
        {
            foreach ((int database, byte[][] arguments) in commands)
            {
                CommandSpec spec = Resolve(arguments) ?? throw new InvalidDataException(
                    $"AOF holds an unknown command '{System.Text.Encoding.UTF8.GetString(arguments[0])}'");
                if (database >= _server.Store.DatabaseCount)
                {
                    throw new InvalidDataException($"AOF uses database {database} but only {_server.Store.DatabaseCount} are configured");
                }
                _context.Client.DatabaseIndex = database;
                _context.Arguments.SetFrom(arguments);
                _context.Now = _server.NowMilliseconds;
                _context.Reply.Output = new System.Buffers.ArrayBufferWriter<byte>(256);
                Dispatcher.Call(_context, spec);
                _context.Block = null;
            }
        }
    }

    private CommandSpec? Resolve(byte[][] arguments)
    {
        CommandSpec? spec = _server.Table.Find(arguments[0]);
        if (spec?.Subcommands is not null && arguments.Length > 1)
        {
            spec = CommandTable.FindSubcommand(spec, arguments[1]) ?? spec;
        }
        return spec;
    }

    private sealed class ReplayConnection : IClientConnection
    {
        public string RemoteAddress => "aof";

        public string LocalAddress => "aof";

        public long PendingOutputBytes => 0;

        public long QueryBufferBytes => 0;

        public bool Push(Action<RespWriter> write) => true;

        public bool Push<TState>(TState state, Action<RespWriter, TState> write) => true;

        public void Close(bool afterReply)
        {
        }
    }
}
