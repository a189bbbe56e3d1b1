using System.Buffers;
using Cairn.Commands.Clients;
using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Protocol.Resp;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Server.Bench;

/// <summary>
/// An in-process node and one authenticated client with no socket: runs a buffer of RESP requests the way a connection's
/// batch loop does (parse, dispatch under the store lock, replies into an output buffer that is reset per batch).
/// </summary>
internal sealed class BatchRunner
{
    private readonly CommandContext _context;
    private readonly ArrayBufferWriter<byte> _output;
    private readonly RequestParserLimits _limits = new();

    public BatchRunner(int outputCapacityBytes)
    {
        var server = new ServerContext(new ServerConfig(), TimeProvider.System, NullLoggerFactory.Instance);
        _output = new ArrayBufferWriter<byte>(outputCapacityBytes);
        var client = new Client(1, new NullConnection(), 0) { Authenticated = true };
        _context = new CommandContext(server, client, new RespWriter(_output));
    }

    /// <summary>Executes every complete request in <paramref name="batch"/>; returns how many ran.</summary>
    public int Run(ReadOnlySequence<byte> batch)
    {
        _output.ResetWrittenCount();
        int commands = 0;
        using (_context.Store.Lock.EnterScope())
        {
            while (RequestParser.TryParse(ref batch, _context.Arguments, _limits, true, out _) == ParseResult.Complete)
            {
                Dispatcher.Execute(_context);
                commands++;
            }
        }
        return commands;
    }

    private sealed class NullConnection : IClientConnection
    {
        public string RemoteAddress => "bench";

        public string LocalAddress => "bench";

        public long PendingOutputBytes => 0;

        public long QueryBufferBytes => 0;

        public bool Push(Action<RespWriter> write) => true;

        public bool Push<TState>(TState state, Action<RespWriter, TState> write) => true;

        public void Close(bool afterReply)
        {
        }
    }
}
