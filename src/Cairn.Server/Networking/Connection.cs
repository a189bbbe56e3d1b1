using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Cairn.Commands.Clients;
using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Persistence;
using Cairn.Protocol.Resp;
using Microsoft.Extensions.Logging;

namespace Cairn.Server.Networking;

/// <summary>
/// One client connection. The read loop parses every complete request in the receive buffer and runs them under one
/// acquisition of the store lock, writing replies into an output pipe; a send pump drains the pipe to the socket.
/// Other clients' commands (PUBLISH, MONITOR, a served BLPOP) write into this connection's output through
/// <see cref="Push"/>. Lock order: store lock, then this connection's output lock; the flush happens after the store
/// lock is released, so socket sends never run under the global lock.
/// </summary>
internal sealed class Connection : IClientConnection
{
    private const long BackpressureThresholdBytes = 4L * 1024 * 1024;
    private readonly Socket _socket;
    private readonly Stream _transport;
    private readonly ServerContext _server;
    private readonly ILogger _logger;
    private readonly PipeReader _input;
    private readonly Pipe _output;
    private readonly Lock _outputLock = new();
    private readonly RespWriter _writer;
    private readonly CommandContext _context;
    private readonly RequestParserLimits _limits = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly DiscardBufferWriter _discard = new();
    private long _pendingOutputBytes;
    private long _queryBufferBytes;
    private volatile bool _closing;
    private TaskCompletionSource? _drained;

