using System.Diagnostics;
using System.Runtime.InteropServices;
using Cairn.Primitives.Networking;
using Microsoft.Extensions.Logging;

namespace Cairn.Server.Networking.Epoll;

/// <summary>
/// One event-loop thread over an edge-triggered epoll set of client sockets. Readiness is delivered to the socket's
/// <see cref="EpollSocket"/>, whose waiting read (or write) completes inline on this thread, so a request is received,
/// executed and answered here, as in Redis's event loop. Unlike .NET's socket engine, a reader that knows the kernel buffer
/// is empty waits for the next edge instead of first trying a recv that fails with EAGAIN: one syscall less per request.
/// Sockets are identified in the epoll data by slot and generation, so an event read just before a socket was removed
/// never reaches the socket that reuses the slot. After a turn the loop polls for its next events for a while before it
/// sleeps (<see cref="WaitForEvents"/>), so that a busy client's next request finds it awake.
/// </summary>
internal sealed unsafe class EpollLoop : IDisposable
{
    private const int MaxEvents = 256;
    private const ulong WakeData = ulong.MaxValue;

    private readonly int _epfd;
    private readonly int _wakeFd;
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private readonly IReceiveAheadBatch? _aheadBatch;
    private readonly Action<Exception> _onDeferredError;
    private readonly Func<int> _pollMicroseconds;
    private IdlePoll _idlePoll;
    private readonly EpollSocket?[] _ready = new EpollSocket?[MaxEvents];
    private readonly EpollSocket[] _receivedAhead = new EpollSocket[MaxEvents];
    private readonly Lock _slotsLock = new();
    private EpollSocket?[] _slots = new EpollSocket?[64];
    private readonly Stack<int> _freeSlots = new();
    private int _nextSlot;
    private uint _generation;
    private volatile bool _stopping;

    /// <param name="aheadBatch">When set, a wake-up with several ready sockets receives for all of them first and shows them
    /// to it before any read completes (<see cref="EpollSocket.ReceiveAhead"/>).</param>
    /// <param name="pollMicroseconds">How long the loop polls for events after a turn before it sleeps (config
    /// event-loop-poll-us, read every turn; 0 sleeps at once); see <see cref="WaitForEvents"/>. Null: never polls.</param>
    public EpollLoop(string name, ILogger logger, IReceiveAheadBatch? aheadBatch = null, Func<int>? pollMicroseconds = null)
    {
        _logger = logger;
        _aheadBatch = aheadBatch;
        _pollMicroseconds = pollMicroseconds ?? (static () => 0);
        _onDeferredError = e => _logger.LogError(e, "work deferred to the end of an event-loop turn failed");
        _epfd = EpollNative.EpollCreate(EpollNative.EpollCloexec);
        if (_epfd < 0)
        {
            throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }
        _wakeFd = EpollNative.EventFd(0, EpollNative.EfdCloexec | EpollNative.EfdNonblock);
        if (_wakeFd < 0 || EpollNative.Add(_epfd, _wakeFd, EpollNative.EpollIn, WakeData) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            EpollNative.Close(_epfd);
            throw new IOException($"eventfd setup failed: errno {errno}");
        }
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Registers <paramref name="stream"/>'s socket for read and write edges.</summary>
    public void Register(EpollSocket stream)
    {
        ulong data;
        lock (_slotsLock)
        {
            int slot;
            if (!_freeSlots.TryPop(out slot))
            {
                slot = _nextSlot++;
                if (slot == _slots.Length)
                {
                    Array.Resize(ref _slots, _slots.Length * 2);
                }
            }
            uint generation = ++_generation;
            stream.Slot = slot;
            stream.Generation = generation;
            Volatile.Write(ref _slots[slot], stream);
            data = (ulong)generation << 32 | (uint)slot;
        }
        const uint mask = EpollNative.EpollIn | EpollNative.EpollOut | EpollNative.EpollRdHup | EpollNative.EpollEt;
        if (EpollNative.Add(_epfd, stream.FileDescriptor, mask, data) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Unregister(stream);
            throw new IOException($"epoll_ctl ADD failed: errno {errno}");
        }
    }

    /// <summary>Removes the socket from the set. Must run before its file descriptor is closed.</summary>
    public void Unregister(EpollSocket stream)
    {
        EpollNative.Remove(_epfd, stream.FileDescriptor);
        lock (_slotsLock)
        {
            if (ReferenceEquals(_slots[stream.Slot], stream))
            {
                Volatile.Write(ref _slots[stream.Slot], null);
                _freeSlots.Push(stream.Slot);
            }
        }
    }

    /// <summary>The loop thread's kernel thread id, once it runs (tests read its CPU time from /proc).</summary>
    public int KernelThreadId { get; private set; }

    /// <summary>Idle polls that found events before their window ended (read without synchronization).</summary>
    public long PollsWithEvents { get; private set; }

    /// <summary>Idle polls whose window ended with nothing ready (read without synchronization).</summary>
    public long PollsWithout { get; private set; }

    private void Run()
    {
        KernelThreadId = EpollNative.GetThreadId();
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EpollNative.EventSize));
        try
        {
            while (!_stopping)
            {
                int count = WaitForEvents(events);
                if (count < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EpollNative.Eintr)
                    {
                        continue;
                    }
                    _logger.LogCritical("epoll_wait failed: errno {Errno}; the event loop stops", errno);
                    return;
                }
                EventLoopTurn.Begin(); // work deferred by this batch's requests (the cluster's peer sends) runs once, after it
                // Resolve every event to its socket first (and drain the wake-up eventfd).
                for (int i = 0; i < count; i++)
                {
                    EpollNative.ReadEvent(events, i, out _, out ulong data);
                    _ready[i] = Resolve(data);
                }
                int ahead = 0;
                if (_aheadBatch is not null && count > 1)
                {
                    for (int i = 0; i < count; i++)
                    {
                        EpollNative.ReadEvent(events, i, out uint mask, out _);
                        try
                        {
                            if (_ready[i] is { } socket && socket.ReceiveAhead(mask))
                            {
                                _receivedAhead[ahead++] = socket;
                            }
                        }
                        catch (Exception e)
                        {
                            _logger.LogError(e, "client socket receive failed");
                        }
                    }
                    if (ahead > 1)
                    {
                        try
                        {
                            _aheadBatch.Run(_receivedAhead.AsSpan(0, ahead));
                        }
                        catch (Exception e)
                        {
                            _logger.LogError(e, "receive-ahead batch failed");
                        }
                    }
                }
                for (int i = 0; i < count; i++)
                {
                    EpollNative.ReadEvent(events, i, out uint mask, out _);
                    if (_ready[i] is not { } socket)
                    {
                        continue;
                    }
                    _ready[i] = null;
                    try
                    {
                        socket.OnEvents(mask);
                    }
                    catch (Exception e)
                    {
                        _logger.LogError(e, "client socket event handler failed");
                    }
                }
                _receivedAhead.AsSpan(0, ahead).Clear();
                EventLoopTurn.End(_onDeferredError);
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }

