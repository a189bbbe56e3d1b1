using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Cairn.Commands.Clients;
using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives;
using Cairn.Primitives.Networking;
using Cairn.Protocol.Resp;
using Microsoft.Extensions.Logging;

namespace Cairn.Server.Networking;

/// <summary>
/// One client connection. The read loop receives into the connection's own buffer, parses every complete request in it
/// and runs them under one acquisition of the store lock, writing replies into <see cref="OutputBuffer"/>; after the store
/// lock is released the replies are sent straight from that thread with a non-blocking send (on the event loop, the
/// thread that received the requests), and only output the socket cannot take at once goes to a send task that waits
/// for room. Other clients' commands (PUBLISH, MONITOR, a served BLPOP) write into this connection's output through
/// <see cref="Push"/> the same way, flushed by the pushing thread. Lock order: store lock, then this connection's output
/// lock; a client's own replies are never sent under the store lock.
/// A command whose reply comes later (a cluster-routed request, <see cref="CommandContext.DeferReply"/>) ends the batch;
/// the loop waits on a reusable awaitable until the answerer writes the reply (<see cref="TryWriteDeferredReply"/>) and
/// resumes it (<see cref="ResumeAfterDeferredReply"/>) on its own thread, and then goes on with the buffered requests.
/// </summary>
internal sealed class Connection : IClientConnection, IDeferredReplyConnection, IReceiveAheadTarget
{
    private const long BackpressureThresholdBytes = 4L * 1024 * 1024;

    private const int InputChunkBytes = 16 * 1024;
    private const int MinimumReceiveBytes = 2048;
    private readonly Socket _socket;
    private readonly FrameIndex _frames = new();
    private readonly IClientTransport _transport;
    private readonly ServerContext _server;
    private readonly ILogger _logger;
    private readonly OutputBuffer _output = new();

    /// <summary>The output chunks of one gather send (<see cref="FlushUnderOutputLock"/>; guarded by the output lock).</summary>
    private readonly ReadOnlyMemory<byte>[] _sendSegments = new ReadOnlyMemory<byte>[Epoll.EpollSocket.MaxGatherBuffers];
    private readonly Lock _outputLock = new();
    private readonly RespWriter _writer;
    private readonly CommandContext _context;
    private readonly RequestParserLimits _limits = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly DiscardBufferWriter _discard = new();
    private long _pendingOutputBytes;
    private long _queryBufferBytes;
    private volatile bool _closing;
    private volatile bool _socketDead;
    private TaskCompletionSource? _drained;

    /// <summary>Received bytes: [<see cref="_inputStart"/>, <see cref="_inputEnd"/>) are not yet parsed. Rented while
    /// requests are buffered; returned when the buffer empties, so an idle connection holds no input memory.</summary>
    private byte[]? _input;
    private int _inputStart;
    private int _inputEnd;
    private bool _inputEnded;

    /// <summary>The task sending output the socket could not take at once; null when none. Guarded by the output lock.</summary>
    private Task? _sending;

    /// <summary>The read loop's wait for a deferred reply; reused for every one (no allocation per routed request).</summary>
    private readonly DeferredReplyWait _deferredReply = new();

    /// <summary>Where the deferred reply stands (guarded by the output lock): the read loop waits for it
    /// (<see cref="DeferredWaiting"/>), it was written and the answerer is about to resume the loop
    /// (<see cref="DeferredWritten"/>), or none is expected (<see cref="DeferredNone"/>).</summary>
    private int _deferredState;
    private const int DeferredNone = 0;
    private const int DeferredWaiting = 1;
    private const int DeferredWritten = 2;

    /// <summary>The deferred command ran under CLIENT REPLY OFF or SKIP: its reply is discarded too. Output lock.</summary>
    private bool _deferredReplyDiscarded;

    private bool _closeEndsDeferredWait;

