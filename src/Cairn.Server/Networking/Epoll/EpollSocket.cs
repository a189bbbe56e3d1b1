using System.Buffers;
using Cairn.Primitives;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using Cairn.Primitives.Networking;

namespace Cairn.Server.Networking.Epoll;

/// <summary>
/// A client socket driven by an <see cref="EpollLoop"/>: non-blocking recv/send syscalls, and waits for readiness edges
/// from the loop. The socket is never handed to .NET's socket engine (no async Socket call is made on it), so its events
/// reach one epoll set only.
/// Reads: <see cref="_readReady"/> records that the kernel buffer may hold data (an edge arrived, or the last recv filled
/// the whole buffer). A read with the flag clear parks instead of calling recv; the next edge performs the recv on the loop
/// thread and completes the read inline. One receive and one send may be outstanding at a time (a connection's read loop
/// and its send task). Also the reader of a cluster node's inbound peer link (<see cref="IEventLoopSocket"/>, through
/// <see cref="EpollLoopHost"/>).
/// </summary>
internal sealed class EpollSocket : IValueTaskSource<int>, IClientTransport, IEventLoopSocket, IDisposable
{
    private const uint Readable = EpollNative.EpollIn | EpollNative.EpollRdHup | EpollNative.EpollHup | EpollNative.EpollErr;
    private const uint HangUp = EpollNative.EpollRdHup | EpollNative.EpollHup | EpollNative.EpollErr;
    private readonly Socket _socket;
    private readonly EpollLoop _loop;
    private readonly Lock _lock = new();
    private ManualResetValueTaskSourceCore<int> _read; // RunContinuationsAsynchronously = false: continue on the loop thread
    private Memory<byte> _readBuffer;
    private CancellationTokenRegistration _readCancel;
    private bool _readReady = true;
    private bool _hungUp; // the peer closed (or the socket failed): reads never wait again, recv reports the end
    private bool _readWaiting;
    private bool _aheadPending; // a recv filled the waiting read's buffer; OnEvents completes the read
    private int _aheadResult; // bytes received, or -1 with _aheadErrno
    private int _aheadErrno;
    private bool _writeReady = true;
    private TaskCompletionSource? _writeWaiter;
    private bool _disposed;

    public EpollSocket(Socket socket, EpollLoop loop)
    {
        _socket = socket;
        _loop = loop;
        FileDescriptor = (int)socket.SafeHandle.DangerousGetHandle();
        loop.Register(this);
    }

    public int FileDescriptor { get; }

    /// <summary>Set by the loop at registration.</summary>
    public int Slot { get; set; }

    /// <summary>Set by the loop at registration.</summary>
    public uint Generation { get; set; }

    /// <summary>Told, on the loop thread, what <see cref="ReceiveAhead"/> brought in for it (a connection prefetching its
    /// first key); null when nobody asks.</summary>
    public IReceiveAheadTarget? AheadTarget { get; set; }