    /// <summary>
    /// The next events: first, when <see cref="IdlePoll"/> says so, by polling for up to event-loop-poll-us, then by
    /// sleeping in epoll_wait. Between two polls the loop yields its core, so a client or another loop that shares the
    /// core runs meanwhile (without the yield, polling cost the unpinned -c 50 benchmark a tenth of its requests).
    /// Returns epoll_wait's count, or -1 with errno set.
    /// </summary>
    private int WaitForEvents(byte* events)
    {
        int microseconds = _pollMicroseconds();
        if (microseconds > 0 && _idlePoll.ShouldPoll())
        {
            long end = Stopwatch.GetTimestamp() + (microseconds * Stopwatch.Frequency / 1_000_000);
            while (true)
            {
                int count = EpollNative.PollNow(_epfd, events, MaxEvents);
                if (count > 0)
                {
                    _idlePoll.Polled(foundEvents: true);
                    PollsWithEvents++;
                    return count;
                }
                if (count < 0 || Stopwatch.GetTimestamp() >= end) // an error: epoll_wait reports it
                {
                    break;
                }
                Thread.Yield();
            }
            _idlePoll.Polled(foundEvents: false);
            PollsWithout++;
        }
        return EpollNative.EpollWait(_epfd, events, MaxEvents, -1);
    }

    /// <summary>The socket an event's data names, or null for the wake-up eventfd (drained here) or a socket removed
    /// after the kernel queued the event.</summary>
    private unsafe EpollSocket? Resolve(ulong data)
    {
        if (data == WakeData)
        {
            ulong drained;
            EpollNative.Read(_wakeFd, (byte*)&drained, sizeof(ulong));
            return null;
        }
        EpollSocket?[] slots = Volatile.Read(ref _slots);
        int slot = (int)(uint)data;
        EpollSocket? socket = slot < slots.Length ? Volatile.Read(ref slots[slot]) : null;
        return socket is not null && socket.Generation == (uint)(data >> 32) ? socket : null;
    }

    public void Dispose()
    {
        _stopping = true;
        ulong one = 1;
        EpollNative.Write(_wakeFd, (byte*)&one, sizeof(ulong));
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }
        EpollNative.Close(_wakeFd);
        EpollNative.Close(_epfd);
        // Sockets still registered will never see another event: fail their waits so their connections unwind.
        EpollSocket?[] remaining;
        lock (_slotsLock)
        {
            remaining = (EpollSocket?[])_slots.Clone();
        }
        foreach (EpollSocket? stream in remaining)
        {
            stream?.Dispose();
        }
    }
}
