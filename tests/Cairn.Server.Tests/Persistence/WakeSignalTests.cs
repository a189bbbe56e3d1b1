using System.Diagnostics;
using Cairn.Engine.Memory.Persistence;

namespace Cairn.Server.Tests.Persistence;

/// <summary>The AOF thread's wake-up signal (a futex word on Linux): no lost wake-up, and a timeout when nobody sets it.</summary>
public sealed class WakeSignalTests
{
    [Fact]
    public void ASignalSetBeforeTheWaitReturnsAtOnceUntilReset()
    {
        var signal = new WakeSignal();
        signal.Set();
        var clock = Stopwatch.StartNew();
        signal.Wait(5_000);
        signal.Wait(5_000); // manual reset: still set
        Assert.True(clock.ElapsedMilliseconds < 2_000, $"waited {clock.ElapsedMilliseconds} ms on a set signal");
        signal.Reset();
        clock.Restart();
        signal.Wait(50);
        Assert.True(clock.ElapsedMilliseconds >= 40, $"a reset signal returned after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void ASetFromAnotherThreadWakesTheWaiter()
    {
        var signal = new WakeSignal();
        for (int round = 0; round < 50; round++)
        {
            signal.Reset();
            using var started = new ManualResetEventSlim();
            var setter = new Thread(() =>
            {
                started.Set();
                Thread.Sleep(round % 3); // sometimes before the wait begins, sometimes during it
                signal.Set();
            });
            var clock = Stopwatch.StartNew();
            setter.Start();
            started.Wait();
            // A spurious early return is allowed (callers re-check); a lost wake-up would wait the full 20 s.
            while (clock.ElapsedMilliseconds < 20_000)
            {
                signal.Wait(20_000);
                if (IsSet(signal))
                {
                    break;
                }
            }
            setter.Join();
            Assert.True(clock.ElapsedMilliseconds < 10_000, $"round {round}: woken after {clock.ElapsedMilliseconds} ms");
        }
    }

    /// <summary>Set = a zero-timeout wait returns without sleeping (the word is read first).</summary>
    private static bool IsSet(WakeSignal signal)
    {
        var clock = Stopwatch.StartNew();
        signal.Wait(200);
        return clock.ElapsedMilliseconds < 100;
    }
}
