using System.Runtime.InteropServices;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// Lowers the calling thread's CPU priority, so background work (a snapshot's walk) runs on the CPU the clients leave
/// idle instead of taking an equal share from them. On Linux a thread has its own nice value (setpriority(2) on its
/// thread id); an unprivileged process may always raise it. Elsewhere .NET's <see cref="Thread.Priority"/>.
/// </summary>
internal static partial class BackgroundThreadPriority
{
    private const int PriorityProcess = 0; // PRIO_PROCESS: with a thread id, that one thread

    /// <summary>Sets the calling thread's nice value (Linux; 0 normal, 19 lowest). Best effort: false when refused.</summary>
    public static bool Lower(int niceValue)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return SetPriority(PriorityProcess, GetThreadId(), niceValue) == 0;
            }
            catch (EntryPointNotFoundException)
            {
                return false; // a libc without gettid (glibc < 2.30)
            }
        }
        Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        return true;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int niceValue);
}
