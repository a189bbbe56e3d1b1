using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// A manual-reset signal for one waiting thread whose <see cref="Set"/> holds no lock while it wakes the waiter: on
/// Linux x64/arm64 a futex word (set: one atomic exchange and, on the 0 -> 1 transition, one FUTEX_WAKE; wait:
/// FUTEX_WAIT while the word is 0), elsewhere a <see cref="ManualResetEventSlim"/>.
/// Why: <see cref="ManualResetEventSlim.Set"/> pulses its waiter while holding its internal lock. With the setter (an
/// event loop handing the AOF queue over) and the waiter (the AOF thread) on one core, the woken waiter preempted the
/// setter, found that lock still held and blocked again: four context switches per wake-up instead of two (strace:
/// 4 futex calls per AOF round against 2.8 with the thread's own timer).
/// Thread safety: any thread may <see cref="Set"/>; one thread waits and resets.
/// </summary>
internal sealed unsafe partial class WakeSignal
{
    private const int FutexWaitPrivate = 0 | 128; // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
    private const int FutexWakePrivate = 1 | 128; // FUTEX_WAKE | FUTEX_PRIVATE_FLAG

    /// <summary>
    /// The futex word (0 = not set, 1 = set), on the pinned object heap so its address never changes, and freed by the
    /// GC only when no thread can reach it any more (no Dispose racing a late Set). Null when not on Linux.
    /// </summary>
    private readonly int[]? _wordArray;
    private readonly int* _word;
    private readonly long _futexSyscall;
    private readonly ManualResetEventSlim? _fallback;

    public WakeSignal()
    {
        _futexSyscall = !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 202,
            Architecture.Arm64 => 98,
            _ => 0,
        };
        if (_futexSyscall != 0)
        {
            _wordArray = GC.AllocateArray<int>(1, pinned: true);
            _word = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_wordArray));
        }
        else
        {
            _fallback = new ManualResetEventSlim(false, spinCount: 0);
        }
    }

    public void Set()
    {
        if (_fallback is not null)
        {
            _fallback.Set();
            return;
        }
        if (Interlocked.Exchange(ref *_word, 1) == 0)
        {
            Futex(_futexSyscall, _word, FutexWakePrivate, 1, null, null, 0);
        }
    }

    public void Reset()
    {
        if (_fallback is not null)
        {
            _fallback.Reset();
            return;
        }
        Volatile.Write(ref *_word, 0);
    }

    /// <summary>Waits until set or <paramref name="timeoutMilliseconds"/> pass. May return early (a signal); callers re-check.</summary>
    public void Wait(int timeoutMilliseconds)
    {
        if (_fallback is not null)
        {
            _fallback.Wait(timeoutMilliseconds);
            return;
        }
        if (Volatile.Read(ref *_word) != 0)
        {
            return;
        }
        var timeout = new Timespec { Seconds = timeoutMilliseconds / 1000, Nanoseconds = timeoutMilliseconds % 1000 * 1_000_000L };
        // Returns at once (EAGAIN) when the word is no longer 0: a Set between the read above and this call is not lost.
        Futex(_futexSyscall, _word, FutexWaitPrivate, 0, &timeout, null, 0);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>syscall(SYS_futex, ...): glibc's syscall() passes its arguments on in registers, so a fixed signature is safe on x64 and arm64.</summary>
    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial long Futex(long number, int* address, int operation, int value, Timespec* timeout, int* address2, int value3);
}