    /// <param name="loop">The event loop that drives the socket, or null for .NET's socket engine.</param>
    public Connection(Socket socket, ServerContext server, ILogger logger, Epoll.EpollLoop? loop = null)
    {
        _socket = socket;
        if (loop is null)
        {
            _transport = new SocketTransport(socket);
        }
        else
        {
            _transport = new Epoll.EpollSocket(socket, loop) { AheadTarget = this };
        }
        _server = server;
        _logger = logger;
        RemoteAddress = socket.RemoteEndPoint?.ToString() ?? "?";
        LocalAddress = socket.LocalEndPoint?.ToString() ?? "?";
        _writer = new RespWriter(_output);
        Client = new Client(server.Clients.NextId(), this, server.NowMilliseconds);
        Client.Authenticated = server.Config.RequirePass.Length == 0;
        _context = new CommandContext(server, Client, _writer);
        _flushDeferredAction = FlushDeferred;
    }

    public Client Client { get; }

    public string RemoteAddress { get; }

    public string LocalAddress { get; }

    public long PendingOutputBytes => Interlocked.Read(ref _pendingOutputBytes);

    public long QueryBufferBytes => Interlocked.Read(ref _queryBufferBytes);

    public async Task RunAsync()
    {
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
            Task? sending;
            lock (_outputLock)
            {
                FlushUnderOutputLock(); // a last batch's replies left for the end of the turn (TryDeferFlush)
                sending = _sending; // replies still going out, e.g. to a client that half-closed after its requests
            }
            if (sending is not null)
            {
                try
                {
                    await sending.WaitAsync(TimeSpan.FromSeconds(5));
                }
                catch (Exception)
                {
                    // Closing anyway.
                }
            }
            await _transport.DisposeAsync(); // leaves the event loop before the descriptor closes; later sends fail
            _socket.Dispose();
            lock (_outputLock)
            {
                _socketDead = true;
                _output.Clear();
            }
            ReleaseInput();
        }
    }

    /// <summary>Answers a client refused at accept (maxclients) and closes it; the read loop never runs.</summary>
    public async Task RejectAsync(ReadOnlyMemory<byte> reply)
    {
        try
        {
            while (!reply.IsEmpty)
            {
                reply = reply[await _transport.SendAsync(reply, CancellationToken.None)..];
            }
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
        bool receive = true;
        while (!_closing)
        {
            if (receive)
            {
                // The transport's wait, awaited here rather than through ReceiveAsync: one state machine resumed per
                // unpipelined request instead of two.
                int received = await _transport.ReceiveAsync(PrepareReceive(), CancellationToken.None);
                _inputEnd += received;
                _inputEnded |= received == 0;
            }
            var buffer = new ReadOnlySequence<byte>(_input ?? [], _inputStart, _inputEnd - _inputStart);
            long before = buffer.Length;
            bool close = false;
            BlockRequest? blocked = null;
            bool paused = false;
            bool deferred = false;
            Action? deferredParked = null;

            _context.DurabilityTicket = 0;
            IDurabilityGate? waitFor = null;
            // Scopes rather than Enter/Exit: the scope keeps the thread's id, so its exit does not look it up again.
            Lock.Scope store = _server.Store.Lock.EnterScope();
            long batchStart = System.Diagnostics.Stopwatch.GetTimestamp();
            _context.ClockMark = batchStart;
            _context.BatchClock = _server.NowMillisecondsAt(batchStart);
            Lock.Scope output = _outputLock.EnterScope();
            try
            {
                _limits.MaxBulkLengthBytes = _server.Config.ProtoMaxBulkLengthBytes;
                int prefetched = 0;
                while (!_closing)
                {
                    if (prefetched-- == 0)
                    {
                        prefetched = PrefetchKeysAhead(buffer.FirstSpan) - 1;
                    }
                    ReadOnlySequence<byte> unparsed = buffer;
                    ParseResult parse;
                    string? error = null;
                    if (_frames.TryTake(buffer.First, _context.Arguments, _limits, Client.Authenticated, out int taken))
                    {
                        buffer = buffer.Slice(taken);
                        parse = ParseResult.Complete;
                    }
                    else
                    {
                        parse = RequestParser.TryParse(ref buffer, _context.Arguments, _limits, Client.Authenticated, out error);
                    }
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
                    bool discarding = Client.ReplyMode != ReplyMode.On;
                    ExecuteWithReplyMode();
                    if (_context.Block is { } block)
                    {
                        blocked = RegisterBlock(block);
                        break;
                    }
                    if (_context.ReplyDeferred)
                    {
                        deferredParked = _context.TakeDeferredReply();
                        BeginDeferredReply(discarding);
                        deferred = true;
                        break; // later requests wait in the buffer: replies stay in request order
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
                _context.ClockMark = 0;
                try
                {
                    _server.Aof?.FlushRun(); // the batch's pipelined writes, logged as one frame run (their frames are in _input)
                }
                finally
                {
                    store.Dispose();
                }
                _server.Aof?.WakeDeferred(); // not under the store lock: the woken thread would preempt its holder
                try
                {
                    // appendfsync always: replies leave only once the writes they depend on are fsynced.
                    waitFor = HoldFlushUntilDurable(_context.DurabilityTicket);
                    if (waitFor is not null || close || !TryDeferFlush())
                    {
                        FlushUnderOutputLock();
                    }
                }
                finally
                {
                    output.Dispose();
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
            _inputStart += (int)consumed;
            if (_inputStart == _inputEnd)
            {
                // All of it ran. A pooled buffer stays for the next receive, which lends it to the transport right away
                // (returning and renting it again cost two pool look-ups per request); a grown one goes.
                if (_input is { Length: InputChunkBytes })
                {
                    _inputStart = 0;
                    _inputEnd = 0;
                }
                else
                {
                    ReleaseInput();
                }
            }
            bool stoppedEarly = blocked is not null || paused || deferred; // complete requests may still be buffered
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
            int receivedBeforeWaits = _inputEnd;
            if (blocked is not null)
            {
                blocked.Parked?.Invoke();
                await WaitWhileBlockedAsync(blocked);
            }
            if (deferred)
            {
                deferredParked?.Invoke();
                await new ValueTask<bool>(_deferredReply, _deferredReply.Version);
                // Nothing buffered: read the client's next request at once rather than run an empty batch first.
                stoppedEarly = _inputStart != _inputEnd;
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
            // Receive before the next batch only if every buffered request ran and nothing arrived while blocked.
            receive = !stoppedEarly && _inputEnd == receivedBeforeWaits;
            if (_inputEnded && receive)
            {
                return; // the peer closed its side: nothing, or only a partial request, is left
            }
            if (PendingOutputBytes > BackpressureThresholdBytes && Client.SubscriptionCount == 0)
            {
                await WaitForDrainAsync();
            }
        }
    }

    /// <summary>
    /// Looks ahead over the next requests of the batch (up to <see cref="FrameIndex.MaxFrames"/>), recording them in
    /// <see cref="_frames"/> so that each is then taken from the index rather than parsed again, and with pipelining
    /// prefetches their keys' look-up paths together, so that the cache misses of a large keyspace overlap instead of
    /// stalling each command in turn (see KeyTable.Prefetch). Returns how many requests it looked at (at least 1), so
    /// that the next look-ahead happens once they have run. REQUIRES: the store lock.
    /// </summary>
    private int PrefetchKeysAhead(ReadOnlySpan<byte> buffer)
    {
        FrameIndex index = _frames;
        int frames = index.Build(buffer);
        if (frames > 1)
        {
            Span<int> hashes = stackalloc int[FrameIndex.MaxFrames];
            int keys = 0;
            for (int i = 0; i < frames; i++)
            {
                if (index.ArgLength(i, 1) >= 0)
                {
                    hashes[keys++] = Database.HashKey(buffer.Slice(index.ArgStart(i, 1), index.ArgLength(i, 1)));
                }
            }
            if (keys > 1)
            {
                Database database = _context.Database;
                database.PrefetchKeys(hashes[..keys]);
                PrefetchMembersAhead(database, buffer, index);
            }
        }
        return Math.Max(frames, 1);
    }

    /// <summary>
    /// For runs of consecutive requests on one key (a pipeline of SADD, HSET, ZADD... on one set, hash or sorted set), prefetches
    /// the members they name in that value's own table (<see cref="DataObject.PrefetchMembers"/>, members found by
    /// <see cref="LookAheadMember"/>): on a large collection the member look-up, not the key's, is where such a batch waits
    /// for memory. Runs of one are left alone: finding their key here would take the misses the key prefetch meant to overlap.
    /// </summary>
    private static void PrefetchMembersAhead(Database database, ReadOnlySpan<byte> buffer, FrameIndex index)
    {
        Span<int> memberHashes = stackalloc int[FrameIndex.MaxFrames];
        int frames = index.Count;
        int i = 0;
        while (i < frames)
        {
            int keyLength = index.ArgLength(i, 1);
            if (keyLength < 0)
            {
                i++;
                continue;
            }
            ReadOnlySpan<byte> key = buffer.Slice(index.ArgStart(i, 1), keyLength);
            int end = i + 1;
            while (end < frames && index.ArgLength(end, 1) == keyLength && buffer.Slice(index.ArgStart(end, 1), keyLength).SequenceEqual(key))
            {
                end++;
            }
            if (end - i > 1 && database.PeekObject(key) is { HasMemberTable: true } value)
            {
                bool scoreFirst = value.Type == DataType.SortedSet;
                int members = 0;
                for (int f = i; f < end; f++)
                {
                    if (LookAheadMember.TryHash(buffer, index.ArgStarts(f, 1), index.ArgLengths(f, 1), scoreFirst, out int hash))
                    {
                        memberHashes[members++] = hash;
                    }
                }
                value.PrefetchMembers(memberHashes[..members]);
            }
            i = end;
        }
    }

    public bool TryFirstRequest(int receivedBytes, ref AheadRequest request)
    {
        // Read once and checked: a connection closed from another thread meanwhile may be releasing its buffer, and a
        // wrong guess only prefetches the wrong key or member.
        byte[]? input = _input;
        int start0 = _inputStart;
        int end = _inputEnd + receivedBytes;
        if (input is null || start0 < 0 || start0 > end || end > input.Length)
        {
            return false;
        }
        ReadOnlySpan<byte> buffered = input.AsSpan(start0, end - start0);
        int pos = 0;
        if (!RequestParser.TrySkipFrame(buffered, ref pos, request.Starts, request.Lengths, out _) || request.Lengths[1] < 0)
        {
            return false;
        }
        request.Database = _context.Database;
        request.Input = input;
        request.Offset = start0;
        request.KeyHash = Database.HashKey(request.Key);
        return true;
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
            _writer.Output = _output;
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

    /// <summary>The batch stops at a command whose reply is deferred: from now on the answer may arrive. REQUIRES: the
    /// output lock (held by the batch, so the answer is written after this batch's replies).</summary>
    private void BeginDeferredReply(bool discarded)
    {
        Invariant.Require(_deferredState == DeferredNone, "a connection defers one reply at a time");
        if (!_closeEndsDeferredWait)
        {
            _closeEndsDeferredWait = true;
            // Once per connection: a close (CLIENT KILL, output limit, failed send) ends the wait at once. Cancel may run
            // under the store or output lock, so the wait is ended from the thread pool, never inline.
            _closed.Token.UnsafeRegister(static state =>
                ThreadPool.UnsafeQueueUserWorkItem(static c => c.EndDeferredWaitOnClose(), (Connection)state!, preferLocal: false), this);
        }
        _deferredReply.Reset();
        _deferredReplyDiscarded = discarded;
        _deferredState = DeferredWaiting;
    }

    public bool TryWriteDeferredReply<TState>(TState state, Action<RespWriter, TState> write)
    {
        _outputLock.Enter();
        try
        {
            if (_deferredState != DeferredWaiting)
            {
                return false; // closed meanwhile
            }
            _deferredState = DeferredWritten;
            if (_deferredReplyDiscarded)
            {
                _writer.Output = _discard;
                try
                {
                    write(_writer, state);
                }
                finally
                {
                    _writer.Output = _output;
                }
            }
            else
            {
                write(_writer, state);
            }
            FlushUnderOutputLock();
            return true;
        }
        finally
        {
            _outputLock.Exit();
        }
    }

    public void ResumeAfterDeferredReply()
    {
        _outputLock.Enter();
        try
        {
            if (_deferredState != DeferredWritten)
            {
                return;
            }
            _deferredState = DeferredNone;
        }
        finally
        {
            _outputLock.Exit();
        }
        _deferredReply.SetResult(true); // the read loop continues here, on this thread
    }

    private void EndDeferredWaitOnClose()
    {
        _outputLock.Enter();
        try
        {
            if (_deferredState != DeferredWaiting)
            {
                return; // nothing waits, or the answerer has written the reply and resumes the loop itself
            }
            _deferredState = DeferredNone;
        }
        finally
        {
            _outputLock.Exit();
        }
        _deferredReply.SetResult(false);
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
        using var stopWatching = new CancellationTokenSource();
        Task<bool> peerClosed = WatchForPeerCloseAsync(stopWatching.Token);
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
            stopWatching.Cancel();
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
    /// While blocked, watches the socket, receiving what arrives into the input buffer without parsing it (pipelined
    /// requests run after the block): true when the peer closed, false when <paramref name="stop"/> ended the watch or the
    /// buffer reached the query buffer limit (the read loop then closes the connection after the block).
    /// </summary>
    private async Task<bool> WatchForPeerCloseAsync(CancellationToken stop)
    {
        try
        {
            while (_inputEnd - _inputStart <= _server.Config.ClientQueryBufferLimitBytes)
            {
                if (!await ReceiveAsync(stop))
                {
                    _inputEnded = true;
                    return true;
                }
            }
            await Task.Delay(Timeout.Infinite, stop);
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>
    /// Receives more input after what is buffered, growing or compacting the buffer first when little room is left:
    /// false at end of stream. Grown buffers above the pooled size are not pooled (a 512 MB argument must not stay).
    /// </summary>
    private async ValueTask<bool> ReceiveAsync(CancellationToken cancellationToken)
    {
        int received = await _transport.ReceiveAsync(PrepareReceive(), cancellationToken);
        _inputEnd += received;
        return received > 0;
    }

    /// <summary>The free space after what is buffered, growing or compacting the buffer first when little is left.</summary>
    private Memory<byte> PrepareReceive()
    {
        if (_input is null)
        {
            _input = ArrayPool<byte>.Shared.Rent(InputChunkBytes);
            _inputStart = 0;
            _inputEnd = 0;
        }
        else if (_input.Length - _inputEnd < MinimumReceiveBytes)
        {
            int pending = _inputEnd - _inputStart;
            if (_inputStart > 0 && _input.Length - pending >= MinimumReceiveBytes)
            {
                Buffer.BlockCopy(_input, _inputStart, _input, 0, pending);
            }
            else
            {
                // Doubling, but never far past client-query-buffer-limit: the batch after this receive closes a client over it.
                long cap = Math.Min(Array.MaxLength, _server.Config.ClientQueryBufferLimitBytes + InputChunkBytes);
                int size = (int)Math.Min(cap, Math.Max(2L * _input.Length, pending + (long)MinimumReceiveBytes));
                if (size - pending < MinimumReceiveBytes)
                {
                    throw new IOException("query buffer cannot grow further");
                }
                byte[] grown = GC.AllocateUninitializedArray<byte>(size);
                Buffer.BlockCopy(_input, _inputStart, grown, 0, pending);
                ReturnInput(_input);
                _input = grown;
            }
            _inputStart = 0;
            _inputEnd = pending;
        }
        return _input.AsMemory(_inputEnd);
    }

    private void ReleaseInput()
    {
        if (_input is not null)
        {
            ReturnInput(_input);
            _input = null;
        }
        _inputStart = 0;
        _inputEnd = 0;
    }

    private static void ReturnInput(byte[] buffer)
    {
        if (buffer.Length == InputChunkBytes) // rented; grown buffers were allocated and go to the collector
        {
            ArrayPool<byte>.Shared.Return(buffer);
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

    /// <summary>
    /// Output a batch may leave for the end of the event-loop turn before it is sent at once: above this, replies go out
    /// as they are made, so that a client that keeps its socket full is never answered late or held in memory.
    /// </summary>
    private const int MaxDeferredFlushBytes = 64 * 1024;

    /// <summary>A flush of this connection is queued for the end of an event-loop turn. Set under the output lock.</summary>
    private bool _flushDeferred;

    /// <summary>Cached so that deferring a flush allocates nothing.</summary>
    private readonly Action _flushDeferredAction;

    /// <summary>
    /// Leaves the send of a batch's replies to the end of the event-loop turn (one epoll_wait's ready sockets), when the
    /// batch ran on an event loop: every ready client's requests run first, then all their replies leave together, as
    /// Redis's loop writes replies in beforeSleep. A client asleep in epoll_wait is then woken once per turn, not once per
    /// reply: under a pinned SET -P16 load that wake-up (an IPI, a VM exit in a guest) was the loop's costliest single
    /// item, 111 ns per SET without the AOF and 340 with it (bench/README.md, "Replies at the end of the turn").
    /// False when not on an event loop, or when the output is already large: the caller flushes now. REQUIRES: the
    /// output lock.
    /// </summary>
    private bool TryDeferFlush()
    {
        if (!EventLoopTurn.InTurn || _output.Length > MaxDeferredFlushBytes)
        {
            return false;
        }
        if (!_flushDeferred)
        {
            _flushDeferred = EventLoopTurn.TryDeferNew(_flushDeferredAction);
        }
        return _flushDeferred;
    }

    /// <summary>
    /// The end-of-turn flush <see cref="TryDeferFlush"/> queued, on the thread whose turn it was (a read loop resumed by
    /// another loop's command, a served BLPOP, queues it in that loop's turn). The flag is cleared before the output lock
    /// is taken and set under it, so a batch that sees it set has its replies sent by this flush.
    /// </summary>
    private void FlushDeferred()
    {
        _flushDeferred = false;
        lock (_outputLock)
        {
            FlushUnderOutputLock();
        }
    }

    /// <summary>Ticket of <see cref="_heldBy"/> that must be durable before output may leave (0: none). Guarded by the
    /// output lock.</summary>
    private long _flushHeldUntil;
    private IDurabilityGate? _heldBy;

    /// <summary>
    /// Sends what was written since the last flush, unless replies are held for an fsync or a send task already owns the
    /// socket (it takes the new bytes too). A direct non-blocking send from this thread; what the socket cannot take now
    /// goes to <see cref="SendRestAsync"/>. REQUIRES: the output lock.
    /// </summary>
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
        long written = _output.Length - _pendingOutputBytes;
        if (written <= 0)
        {
            return;
        }
        Interlocked.Add(ref _server.Stats.NetOutputBytes, written);
        if (_socketDead)
        {
            _output.Clear();
            return;
        }
        if (_sending is null)
        {
            try
            {
                ReadOnlyMemory<byte>[] segments = _sendSegments;
                while (_output.Length > 0)
                {
                    int count = _output.GetSegments(segments, out long offered);
                    int sent = _transport.TrySend(segments.AsSpan(0, count));
                    segments.AsSpan(0, count).Clear(); // hold no chunk the pool may hand out again
                    _output.ConsumeAcross(sent);
                    if (sent < offered)
                    {
                        _sending = SendRestAsync();
                        break;
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
            {
                SocketFailed();
            }
        }
        Volatile.Write(ref _pendingOutputBytes, _output.Length);
    }

    /// <summary>Sends the output the socket could not take at once, waiting for room; ends when all is sent.</summary>
    private async Task SendRestAsync()
    {
        await Task.Yield(); // never send from inside the flush that started this task (it holds the output lock)
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte> head;
                lock (_outputLock)
                {
                    if (_output.Length == 0 || _socketDead)
                    {
                        _sending = null;
                        SignalDrained();
                        return;
                    }
                    head = _output.Head; // stays valid: only this task consumes while it runs, and writers only append
                }
                int sent = await _transport.SendAsync(head, CancellationToken.None);
                lock (_outputLock)
                {
                    _output.Consume(sent);
                    Volatile.Write(ref _pendingOutputBytes, _output.Length);
                }
                if (Volatile.Read(ref _pendingOutputBytes) <= BackpressureThresholdBytes / 2)
                {
                    SignalDrained();
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            lock (_outputLock)
            {
                SocketFailed();
                _sending = null;
            }
            SignalDrained();
        }
    }

    private void SignalDrained() => Interlocked.Exchange(ref _drained, null)?.TrySetResult();

    /// <summary>The socket failed while sending: drop the output and stop the read loop. REQUIRES: the output lock.</summary>
    private void SocketFailed()
    {
        _socketDead = true;
        _output.Clear();
        Volatile.Write(ref _pendingOutputBytes, 0);
        _closed.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both); // wakes a read loop waiting for input
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

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

    /// <summary>The reusable awaitable the read loop waits on for a deferred reply (true: answered; false: closed).
    /// Continuations run on the thread that completes it.</summary>
    private sealed class DeferredReplyWait : IValueTaskSource<bool>
    {
        private ManualResetValueTaskSourceCore<bool> _core;

        public short Version => _core.Version;

        public void Reset() => _core.Reset();

        public void SetResult(bool answered) => _core.SetResult(answered);

        public bool GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
