using System.Buffers;
using Cairn.Commands.Clients;
using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Commands.Persistence;
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

    /// <param name="aofDirectory">When given, the node logs its writes to an AOF there (appendfsync everysec), as
    /// `cairn --appendonly yes` does: for measuring what the AOF adds to a write without the network around it.</param>
    public BatchRunner(int outputCapacityBytes, string? aofDirectory = null)
    {
        var config = new ServerConfig();
        if (aofDirectory is not null)
        {
            config.Dir = aofDirectory;
            config.AppendOnly = true;
        }
        var server = new ServerContext(config, TimeProvider.System, NullLoggerFactory.Instance);
        if (aofDirectory is not null)
        {
            var aof = new AofService(server, server.FileSystem);
            aof.LoadAndStart();
            server.Aof = aof;
        }
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
            // One clock reading per batch, as the connection's loop does (Connection.ReadLoopAsync).
            _context.BatchClock = _context.Server.NowMilliseconds;
            _context.ClockMark = System.Diagnostics.Stopwatch.GetTimestamp();
            while (RequestParser.TryParse(ref batch, _context.Arguments, _limits, true, out _) == ParseResult.Complete)
            {
                Dispatcher.Execute(_context);
                commands++;
            }
            _context.BatchClock = 0;
            _context.ClockMark = 0;
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
