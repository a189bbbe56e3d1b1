using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cairn.Server.Networking.Epoll;

/// <summary>
/// The few libc calls the client event loop needs (epoll(7), eventfd(2), recv(2)/send(2)/sendmsg(2) with MSG_DONTWAIT).
/// <c>struct epoll_event</c> is packed to 12 bytes on x86-64 and naturally aligned (16 bytes) elsewhere; only x86-64 and
/// arm64 Linux are supported (<see cref="IsSupported"/>), anything else uses .NET's socket engine.
/// </summary>
internal static unsafe partial class EpollNative
{
    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const uint EpollRdHup = 0x2000;
    public const uint EpollEt = 1u << 31;
    public const int EpollCloexec = 0x80000;
    public const int EfdCloexec = 0x80000;
    public const int EfdNonblock = 0x800;
    public const int MsgDontWait = 0x40;
    public const int MsgNoSignal = 0x4000;
    public const int Eintr = 4;
    public const int Eagain = 11;

    public static bool IsSupported => OperatingSystem.IsLinux() &&
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Size of <c>struct epoll_event</c> on this architecture.</summary>
    public static int EventSize => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Reads event <paramref name="index"/> of a buffer of <see cref="EventSize"/>-byte events.</summary>
    public static void ReadEvent(byte* events, int index, out uint mask, out ulong data)
    {
        byte* e = events + index * EventSize;
        mask = *(uint*)e;
        data = Unsafe.ReadUnaligned<ulong>(e + (EventSize - 8));
    }

    /// <summary>Adds <paramref name="fd"/> to <paramref name="epfd"/> for <paramref name="mask"/> with user data <paramref name="data"/>.</summary>
    public static int Add(int epfd, int fd, uint mask, ulong data)
    {
        byte* e = stackalloc byte[16];
        *(uint*)e = mask;
        Unsafe.WriteUnaligned(e + (EventSize - 8), data);
        if (EventSize == 16)
        {
            *(uint*)(e + 4) = 0;
        }
        return EpollCtl(epfd, EpollCtlAdd, fd, e);
    }

    public static int Remove(int epfd, int fd)
    {
        byte* e = stackalloc byte[16]; // kernels before 2.6.9 want a non-null event for DEL
        return EpollCtl(epfd, EpollCtlDel, fd, e);
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    // recv, send and sendmsg are called with MSG_DONTWAIT on every request: they never block, so they run without
    // the switch to preemptive GC mode (a frame push and thread-local look-ups) and without SetLastError's save and
    // restore of errno through a thread static. With no runtime code between the call and the caller, errno is
    // still the call's when the caller reads it with Marshal.GetLastSystemError (docs/threading.md, "What a request
    // costs the loop").
    // They go through syscall(2) rather than libc's recv and sendmsg: those wrappers are cancellation points, and
    // in a multithreaded process glibc (before 2.37) brackets each call with two atomic updates of the thread's
    // cancellation state. Cairn never cancels a thread, so the brackets are pure cost. syscall(2) sets errno the
    // same way.

    /// <summary>recv(2): recvfrom with no address.</summary>
    public static nint Receive(int fd, byte* buffer, nint length, int flags) =>
        Syscall(RecvfromNumber, fd, (nint)buffer, length, flags, 0, 0);

    /// <summary>send(2): sendto with no address. For one buffer it is cheaper than sendmsg, which first copies the message
    /// header and its vector of buffers from user memory.</summary>
    public static nint Send(int fd, void* buffer, nuint length, int flags) =>
        Syscall(SendtoNumber, fd, (nint)buffer, (nint)length, flags, 0, 0);

    /// <summary>sendmsg(2).</summary>
    public static nint SendMessage(int fd, MessageHeader* message, int flags) =>
        Syscall(SendmsgNumber, fd, (nint)message, flags, 0, 0, 0);

    /// <summary>epoll_pwait(2) with no signal mask and a timeout of 0: the ready events, without blocking (the
    /// idle poll of <see cref="EpollLoop"/>). Never blocks, so it runs without the GC transition, as recv does.</summary>
    public static int PollNow(int epfd, byte* events, int maxEvents) =>
        (int)Syscall(EpollPwaitNumber, epfd, (nint)events, maxEvents, 0, 0, 8);

    /// <summary>gettid(2): the calling thread's id in the kernel (its /proc/self/task entry).</summary>
    public static int GetThreadId() => (int)Syscall(GettidNumber, 0, 0, 0, 0, 0, 0);

    private static readonly nint EpollPwaitNumber = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 281 : 22;
    private static readonly nint GettidNumber = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 186 : 178;
    private static readonly nint RecvfromNumber = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 45 : 207;
    private static readonly nint SendtoNumber = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 44 : 206;
    private static readonly nint SendmsgNumber = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 46 : 211;

    // syscall(2) is variadic; on x86-64 and arm64 Linux its integer arguments are passed as for a fixed signature, and
    // glibc's implementation (assembly) only moves them into the syscall registers.
    [LibraryImport("libc", EntryPoint = "syscall")]
    [SuppressGCTransition]
    private static partial nint Syscall(nint number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    /// <summary><c>struct iovec</c>.</summary>
    public struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c> (the same layout on x86-64 and arm64 Linux).</summary>
    public struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
