using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
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
public sealed class TcpPeerTransport : IPeerTransport
{
    /// <summary>Bounds each link's queue (messages); beyond it messages are dropped and counted.</summary>
    public const int MaxQueuedMessages = 100_000;

    private readonly string _nodeId;
    private readonly byte[] _secret;
    private readonly Action<string, byte[]> _receive;
    private readonly ILogger _logger;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Link> _links = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Socket, byte> _inbound = new();
    private readonly Task _acceptLoop;

    /// <param name="receive">Called with (sender node id, encoded message) for every message, on a transport thread.</param>
    public TcpPeerTransport(string nodeId, byte[] secret, string bindAddress, int port, Action<string, byte[]> receive, ILogger logger)
    {
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

    public void Send(string address, byte[] message)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        Link link = _links.GetOrAdd(address, a => new Link(this, a));
        if (link.RemoteId is { } id && Blocked.ContainsKey(id))
        {
            Interlocked.Increment(ref _messagesDropped);
            return;
        }
        if (!link.Queue.Writer.TryWrite(message))
        {
            Interlocked.Increment(ref _messagesDropped);
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
            socket.NoDelay = true;
            _ = Task.Run(() => ServeInboundAsync(socket));
        }
    }

    private async Task ServeInboundAsync(Socket socket)
    {
        _inbound[socket] = 0;
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            string dialerId;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                byte[] magic = new byte[PeerHandshake.Magic.Length];
                await stream.ReadExactlyAsync(magic, timeout.Token);
                if (!magic.AsSpan().SequenceEqual(PeerHandshake.Magic))
                {
                    return;
                }
                dialerId = await PeerHandshake.ReadStringAsync(stream, timeout.Token);
                byte[] dialerNonce = new byte[PeerHandshake.NonceBytes];
                await stream.ReadExactlyAsync(dialerNonce, timeout.Token);
                byte[] listenerNonce = PeerHandshake.NewNonce();
                await PeerHandshake.WriteStringAsync(stream, _nodeId, timeout.Token);
                await stream.WriteAsync(listenerNonce, timeout.Token);
                await stream.WriteAsync(PeerHandshake.Proof(_secret, "listener", dialerNonce, listenerNonce, dialerId, _nodeId), timeout.Token);
                byte[] proof = new byte[PeerHandshake.ProofBytes];
                await stream.ReadExactlyAsync(proof, timeout.Token);
                if (!PeerHandshake.Verify(PeerHandshake.Proof(_secret, "dialer", dialerNonce, listenerNonce, dialerId, _nodeId), proof))
                {
                    _logger.LogWarning("peer {Address} failed the cluster-secret handshake", socket.RemoteEndPoint);
                    return;
                }
            }
            byte[] header = new byte[FrameCodec.HeaderBytes];
            var messages = new List<byte[]>();
            while (!_stopping.IsCancellationRequested)
            {
                await stream.ReadExactlyAsync(header, _stopping.Token);
                if (!FrameCodec.TryReadHeader(header, out int length, out uint crc))
                {
                    return;
                }
                byte[] payload = new byte[length];
                await stream.ReadExactlyAsync(payload, _stopping.Token);
                Interlocked.Add(ref _bytesReceived, FrameCodec.HeaderBytes + length);
                messages.Clear();
                if (!FrameCodec.TryDecodePayload(payload, crc, messages))
                {
                    _logger.LogWarning("corrupt frame from {Peer}; closing the link", dialerId);
                    return;
                }
                if (Blocked.ContainsKey(dialerId))
                {
                    continue;
                }
                foreach (byte[] message in messages)
                {
                    _receive(dialerId, message);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or EndOfStreamException)
        {
        }
        finally
        {
            _inbound.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        _listener.Dispose();
        foreach (Socket socket in _inbound.Keys)
        {
            socket.Dispose();
        }
        foreach (Link link in _links.Values)
        {
            link.Queue.Writer.TryComplete();
        }
        try
        {
            await Task.WhenAll(_links.Values.Select(l => l.Loop).Append(_acceptLoop)).WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or SocketException or IOException)
        {
        }
    }

    /// <summary>One outbound connection to a peer address and its queue.</summary>
    private sealed class Link
    {
        private readonly TcpPeerTransport _owner;
        private readonly string _address;

        public Link(TcpPeerTransport owner, string address)
        {
            _owner = owner;
            _address = address;
            Queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(MaxQueuedMessages)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.DropWrite,
            });
            Loop = Task.Run(RunAsync);
        }

        public Channel<byte[]> Queue { get; }

        public Task Loop { get; }

        public string? RemoteId { get; private set; }

        private async Task RunAsync()
        {
            CancellationToken stopping = _owner._stopping.Token;
            int backoffMilliseconds = 50;
            var batch = new List<byte[]>();
            while (!stopping.IsCancellationRequested)
            {
                Socket? socket = null;
                try
                {
                    if (!await Queue.Reader.WaitToReadAsync(stopping))
                    {
                        return;
                    }
                    socket = await ConnectAsync(_address, stopping);
                    await using var stream = new NetworkStream(socket, ownsSocket: false);
                    RemoteId = await _owner.DialHandshakeAsync(stream, stopping);
                    backoffMilliseconds = 50;
                    while (await Queue.Reader.WaitToReadAsync(stopping))
                    {
                        batch.Clear();
                        int bytes = 0;
                        while (bytes < 1024 * 1024 && Queue.Reader.TryRead(out byte[]? message))
                        {
                            batch.Add(message);
                            bytes += message.Length;
                        }
                        if (RemoteId is { } id && _owner.Blocked.ContainsKey(id))
                        {
                            Interlocked.Add(ref _owner._messagesDropped, batch.Count);
                            continue;
                        }
                        byte[] frame = FrameCodec.Encode(batch);
                        await stream.WriteAsync(frame, stopping);
                        Interlocked.Increment(ref _owner._framesSent);
                        Interlocked.Add(ref _owner._messagesSent, batch.Count);
                        Interlocked.Add(ref _owner._bytesSent, frame.Length);
                    }
                    return;
                }
                catch (Exception e) when (e is SocketException or IOException or InvalidDataException or ObjectDisposedException or FormatException)
                {
                    _owner._logger.LogDebug("peer link to {Address} failed: {Message}", _address, e.Message);
                    // Drop what is queued: it is stale by the time the peer is back, and the core repairs what matters.
                    while (Queue.Reader.TryRead(out _))
                    {
                        Interlocked.Increment(ref _owner._messagesDropped);
                    }
                    try
                    {
                        await Task.Delay(backoffMilliseconds, stopping);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    backoffMilliseconds = Math.Min(backoffMilliseconds * 2, 1000);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                finally
                {
                    socket?.Dispose();
                }
            }
        }
    }
}
