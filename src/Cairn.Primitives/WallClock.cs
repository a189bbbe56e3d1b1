using System.Diagnostics;

namespace Cairn.Primitives;

/// <summary>
/// The system's wall-clock time at a <see cref="Stopwatch"/> timestamp the caller has just read, so that code which needs
/// both (a request batch: its time for expiry and the start of its latency measurement) reads one clock instead of two.
/// Each thread keeps a pair of readings of both clocks and derives the wall time from the timestamp's distance to that
/// pair; the pair is read again once it is <see cref="ResyncTicks"/> old (or the timestamp is older than it), so a step
/// of the system clock is seen at most a millisecond late. Between steps the two clocks run at the same rate (NTP slews
/// both), so a derived time is within about 10 µs of a direct reading (<see cref="Resync"/>).
/// </summary>
public static class WallClock
{
    /// <summary>How long a thread's pair of readings is used: one millisecond of <see cref="Stopwatch"/> ticks.</summary>
    public static readonly long ResyncTicks = Stopwatch.Frequency / 1000;

    /// <summary>The widest pair of timestamps around a wall reading kept without a retry: 20 µs.</summary>
    private static readonly long MaxPairGapTicks = Stopwatch.Frequency / 50_000;

    [ThreadStatic] private static long t_baseTimestamp;
    [ThreadStatic] private static long t_baseUnixMicroseconds;

    /// <summary>Unix time in milliseconds at <paramref name="timestamp"/>, a <see cref="Stopwatch.GetTimestamp"/> reading
    /// taken just before on this thread.</summary>
    public static long UnixMillisecondsAt(long timestamp) => UnixMicrosecondsAt(timestamp) / 1000;

    /// <summary>As <see cref="UnixMillisecondsAt"/>, in microseconds.</summary>
    public static long UnixMicrosecondsAt(long timestamp)
    {
        long elapsed = timestamp - t_baseTimestamp;
        if ((ulong)elapsed >= (ulong)ResyncTicks || t_baseUnixMicroseconds == 0)
        {
            Resync();
            return t_baseUnixMicroseconds; // the timestamp given is a little older: it maps to the new wall reading
        }
        return t_baseUnixMicroseconds + (elapsed * 1_000_000 / Stopwatch.Frequency);
    }

    /// <summary>
    /// Reads the wall clock between two timestamps and pairs it with their midpoint. A pair whose timestamps are further
    /// apart than <see cref="MaxPairGapTicks"/> (the thread was preempted between them) is read again, up to three times.
    /// </summary>
    private static void Resync()
    {
        for (int attempt = 1; ; attempt++)
        {
            long before = Stopwatch.GetTimestamp();
            long wall = UnixMicrosecondsNow();
            long after = Stopwatch.GetTimestamp();
            if (after - before <= MaxPairGapTicks || attempt == 3)
            {
                t_baseUnixMicroseconds = wall;
                t_baseTimestamp = before + ((after - before) / 2);
                return;
            }
        }
    }

    /// <summary>The system clock read now, in Unix microseconds.</summary>
    public static long UnixMicrosecondsNow() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
