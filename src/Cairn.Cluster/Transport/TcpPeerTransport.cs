using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cairn.Primitives.Networking;
using Microsoft.Extensions.Logging;

namespace Cairn.Cluster.Transport;

/// <summary>
/// Framed TCP over one peer port. Each node dials every peer it sends to (one outbound link per address, carrying only
/// its messages to that peer) and accepts the links peers dial to it, so each direction has its own ordered stream and no
/// connection is shared between writers. A link drains its whole queue into one frame per write (batching), reconnects
/// with back-off, and drops messages when its queue is full or it is down: the replication core handles loss.
/// Fault injection for tests: <see cref="Blocked"/> drops everything to and from the listed node ids.
/// </summary>
/// <remarks>
/// No thread of its own on the hot path: <see cref="Queue"/> + <see cref="Flush"/> (or <see cref="Send"/>) write the frame on
/// the calling thread when the link is idle (a socket send on loopback completes at once), and only a send the kernel
/// cannot take yet continues asynchronously, taking everything queued meanwhile into its next frame. Inbound links read
/// into one buffer and hand every message of every complete frame to the receiver in one call, so the node steps a whole
/// batch and answers it with one frame per peer. (The first version had a task per link fed by a channel and delivered
/// message by message: three thread hops per message, most of the cluster's CPU on a 2-core machine.)
/// Given an event loop (<see cref="IEventLoopHost"/>: the server's peer loop when clients are on Cairn's loops),
/// inbound links are read there instead of on .NET's socket engine, so a frame is handled in the loop's own turns and
/// wakes no other thread. The listener's side of the handshake reads through the same reader (an asynchronous .NET socket
/// call would register the socket with the engine as well, whose thread would then wake on every frame for nothing) and
/// writes its one small reply with a plain send; a timer ends a handshake that takes over 5 s. No thread waits on a
/// handshake: a blocking version held a pool thread per connection, and 16 idle connections to the peer port starved a
/// 2-core node's thread pool for seconds.
/// </remarks>
public sealed class TcpPeerTransport : IPeerTransport
{
    /// <summary>Bounds each link's queue (messages); beyond it messages are dropped and counted.</summary>
    public const int MaxQueuedMessages = 100_000;

    private readonly string _nodeId;
    private readonly byte[] _secret;
    private readonly Action<string, IReadOnlyList<byte[]>> _receive;
    /// <summary>
    /// Most listener-side handshakes in progress at once (each holds a socket, a 64 KiB buffer and a timer for up to 5 s);
    /// connections past this are closed at once, so a flood of idle connections to the peer port is bounded. A real peer
    /// caught in such a flood redials with back-off.
    /// </summary>
    private const int MaxConcurrentHandshakes = 64;

    private const int HandshakeTimeoutMilliseconds = 5000;

    private readonly ILogger _logger;
    private int _handshakes;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Link> _links = new(StringComparer.Ordinal);
    private readonly IEventLoopHost? _loop;
    /// <summary>Inbound sockets and their readers (null until attached; disposing a reader ends its link, handshake included).</summary>
    private readonly ConcurrentDictionary<Socket, IEventLoopSocket?> _inbound = new();
    private readonly Task _acceptLoop;

    /// <param name="receive">Called with (sender node id, encoded message) for every message, on a transport thread.</param>
    public TcpPeerTransport(string nodeId, byte[] secret, string bindAddress, int port, Action<string, byte[]> receive, ILogger logger)
        : this(nodeId, secret, bindAddress, port, logger, (from, messages) =>
        {
            foreach (byte[] message in messages)
            {
                receive(from, message);
            }
        })
    {
    }

