namespace Cairn.Consensus.Tests.Simulation;

public sealed class LinearizabilityCheckerTests
{
    private static int s_id;

    private static HistoryOperation Put(string value, long invoke, long ret, string key = "k") =>
        new() { Id = s_id++, Client = 0, Key = key, IsWrite = true, Value = value, InvokeMicros = invoke, ReturnMicros = ret };

    private static HistoryOperation Get(string? value, long invoke, long ret, string key = "k") =>
        new() { Id = s_id++, Client = 1, Key = key, IsWrite = false, Value = value, InvokeMicros = invoke, ReturnMicros = ret };

    [Fact]
    public void SequentialHistoryIsLinearizable() =>
        Assert.Equal(LinearizabilityResult.Linearizable, LinearizabilityChecker.Check([Put("a", 0, 1), Get("a", 2, 3), Put("b", 4, 5), Get("b", 6, 7)]));

    [Fact]
    public void StaleReadAfterCompletedWriteIsNotLinearizable() =>
        Assert.Equal(LinearizabilityResult.NotLinearizable, LinearizabilityChecker.Check([Put("a", 0, 1), Put("b", 2, 3), Get("a", 4, 5)]));

    [Fact]
    public void ReadOfInitialValueAfterWriteCompletedIsNotLinearizable() =>
        Assert.Equal(LinearizabilityResult.NotLinearizable, LinearizabilityChecker.Check([Put("a", 0, 1), Get(null, 2, 3)]));

    [Fact]
    public void ConcurrentReadMaySeeEitherValue()
    {
        Assert.Equal(LinearizabilityResult.Linearizable, LinearizabilityChecker.Check([Put("a", 0, 1), Put("b", 2, 10), Get("a", 3, 4)]));
        Assert.Equal(LinearizabilityResult.Linearizable, LinearizabilityChecker.Check([Put("a", 0, 1), Put("b", 2, 10), Get("b", 3, 4)]));
    }

    [Fact]
    public void ReadsMustNotGoBackInTime() =>
        // Once a read has seen b, a later read may not see a again (new-old inversion).
        Assert.Equal(LinearizabilityResult.NotLinearizable,
            LinearizabilityChecker.Check([Put("a", 0, 1), Put("b", 2, 20), Get("b", 3, 4), Get("a", 5, 6)]));

    [Fact]
    public void WriteWithUnknownOutcomeMayTakeEffectLateOrNever()
    {
        Assert.Equal(LinearizabilityResult.Linearizable, LinearizabilityChecker.Check([Put("a", 0, 1), Put("b", 2, long.MaxValue), Get("a", 5, 6)]));
        Assert.Equal(LinearizabilityResult.Linearizable, LinearizabilityChecker.Check([Put("a", 0, 1), Put("b", 2, long.MaxValue), Get("b", 50, 60)]));
        Assert.Equal(LinearizabilityResult.NotLinearizable, LinearizabilityChecker.Check([Put("a", 0, 1), Get("b", 2, 3), Put("b", 5, long.MaxValue)]));
    }

    [Fact]
    public void ManyUnobservedUnknownWritesDoNotBlowUpTheSearch()
    {
        var history = new List<HistoryOperation> { Put("a", 0, 1) };
        for (int i = 0; i < 200; i++)
        {
            history.Add(Put("lost" + i, 2 + i, long.MaxValue));
            history.Add(Get("a", 2 + i, 3 + i));
        }
        Assert.Equal(LinearizabilityResult.Linearizable, LinearizabilityChecker.Check(history, stepBudget: 100_000));
    }

    [Fact]
    public void KeysAreCheckedIndependently()
    {
        var history = new[] { Put("a", 0, 1, "x"), Put("b", 0, 1, "y"), Get("a", 2, 3, "x"), Get("a", 2, 3, "y") };
        Assert.Equal(LinearizabilityResult.NotLinearizable, LinearizabilityChecker.CheckAll(history, out string? key));
        Assert.Equal("y", key);
    }
}