    /// <summary>Bytes the last <see cref="ReceiveAhead"/> put in the waiting read's buffer, until the read completes.</summary>
    public int ReceivedAhead { get; private set; }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }
        while (true)
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!_readReady && !_hungUp)
                {
                    _read.Reset();
                    _readBuffer = buffer;
                    _readWaiting = true;
                    if (cancellationToken.CanBeCanceled)
                    {
                        // Lock is reentrant: a token cancelled meanwhile runs CancelRead right here and completes the read.
                        _readCancel = cancellationToken.UnsafeRegister(
                            static (state, token) => ((EpollSocket)state!).CancelRead(token), this);
                    }
                    break;
                }
                _readReady = false;
            }
            int received = Receive(buffer.Span, out int errno, out bool more);
            if (received >= 0)
            {
                if (more)
                {
                    lock (_lock)
                    {
                        _readReady = true;
                    }
                }
                return new ValueTask<int>(received);
            }
            if (errno != EpollNative.Eagain)
            {
                return ValueTask.FromException<int>(SocketError(errno));
            }
            // EAGAIN: park, unless an edge arrived meanwhile.
        }
        return new ValueTask<int>(this, _read.Version);
    }

    ValueTask<int> IEventLoopSocket.ReceiveAsync(Memory<byte> buffer) => ReceiveAsync(buffer, CancellationToken.None);

    /// <summary>
    /// recv into <paramref name="buffer"/>: bytes read (0 at end of stream), or -1 with <paramref name="errno"/>.
    /// <paramref name="more"/>: the kernel buffer may still hold data (the buffer was filled) or the stream ended (stays readable).
    /// </summary>
    private unsafe int Receive(Span<byte> buffer, out int errno, out bool more)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = buffer)
            {
                n = EpollNative.Receive(FileDescriptor, p, buffer.Length, EpollNative.MsgDontWait);
            }
            if (n >= 0)
            {
                errno = 0;
                more = n == buffer.Length || n == 0;
                return (int)n;
            }
            errno = Marshal.GetLastSystemError(); // no SetLastError: see EpollNative.Receive
            more = false;
            if (errno != EpollNative.Eintr)
            {
                return -1;
            }
        }
    }

    /// <summary>
    /// The first half of a readable edge, on the loop thread: when a read waits, its recv is done now, and its completion
    /// is left to <see cref="OnEvents"/>. The loop receives for every ready socket first, so that what they asked for can
    /// be prefetched together before any of them runs. True when bytes were received (<see cref="ReceivedAhead"/>).
    /// </summary>
    public bool ReceiveAhead(uint mask)
    {
        lock (_lock)
        {
            ReceiveForWaitingRead(mask);
            return ReceivedAhead > 0;
        }
    }

    /// <summary>Called on the loop thread with the events epoll reported for this socket (after <see cref="ReceiveAhead"/>
    /// when the loop used it).</summary>
    public void OnEvents(uint mask)
    {
        const uint writable = EpollNative.EpollOut | EpollNative.EpollHup | EpollNative.EpollErr;
        TaskCompletionSource? writer = null;
        bool completeRead = false;
        int received = 0;
        int errno = 0;
        CancellationTokenRegistration cancel = default;
        lock (_lock)
        {
            if ((mask & writable) != 0)
            {
                writer = _writeWaiter;
                _writeWaiter = null;
                _writeReady = writer is null;
            }
            ReceiveForWaitingRead(mask);
            if (_aheadPending)
            {
                _aheadPending = false;
                received = _aheadResult;
                errno = _aheadErrno;
                ReceivedAhead = 0;
                _readBuffer = default;
                cancel = _readCancel;
                _readCancel = default;
                completeRead = true;
            }
        }
        writer?.TrySetResult();
        if (completeRead)
        {
            cancel.Unregister();
            if (received >= 0)
            {
                _read.SetResult(received);
            }
            else
            {
                _read.SetException(SocketError(errno));
            }
        }
    }

    /// <summary>
    /// A readable edge, under the lock: records a hang-up and, when a read waits (and has no result yet), does its recv and
    /// keeps the result (<see cref="_aheadPending"/>) for <see cref="OnEvents"/> to complete the read with. No longer
    /// waiting from then on, a cancellation finds nothing to cancel and the read completes with the data.
    /// </summary>
    private void ReceiveForWaitingRead(uint mask)
    {
        if ((mask & Readable) == 0 || _aheadPending)
        {
            return;
        }
        // An edge can carry the last data and the peer's FIN together: a recv that drains the data must not make the
        // reader wait for another edge, which never comes.
        _hungUp |= (mask & HangUp) != 0;
        if (!_readWaiting)
        {
            _readReady = true;
            return;
        }
        // recv under the lock: a concurrent cancellation cannot hand the buffer back while it is being filled.
        int received = Receive(_readBuffer.Span, out int errno, out bool more);
        if (received < 0 && errno == EpollNative.Eagain)
        {
            return; // a spurious edge: the read keeps waiting
        }
        _readReady = more;
        _readWaiting = false;
        _aheadPending = true;
        _aheadResult = received;
        _aheadErrno = errno;
        ReceivedAhead = Math.Max(received, 0);
    }

    private void CancelRead(CancellationToken token)
    {
        lock (_lock)
        {
            if (!_readWaiting)
            {
                return;
            }
            _readWaiting = false;
            _readBuffer = default;
            _readCancel = default;
        }
        _read.SetException(new OperationCanceledException(token));
    }

    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (true)
        {
            int sent = TrySend(data.Span);
            if (sent > 0 || data.IsEmpty)
            {
                return sent;
            }
            Task wait;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_writeReady)
                {
                    _writeReady = false; // an edge since the failed send: try again
                    continue;
                }
                _writeWaiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _writeWaiter.Task;
            }
            await wait.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A non-blocking send: bytes sent, 0 when the socket buffer is full (<see cref="Send"/>).</summary>
    public unsafe int TrySend(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var vector = new EpollNative.IoVector { Base = p, Length = (nuint)data.Length };
            return Send(&vector, 1);
        }
    }

    /// <summary>
    /// As <see cref="TrySend(ReadOnlySpan{byte})"/>, with one sendmsg for all of <paramref name="buffers"/> (at most
    /// <see cref="MaxGatherBuffers"/>): a large reply spans several 16 KB output chunks, and one send per chunk woke the
    /// reader once per chunk (LRANGE 0 99 of 64-byte values, pipelined by 16, is 114 KB a batch: 8 sends).
    /// </summary>
    public unsafe int TrySend(ReadOnlySpan<ReadOnlyMemory<byte>> buffers)
    {
        if (buffers.Length == 1)
        {
            return TrySend(buffers[0].Span);
        }
        Invariant.Require(buffers.Length <= MaxGatherBuffers, "too many buffers for one sendmsg");
        MemoryHandle[] pins = _pins ??= new MemoryHandle[MaxGatherBuffers];
        EpollNative.IoVector* vectors = stackalloc EpollNative.IoVector[buffers.Length];
        try
        {
            for (int i = 0; i < buffers.Length; i++)
            {
                pins[i] = buffers[i].Pin();
                vectors[i].Base = pins[i].Pointer;
                vectors[i].Length = (nuint)buffers[i].Length;
            }
            return Send(vectors, buffers.Length);
        }
        finally
        {
            for (int i = 0; i < buffers.Length; i++)
            {
                pins[i].Dispose();
                pins[i] = default;
            }
        }
    }

    /// <summary>
    /// One non-blocking send of the buffers (send for one, sendmsg for several): bytes sent, 0 when the socket buffer is
    /// full. The syscall runs under the lock that <see cref="DisposeAsync"/> takes, so a send never reaches a descriptor
    /// that was closed (and perhaps reused).
    /// </summary>
    private unsafe int Send(EpollNative.IoVector* vectors, int count)
    {
        var message = new EpollNative.MessageHeader { Vectors = vectors, VectorCount = (nuint)count };
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writeReady = false; // from here on an EPOLLOUT edge means space was freed after this attempt
            while (true)
            {
                const int flags = EpollNative.MsgDontWait | EpollNative.MsgNoSignal;
                nint n = count == 1
                    ? EpollNative.Send(FileDescriptor, vectors->Base, vectors->Length, flags)
                    : EpollNative.SendMessage(FileDescriptor, &message, flags);
                if (n >= 0)
                {
                    return (int)n;
                }
                int errno = Marshal.GetLastSystemError();
                if (errno == EpollNative.Eagain)
                {
                    return 0;
                }
                if (errno != EpollNative.Eintr)
                {
                    throw SocketError(errno);
                }
            }
        }
    }

    /// <summary>The most buffers one gather send takes.</summary>
    public const int MaxGatherBuffers = 16;

    /// <summary>Pins of the buffers of the gather send in progress (one at a time: the connection's output lock).</summary>
    private MemoryHandle[]? _pins;

    private static SocketException SocketError(int errno) =>
        new((int)(errno switch
        {
            104 => System.Net.Sockets.SocketError.ConnectionReset,
            32 => System.Net.Sockets.SocketError.Shutdown,
            110 => System.Net.Sockets.SocketError.TimedOut,
            _ => System.Net.Sockets.SocketError.SocketError,
        }));

    int IValueTaskSource<int>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _read.OnCompleted(continuation, state, token, flags);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Leaves the loop's set; pending waits fail. The socket itself belongs to the caller.</summary>
    public void Dispose()
    {
        bool failRead;
        TaskCompletionSource? writer;
        CancellationTokenRegistration cancel;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            failRead = _readWaiting || _aheadPending;
            _readWaiting = false;
            _aheadPending = false;
            ReceivedAhead = 0;
            cancel = _readCancel;
            _readCancel = default;
            writer = _writeWaiter;
            _writeWaiter = null;
        }
        _loop.Unregister(this);
        if (failRead)
        {
            cancel.Unregister();
            _read.SetException(new ObjectDisposedException(nameof(EpollSocket)));
        }
        writer?.TrySetException(new ObjectDisposedException(nameof(EpollSocket)));
    }
}
