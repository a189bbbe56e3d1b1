using Cairn.Cluster;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Server.Tests.Cluster;

public sealed class NodeExecutorTests
{
    [Fact]
    public async Task ItemsPostedFromManyThreadsAllRunOneAtATimeInEachThreadsOrder()
    {
        int running = 0;
        int overlaps = 0;
        int batches = 0;
        var seen = new List<(int Thread, int Sequence)>();
        NodeExecutor? executor = null;
        executor = new NodeExecutor(() => batches++, NullLogger.Instance);
        Task[] posters = new Task[4];
        for (int t = 0; t < posters.Length; t++)
        {
            int thread = t;
            posters[t] = Task.Run(() =>
            {
                for (int i = 0; i < 5000; i++)
                {
                    int sequence = i;
                    executor.Post(() =>
                    {
                        if (Interlocked.Increment(ref running) != 1)
                        {
                            Interlocked.Increment(ref overlaps);
                        }
                        seen.Add((thread, sequence)); // safe only if items never overlap
                        Interlocked.Decrement(ref running);
                    });
                }
            });
        }
        await Task.WhenAll(posters);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!executor.IsIdle && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.True(executor.IsIdle);
        Assert.Equal(0, overlaps);
        Assert.Equal(20000, seen.Count);
        Assert.True(batches >= 1);
        for (int t = 0; t < posters.Length; t++)
        {
            int thread = t;
            Assert.Equal(Enumerable.Range(0, 5000), seen.Where(s => s.Thread == thread).Select(s => s.Sequence));
        }
    }

    [Fact]
    public void WorkPostedByARunningItemRunsInTheSameBatchBeforeDrain()
    {
        var log = new List<string>();
        NodeExecutor? executor = null;
        executor = new NodeExecutor(() => log.Add("drain"), NullLogger.Instance);
        executor.Post(() =>
        {
            log.Add("first");
            executor.Post(() => log.Add("nested"));
            Assert.True(executor.IsRunningOnCurrentThread);
            log.Add("first done");
        });
        Assert.Equal(["first", "first done", "nested", "drain"], log);
        Assert.False(executor.IsRunningOnCurrentThread);
    }

    [Fact]
    public void AFailingItemIsLoggedAndTheRestStillRun()
    {
        int ran = 0;
        var executor = new NodeExecutor(() => { }, NullLogger.Instance);
        executor.Enqueue(() => throw new InvalidOperationException("boom"));
        executor.Enqueue(() => ran++);
        executor.Run();
        Assert.Equal(1, ran);
        Assert.True(executor.IsIdle);
    }
}