    /// <param name="receive">
    /// Called with (sender node id, the messages of the frames read at once), on a transport thread (the event loop's when
    /// <paramref name="loop"/> is given), one call at a time per inbound link; the list is reused after the call returns.
    /// </param>
    /// <param name="loop">The event loop that reads inbound links; null: .NET's socket engine does.</param>
    public TcpPeerTransport(string nodeId, byte[] secret, string bindAddress, int port, ILogger logger, Action<string, IReadOnlyList<byte[]>> receive,
        IEventLoopHost? loop = null)
    {
        _loop = loop;
        _nodeId = nodeId;
        _secret = secret;
        _receive = receive;
        _logger = logger;
        _listener = ListenSockets.Listen(new IPEndPoint(IPAddress.Parse(bindAddress), port), 128);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary>Node ids cut off from this node in both directions (tests' partitions).</summary>
    public ConcurrentDictionary<string, bool> Blocked { get; } = new(StringComparer.Ordinal);

    public long FramesSent => Interlocked.Read(ref _framesSent);

    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long MessagesDropped => Interlocked.Read(ref _messagesDropped);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    private long _framesSent;
    private long _messagesSent;
    private long _bytesSent;
    private long _messagesDropped;
    private long _bytesReceived;

    /// <summary>Queues a message and writes at once if the link is idle (no batching with later messages).</summary>
    public void Send(string address, byte[] message)
    {
        if (QueueCore(address, message) is { } link)
        {
            link.Flush();
        }
    }

    /// <summary>Queues a message for <see cref="Flush"/>: messages queued together leave in one frame per peer.</summary>
    /// <returns>The link, or null when the message was dropped.</returns>
    private Link? QueueCore(string address, byte[] message)
    {
        if (_stopping.IsCancellationRequested)
        {
            return null;
        }
        // The look-up first: GetOrAdd with a lambda that captures this allocates a delegate on every message.
        if (!_links.TryGetValue(address, out Link? link))
        {
            link = _links.GetOrAdd(address, static (a, owner) => new Link(owner, a), this);
        }
        if (link.RemoteId is { } id && Blocked.ContainsKey(id))
        {
            Interlocked.Increment(ref _messagesDropped);
            return null;
        }
        if (!link.Enqueue(message))
        {
            Interlocked.Increment(ref _messagesDropped);
            return null;
        }
        return link;
    }

    /// <summary>Queues a message for the next <see cref="Flush"/>; never blocks.</summary>
    public void Queue(string address, byte[] message) => QueueCore(address, message);

    /// <summary>Writes what is queued for every peer: one frame per link, on this thread when the link is idle.</summary>
    public void Flush()
    {
        foreach (Link link in _links.Values)
        {
            if (link.HasQueued)
            {
                link.Flush();
            }
        }
    }

    public async Task<string?> IdentifyAsync(string address, CancellationToken cancellation)
    {
        try
        {
            using Socket socket = await ConnectAsync(address, cancellation);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            return await DialHandshakeAsync(stream, cancellation);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException or OperationCanceledException or FormatException)
        {
            _logger.LogDebug("could not identify peer {Address}: {Message}", address, e.Message);
            return null;
        }
    }

    private static async Task<Socket> ConnectAsync(string address, CancellationToken cancellation)
    {
        int colon = address.LastIndexOf(':');
        string host = address[..colon];
        int port = int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await socket.ConnectAsync(host == "localhost" ? IPAddress.Loopback.ToString() : host, port, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The dialer's side of <see cref="PeerHandshake"/>; returns the listener's proven node id.</summary>
    private async Task<string> DialHandshakeAsync(Stream stream, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        byte[] dialerNonce = PeerHandshake.NewNonce();
        await stream.WriteAsync(PeerHandshake.Magic, timeout.Token);
        await PeerHandshake.WriteStringAsync(stream, _nodeId, timeout.Token);
        await stream.WriteAsync(dialerNonce, timeout.Token);
        string listenerId = await PeerHandshake.ReadStringAsync(stream, timeout.Token);
        byte[] listenerNonce = new byte[PeerHandshake.NonceBytes];
        await stream.ReadExactlyAsync(listenerNonce, timeout.Token);
        byte[] proof = new byte[PeerHandshake.ProofBytes];
        await stream.ReadExactlyAsync(proof, timeout.Token);
        if (!PeerHandshake.Verify(PeerHandshake.Proof(_secret, "listener", dialerNonce, listenerNonce, _nodeId, listenerId), proof))
        {
            throw new InvalidDataException("peer failed the cluster-secret handshake");
        }
        await stream.WriteAsync(PeerHandshake.Proof(_secret, "dialer", dialerNonce, listenerNonce, _nodeId, listenerId), timeout.Token);
        return listenerId;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }
            if (Interlocked.Increment(ref _handshakes) > MaxConcurrentHandshakes)
            {
                Interlocked.Decrement(ref _handshakes);
                _logger.LogDebug("peer port: {Count} handshakes in progress, closing a connection from {Address}", MaxConcurrentHandshakes, socket.RemoteEndPoint);
                socket.Dispose();
                continue;
            }
            socket.NoDelay = true;
            _ = Task.Run(() => ServeInboundAsync(socket));
        }
    }

    private async Task ServeInboundAsync(Socket socket)
    {
        _inbound[socket] = null;
        IEventLoopSocket? reader = null;
        try
        {
            InboundBuffer inbound;
            string? dialerId = null;
            int handshake = 0; // 0 running, 1 done, 2 timed out (the timer disposed the reader, failing the waiting read)
            try
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                IEventLoopSocket link = _loop?.Attach(socket) ?? new EngineSocket(socket);
                reader = link;
                _inbound[socket] = link;
                if (_stopping.IsCancellationRequested)
                {
                    return; // DisposeAsync may have looked before the reader was there
                }
                // The handshake's bytes and then the frames are read into one buffer: the dialer may send its first
                // frames right behind its proof, in the same segment.
                inbound = new InboundBuffer(link);
                using (new Timer(_ =>
                {
                    if (Interlocked.CompareExchange(ref handshake, 2, 0) == 0)
                    {
                        link.Dispose();
                    }
                }, null, HandshakeTimeoutMilliseconds, Timeout.Infinite))
                {
                    dialerId = await AcceptHandshakeAsync(socket, inbound);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _handshakes);
            }
            if (dialerId is null || Interlocked.CompareExchange(ref handshake, 1, 0) != 0)
            {
                return;
            }
            byte[] buffer = inbound.Buffer;
            int start = inbound.Start;
            int end = inbound.End;
            var messages = new List<byte[]>();
            bool unparsed = end > start; // frames that arrived with the handshake's last bytes are parsed before any read
            while (!_stopping.IsCancellationRequested)
            {
                if (unparsed)
                {
                    unparsed = false;
                    goto Parse;
                }
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }
                    else
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }
                // No token: DisposeAsync disposes the readers, and a token would register and unregister on every read.
                int read = await reader.ReceiveAsync(buffer.AsMemory(end));
                if (read == 0)
                {
                    return;
                }
                end += read;
                Interlocked.Add(ref _bytesReceived, read);
            Parse:
                messages.Clear();
                while (end - start >= FrameCodec.HeaderBytes)
                {
                    if (!FrameCodec.TryReadHeader(buffer.AsSpan(start, FrameCodec.HeaderBytes), out int length, out uint crc))
                    {
                        return;
                    }
                    int frameBytes = FrameCodec.HeaderBytes + length;
                    if (end - start < frameBytes)
                    {
                        if (frameBytes > buffer.Length)
                        {
                            var larger = new byte[Math.Max(frameBytes, buffer.Length * 2)];
                            buffer.AsSpan(start, end - start).CopyTo(larger);
                            end -= start;
                            start = 0;
                            buffer = larger;
                        }
                        break;
                    }
                    if (!FrameCodec.TryDecodePayload(buffer.AsSpan(start + FrameCodec.HeaderBytes, length), crc, messages))
                    {
                        _logger.LogWarning("corrupt frame from {Peer}; closing the link", dialerId);
                        return;
                    }
                    start += frameBytes;
                }
                if (start == end)
                {
                    start = 0;
                    end = 0;
                }
                if (messages.Count > 0 && !Blocked.ContainsKey(dialerId))
                {
                    _receive(dialerId, messages);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or EndOfStreamException)
        {
        }
        finally
        {
            reader?.Dispose(); // leaves the event loop before the descriptor closes
            _inbound.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    /// <summary>
    /// The listener's side of <see cref="PeerHandshake"/> (the same exchange as the dialer's <c>HandshakeAsync</c>): the
    /// dialer's proven node id, or null when it failed or the stream ended. Reads through <paramref name="inbound"/>; the
    /// reply (id, nonce, proof: about 100 bytes into an empty send buffer) is one plain send.
    /// </summary>
    private async ValueTask<string?> AcceptHandshakeAsync(Socket socket, InboundBuffer inbound)
    {
        byte[] magic = PeerHandshake.Magic;
        if (!await inbound.FillAsync(magic.Length) || !inbound.Take(magic.Length).SequenceEqual(magic) || !await inbound.FillAsync(1))
        {
            return null;
        }
        int idLength = inbound.Take(1)[0];
        if (!await inbound.FillAsync(idLength + PeerHandshake.NonceBytes))
        {
            return null;
        }
        string dialerId = Encoding.UTF8.GetString(inbound.Take(idLength));
        byte[] dialerNonce = inbound.Take(PeerHandshake.NonceBytes).ToArray();
        byte[] listenerNonce = PeerHandshake.NewNonce();
        byte[] id = Encoding.UTF8.GetBytes(_nodeId);
        byte[] reply = [(byte)id.Length, .. id, .. listenerNonce, .. PeerHandshake.Proof(_secret, "listener", dialerNonce, listenerNonce, dialerId, _nodeId)];
        for (int sent = 0; sent < reply.Length;)
        {
            sent += socket.Send(reply.AsSpan(sent));
        }
        if (!await inbound.FillAsync(PeerHandshake.ProofBytes))
        {
            return null;
        }
        if (!PeerHandshake.Verify(PeerHandshake.Proof(_secret, "dialer", dialerNonce, listenerNonce, dialerId, _nodeId), inbound.Take(PeerHandshake.ProofBytes).ToArray()))
        {
            _logger.LogWarning("peer {Address} failed the cluster-secret handshake", socket.RemoteEndPoint);
            return null;
        }
        return dialerId;
    }

    /// <summary>An inbound link's receive buffer while it handshakes: bytes [Start, End) are read and not yet consumed.</summary>
    private sealed class InboundBuffer(IEventLoopSocket reader)
    {
        public byte[] Buffer { get; } = new byte[64 * 1024];

        public int Start { get; private set; }

        public int End { get; private set; }

        /// <summary>Reads until at least <paramref name="count"/> unconsumed bytes are there (false: the stream ended).</summary>
        public async ValueTask<bool> FillAsync(int count)
        {
            while (End - Start < count)
            {
                int read = await reader.ReceiveAsync(Buffer.AsMemory(End));
                if (read == 0)
                {
                    return false;
                }
                End += read;
            }
            return true;
        }

        /// <summary>Consumes <paramref name="count"/> bytes. REQUIRES: <see cref="FillAsync"/> made them available.</summary>
        public ReadOnlySpan<byte> Take(int count)
        {
            Start += count;
            return Buffer.AsSpan(Start - count, count);
        }
    }

    /// <summary>An inbound link read through .NET's socket engine (no event loop given).</summary>
    private sealed class EngineSocket : IEventLoopSocket
    {
        private readonly Socket _socket;

        public EngineSocket(Socket socket)
        {
            _socket = socket;
        }

        public ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _socket.ReceiveAsync(buffer, SocketFlags.None);

        public void Dispose() => _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        _listener.Dispose();
        foreach ((Socket socket, IEventLoopSocket? reader) in _inbound)
        {
            if (reader is not null)
            {
                reader.Dispose(); // fails its waiting read; the link's task then closes the socket
            }
            else
            {
                socket.Dispose(); // not attached to a reader yet
            }
        }
        foreach (Link link in _links.Values)
        {
            link.Close();
        }
        try
        {
            await Task.WhenAll(_links.Values.Select(l => l.Idle).Append(_acceptLoop)).WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or SocketException or IOException)
        {
        }
    }

    /// <summary>
    /// One outbound connection to a peer address and its queue. Thread safety: <see cref="_gate"/> guards the queue, the
    /// socket and the writing flag; at most one write (one frame) is in flight, and only its owner touches the socket.
    /// </summary>
    private sealed class Link
    {
        private readonly TcpPeerTransport _owner;
        private readonly string _address;
        private readonly object _gate = new();
        private List<byte[]> _queue = [];
        private List<byte[]> _spare = [];
        private Socket? _socket;
        private bool _busy; // a write is in flight, or a connection attempt
        private long _retryAtMilliseconds;
        private int _backoffMilliseconds = 50;
        private Task _connecting = Task.CompletedTask;

        public Link(TcpPeerTransport owner, string address)
        {
            _owner = owner;
            _address = address;
        }

        public string? RemoteId { get; private set; }

        public bool HasQueued => Volatile.Read(ref _queuedCount) > 0;

        private int _queuedCount;

        public Task Idle => _connecting;

        public bool Enqueue(byte[] message)
        {
            lock (_gate)
            {
                if (_queue.Count >= MaxQueuedMessages)
                {
                    return false;
                }
                _queue.Add(message);
                _queuedCount = _queue.Count;
                return true;
            }
        }

        /// <summary>Starts writing the queue (on this thread) unless a write or a connection attempt is under way.</summary>
        public void Flush()
        {
            List<byte[]> batch;
            Socket socket;
            lock (_gate)
            {
                if (_busy || _queue.Count == 0 || _owner._stopping.IsCancellationRequested)
                {
                    return;
                }
                if (_socket is null)
                {
                    if (Environment.TickCount64 < _retryAtMilliseconds)
                    {
                        return; // backing off: the queue waits (bounded) for the next attempt
                    }
                    _busy = true;
                    _connecting = Task.Run(ConnectAsync);
                    return;
                }
                _busy = true;
                socket = _socket;
                batch = TakeQueue();
            }
            _ = WriteAsync(socket, batch);
        }

        /// <summary>REQUIRES <see cref="_gate"/>.</summary>
        private List<byte[]> TakeQueue()
        {
            List<byte[]> batch = _queue;
            _queue = _spare;
            _spare = batch;
            _queuedCount = 0;
            return batch;
        }

        private async Task ConnectAsync()
        {
            CancellationToken stopping = _owner._stopping.Token;
            Socket? socket = null;
            try
            {
                socket = await TcpPeerTransport.ConnectAsync(_address, stopping);
                await using (var stream = new NetworkStream(socket, ownsSocket: false))
                {
                    RemoteId = await _owner.DialHandshakeAsync(stream, stopping);
                }
                lock (_gate)
                {
                    _socket = socket;
                    _backoffMilliseconds = 50;
                    _busy = false;
                }
                socket = null;
                Flush();
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidDataException or ObjectDisposedException or FormatException or OperationCanceledException)
            {
                _owner._logger.LogDebug("peer link to {Address} failed: {Message}", _address, e.Message);
                Fail(null);
            }
            finally
            {
                socket?.Dispose();
            }
        }

        /// <summary>Writes frames until the queue is empty; runs synchronously while the kernel takes every send at once.</summary>
        private async Task WriteAsync(Socket socket, List<byte[]> batch)
        {
            try
            {
                while (true)
                {
                    int dropped = 0;
                    if (RemoteId is { } id && _owner.Blocked.ContainsKey(id))
                    {
                        dropped = batch.Count;
                    }
                    else
                    {
                        int messages = 0;
                        while (messages < batch.Count)
                        {
                            // Bound a frame to about 1 MiB of messages so a backlog does not make one huge allocation.
                            int count = FrameCodec.CountFitting(batch, messages, 1024 * 1024);
                            (byte[] frame, int length) = FrameCodec.EncodePooled(batch, messages, count);
                            try
                            {
                                int sent = 0;
                                while (sent < length)
                                {
                                    sent += await socket.SendAsync(frame.AsMemory(sent, length - sent), SocketFlags.None); // Close disposes the socket
                                }
                            }
                            finally
                            {
                                System.Buffers.ArrayPool<byte>.Shared.Return(frame);
                            }
                            messages += count;
                            Interlocked.Increment(ref _owner._framesSent);
                            Interlocked.Add(ref _owner._messagesSent, count);
                            Interlocked.Add(ref _owner._bytesSent, length);
                        }
                    }
                    if (dropped > 0)
                    {
                        Interlocked.Add(ref _owner._messagesDropped, dropped);
                    }
                    batch.Clear();
                    lock (_gate)
                    {
                        _spare = batch;
                        if (_queue.Count == 0 || _owner._stopping.IsCancellationRequested)
                        {
                            _busy = false;
                            return;
                        }
                        batch = TakeQueue();
                    }
                }
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                _owner._logger.LogDebug("peer link to {Address} failed: {Message}", _address, e.Message);
                Interlocked.Add(ref _owner._messagesDropped, batch.Count);
                batch.Clear();
                Fail(socket);
            }
        }

        /// <summary>
        /// The link broke or could not connect: drop what is queued (stale by the time the peer is back; the core repairs what
        /// matters) and back off before the next attempt.
        /// </summary>
        private void Fail(Socket? socket)
        {
            socket?.Dispose();
            lock (_gate)
            {
                if (ReferenceEquals(_socket, socket))
                {
                    _socket = null;
                }
                Interlocked.Add(ref _owner._messagesDropped, _queue.Count);
                _queue.Clear();
                _queuedCount = 0;
                _retryAtMilliseconds = Environment.TickCount64 + _backoffMilliseconds;
                _backoffMilliseconds = Math.Min(_backoffMilliseconds * 2, 1000);
                _busy = false;
            }
        }

        public void Close()
        {
            lock (_gate)
            {
                _socket?.Dispose();
                _socket = null;
            }
        }
    }
}