    /// <param name="loop">The event loop that drives the socket, or null for .NET's socket engine.</param>
    public Connection(Socket socket, ServerContext server, ILogger logger, Epoll.EpollLoop? loop = null)
    {
        _socket = socket;
        _transport = loop is null ? new NetworkStream(socket, ownsSocket: false) : new Epoll.EpollSocketStream(socket, loop);
        _server = server;
        _logger = logger;
        RemoteAddress = socket.RemoteEndPoint?.ToString() ?? "?";
        LocalAddress = socket.LocalEndPoint?.ToString() ?? "?";
        _input = PipeReader.Create(_transport,
            new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 2048, leaveOpen: true));
        _output = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: 16 * 1024,
            readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        _writer = new RespWriter(_output.Writer);
        Client = new Client(server.Clients.NextId(), this, server.NowMilliseconds);
        Client.Authenticated = server.Config.RequirePass.Length == 0;
        _context = new CommandContext(server, Client, _writer);
    }

    public Client Client { get; }

    public string RemoteAddress { get; }

    public string LocalAddress { get; }

    public long PendingOutputBytes => Interlocked.Read(ref _pendingOutputBytes);

    public long QueryBufferBytes => Interlocked.Read(ref _queryBufferBytes);

    public async Task RunAsync()
    {
        Task pump = PumpAsync();
        try
        {
            await ReadLoopAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away or we closed the connection.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "connection {Address} failed", RemoteAddress);
        }
        finally
        {
            Detach();
            _output.Writer.Complete();
            try
            {
                await pump.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // Closing anyway.
            }
            await _input.CompleteAsync();
            await _transport.DisposeAsync(); // leaves the event loop before the descriptor closes
            _socket.Dispose();
        }
    }

    /// <summary>Answers a client refused at accept (maxclients) and closes it; the read loop never runs.</summary>
    public async Task RejectAsync(ReadOnlyMemory<byte> reply)
    {
        try
        {
            await _transport.WriteAsync(reply);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Gone already.
        }
        finally
        {
            await _transport.DisposeAsync();
            _socket.Dispose();
        }
    }

    private async Task ReadLoopAsync()
    {
        while (!_closing)
        {
            ReadResult result = await _input.ReadAsync(_closed.Token);
            ReadOnlySequence<byte> buffer = result.Buffer;
            long before = buffer.Length;
            bool close = false;
            BlockRequest? blocked = null;
            bool paused = false;

            _context.DurabilityTicket = 0;
            IDurabilityGate? waitFor = null;
            _server.Store.Lock.Enter();
            _context.BatchClock = _server.NowMilliseconds;
            _outputLock.Enter();
            try
            {
                _limits.MaxBulkLengthBytes = _server.Config.ProtoMaxBulkLengthBytes;
                while (!_closing)
                {
                    ReadOnlySequence<byte> unparsed = buffer;
                    ParseResult parse = RequestParser.TryParse(ref buffer, _context.Arguments, _limits, Client.Authenticated, out string? error);
                    if (parse == ParseResult.Incomplete)
                    {
                        break;
                    }
                    if (parse == ParseResult.Complete && IsPaused())
                    {
                        buffer = unparsed; // run it when the pause ends
                        paused = true;
                        break;
                    }
                    if (parse == ParseResult.ProtocolError)
                    {
                        _server.Stats.ErrorReplies++;
                        _writer.WriteError("ERR " + error);
                        _logger.LogDebug("protocol error from {Address}: {Error}", RemoteAddress, error);
                        close = true;
                        break;
                    }
                    ExecuteWithReplyMode();
                    if (_context.Block is { } block)
                    {
                        blocked = RegisterBlock(block);
                        break;
                    }
                    if (_context.CloseAfterReply)
                    {
                        close = true;
                        break;
                    }
                }
                _context.Arguments.Release();
            }
            finally
            {
                _context.BatchClock = 0;
                _server.Store.Lock.Exit();
                try
                {
                    // appendfsync always: replies leave only once the writes they depend on are fsynced.
                    waitFor = HoldFlushUntilDurable(_context.DurabilityTicket);
                    FlushUnderOutputLock();
                }
                finally
                {
                    _outputLock.Exit();
                }
            }
            if (waitFor is not null)
            {
                await waitFor.WaitDurableAsync(_context.DurabilityTicket);
                _outputLock.Enter();
                try
                {
                    FlushUnderOutputLock();
                }
                finally
                {
                    _outputLock.Exit();
                }
            }

            long consumed = before - buffer.Length;
            Interlocked.Add(ref _server.Stats.NetInputBytes, consumed);
            Interlocked.Exchange(ref _queryBufferBytes, buffer.Length);
            bool moreBuffered = (blocked is not null || paused) && !buffer.IsEmpty;
            if (moreBuffered)
            {
                _input.AdvanceTo(buffer.Start); // unprocessed requests remain: next read returns at once
            }
            else
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (buffer.Length > _server.Config.ClientQueryBufferLimitBytes)
            {
                Interlocked.Increment(ref _server.Stats.ClientQueryBufferLimitDisconnections);
                _logger.LogWarning("closing client {Address} that reached max query buffer length", RemoteAddress);
                return;
            }
            if (close)
            {
                await CloseAfterDrainAsync();
                return;
            }
            if (blocked is not null)
            {
                blocked.Parked?.Invoke();
                await WaitWhileBlockedAsync(blocked);
            }
            if (paused)
            {
                await Task.Delay(10, _closed.Token);
            }
            if (_context.WritePacingDelay > TimeSpan.Zero)
            {
                TimeSpan pacing = _context.WritePacingDelay;
                _context.WritePacingDelay = TimeSpan.Zero;
                await Task.Delay(pacing, _server.Time, _closed.Token);
            }
            if (result.IsCompleted && buffer.IsEmpty)
            {
                return;
            }
            if (result.IsCompleted && !moreBuffered)
            {
                return; // a partial request and the peer closed its side
            }
            if (PendingOutputBytes > BackpressureThresholdBytes && Client.SubscriptionCount == 0)
            {
                await WaitForDrainAsync();
            }
        }
    }

    private bool IsPaused()
    {
        if (_server.PausedUntilMilliseconds == 0)
        {
            return false;
        }
        if (_server.NowMilliseconds >= _server.PausedUntilMilliseconds)
        {
            _server.PausedUntilMilliseconds = 0;
            return false;
        }
        // CLIENT PAUSE ALL holds every command; WRITE holds only commands that may write (Redis 6.2+).
        if (!_server.PauseWritesOnly)
        {
            return true;
        }
        Cairn.Commands.Specs.CommandSpec? spec = _context.Arguments.Count > 0 ? _server.Table.Find(_context.Arguments[0]) : null;
        return spec is not null && (spec.Has(Cairn.Commands.Specs.CommandFlags.Write) || spec.Name is "exec" or "publish");
    }

    private void ExecuteWithReplyMode()
    {
        ReplyMode mode = Client.ReplyMode;
        if (mode == ReplyMode.On)
        {
            Dispatcher.Execute(_context);
            return;
        }
        if (mode == ReplyMode.SkipNext)
        {
            Client.ReplyMode = ReplyMode.Skipping;
        }
        _writer.Output = _discard;
        try
        {
            Dispatcher.Execute(_context);
        }
        finally
        {
            _writer.Output = _output.Writer;
            if (Client.ReplyMode == ReplyMode.Skipping)
            {
                Client.ReplyMode = ReplyMode.On;
            }
            else if (mode == ReplyMode.Off && Client.ReplyMode == ReplyMode.On)
            {
                _writer.WriteOk(); // CLIENT REPLY ON is the one command answered while replies are off
            }
        }
    }

    private BlockRequest RegisterBlock(BlockRequest block)
    {
        block.Client = Client;
        block.Context = _context;
        block.Spec = _context.Spec;
        block.Database = Client.DatabaseIndex;
        block.Arguments = _context.Arguments.ToOwnedArray();
        _context.Block = null;
        _server.Blocking.Register(block);
        Client.Blocked = block; // CLIENT UNBLOCK and disconnects find the request here
        return block;
    }

    private async Task WaitWhileBlockedAsync(BlockRequest block)
    {
        Task completion = block.Completion.Task;
        if (!block.WatchPeerClose)
        {
            try
            {
                await completion.WaitAsync(_closed.Token);
            }
            catch (OperationCanceledException)
            {
                using (_server.Store.Lock.EnterScope())
                {
                    _server.Blocking.Abandon(block);
                }
            }
            return;
        }
        Task<bool> peerClosed = WatchForPeerCloseAsync();
        if (block.DeadlineMilliseconds > 0)
        {
            long waitMilliseconds = Math.Max(0, block.DeadlineMilliseconds - _server.NowMilliseconds);
            await Task.WhenAny(completion, peerClosed, Task.Delay(TimeSpan.FromMilliseconds(waitMilliseconds), _server.Time, _closed.Token));
        }
        else
        {
            await Task.WhenAny(completion, peerClosed, Task.Delay(Timeout.Infinite, _closed.Token));
        }
        if (!peerClosed.IsCompleted)
        {
            _input.CancelPendingRead();
        }
        bool closed = await peerClosed; // the watch has stopped reading before the read loop reads again
        if (completion.IsCompleted)
        {
            return;
        }
        if (closed)
        {
            // As Redis, a client that goes away while blocked stops waiting at once, so no element is popped for it.
            using (_server.Store.Lock.EnterScope())
            {
                _server.Blocking.Abandon(block);
            }
            return;
        }
        _server.Store.Lock.Enter();
        _outputLock.Enter();
        try
        {
            if (!_server.Blocking.Abandon(block))
            {
                return; // served between the timer and the lock
            }
            if (!_closing)
            {
                if (block.TimeoutReply == TimeoutReply.NullBulk)
                {
                    _writer.WriteNull();
                }
                else
                {
                    _writer.WriteNullArray();
                }
            }
        }
        finally
        {
            _server.Store.Lock.Exit();
            try
            {
                FlushUnderOutputLock();
            }
            finally
            {
                _outputLock.Exit();
            }
        }
    }

    /// <summary>
    /// While blocked, watches the socket without consuming input (pipelined requests stay buffered for after the block):
    /// true when the peer closed, false when cancelled by <see cref="PipeReader.CancelPendingRead"/>.
    /// </summary>
    private async Task<bool> WatchForPeerCloseAsync()
    {
        try
        {
            while (true)
            {
                ReadResult result = await _input.ReadAsync();
                if (result.IsCanceled || result.IsCompleted)
                {
                    _input.AdvanceTo(result.Buffer.Start); // nothing examined: the read loop sees the buffer at once
                    return !result.IsCanceled;
                }
                _input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    public bool Push(Action<RespWriter> write) => Push(write, static (w, a) => a(w));

    public bool Push<TState>(TState state, Action<RespWriter, TState> write)
    {
        if (_closing)
        {
            return false;
        }
        IDurabilityGate? waitFor = null;
        long target;
        _outputLock.Enter();
        try
        {
            long before = _context.DurabilityTicket;
            write(_writer, state);
            // A blocked command served by another client's write (BLPOP after LPUSH) was logged through this connection's
            // context: under appendfsync always its reply waits for that record's fsync like any other reply.
            target = _context.DurabilityTicket;
            if (target != before)
            {
                waitFor = HoldFlushUntilDurable(target);
            }
            FlushUnderOutputLock();
        }
        finally
        {
            _outputLock.Exit();
        }
        if (waitFor is not null)
        {
            _ = FlushWhenDurableAsync(waitFor, target);
        }
        return EnforceOutputLimit();
    }

    /// <summary>
    /// Under appendfsync always, holds this connection's output (replies and pushes behind them) until the durability gate
    /// has made <paramref name="ticket"/> durable; returns the gate the caller must wait on and then flush, or null.
    /// REQUIRES: the output lock.
    /// </summary>
    private IDurabilityGate? HoldFlushUntilDurable(long ticket)
    {
        if (ticket <= 0 || _server.DurabilityGate is not { } gate || gate.IsDurable(ticket))
        {
            return null;
        }
        _flushHeldUntil = Math.Max(_flushHeldUntil, ticket);
        _heldBy = gate;
        return gate;
    }

    private async Task FlushWhenDurableAsync(IDurabilityGate gate, long ticket)
    {
        await gate.WaitDurableAsync(ticket);
        _outputLock.Enter();
        try
        {
            FlushUnderOutputLock();
        }
        finally
        {
            _outputLock.Exit();
        }
    }

    /// <summary>Applies client-output-buffer-limit for the client's class; closes it when over. Returns false if closed.</summary>
    private bool EnforceOutputLimit()
    {
        OutputBufferLimit limit = Client.SubscriptionCount > 0 ? _server.Config.PubSubOutputLimit : _server.Config.NormalOutputLimit;
        long pending = PendingOutputBytes;
        bool over = limit.HardBytes > 0 && pending >= limit.HardBytes;
        if (!over && limit.SoftBytes > 0 && pending >= limit.SoftBytes)
        {
            long now = _server.NowMilliseconds;
            if (Client.SoftLimitReachedAtMilliseconds == 0)
            {
                Client.SoftLimitReachedAtMilliseconds = now;
            }
            else if (now - Client.SoftLimitReachedAtMilliseconds >= limit.SoftSeconds * 1000)
            {
                over = true;
            }
        }
        else if (!over)
        {
            Client.SoftLimitReachedAtMilliseconds = 0;
        }
        if (over)
        {
            Interlocked.Increment(ref _server.Stats.ClientOutputBufferLimitDisconnections);
            _logger.LogWarning("client {Address} closed for overcoming of output buffer limits ({Pending} bytes pending)", RemoteAddress, pending);
            Close(afterReply: false);
            return false;
        }
        return true;
    }

    /// <summary>Ticket of <see cref="_heldBy"/> that must be durable before output may leave (0: none). Guarded by the
    /// output lock.</summary>
    private long _flushHeldUntil;
    private IDurabilityGate? _heldBy;

    private void FlushUnderOutputLock()
    {
        if (_flushHeldUntil > 0)
        {
            if (_heldBy is { } gate && !gate.IsDurable(_flushHeldUntil))
            {
                return; // replies wait for the fsync; pushes stay buffered behind them
            }
            _flushHeldUntil = 0;
            _heldBy = null;
        }
        long unflushed = _output.Writer.UnflushedBytes;
        if (unflushed == 0)
        {
            return;
        }
        Interlocked.Add(ref _pendingOutputBytes, unflushed);
        Interlocked.Add(ref _server.Stats.NetOutputBytes, unflushed);
        ValueTask<FlushResult> flush = _output.Writer.FlushAsync();
        if (!flush.IsCompleted)
        {
            // pauseWriterThreshold is 0, so flushes never wait; observe the task anyway.
            flush.AsTask().GetAwaiter().GetResult();
        }
    }

    private async Task PumpAsync()
    {
        PipeReader reader = _output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync();
                ReadOnlySequence<byte> buffer = result.Buffer;
                long length = buffer.Length;
                if (length > 0 && !_socketDead)
                {
                    try
                    {
                        foreach (ReadOnlyMemory<byte> segment in buffer)
                        {
                            await _transport.WriteAsync(segment);
                        }
                    }
                    catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
                    {
                        _socketDead = true;
                        _closed.Cancel();
                    }
                }
                reader.AdvanceTo(buffer.End);
                if (Interlocked.Add(ref _pendingOutputBytes, -length) <= BackpressureThresholdBytes / 2)
                {
                    Interlocked.Exchange(ref _drained, null)?.TrySetResult();
                }
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
            Interlocked.Exchange(ref _drained, null)?.TrySetResult();
        }
    }

    private volatile bool _socketDead;

    private async Task WaitForDrainAsync()
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _drained, drained);
        if (PendingOutputBytes <= BackpressureThresholdBytes / 2)
        {
            return;
        }
        await drained.Task.WaitAsync(_closed.Token);
    }

    private async Task CloseAfterDrainAsync()
    {
        _closing = true;
        _output.Writer.Complete();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (PendingOutputBytes > 0 && DateTime.UtcNow < deadline && !_socketDead)
        {
            await Task.Delay(1);
        }
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
    }

    public void Close(bool afterReply)
    {
        if (afterReply)
        {
            _context.CloseAfterReply = true;
            return;
        }
        _closing = true;
        Client.IsClosing = true;
        try
        {
            _closed.Cancel();
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Removes the client from everything that references it. Takes the store lock.</summary>
    private void Detach()
    {
        _closing = true;
        Client.IsClosing = true;
        using (_server.Store.Lock.EnterScope())
        {
            _server.Clients.Remove(Client);
            _server.PubSub.RemoveClient(Client);
            _server.Monitors.Remove(Client);
            foreach ((int database, byte[] key) in Client.WatchedKeys)
            {
                _server.Store[database].Unwatch(key, Client);
            }
            Client.WatchedKeys.Clear();
            if (Client.Blocked is { } block)
            {
                _server.Blocking.Abandon(block);
            }
        }
    }
}
