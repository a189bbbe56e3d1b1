using Cairn.Primitives.Networking;

namespace Cairn.Primitives.Tests.Networking;

/// <summary>EventLoopTurn: work deferred during an event-loop turn runs once, in order, when the turn ends.</summary>
public sealed class EventLoopTurnTests
{
    [Fact]
    public void OutsideATurnNothingIsDeferred()
    {
        int runs = 0;
        Assert.False(EventLoopTurn.InTurn);
        Assert.False(EventLoopTurn.TryDefer(() => runs++));
        Assert.Equal(0, runs);
    }

    [Fact]
    public void WorkDeferredInATurnRunsOnceAtItsEndInOrder()
    {
        var order = new List<string>();
        Action first = () => order.Add("first");
        Action second = () => order.Add("second");
        EventLoopTurn.Begin();
        Assert.True(EventLoopTurn.TryDefer(first));
        Assert.True(EventLoopTurn.TryDefer(second));
        Assert.True(EventLoopTurn.TryDefer(first)); // the same delegate again: still once
        Assert.Empty(order);
        EventLoopTurn.End(e => throw e);
        Assert.Equal(["first", "second"], order);
        Assert.False(EventLoopTurn.InTurn);
        EventLoopTurn.Begin();
        EventLoopTurn.End(e => throw e);
        Assert.Equal(2, order.Count); // nothing left over for the next turn
    }

    [Fact]
    public void TryDeferNewQueuesWithoutLookingForTheSameWorkAndOnlyInATurn()
    {
        int runs = 0;
        Action work = () => runs++;
        Assert.False(EventLoopTurn.TryDeferNew(work));
        EventLoopTurn.Begin();
        Assert.True(EventLoopTurn.TryDeferNew(work));
        Assert.True(EventLoopTurn.TryDeferNew(work)); // the caller keeps its own flag; queued twice, runs twice
        Assert.Equal(0, runs);
        EventLoopTurn.End(e => throw e);
        Assert.Equal(2, runs);
    }

    [Fact]
    public void AFailingItemIsReportedAndTheRestStillRun()
    {
        var errors = new List<Exception>();
        bool ranAfter = false;
        EventLoopTurn.Begin();
        EventLoopTurn.TryDefer(() => throw new InvalidOperationException("boom"));
        EventLoopTurn.TryDefer(() => ranAfter = true);
        EventLoopTurn.End(errors.Add);
        Assert.Equal("boom", Assert.Single(errors).Message);
        Assert.True(ranAfter);
    }

    [Fact]
    public void WorkDeferredWhileTheDeferredWorkRunsRunsAtOnce()
    {
        int inner = 0;
        EventLoopTurn.Begin();
        EventLoopTurn.TryDefer(() => Assert.False(EventLoopTurn.TryDefer(() => inner++)));
        EventLoopTurn.End(e => throw e);
        Assert.Equal(0, inner); // TryDefer said no: its caller runs the work itself
    }

    [Fact]
    public void TurnsArePerThread()
    {
        EventLoopTurn.Begin();
        try
        {
            bool deferredElsewhere = true;
            var thread = new Thread(() => deferredElsewhere = EventLoopTurn.TryDefer(() => { }));
            thread.Start();
            thread.Join();
            Assert.False(deferredElsewhere);
        }
        finally
        {
            EventLoopTurn.End(_ => { });
        }
    }
}
