using System.Diagnostics;
using Cairn.Primitives;

namespace Cairn.Primitives.Tests;

public sealed class WallClockTests
{
    [Fact]
    public void DerivedTimeStaysWithTheSystemClockAcrossResyncs()
    {
        // 20 ms of readings: about twenty pairs of base readings, and every reading between two of them derived.
        var run = Stopwatch.StartNew();
        int readings = 0;
        while (run.ElapsedMilliseconds < 20)
        {
            long before = WallClock.UnixMicrosecondsNow();
            long derived = WallClock.UnixMicrosecondsAt(Stopwatch.GetTimestamp());
            long after = WallClock.UnixMicrosecondsNow();
            // The base pair is taken within 20 µs (its midpoint), and truncated to microseconds.
            Assert.InRange(derived, before - 15, after + 15);
            readings++;
        }
        Assert.True(readings > 100, $"only {readings} readings");
        long millisecondsBefore = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long milliseconds = WallClock.UnixMillisecondsAt(Stopwatch.GetTimestamp());
        Assert.InRange(milliseconds, millisecondsBefore - 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void ATimestampOlderThanTheBaseReadsTheClockAgain()
    {
        long old = Stopwatch.GetTimestamp() - (Stopwatch.Frequency * 3600); // an hour ago
        WallClock.UnixMillisecondsAt(Stopwatch.GetTimestamp());
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long derived = WallClock.UnixMillisecondsAt(old);
        // Not an hour ago nor anything stranger: a stale timestamp is answered with the clock as it is now.
        Assert.InRange(derived, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
